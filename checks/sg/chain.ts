import { vpcsInScope } from '../../intent/queries.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import type { ChainLink } from '../../intent/schema.ts';
import { loadBalancerHost } from '../../inventory/derive.ts';
import type { Inventory, LoadBalancer, SecurityGroupRule } from '../../inventory/types.ts';
import { CIDR_SOURCE_PREFIX } from './cidr-source.ts';
import { cidrOf } from './rules.ts';

/** One `from` entry of a chain link, resolved to what an ingress rule must name. */
export type ChainSource =
  | { readonly kind: 'cloudfront'; readonly text: string }
  | { readonly kind: 'group'; readonly groupId: string; readonly text: string }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly text: string }
  | { readonly kind: 'prefix-list'; readonly prefixListId: string; readonly text: string }
  | { readonly kind: 'unresolved'; readonly text: string };

/**
 * 'cloudfront' is the CloudFront origin-facing prefix list; another link's name means that link's
 * groupId; 'sg-…' a group id; 'cidr:<block>' a CIDR; 'pl-…' a prefix list. Anything else names no
 * link and can never be matched, which chain-broken reports as a missing link.
 */
export const resolveSource = (source: string, chain: readonly ChainLink[]): ChainSource => {
  if (source === 'cloudfront') return { kind: 'cloudfront', text: 'CloudFront プレフィックスリスト' };
  const link = chain.find((l) => l.name === source);
  if (link) return { kind: 'group', groupId: link.groupId, text: `${link.name} (${link.groupId})` };
  if (source.startsWith('sg-')) return { kind: 'group', groupId: source, text: source };
  if (source.startsWith('pl-')) return { kind: 'prefix-list', prefixListId: source, text: source };
  if (source.startsWith(CIDR_SOURCE_PREFIX)) {
    const cidr = source.slice(CIDR_SOURCE_PREFIX.length);
    return { kind: 'cidr', cidr, text: cidr };
  }
  return { kind: 'unresolved', text: source };
};

/** True when the rule's source is exactly this intended source. */
export const ruleFrom = (
  rule: SecurityGroupRule,
  source: ChainSource,
  cloudFrontLists: ReadonlySet<string>,
): boolean => {
  switch (source.kind) {
    case 'cloudfront':
      return rule.prefixListId !== undefined && cloudFrontLists.has(rule.prefixListId);
    case 'group':
      return rule.referencedGroupId === source.groupId;
    case 'cidr':
      return cidrOf(rule)?.toLowerCase() === source.cidr.toLowerCase();
    case 'prefix-list':
      return rule.prefixListId === source.prefixListId;
    case 'unresolved':
      return false;
  }
};

/** A security group that must admit only CloudFront, and the ports it is meant to serve. */
export interface FrontGroup {
  readonly groupId: string;
  /** Intended ports; undefined when no listener was collected, so only the source can be judged. */
  readonly ports: ReadonlySet<number> | undefined;
  /** How the group was recognised as the front: the chain link, or the load balancers CloudFront reaches. */
  readonly via: string;
}

/**
 * Load balancers a CloudFront distribution reaches: through a VPC origin whose target is the LB, or a
 * custom origin whose domain is the LB's own DNS name. A custom origin behind a CNAME of the LB cannot
 * be recognised without DNS, so it is not.
 */
export const loadBalancersBehindCloudFront = (inventory: Inventory): readonly LoadBalancer[] => {
  const vpcOriginTargets = new Map(inventory.cloudfront.vpcOrigins.map((v) => [v.id, v.targetArn]));
  const targets = new Set<string>();
  const domains = new Set<string>();
  for (const d of inventory.cloudfront.distributions) {
    for (const o of d.origins) {
      const target = o.vpcOriginId ? vpcOriginTargets.get(o.vpcOriginId) : undefined;
      if (target) targets.add(target);
      domains.add(loadBalancerHost(o.domainName));
    }
  }
  return inventory.elbv2.loadBalancers.filter(
    (lb) => targets.has(lb.arn ?? lb.id) || targets.has(lb.id) || domains.has(loadBalancerHost(lb.dnsName)),
  );
};

/**
 * The front security groups: chain links marked `front`, or, when the intent has no chain, the SGs of
 * the load balancers CloudFront reaches, meant to serve those LBs' listener ports.
 */
export const frontGroups = (inventory: Inventory, intent: ResolvedIntent): readonly FrontGroup[] => {
  const chain = intent.securityGroups.chain;
  if (chain.length > 0) {
    return chain
      .filter((l) => l.front)
      .map((l) => ({ groupId: l.groupId, ports: new Set(l.ports), via: `チェーン ${l.name}` }));
  }
  const inScope = vpcsInScope(inventory, intent);
  const byGroup = new Map<string, { ports: Set<number> | undefined; lbs: string[] }>();
  for (const lb of loadBalancersBehindCloudFront(inventory)) {
    if (!inScope.has(lb.vpcId)) continue;
    const lbArn = lb.arn ?? lb.id;
    const listenerPorts = inventory.elbv2.listeners
      .filter((l) => l.loadBalancerArn === lbArn && l.port !== undefined)
      .map((l) => l.port as number);
    for (const groupId of lb.securityGroupIds) {
      const entry = byGroup.get(groupId) ?? { ports: new Set<number>(), lbs: [] };
      // One LB without listeners leaves the group's ports unknown rather than "none intended".
      entry.ports =
        entry.ports && listenerPorts.length > 0 ? new Set([...entry.ports, ...listenerPorts]) : undefined;
      entry.lbs.push(lb.loadBalancerName);
      byGroup.set(groupId, entry);
    }
  }
  return [...byGroup].map(([groupId, e]) => ({
    groupId,
    ports: e.ports,
    via: `CloudFront のオリジンであるロードバランサー ${e.lbs.join(', ')}`,
  }));
};
