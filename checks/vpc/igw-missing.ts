import { vpcsInScope } from '../../intent/queries.ts';
import { byId, label, refOf } from '../../inventory/derive.ts';
import type { LoadBalancer, VpcOrigin } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';

export const vpcIgwMissing = defineCheck({
  id: 'vpc.igw-missing',
  principle: 'P2',
  severity: 'medium',
  resourceType: 'AWS::EC2::VPC',
  // No unseenItem: a VPC origin not read (or one of a distribution not read) may target a load balancer
  // in any VPC of any region, so the check cannot be judged anywhere (it is not run).
  needs: ['ec2.vpcs', 'ec2.internetGateways', 'elbv2.loadBalancers', 'cloudfront.vpcOrigins'],
  title: 'CloudFront VPC オリジンのある VPC にインターネットゲートウェイがアタッチされていません',
  explanation:
    'CloudFront VPC オリジンは、ターゲットのある VPC にインターネットゲートウェイがアタッチされていることを前提にしています（VPC がインターネットからのトラフィックを受け取れることを示すためで、パブリックサブネットは不要です）。インターネットゲートウェイをデタッチすると、VPC オリジン経由の通信が届かなくなります。',
  impact: 'CloudFront からオリジンに到達できず、サイトがエラーを返します。',
  remediation:
    'VPC にインターネットゲートウェイをアタッチしてください。0.0.0.0/0 をインターネットゲートウェイへ向けるルートは不要で、パブリックサブネットを作る必要もありません。',
  evaluate: ({ inventory, intent }) => {
    const inScope = vpcsInScope(inventory, intent);
    const loadBalancers = byId(inventory.elbv2.loadBalancers);
    const vpcs = byId(inventory.ec2.vpcs);
    const withIgw = new Set(inventory.ec2.internetGateways.flatMap((g) => g.attachedVpcIds));

    // A VPC origin may also target an EC2 instance; instances are not collected, so only load balancer
    // targets are followed. A target that does not exist is cloudfront.vpc-origin-target's finding.
    const originsByVpc = new Map<string, { origins: VpcOrigin[]; lbs: Set<LoadBalancer> }>();
    for (const origin of inventory.cloudfront.vpcOrigins) {
      const lb = loadBalancers.get(origin.targetArn);
      if (!lb || !inScope.has(lb.vpcId) || withIgw.has(lb.vpcId)) continue;
      const entry = originsByVpc.get(lb.vpcId) ?? { origins: [], lbs: new Set() };
      entry.origins.push(origin);
      entry.lbs.add(lb);
      originsByVpc.set(lb.vpcId, entry);
    }

    return [...originsByVpc].map(([vpcId, { origins, lbs }]) => {
      const vpc = vpcs.get(vpcId);
      const region = [...lbs][0]?.region ?? '';
      const originNames = origins.map((o) => label(o)).join('、');
      const targets = [...lbs].map((lb) => lb.loadBalancerName).join('、');
      return {
        resource: vpc ? refOf('AWS::EC2::VPC', vpc) : { type: 'AWS::EC2::VPC', id: vpcId, region },
        message: `VPC ${vpc ? label(vpc) : vpcId} には CloudFront VPC オリジン ${originNames} のターゲット ${targets} がありますが、インターネットゲートウェイがアタッチされていません。`,
        expected: 'インターネットゲートウェイがアタッチされている',
        actual: 'インターネットゲートウェイなし',
        fact: 'no-igw',
      };
    });
  },
});
