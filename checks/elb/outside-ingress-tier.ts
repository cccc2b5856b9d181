import { subnetsOfTier } from '../../intent/queries.ts';
import { byId, label, refOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';

export const elbOutsideIngressTier = defineCheck({
  id: 'elb.outside-ingress-tier',
  principle: 'P5',
  severity: 'medium',
  resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  needs: ['ec2.subnets', 'elbv2.loadBalancers'],
  title: 'ロードバランサーが意図したイングレス層以外のサブネットに配置されています',
  explanation:
    'ロードバランサーは、設計定義ファイルの loadBalancers.ingressTier で指定した層（例: Private Subnet (Ingress)）のサブネットにだけ置きます。コンテナ層や DB 層のサブネットに置くと、層ごとのルートテーブルとネットワーク ACL による分離が崩れます。',
  impact: '層ごとに分けたルーティングとネットワーク ACL の前提が崩れ、想定外の経路が生まれる恐れがあります。',
  remediation:
    'ロードバランサーのサブネット（アベイラビリティーゾーンの設定）を、イングレス層のサブネットだけに変更してください。ALB・NLB ともに SetSubnets（コンソールの「ネットワークマッピング」）で変更できます。',
  evaluate: ({ inventory, intent }) => {
    const tierName = intent.loadBalancers.ingressTier;
    if (tierName === undefined) return [];
    const subnets = byId(inventory.ec2.subnets);
    return inventory.elbv2.loadBalancers.flatMap((lb) => {
      // Tiers are declared per VPC: an LB in a VPC the intent does not describe (or whose VPC lacks
      // the tier) has no ingress tier to sit in, so it is not judged here.
      const tier = intent.vpcs.find((v) => v.id === lb.vpcId)?.tiers.find((t) => t.name === tierName);
      if (!tier) return [];
      const tierSubnets = new Set(
        subnetsOfTier(inventory, tier)
          .filter((s) => s.vpcId === lb.vpcId)
          .map((s) => s.id),
      );
      const outside = lb.subnetIds.filter((id) => !tierSubnets.has(id));
      if (outside.length === 0) return [];
      const named = outside.map((id) => {
        const s = subnets.get(id);
        return s ? label(s) : id;
      });
      return [
        {
          resource: refOf('AWS::ElasticLoadBalancingV2::LoadBalancer', lb),
          message: `ロードバランサー ${lb.loadBalancerName} が、イングレス層 ${tierName} 以外のサブネット ${named.join(', ')} に配置されています。`,
          expected: `${tierName} 層のサブネットのみ`,
          actual: outside.join(', '),
          fact: `outside:${[...outside].sort().join(',')}`,
        },
      ];
    });
  },
});
