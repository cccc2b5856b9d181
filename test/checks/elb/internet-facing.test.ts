import { describe, expect, it } from 'vitest';
import { elbInternetFacing } from '../../../checks/elb/internet-facing.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { ACCOUNT, aLoadBalancer, anInventory, aVpc, REGION } from '../../fixtures/inventory.ts';
import { ALB_ARN } from '../../fixtures/sg.ts';

const NLB_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/prod-nlb/7f1e2d3c4b5a6978`;
const publicAlb = aLoadBalancer({
  scheme: 'internet-facing',
  dnsName: 'prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com',
});
const withLbs = (...loadBalancers: ReturnType<typeof aLoadBalancer>[]) =>
  anInventory({ ec2: { vpcs: [aVpc()] }, elbv2: { loadBalancers } });

describe('elb.internet-facing', () => {
  it('reports an internet-facing ALB', () => {
    // Prepare
    const inventory = withLbs(publicAlb);
    // Act
    const violations = run(elbInternetFacing, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toMatchObject({
      type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      id: ALB_ARN,
      arn: ALB_ARN,
      name: 'prod-alb',
    });
    expect(violations[0]?.actual).toBe('internet-facing');
    expect(violations[0]?.message).toContain('prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com');
  });

  it('passes the twin whose scheme is internal', () => {
    expect(run(elbInternetFacing, withLbs(aLoadBalancer({ scheme: 'internal' })))).toEqual([]);
  });

  it('reports an internet-facing NLB without security groups on the scheme alone', () => {
    const nlb = aLoadBalancer({
      id: NLB_ARN,
      arn: NLB_ARN,
      name: 'prod-nlb',
      loadBalancerName: 'prod-nlb',
      type: 'network',
      scheme: 'internet-facing',
      dnsName: 'prod-nlb-7f1e2d3c4b5a6978.elb.ap-northeast-1.amazonaws.com',
      securityGroupIds: [],
    });
    const violations = run(elbInternetFacing, withLbs(aLoadBalancer(), nlb));
    expect(violations.map((v) => v.resource.id)).toEqual([NLB_ARN]);
  });

  it('accepts a load balancer allow-listed by name', () => {
    const intent = anIntent({ loadBalancers: { allowInternetFacing: ['prod-alb'] } });
    expect(run(elbInternetFacing, withLbs(publicAlb), intent)).toEqual([]);
  });

  it('accepts a load balancer allow-listed by ARN', () => {
    const intent = anIntent({ loadBalancers: { allowInternetFacing: [ALB_ARN] } });
    expect(run(elbInternetFacing, withLbs(publicAlb), intent)).toEqual([]);
  });

  it('does not report under classic, where the public ALB is the design', () => {
    expect(run(elbInternetFacing, withLbs(publicAlb), anIntent({ profile: 'classic' }))).toEqual([]);
  });

  it('reports under classic when the intent requires internal load balancers explicitly', () => {
    const intent = anIntent({ profile: 'classic', loadBalancers: { requireInternal: true } });
    expect(run(elbInternetFacing, withLbs(publicAlb), intent)).toHaveLength(1);
  });

  it('reports a load balancer in a VPC the intent does not describe: every VPC is audited', () => {
    const intent = anIntent({ vpcs: [{ id: 'vpc-0a1b2c3d4e5f60002' }] });
    expect(run(elbInternetFacing, withLbs(publicAlb), intent)).toHaveLength(1);
  });

  it('ignores load balancers of a VPC the intent excludes', () => {
    const intent = anIntent({
      excludeVpcs: [{ id: 'vpc-0a1b2c3d4e5f60001', reason: 'sandbox, audited by its own team' }],
    });
    expect(run(elbInternetFacing, withLbs(publicAlb), intent)).toEqual([]);
  });
});
