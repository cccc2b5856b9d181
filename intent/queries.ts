import type { Distribution, Inventory, LoadBalancer, Subnet } from '../inventory/types.ts';
import type { ResolvedIntent } from './resolve.ts';
import type { Tier } from './schema.ts';

/**
 * Questions about the intent, answered over the inventory: which VPCs the audit covers, which subnets
 * make a tier, which distributions are front doors, which load balancers are meant to face the
 * internet. Checks and the exposure model ask them here, so each has one answer.
 */

/** Subnets of a tier: listed by id, or carrying the tier's tag. */
export const subnetsOfTier = (inventory: Inventory, tier: Tier): readonly Subnet[] =>
  inventory.ec2.subnets.filter(
    (s) =>
      tier.subnetIds.includes(s.id) || (tier.tag !== undefined && s.tags[tier.tag.key] === tier.tag.value),
  );

/** The audit's VPC scope: asked per VPC id, since a resource may name a VPC the listing did not return. */
export interface VpcScope {
  readonly has: (vpcId: string) => boolean;
}

/** A VPC the intent leaves out of the audit, with the intent's reason. */
export interface ExcludedVpc {
  readonly id: string;
  readonly region?: string;
  readonly reason: string;
}

/**
 * VPCs the intent's `excludeVpcs` leaves out: by id (whether or not the VPC exists any more), or every
 * collected VPC carrying the tag.
 */
export const excludedVpcs = (inventory: Inventory, intent: ResolvedIntent): readonly ExcludedVpc[] => {
  const found = new Map<string, ExcludedVpc>();
  for (const rule of intent.excludeVpcs) {
    const matches = rule.id
      ? inventory.ec2.vpcs.filter((v) => v.id === rule.id)
      : inventory.ec2.vpcs.filter((v) => rule.tag !== undefined && v.tags[rule.tag.key] === rule.tag.value);
    if (rule.id && matches.length === 0 && !found.has(rule.id))
      found.set(rule.id, { id: rule.id, reason: rule.reason });
    for (const v of matches)
      if (!found.has(v.id)) found.set(v.id, { id: v.id, region: v.region, reason: rule.reason });
  }
  return [...found.values()];
};

/**
 * The VPCs audited: every VPC of the account, default VPCs and VPCs created after the intent was
 * written included, except those the intent excludes. One CloudFront door is a property of the whole
 * account: a second door in a VPC nobody listed is still a second door. `intent.vpcs` says what each
 * VPC is meant to be; it never narrows the audit.
 */
export const vpcsInScope = (inventory: Inventory, intent: ResolvedIntent): VpcScope => {
  const excluded = new Set(excludedVpcs(inventory, intent).map((e) => e.id));
  return { has: (vpcId) => !excluded.has(vpcId) };
};

/**
 * The distributions P6 holds to account: those the intent names as front doors (by id or ARN), or
 * every distribution when it names none. A distribution outside that set is someone else's design;
 * whether it opens an unintended path into the VPC is judged by the exposure and load balancer checks.
 */
export const frontDoors = (inventory: Inventory, intent: ResolvedIntent): readonly Distribution[] => {
  const named = new Set(intent.cloudfront.frontDoors);
  if (named.size === 0) return inventory.cloudfront.distributions;
  return inventory.cloudfront.distributions.filter(
    (d) => named.has(d.id) || (d.arn !== undefined && named.has(d.arn)),
  );
};

/** True when the intent names this load balancer (by ARN or name) as allowed to be internet-facing. */
export const isAllowlistedInternetFacing = (lb: LoadBalancer, intent: ResolvedIntent): boolean =>
  intent.loadBalancers.allowInternetFacing.some(
    (entry) => entry === lb.id || entry === lb.arn || entry === lb.loadBalancerName,
  );

/**
 * True when the intent accepts this load balancer being internet-facing: the profile (or file) does
 * not require internal load balancers, or this one is allow-listed. elb.internet-facing reports the
 * others; sg.world-ingress uses it to recognise the classic public ALB as the design.
 */
export const internetFacingIntended = (lb: LoadBalancer, intent: ResolvedIntent): boolean =>
  lb.scheme === 'internet-facing' &&
  (!intent.switches.requireInternalLoadBalancers || isAllowlistedInternetFacing(lb, intent));
