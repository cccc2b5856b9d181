import type { ResolvedIntent } from '../../intent/resolve.ts';
import type { LoadBalancer } from '../../inventory/types.ts';

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
