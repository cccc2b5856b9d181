import {
  type ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CollectionError, Elbv2Inventory, Listener } from '../inventory/types.ts';
import { mapLimit } from './concurrency.ts';
import { normalizeListener, normalizeLoadBalancer, normalizeTargetGroup } from './normalize/elbv2.ts';
import { collectSlice, drain } from './slice.ts';

/**
 * The largest page ELBv2 allows. Its paginators ignore the config's pageSize, so it goes in the input.
 */
const PAGE_SIZE = 400;
/** Load balancers whose listeners are described at once (ELBv2 Describe* calls share a rate limit). */
const LISTENER_CONCURRENCY = 4;

/** Collects the region's ALBs/NLBs/GWLBs, their listeners and the target groups. Never throws. */
export const collectElbv2 = async (
  client: ElasticLoadBalancingV2Client,
  region: string,
): Promise<{ elbv2: Elbv2Inventory; errors: CollectionError[] }> => {
  const site = { service: 'elbv2', region };
  const [loadBalancers, targetGroups] = await Promise.all([
    // Listeners are described per load balancer, so without this list they are missing too.
    collectSlice(
      { ...site, operation: 'DescribeLoadBalancers', slices: ['elbv2.loadBalancers', 'elbv2.listeners'] },
      () => drain(paginateDescribeLoadBalancers({ client }, { PageSize: PAGE_SIZE }), (p) => p.LoadBalancers),
    ),
    // Each target group lists its LoadBalancerArns, so no per-load-balancer DescribeTargetGroups call.
    collectSlice({ ...site, operation: 'DescribeTargetGroups', slices: ['elbv2.targetGroups'] }, () =>
      drain(paginateDescribeTargetGroups({ client }, { PageSize: PAGE_SIZE }), (p) => p.TargetGroups),
    ),
  ]);

  const lbs = loadBalancers.ok ? loadBalancers.items : [];
  // DescribeListeners requires a LoadBalancerArn (or listener ARNs): there is no account-wide listing.
  const listenerResults = await mapLimit(lbs, LISTENER_CONCURRENCY, (lb) =>
    collectSlice({ ...site, operation: 'DescribeListeners', slices: ['elbv2.listeners'] }, () =>
      drain(
        paginateDescribeListeners({ client }, { LoadBalancerArn: lb.LoadBalancerArn, PageSize: PAGE_SIZE }),
        (p) => p.Listeners,
      ),
    ),
  );

  const listeners: Listener[] = listenerResults.flatMap((r) =>
    r.ok ? r.items.map((l) => normalizeListener(l, region)) : [],
  );
  const errors = [loadBalancers, targetGroups, ...listenerResults].flatMap((r) => (r.ok ? [] : [r.error]));
  return {
    elbv2: {
      loadBalancers: lbs.map((lb) => normalizeLoadBalancer(lb, region)),
      listeners,
      targetGroups: targetGroups.ok ? targetGroups.items.map((tg) => normalizeTargetGroup(tg, region)) : [],
    },
    errors,
  };
};
