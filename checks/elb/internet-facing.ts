import { isAllowlistedInternetFacing, vpcsInScope } from '../../intent/queries.ts';
import { refOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';

export const elbInternetFacing = defineCheck({
  id: 'elb.internet-facing',
  principle: 'P5',
  severity: 'critical',
  resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  needs: ['ec2.vpcs', 'elbv2.loadBalancers'],
  title: 'ロードバランサーがインターネット向け（internet-facing）になっています',
  explanation:
    'この設計では ALB・NLB を internal にし、CloudFront の VPC オリジンや API Gateway の VPC リンクからのみ到達させます。internet-facing のロードバランサーはパブリック IP を持ち、DNS 名を知っていれば誰でも CloudFront と WAF を通らずに接続を試みられます。',
  impact:
    'CloudFront・WAF・API キーを迂回して、ロードバランサーへインターネットから直接アクセスされる恐れがあります。',
  remediation:
    'スキームは作成後に変更できないため、internal のロードバランサーをプライベートサブネットに作り直し、CloudFront の VPC オリジン（ALB）または API Gateway の VPC リンク（NLB）から接続してください。意図して公開する場合は、設計定義ファイルの loadBalancers.allowInternetFacing に ARN か名前を記載してください。',
  evaluate: ({ inventory, intent }) => {
    if (!intent.switches.requireInternalLoadBalancers) return [];
    const inScope = vpcsInScope(inventory, intent);
    // Scheme alone decides: unlike Prowler's ELBv2 check we do not wait for a world-open SG, because a
    // public LB whose SG admits only CloudFront is still an unintended public endpoint in this design
    // (an NLB may have no SG at all), and its SG can be opened later without changing the scheme.
    return inventory.elbv2.loadBalancers.flatMap((lb) => {
      if (lb.scheme !== 'internet-facing' || !inScope.has(lb.vpcId)) return [];
      if (isAllowlistedInternetFacing(lb, intent)) return [];
      return [
        {
          resource: refOf('AWS::ElasticLoadBalancingV2::LoadBalancer', lb),
          message: `ロードバランサー ${lb.loadBalancerName}（${lb.type}）のスキームが internet-facing で、DNS 名 ${lb.dnsName} でインターネットに公開されています。`,
          expected: 'internal',
          actual: 'internet-facing',
          fact: 'scheme:internet-facing',
        },
      ];
    });
  },
});
