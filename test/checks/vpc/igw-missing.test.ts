import { describe, expect, it } from 'vitest';
import { vpcIgwMissing } from '../../../checks/vpc/igw-missing.ts';
import type { Inventory } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { ACCOUNT, aLoadBalancer, aVpcOrigin, REGION } from '../../fixtures/inventory.ts';
import { anInternetGateway, SEED_001, seed001Intent, seed001Inventory } from '../../fixtures/vpc.ts';

const withoutIgw = (inventory: Inventory): Inventory => ({
  ...inventory,
  ec2: { ...inventory.ec2, internetGateways: [] },
});

describe('vpc.igw-missing', () => {
  it('reports the seed-001 VPC once its internet gateway is gone', () => {
    // Prepare
    const inventory = withoutIgw(seed001Inventory());
    // Act
    const violations = run(vpcIgwMissing, inventory, seed001Intent());
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::VPC', id: SEED_001.vpcId, name: 'prod-vpc' },
      fact: 'no-igw',
    });
    expect(violations[0]?.message).toContain('prod-alb-vpc-origin (vo_0a1b2c3d4e5f6)');
    expect(violations[0]?.message).toContain('prod-alb');
  });

  it('passes the twin seed-001 VPC with the IGW attached and no route to it from any subnet', () => {
    expect(run(vpcIgwMissing, seed001Inventory(), seed001Intent())).toEqual([]);
  });

  it('reports an IGW that exists but is detached', () => {
    const base = seed001Inventory();
    const inventory = {
      ...base,
      ec2: { ...base.ec2, internetGateways: [anInternetGateway({ attachedVpcIds: [] })] },
    };
    expect(run(vpcIgwMissing, inventory, seed001Intent())).toHaveLength(1);
  });

  it('does not apply to a VPC without a CloudFront VPC origin', () => {
    const base = withoutIgw(seed001Inventory());
    const inventory = { ...base, cloudfront: { ...base.cloudfront, vpcOrigins: [] } };
    expect(run(vpcIgwMissing, inventory, seed001Intent())).toEqual([]);
  });

  it('leaves a VPC origin whose target load balancer is missing to cloudfront.vpc-origin-target', () => {
    const base = withoutIgw(seed001Inventory());
    const inventory = { ...base, elbv2: { ...base.elbv2, loadBalancers: [] } };
    expect(run(vpcIgwMissing, inventory, seed001Intent())).toEqual([]);
  });

  it('reports one finding per VPC, naming every VPC origin it hosts', () => {
    // Prepare: a second VPC origin targets an NLB in the same VPC.
    const nlbArn = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/prod-nlb/7f1e2d3c4b5a6978`;
    const base = withoutIgw(seed001Inventory());
    const inventory: Inventory = {
      ...base,
      elbv2: {
        ...base.elbv2,
        loadBalancers: [
          ...base.elbv2.loadBalancers,
          aLoadBalancer({
            arn: nlbArn,
            id: nlbArn,
            name: 'prod-nlb',
            loadBalancerName: 'prod-nlb',
            type: 'network',
          }),
        ],
      },
      cloudfront: {
        ...base.cloudfront,
        vpcOrigins: [
          ...base.cloudfront.vpcOrigins,
          aVpcOrigin({ id: 'vo_0f1e2d3c4b5a6', name: 'prod-nlb-vpc-origin', targetArn: nlbArn }),
        ],
      },
    };
    // Act
    const violations = run(vpcIgwMissing, inventory, seed001Intent());
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('prod-nlb-vpc-origin');
    expect(violations[0]?.message).toContain('prod-alb、prod-nlb');
  });

  it('judges a VPC the intent does not describe too: every VPC is audited', () => {
    const inventory = withoutIgw(seed001Inventory());
    expect(run(vpcIgwMissing, inventory, anIntent({ vpcs: [{ id: 'vpc-0ffffffffffff0009' }] }))).toHaveLength(
      1,
    );
  });

  it('ignores a VPC the intent excludes', () => {
    const inventory = withoutIgw(seed001Inventory());
    const vpcId = inventory.ec2.vpcs[0]?.id as string;
    expect(
      run(
        vpcIgwMissing,
        inventory,
        anIntent({ excludeVpcs: [{ id: vpcId, reason: 'sandbox, audited by its own team' }] }),
      ),
    ).toEqual([]);
  });
});
