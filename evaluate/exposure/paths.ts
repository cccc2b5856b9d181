/**
 * Exposure reasoning (P1): every path from the internet to a VPC workload, with its hops in order, and
 * whether the intent accepts it. Pure; linear-ish in the inventory: each subnet's internet reachability
 * (route × NACL) is computed once, each SG's internet ingress once, and everything is joined through
 * indexes by id — no all-pairs loops.
 *
 * Entries modelled:
 * 1. A workload network interface with a public IP / EIP, or a global IPv6 address:
 *    IGW → route → subnet → NACL → ENI → SG.
 * 2. An internet-facing ALB/NLB: IGW → route → subnet → NACL → LB → SG (none for an NLB without one)
 *    → listener → target group.
 * 3. A REGIONAL/EDGE REST API whose served method needs no API key and whose resource policy admits
 *    internet callers: API → stage/method → VPC link → NLB/ALB → target group.
 * CloudFront distributions are the intended door and never a finding: a distribution reaches the VPC only
 * through a VPC origin (private) or a public origin, and a public origin is itself an entry judged above.
 *
 * Targets of target groups are not collected: a path through a load balancer ends at the target group,
 * which stands for its targets (its VPC is the workload side).
 */

import { frontDoors } from '../../intent/queries.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import { byId, label } from '../../inventory/derive.ts';
import type { Inventory } from '../../inventory/types.ts';
import { AccountIndex } from './account-index.ts';
import { lbLabel } from './hops.ts';
import { loadBalancerPaths } from './load-balancer.ts';
import { publicIpPaths } from './public-ip.ts';
import { restApiPaths } from './rest-api.ts';
import type { ExposureModel, IntendedDoor } from './types.ts';

const cloudFrontDoors = (index: AccountIndex): IntendedDoor[] => {
  const vpcOrigins = byId(index.inventory.cloudfront.vpcOrigins);
  return frontDoors(index.inventory, index.intent)
    .filter((d) => d.enabled)
    .map((d) => ({
      kind: 'distribution' as const,
      id: d.id,
      label: label(d),
      reason:
        index.intent.cloudfront.frontDoors.length > 0
          ? '設計定義ファイルの cloudfront.frontDoors に記載'
          : 'CloudFront ディストリビューション（意図した入口）',
      leadsTo: d.origins.map((o) => {
        if (o.kind === 'vpc-origin') {
          const vo = o.vpcOriginId ? vpcOrigins.get(o.vpcOriginId) : undefined;
          const lb = vo ? index.loadBalancers.get(vo.targetArn) : undefined;
          return `VPC オリジン → ${lb ? lbLabel(lb) : (vo?.targetArn ?? o.domainName)}`;
        }
        return `${o.kind} オリジン ${o.domainName}`;
      }),
    }));
};

/** Every path from the internet to a workload, and the intended doors. */
export const exposureModel = (inventory: Inventory, intent: ResolvedIntent): ExposureModel => {
  const index = new AccountIndex(inventory, intent);
  const paths = [...publicIpPaths(index), ...loadBalancerPaths(index), ...restApiPaths(index)];
  const intendedByEntry = new Map<string, IntendedDoor>();
  for (const p of paths) {
    if (!p.intended) continue;
    const id = p.entry.resource.id;
    const door = intendedByEntry.get(id) ?? {
      kind: p.entry.kind,
      id,
      label: p.entry.label,
      reason: p.intended,
      leadsTo: [],
    };
    intendedByEntry.set(id, { ...door, leadsTo: [...door.leadsTo, p.workload.label] });
  }
  return { paths, doors: [...cloudFrontDoors(index), ...intendedByEntry.values()] };
};
