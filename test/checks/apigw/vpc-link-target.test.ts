import { describe, expect, it } from 'vitest';
import { apigwVpcLinkTarget } from '../../../checks/apigw/vpc-link-target.ts';
import { run } from '../../fixtures/evaluate.ts';
import { aLoadBalancer, anInventory, aVpcLink } from '../../fixtures/inventory.ts';

const NLB_ARN =
  'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/net/prod-nlb/7f1e2d3c4b5a6978';
const nlb = (scheme: 'internal' | 'internet-facing') =>
  aLoadBalancer({
    id: NLB_ARN,
    arn: NLB_ARN,
    name: 'prod-nlb',
    loadBalancerName: 'prod-nlb',
    type: 'network',
    scheme,
    securityGroupIds: [],
  });

describe('apigw.vpc-link-target', () => {
  it('reports a VPC link whose NLB is internet-facing', () => {
    // Prepare
    const inventory = anInventory({
      apigateway: { vpcLinks: [aVpcLink()] },
      elbv2: { loadBalancers: [nlb('internet-facing')] },
    });
    // Act
    const violations = run(apigwVpcLinkTarget, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ApiGateway::VpcLink', id: 'abc123', name: 'prod-vpc-link' },
      fact: `internet-facing:${NLB_ARN}`,
    });
    expect(violations[0]?.message).toContain('prod-nlb は internet-facing');
  });

  it('passes the twin whose NLB is internal', () => {
    const inventory = anInventory({
      apigateway: { vpcLinks: [aVpcLink()] },
      elbv2: { loadBalancers: [nlb('internal')] },
    });
    expect(run(apigwVpcLinkTarget, inventory)).toEqual([]);
  });

  it('reports a VPC link that is not AVAILABLE', () => {
    const inventory = anInventory({
      apigateway: { vpcLinks: [aVpcLink({ status: 'FAILED' })] },
      elbv2: { loadBalancers: [nlb('internal')] },
    });
    expect(run(apigwVpcLinkTarget, inventory).map((v) => [v.fact, v.actual])).toEqual([
      ['status:FAILED', 'FAILED'],
    ]);
  });

  it('reports a target NLB that no longer exists in a collected region', () => {
    const inventory = anInventory({ apigateway: { vpcLinks: [aVpcLink()] } });
    expect(run(apigwVpcLinkTarget, inventory).map((v) => v.fact)).toEqual([`missing:${NLB_ARN}`]);
  });

  it('does not judge a target in a region the audit did not collect', () => {
    const elsewhere = NLB_ARN.replace('ap-northeast-1', 'us-west-2');
    const inventory = anInventory({ apigateway: { vpcLinks: [aVpcLink({ targetArns: [elsewhere] })] } });
    expect(run(apigwVpcLinkTarget, inventory)).toEqual([]);
  });

  it('reports every problem of every link', () => {
    const inventory = anInventory({
      apigateway: {
        vpcLinks: [aVpcLink({ status: 'PENDING' }), aVpcLink({ id: 'def456', name: 'ok-link' })],
      },
      elbv2: { loadBalancers: [nlb('internet-facing')] },
    });
    expect(run(apigwVpcLinkTarget, inventory).map((v) => `${v.resource.id} ${v.fact}`)).toEqual([
      'abc123 status:PENDING',
      `abc123 internet-facing:${NLB_ARN}`,
      `def456 internet-facing:${NLB_ARN}`,
    ]);
  });
});
