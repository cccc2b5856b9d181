import {
  type ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CollectionError, Elbv2Inventory, Listener } from '../inventory/types.ts';
import { mapLimit } from './concurrency.ts';
import {
  ELBV2_REQUIRED,
  normalizeListener,
  normalizeLoadBalancer,
  normalizeTargetGroup,
} from './normalize/elbv2.ts';
import { type CollectContext, callOptions, collectSlice, drain, errorsOf, pagingGuard } from './slice.ts';

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
  context: CollectContext = {},
): Promise<{ elbv2: Elbv2Inventory; errors: CollectionError[] }> => {
  const site = { service: 'elbv2', region };
  const call = callOptions(context);
  const [loadBalancers, targetGroups] = await Promise.all([
    // Listeners are described per load balancer, so without this list they are missing too.
    collectSlice(
      { ...site, operation: 'DescribeLoadBalancers', slices: ['elbv2.loadBalancers', 'elbv2.listeners'] },
      async (s) =>
        s.wellFormed(
          await drain(
            paginateDescribeLoadBalancers(pagingGuard({ client }), { PageSize: PAGE_SIZE }, call),
            (p) => p.LoadBalancers,
          ),
          ELBV2_REQUIRED.DescribeLoadBalancers,
          (lb) => normalizeLoadBalancer(lb, region),
        ),
      context,
    ),
    // Each target group lists its LoadBalancerArns, so no per-load-balancer DescribeTargetGroups call.
    collectSlice(
      { ...site, operation: 'DescribeTargetGroups', slices: ['elbv2.targetGroups'] },
      async (s) =>
        s.wellFormed(
          await drain(
            paginateDescribeTargetGroups(pagingGuard({ client }), { PageSize: PAGE_SIZE }, call),
            (p) => p.TargetGroups,
          ),
          ELBV2_REQUIRED.DescribeTargetGroups,
          (tg) => normalizeTargetGroup(tg, region),
        ),
      context,
    ),
  ]);

  const lbs = loadBalancers.ok ? loadBalancers.items : [];
  // DescribeListeners requires a LoadBalancerArn (or listener ARNs): there is no account-wide listing.
  // Each call names its load balancer by ARN (its finding id), so a failure blinds only what hangs on it.
  const listenerResults = await mapLimit(lbs, LISTENER_CONCURRENCY, (lb) =>
    collectSlice(
      {
        ...site,
        operation: 'DescribeListeners',
        slices: ['elbv2.listeners'],
        resourceId: lb.arn ?? lb.id,
        resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      },
      async (s) =>
        s.wellFormed(
          await drain(
            paginateDescribeListeners(
              pagingGuard({ client }),
              { LoadBalancerArn: lb.arn, PageSize: PAGE_SIZE },
              call,
            ),
            (p) => p.Listeners,
          ),
          ELBV2_REQUIRED.DescribeListeners,
          (l) => normalizeListener(l, region),
        ),
      context,
    ),
  );

  const listeners: Listener[] = listenerResults.flatMap((r) => (r.ok ? r.items : []));
  return {
    elbv2: {
      loadBalancers: lbs,
      listeners,
      targetGroups: targetGroups.ok ? targetGroups.items : [],
    },
    errors: errorsOf([loadBalancers, targetGroups, ...listenerResults]),
  };
};
