import { describe, expect, it } from 'vitest';
import { elbOutsideIngressTier } from '../../../checks/elb/outside-ingress-tier.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aLoadBalancer, anInventory, aSubnet, aVpc } from '../../fixtures/inventory.ts';
import { VPC_ID } from '../../fixtures/sg.ts';

const INGRESS_1A = 'subnet-0a1b2c3d4e5f60001';
const INGRESS_1C = 'subnet-0a1b2c3d4e5f60011';
const CONTAINER_1C = 'subnet-0a1b2c3d4e5f60012';

const subnets = [
  aSubnet(),
  aSubnet({
    id: INGRESS_1C,
    name: 'prod-private-ingress-1c',
    tags: { Name: 'prod-private-ingress-1c', Tier: 'ingress' },
    availabilityZone: 'ap-northeast-1c',
    cidrBlock: '10.0.1.0/24',
  }),
  aSubnet({
    id: CONTAINER_1C,
    name: 'prod-private-container-1c',
    tags: { Name: 'prod-private-container-1c', Tier: 'container' },
    availabilityZone: 'ap-northeast-1c',
    cidrBlock: '10.0.11.0/24',
  }),
];

const withLb = (subnetIds: string[]) =>
  anInventory({ ec2: { vpcs: [aVpc()], subnets }, elbv2: { loadBalancers: [aLoadBalancer({ subnetIds })] } });

const tierIntent = (tier: { subnetIds?: string[]; tag?: { key: string; value: string } }) =>
  anIntent({
    vpcs: [{ id: VPC_ID, tiers: [{ name: 'ingress', ...tier }, { name: 'container' }] }],
    loadBalancers: { ingressTier: 'ingress' },
  });

const byIds = tierIntent({ subnetIds: [INGRESS_1A, INGRESS_1C] });

describe('elb.outside-ingress-tier', () => {
  it('reports a load balancer with a subnet in the container tier', () => {
    // Prepare
    const inventory = withLb([INGRESS_1A, CONTAINER_1C]);
    // Act
    const violations = run(elbOutsideIngressTier, inventory, byIds);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toBe(CONTAINER_1C);
    expect(violations[0]?.message).toContain('prod-private-container-1c');
    expect(violations[0]?.fact).toBe(`outside:${CONTAINER_1C}`);
  });

  it('passes the twin whose second subnet is in the ingress tier', () => {
    expect(run(elbOutsideIngressTier, withLb([INGRESS_1A, INGRESS_1C]), byIds)).toEqual([]);
  });

  it('resolves the tier by tag', () => {
    const intent = tierIntent({ tag: { key: 'Tier', value: 'ingress' } });
    expect(run(elbOutsideIngressTier, withLb([INGRESS_1A, INGRESS_1C]), intent)).toEqual([]);
    expect(run(elbOutsideIngressTier, withLb([INGRESS_1A, CONTAINER_1C]), intent)).toHaveLength(1);
  });

  it('reports each misplaced load balancer', () => {
    const nlbArn =
      'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/net/prod-nlb/7f1e2d3c4b5a6978';
    const inventory = anInventory({
      ec2: { vpcs: [aVpc()], subnets },
      elbv2: {
        loadBalancers: [
          aLoadBalancer({ subnetIds: [CONTAINER_1C] }),
          aLoadBalancer({
            id: nlbArn,
            arn: nlbArn,
            name: 'prod-nlb',
            type: 'network',
            subnetIds: [INGRESS_1A],
          }),
          aLoadBalancer({
            id: `${nlbArn}2`,
            arn: `${nlbArn}2`,
            name: 'prod-nlb-2',
            type: 'network',
            subnetIds: [CONTAINER_1C],
          }),
        ],
      },
    });
    expect(run(elbOutsideIngressTier, inventory, byIds).map((v) => v.resource.name)).toEqual([
      'prod-alb',
      'prod-nlb-2',
    ]);
  });

  it('does not apply without an ingress tier in the intent', () => {
    const intent = anIntent({
      vpcs: [{ id: VPC_ID, tiers: [{ name: 'ingress', subnetIds: [INGRESS_1A] }] }],
    });
    expect(run(elbOutsideIngressTier, withLb([CONTAINER_1C]), intent)).toEqual([]);
  });

  it('does not judge a load balancer in a VPC the intent does not describe', () => {
    const intent = anIntent({
      vpcs: [{ id: 'vpc-0a1b2c3d4e5f60002', tiers: [{ name: 'ingress', subnetIds: [] }] }],
      loadBalancers: { ingressTier: 'ingress' },
    });
    expect(run(elbOutsideIngressTier, withLb([CONTAINER_1C]), intent)).toEqual([]);
  });

  it('applies under classic, where the ingress tier is the public subnets', () => {
    const intent = anIntent({
      profile: 'classic',
      vpcs: [{ id: VPC_ID, tiers: [{ name: 'public', subnetIds: [INGRESS_1A, INGRESS_1C] }] }],
      loadBalancers: { ingressTier: 'public' },
    });
    expect(run(elbOutsideIngressTier, withLb([INGRESS_1A, CONTAINER_1C]), intent)).toHaveLength(1);
  });
});
