import { describe, expect, it } from 'vitest';
import { cloudfrontVpcOriginTarget } from '../../../checks/cloudfront/vpc-origin-target.ts';
import { aSeed001Distribution, aSeed001Inventory } from '../../fixtures/cloudfront.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aLoadBalancer, anInventory, anOrigin, aVpcOrigin } from '../../fixtures/inventory.ts';

const ALB_ARN =
  'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/prod-alb/50dc6c495c0c9188';

/** Seed 001 with the load balancers and the VPC origin's target swapped. */
const seed001With = (loadBalancers: ReturnType<typeof aLoadBalancer>[], targetArn = ALB_ARN) => {
  const base = aSeed001Inventory();
  return {
    ...base,
    elbv2: { ...base.elbv2, loadBalancers },
    cloudfront: { ...base.cloudfront, vpcOrigins: [aVpcOrigin({ targetArn })] },
  };
};

describe('cloudfront.vpc-origin-target', () => {
  it('passes a VPC origin that targets an internal ALB (seed 001)', () => {
    expect(run(cloudfrontVpcOriginTarget, aSeed001Inventory())).toEqual([]);
  });

  it('reports the twin whose target ALB is internet-facing', () => {
    // Prepare
    const inventory = seed001With([aLoadBalancer({ scheme: 'internet-facing' })]);
    // Act
    const violations = run(cloudfrontVpcOriginTarget, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('internet-facing');
    expect(violations[0]?.message).toContain('prod-alb-vpc-origin');
    expect(violations[0]?.fact).toBe(`alb-vpc-origin:${ALB_ARN}:internet-facing`);
  });

  it('reports a target load balancer that no longer exists in a collected region', () => {
    const violations = run(cloudfrontVpcOriginTarget, seed001With([]));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toBe('ターゲットのロードバランサーなし');
    expect(violations[0]?.fact).toBe(`alb-vpc-origin:${ALB_ARN}:missing`);
  });

  it('does not call a target missing when its region was not collected', () => {
    const oregon =
      'arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/prod-alb/50dc6c495c0c9188';
    expect(run(cloudfrontVpcOriginTarget, seed001With([], oregon))).toEqual([]);
  });

  it('does not call a target missing when it belongs to another account', () => {
    const shared =
      'arn:aws:elasticloadbalancing:ap-northeast-1:210987654321:loadbalancer/app/shared-alb/0a1b2c3d4e5f6789';
    expect(run(cloudfrontVpcOriginTarget, seed001With([], shared))).toEqual([]);
  });

  it('leaves a VPC origin that targets an EC2 instance to other checks', () => {
    const instance = 'arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0a1b2c3d4e5f60001';
    expect(run(cloudfrontVpcOriginTarget, seed001With([], instance))).toEqual([]);
  });

  it('reports every distribution whose VPC origin reaches the internet-facing ALB, front doors only', () => {
    const inventory = {
      ...seed001With([aLoadBalancer({ scheme: 'internet-facing' })]),
      cloudfront: {
        ...aSeed001Inventory().cloudfront,
        distributions: [
          aSeed001Distribution(),
          aSeed001Distribution({ id: 'E3STAGING00001', origins: [anOrigin()] }),
        ],
      },
    };
    expect(run(cloudfrontVpcOriginTarget, inventory).map((v) => v.resource.id)).toEqual([
      'E2QWRUHAPOMQZL',
      'E3STAGING00001',
    ]);
    const intent = anIntent({ cloudfront: { frontDoors: ['E2QWRUHAPOMQZL'] } });
    expect(run(cloudfrontVpcOriginTarget, inventory, intent).map((v) => v.resource.id)).toEqual([
      'E2QWRUHAPOMQZL',
    ]);
  });

  it('has nothing to judge without VPC origins', () => {
    expect(run(cloudfrontVpcOriginTarget, anInventory())).toEqual([]);
  });
});
