import type {
  Action,
  Listener as SdkListener,
  LoadBalancer as SdkLoadBalancer,
  TargetGroup as SdkTargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Listener, LoadBalancer, TargetGroup } from '../../inventory/types.ts';

/**
 * Pure ELBv2 normalization: SDK output items in, inventory shapes out. Tags are not read here:
 * DescribeLoadBalancers/DescribeTargetGroups do not return them and no check reads them.
 */

/**
 * Fields without which an item cannot be normalized without guessing. A load balancer without its
 * Scheme would otherwise be guessed internet-facing (or internal): either guess can hide or invent a
 * finding, so the item is dropped and the slice reported partial (MalformedResponse).
 */
export const ELBV2_REQUIRED = {
  DescribeLoadBalancers: ['LoadBalancerArn', 'Scheme', 'Type'],
  DescribeListeners: ['ListenerArn', 'LoadBalancerArn'],
  DescribeTargetGroups: ['TargetGroupArn'],
} as const satisfies {
  DescribeLoadBalancers: readonly (keyof SdkLoadBalancer)[];
  DescribeListeners: readonly (keyof SdkListener)[];
  DescribeTargetGroups: readonly (keyof SdkTargetGroup)[];
};

const LB_TYPES = new Set<LoadBalancer['type']>(['application', 'network', 'gateway']);

export const normalizeLoadBalancer = (lb: SdkLoadBalancer, region: string): LoadBalancer => {
  const arn = lb.LoadBalancerArn ?? '';
  const name = lb.LoadBalancerName ?? '';
  const type = LB_TYPES.has(lb.Type as LoadBalancer['type'])
    ? (lb.Type as LoadBalancer['type'])
    : 'application';
  return {
    id: arn,
    arn,
    region,
    name,
    tags: {},
    loadBalancerName: name,
    type,
    // AWS defaults a new load balancer to internet-facing when Scheme is omitted.
    scheme: lb.Scheme === 'internal' ? 'internal' : 'internet-facing',
    dnsName: lb.DNSName ?? '',
    vpcId: lb.VpcId ?? '',
    subnetIds: (lb.AvailabilityZones ?? []).flatMap((az) => (az.SubnetId ? [az.SubnetId] : [])),
    // NLBs created without security groups have none, and can never get one afterwards.
    securityGroupIds: lb.SecurityGroups ?? [],
    state: lb.State?.Code ?? 'unknown',
  };
};

/**
 * Target groups a listener's default actions send traffic to: a plain `forward` names one in
 * TargetGroupArn, a weighted forward lists them in ForwardConfig (both may be set; they agree).
 */
export const forwardedTargetGroupArns = (actions: readonly Action[] | undefined): string[] => {
  const arns = (actions ?? [])
    .filter((a) => a.Type === 'forward')
    .flatMap((a) => [
      ...(a.TargetGroupArn ? [a.TargetGroupArn] : []),
      ...(a.ForwardConfig?.TargetGroups ?? []).flatMap((t) => (t.TargetGroupArn ? [t.TargetGroupArn] : [])),
    ]);
  return [...new Set(arns)];
};

export const normalizeListener = (listener: SdkListener, region: string): Listener => ({
  arn: listener.ListenerArn ?? '',
  loadBalancerArn: listener.LoadBalancerArn ?? '',
  region,
  ...(listener.Port !== undefined ? { port: listener.Port } : {}),
  ...(listener.Protocol !== undefined ? { protocol: listener.Protocol } : {}),
  targetGroupArns: forwardedTargetGroupArns(listener.DefaultActions),
});

export const normalizeTargetGroup = (tg: SdkTargetGroup, region: string): TargetGroup => {
  const arn = tg.TargetGroupArn ?? '';
  const name = tg.TargetGroupName ?? '';
  return {
    id: arn,
    arn,
    region,
    name,
    tags: {},
    targetGroupName: name,
    targetType: tg.TargetType ?? 'instance',
    ...(tg.Protocol !== undefined ? { protocol: tg.Protocol } : {}),
    ...(tg.Port !== undefined ? { port: tg.Port } : {}),
    ...(tg.VpcId !== undefined ? { vpcId: tg.VpcId } : {}),
    loadBalancerArns: tg.LoadBalancerArns ?? [],
  };
};
