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

/** VPC ids the intent scopes the audit to: the listed ones, or every non-default VPC. */
export const vpcsInScope = (inventory: Inventory, intent: ResolvedIntent): ReadonlySet<string> =>
  new Set(
    intent.vpcs.length > 0
      ? intent.vpcs.map((v) => v.id)
      : inventory.ec2.vpcs.filter((v) => !v.isDefault).map((v) => v.id),
  );

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
