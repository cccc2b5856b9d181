/**
 * The benchmark's server process: generates the synthetic account, serves it on 127.0.0.1 and reports
 * the minimum number of calls and the rate-limit floor for it. Runs apart from the audit so the audit's
 * peak RSS is its own. Talks to the parent over IPC: 'ready' → {port, ...}; 'stats' → counters; 'stop'.
 */
import { EC2_PAGE_SIZES } from '../../collect/ec2.ts';
import { type BenchAccount, DEFAULT_SCALE, generateAccount } from './data.ts';
import { LATENCY_MS, MAX_PAGE, SERVER_LIMITS, startBenchServer } from './server.ts';

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

/** The fewest calls that read this account: every list at its largest page, per-resource calls only
 * where no list gives the same (listeners per load balancer, resources/stages/export per
 * API, keys per usage plan, each referenced response headers policy), plus AssumeRole and the identity. */
export const minimumCalls = (d: BenchAccount): Record<string, number> => {
  const calls: Record<string, number> = {};
  for (const [op, items] of Object.entries(d.ec2)) {
    calls[`ec2:${op}`] = pages(items.length, EC2_PAGE_SIZES[op as keyof typeof EC2_PAGE_SIZES]);
  }
  const elb = MAX_PAGE.elbv2 as number;
  calls['elbv2:DescribeLoadBalancers'] = pages(d.elbv2.loadBalancers.length, elb);
  calls['elbv2:DescribeTargetGroups'] = pages(d.elbv2.targetGroups.length, elb);
  calls['elbv2:DescribeListeners'] = d.elbv2.loadBalancers.reduce(
    (n, lb) => n + pages(d.elbv2.listeners.get(lb.LoadBalancerArn as string)?.length ?? 0, elb),
    0,
  );
  calls['cloudfront:ListDistributions'] = pages(
    d.cloudfront.distributions.length,
    MAX_PAGE.cloudfront as number,
  );
  calls['cloudfront:GetResponseHeadersPolicy'] = d.cloudfront.policies.size;
  const api = MAX_PAGE.apigateway as number;
  const a = d.apigateway;
  calls['apigateway:GetRestApis'] = pages(a.restApis.length, api);
  calls['apigateway:GetResources'] = a.restApis.reduce(
    (n, r) => n + pages(a.resources.get(r.id as string)?.length ?? 0, api),
    0,
  );
  calls['apigateway:GetStages'] = a.restApis.length;
  calls['apigateway:GetExport'] = a.restApis.reduce(
    (n, r) => n + (a.stages.get(r.id as string)?.length ?? 0),
    0,
  );
  calls['apigateway:GetVpcLinks'] = pages(a.vpcLinks.length, api);
  calls['apigateway:GetUsagePlans'] = pages(a.usagePlans.length, api);
  calls['apigateway:GetUsagePlanKeys'] = a.usagePlans.length;
  calls['apigateway:GetApiKeys'] = pages(a.apiKeys.length, api);
  calls['sts:AssumeRole'] = 1;
  calls['sts:GetCallerIdentity'] = 1;
  return calls;
};

/** The least wall time the limits allow for those calls: per bucket (calls beyond the burst at the
 * refill rate), the slowest bucket of all, plus one call's latency. Services run in parallel. */
export const floorMs = (calls: Record<string, number>): number => {
  let floor = 0;
  for (const [service, buckets] of Object.entries(SERVER_LIMITS)) {
    for (const b of buckets) {
      const n = Object.entries(calls)
        .filter(([key]) => key.startsWith(`${service}:`) && b.applies(key.slice(service.length + 1)))
        .reduce((sum, [, c]) => sum + c, 0);
      floor = Math.max(floor, (Math.max(0, n - b.burst) / b.rate) * 1000 + (LATENCY_MS[service] ?? 0));
    }
  }
  return Math.round(floor);
};

const main = async () => {
  const data = generateAccount(DEFAULT_SCALE);
  const server = await startBenchServer(data);
  const minimum = minimumCalls(data);
  const counts = {
    securityGroups: data.ec2.DescribeSecurityGroups.length,
    securityGroupRules: data.ec2.DescribeSecurityGroupRules.length,
    subnets: data.ec2.DescribeSubnets.length,
    networkInterfaces: data.ec2.DescribeNetworkInterfaces.length,
    loadBalancers: data.elbv2.loadBalancers.length,
    distributions: data.cloudfront.distributions.length,
    restApis: data.apigateway.restApis.length,
    apiResources: [...data.apigateway.resources.values()].reduce((n, r) => n + r.length, 0),
  };
  process.send?.({ type: 'ready', port: server.port, minimum, floorMs: floorMs(minimum), counts });
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'stats') process.send?.({ type: 'stats', stats: server.stats });
    if (message.type === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  // Never outlive the benchmark: the parent going away ends this process too.
  process.on('disconnect', () => process.exit(0));
};

await main();
