import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectElbv2 } from '../../collect/elbv2.ts';
import {
  ALB_ARN,
  ALB_TG_ARN,
  albListeners,
  albListenersPage2,
  CANARY_TG_ARN,
  loadBalancersPage1,
  loadBalancersPage2,
  NLB_ARN,
  NLB_TG_ARN,
  nlbListeners,
  targetGroups,
} from '../fixtures/elbv2-responses.ts';

const REGION = 'ap-northeast-1';
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const client = new ElasticLoadBalancingV2Client({ region: REGION });

const accessDenied = (action: string) =>
  new ElasticLoadBalancingV2ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::123456789012:assumed-role/auditor/session is not authorized to perform: elasticloadbalancing:${action}`,
  });

const mockHappyAccount = () => {
  elbv2
    .on(DescribeLoadBalancersCommand)
    .resolvesOnce(loadBalancersPage1)
    .resolvesOnce(loadBalancersPage2)
    .on(DescribeTargetGroupsCommand)
    .resolves(targetGroups)
    .on(DescribeListenersCommand, { LoadBalancerArn: ALB_ARN })
    .resolvesOnce(albListeners)
    .resolvesOnce(albListenersPage2)
    .on(DescribeListenersCommand, { LoadBalancerArn: NLB_ARN })
    .resolves(nlbListeners);
};

describe('collectElbv2', () => {
  beforeEach(() => elbv2.reset());

  it('reads both pages of load balancers and keeps an NLB without security groups', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { elbv2: inventory, errors } = await collectElbv2(client, REGION);

    // Assess
    expect(errors).toEqual([]);
    expect(elbv2).toReceiveCommandTimes(DescribeLoadBalancersCommand, 2);
    expect(elbv2).toReceiveCommandWith(DescribeLoadBalancersCommand, { PageSize: 400 });
    expect(elbv2).toReceiveCommandWith(DescribeTargetGroupsCommand, { PageSize: 400 });
    expect(inventory.loadBalancers).toEqual([
      {
        id: ALB_ARN,
        arn: ALB_ARN,
        region: REGION,
        name: 'prod-alb',
        tags: {},
        loadBalancerName: 'prod-alb',
        type: 'application',
        scheme: 'internal',
        dnsName: 'internal-prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com',
        vpcId: 'vpc-0a1b2c3d4e5f60001',
        subnetIds: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60012'],
        securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
        state: 'active',
      },
      expect.objectContaining({ id: NLB_ARN, type: 'network', securityGroupIds: [] }),
    ]);
  });

  it('describes listeners per load balancer and follows their pages', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { elbv2: inventory } = await collectElbv2(client, REGION);

    // Assess
    expect(elbv2).toReceiveCommandTimes(DescribeListenersCommand, 3);
    expect(elbv2).toReceiveCommandWith(DescribeListenersCommand, { LoadBalancerArn: NLB_ARN });
    expect(inventory.listeners.map((l) => [l.loadBalancerArn, l.port, l.protocol])).toEqual([
      [ALB_ARN, 80, 'HTTP'],
      [ALB_ARN, 443, 'HTTPS'],
      [NLB_ARN, 443, 'TCP'],
    ]);
  });

  it('takes forwarded target groups from TargetGroupArn and from a weighted ForwardConfig', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { elbv2: inventory } = await collectElbv2(client, REGION);

    // Assess
    expect(inventory.listeners.map((l) => l.targetGroupArns)).toEqual([
      [ALB_TG_ARN],
      [ALB_TG_ARN, CANARY_TG_ARN],
      [NLB_TG_ARN],
    ]);
  });

  it('keeps each target group with the load balancers it serves', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { elbv2: inventory } = await collectElbv2(client, REGION);

    // Assess
    expect(inventory.targetGroups[1]).toEqual({
      id: NLB_TG_ARN,
      arn: NLB_TG_ARN,
      region: REGION,
      name: 'prod-nlb-to-alb',
      tags: {},
      targetGroupName: 'prod-nlb-to-alb',
      targetType: 'alb',
      protocol: 'TCP',
      port: 443,
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      loadBalancerArns: [NLB_ARN],
    });
  });

  it('turns AccessDenied on DescribeTargetGroups into an error for that slice only', async () => {
    // Prepare
    mockHappyAccount();
    elbv2.on(DescribeTargetGroupsCommand).rejects(accessDenied('DescribeTargetGroups'));

    // Act
    const { elbv2: inventory, errors } = await collectElbv2(client, REGION);

    // Assess
    expect(errors).toEqual([
      {
        service: 'elbv2',
        operation: 'DescribeTargetGroups',
        region: REGION,
        code: 'AccessDenied',
        message: expect.stringContaining('elasticloadbalancing:DescribeTargetGroups'),
        slices: ['elbv2.targetGroups'],
      },
    ]);
    expect(inventory.targetGroups).toEqual([]);
    expect(inventory.loadBalancers).toHaveLength(2);
    expect(inventory.listeners).toHaveLength(3);
  });

  it('names the one load balancer whose DescribeListeners failed (by its ARN), keeping the others', async () => {
    // Prepare
    mockHappyAccount();
    elbv2.on(DescribeListenersCommand, { LoadBalancerArn: NLB_ARN }).rejects(
      new ElasticLoadBalancingV2ServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    );

    // Act
    const { elbv2: inventory, errors } = await collectElbv2(client, REGION);

    // Assess: the ARN is the id its findings carry, so only what hangs on it goes unseen.
    expect(errors).toEqual([
      {
        service: 'elbv2',
        operation: 'DescribeListeners',
        region: REGION,
        code: 'Throttling',
        message: 'Rate exceeded',
        slices: ['elbv2.listeners'],
        resourceId: NLB_ARN,
        resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      },
    ]);
    expect(inventory.loadBalancers.find((lb) => lb.arn === NLB_ARN)?.id).toBe(NLB_ARN);
    expect(inventory.listeners.map((l) => l.loadBalancerArn)).toEqual([ALB_ARN, ALB_ARN]);
    expect(inventory.targetGroups).toHaveLength(2);
  });

  it('marks load balancers and listeners missing when DescribeLoadBalancers fails, and describes no listener', async () => {
    // Prepare
    mockHappyAccount();
    elbv2.on(DescribeLoadBalancersCommand).rejects(accessDenied('DescribeLoadBalancers'));

    // Act
    const { elbv2: inventory, errors } = await collectElbv2(client, REGION);

    // Assess
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'DescribeLoadBalancers',
        slices: ['elbv2.loadBalancers', 'elbv2.listeners'],
      }),
    ]);
    expect(elbv2).not.toReceiveCommand(DescribeListenersCommand);
    expect(inventory.loadBalancers).toEqual([]);
    expect(inventory.targetGroups).toHaveLength(2);
  });
});
