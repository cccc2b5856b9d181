import { describe, expect, it } from 'vitest';
import { driftLoadBalancer } from '../../../checks/drift/load-balancer.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aLoadBalancer, anInventory, REGION } from '../../fixtures/inventory.ts';

const ALB = aLoadBalancer();
const recorded = {
  [ALB.id]: {
    name: 'prod-alb',
    scheme: 'internal',
    subnets: ['subnet-0a1b2c3d4e5f60001'],
    securityGroups: ['sg-0a1b2c3d4e5f60001'],
    region: REGION,
  },
};
const intent = anIntent({ baseline: { loadBalancers: recorded } });
const NLB_ARN = `arn:aws:elasticloadbalancing:${REGION}:123456789012:loadbalancer/net/side-door/0f1e2d3c4b5a6978`;
const sideDoor = aLoadBalancer({
  id: NLB_ARN,
  arn: NLB_ARN,
  name: 'side-door',
  loadBalancerName: 'side-door',
  type: 'network',
  scheme: 'internet-facing',
});

describe('drift.load-balancer', () => {
  it('passes a load balancer that matches its baseline', () => {
    expect(run(driftLoadBalancer, anInventory({ elbv2: { loadBalancers: [ALB] } }), intent)).toEqual([]);
  });

  it('reports a baselined load balancer turned internet-facing', () => {
    // Prepare
    const inventory = anInventory({ elbv2: { loadBalancers: [{ ...ALB, scheme: 'internet-facing' }] } });
    // Act
    const violations = run(driftLoadBalancer, inventory, intent);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', id: ALB.id, name: 'prod-alb' },
      expected: 'internal',
      actual: 'internet-facing',
      fact: 'scheme:internal->internet-facing',
    });
  });

  it('reports changed subnets and security groups as separate findings', () => {
    const inventory = anInventory({
      elbv2: {
        loadBalancers: [
          {
            ...ALB,
            subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f6pub1'],
            securityGroupIds: ['sg-0a1b2c3d4e5f6open'],
          },
        ],
      },
    });
    expect(run(driftLoadBalancer, inventory, intent).map((v) => v.actual)).toEqual([
      '+ subnet-0a1b2c3d4e5f6pub1',
      '+ sg-0a1b2c3d4e5f6open; - sg-0a1b2c3d4e5f60001',
    ]);
  });

  it('reports a baselined load balancer that was deleted, in the region of its ARN', () => {
    const { region: _omitted, ...withoutRegion } = recorded[ALB.id]!;
    const handWritten = anIntent({ baseline: { loadBalancers: { [ALB.id]: withoutRegion } } });
    expect(run(driftLoadBalancer, anInventory(), handWritten)).toEqual([
      expect.objectContaining({
        resource: expect.objectContaining({ id: ALB.id, region: REGION }),
        fact: 'deleted',
      }),
    ]);
  });

  it('reports a load balancer that appeared after the baseline', () => {
    const violations = run(
      driftLoadBalancer,
      anInventory({ elbv2: { loadBalancers: [ALB, sideDoor] } }),
      intent,
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { id: NLB_ARN },
      actual: '+ side-door internet-facing',
      fact: 'appeared',
    });
  });

  it('does not report a new load balancer when the baseline says its list is not complete', () => {
    const partial = anIntent({ baseline: { loadBalancers: recorded, loadBalancersComplete: false } });
    expect(
      run(driftLoadBalancer, anInventory({ elbv2: { loadBalancers: [ALB, sideDoor] } }), partial),
    ).toEqual([]);
  });

  it('reports any load balancer when a generated baseline recorded none', () => {
    const none = anIntent({ baseline: { recordedAt: '2026-11-01T00:00:00.000Z', loadBalancers: {} } });
    expect(run(driftLoadBalancer, anInventory({ elbv2: { loadBalancers: [sideDoor] } }), none)).toHaveLength(
      1,
    );
  });

  it('does not judge load balancers from a hand-written baseline that records none', () => {
    const sgOnly = anIntent({ baseline: { securityGroups: { 'sg-0a1b2c3d4e5f60001': { rules: [] } } } });
    expect(run(driftLoadBalancer, anInventory({ elbv2: { loadBalancers: [sideDoor] } }), sgOnly)).toEqual([]);
  });

  it('does not call a load balancer new in a region the approved intent did not cover', () => {
    const tokyoOnly = anIntent({ regions: [REGION], baseline: { loadBalancers: recorded } });
    const osaka = { ...sideDoor, region: 'ap-northeast-3' };
    expect(
      run(driftLoadBalancer, anInventory({ elbv2: { loadBalancers: [ALB, osaka] } }), tokyoOnly),
    ).toEqual([]);
  });
});
