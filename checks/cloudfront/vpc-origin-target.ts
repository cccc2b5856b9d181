import { frontDoors } from '../../intent/queries.ts';
import { byId, label } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { distributionRef, distributionSpots, ownDistribution } from './distribution.ts';

/** arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/(app|net)/<name>/<id> */
const LB_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/(?:app|net)\//;

export const cloudfrontVpcOriginTarget = defineCheck({
  id: 'cloudfront.vpc-origin-target',
  principle: 'P6',
  severity: 'high',
  resourceType: 'AWS::CloudFront::Distribution',
  needs: ['cloudfront.distributions', 'cloudfront.vpcOrigins', 'elbv2.loadBalancers'],
  unseenItem: {
    ...ownDistribution,
    // A VPC origin not read (its target unknown) changes only the findings of the distributions using it.
    'AWS::CloudFront::VpcOrigin': (items, { inventory }) =>
      distributionSpots(
        inventory.cloudfront.distributions.filter((d) =>
          d.origins.some((o) => items.some((vo) => vo.resourceId === o.vpcOriginId)),
        ),
      ),
  },
  title: 'VPC オリジンのターゲットのロードバランサーが存在しないか、internet-facing です',
  explanation:
    'VPC オリジンは、internal のロードバランサーに CloudFront からプライベートに接続するための仕組みです。ターゲットが internet-facing だとインターネットから直接到達でき、VPC オリジンを使う意味がありません。ターゲットが削除されていれば、そのオリジンへのリクエストはすべて失敗します。',
  impact: 'CloudFront を迂回した直接アクセスを許すか、オリジンに到達できずサービスが停止します。',
  remediation:
    'VPC オリジンのターゲットを、イングレス層のプライベートサブネットにある internal の ALB/NLB に向け直してください。',
  evaluate: ({ inventory, intent }) => {
    const vpcOrigins = byId(inventory.cloudfront.vpcOrigins);
    const loadBalancers = new Map(inventory.elbv2.loadBalancers.map((lb) => [lb.arn ?? lb.id, lb]));
    return frontDoors(inventory, intent).flatMap((d) =>
      d.origins.flatMap((origin) => {
        if (origin.kind !== 'vpc-origin' || !origin.vpcOriginId) return [];
        const vpcOrigin = vpcOrigins.get(origin.vpcOriginId);
        // VPC origins can also target EC2 instances; only load balancer targets are judged here.
        const arn = LB_ARN.exec(vpcOrigin?.targetArn ?? '');
        if (!vpcOrigin || !arn) return [];
        const [, region, account] = arn;
        const where = `ディストリビューション ${label(d)} のオリジン ${origin.id}（VPC オリジン ${label(vpcOrigin)}）`;
        const base = { resource: distributionRef(d), expected: 'internal のロードバランサー' };
        const lb = loadBalancers.get(vpcOrigin.targetArn);
        if (!lb) {
          // Absence is evidence only where we listed load balancers: this account, a collected region.
          // (VPC origins may target a load balancer shared from another account.)
          if (account !== inventory.account || !inventory.regions.includes(region!)) return [];
          return [
            {
              ...base,
              message: `${where}のターゲット ${vpcOrigin.targetArn} は存在しません。`,
              actual: 'ターゲットのロードバランサーなし',
              fact: `${origin.id}:${vpcOrigin.targetArn}:missing`,
            },
          ];
        }
        if (lb.scheme !== 'internet-facing') return [];
        return [
          {
            ...base,
            message: `${where}のターゲット ${lb.loadBalancerName} は internet-facing です。`,
            actual: `${lb.loadBalancerName}: internet-facing`,
            fact: `${origin.id}:${vpcOrigin.targetArn}:internet-facing`,
          },
        ];
      }),
    );
  },
});
