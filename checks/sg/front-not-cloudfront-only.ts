import { byId, cloudFrontPrefixListIds, label, refOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { frontGroups } from './chain.ts';
import {
  admitsOnlyTcpPorts,
  describeIngress,
  describePorts,
  ingressRules,
  ingressText,
  protocolOf,
  trafficText,
} from './rules.ts';

const portList = (ports: ReadonlySet<number>): string => [...ports].sort((a, b) => a - b).join(', ');

export const sgFrontNotCloudfrontOnly = defineCheck({
  id: 'sg.front-not-cloudfront-only',
  principle: 'P4',
  severity: 'high',
  resourceType: 'AWS::EC2::SecurityGroup',
  needs: [
    'ec2.vpcs',
    'ec2.securityGroups',
    'ec2.prefixLists',
    'elbv2.loadBalancers',
    'elbv2.listeners',
    'cloudfront.distributions',
    'cloudfront.vpcOrigins',
  ],
  title:
    'CloudFront 配下のロードバランサーのセキュリティグループが CloudFront 以外からの通信を許可しています',
  explanation:
    'CloudFront のオリジンとなる ALB・NLB のセキュリティグループは、CloudFront のマネージドプレフィックスリスト（com.amazonaws.global.cloudfront.origin-facing）から意図したポートへの通信だけを許可します。それ以外の送信元やポートを許可すると、CloudFront と WAF を通らずにロードバランサーへ到達できます。',
  impact:
    'CloudFront の WAF・キャッシュ・ヘッダー付与を迂回して、ロードバランサーへ直接アクセスされる恐れがあります。',
  remediation:
    'ロードバランサーのセキュリティグループのインバウンドルールを、CloudFront のマネージドプレフィックスリストを送信元として意図したポート（通常は 443）だけを許可するルールにし、それ以外のルールは削除してください。',
  evaluate: ({ inventory, intent }) => {
    const groups = byId(inventory.ec2.securityGroups);
    const cloudFrontLists = cloudFrontPrefixListIds(inventory);
    return frontGroups(inventory, intent).flatMap((front) => {
      // A front group that no longer exists is sg.chain-broken's finding.
      const sg = groups.get(front.groupId);
      if (!sg) return [];
      const intended = front.ports
        ? `CloudFront プレフィックスリストから tcp/${portList(front.ports)}`
        : 'CloudFront プレフィックスリストからのみ';
      return ingressRules(sg.rules).flatMap((rule) => {
        const fromCloudFront = rule.prefixListId !== undefined && cloudFrontLists.has(rule.prefixListId);
        const portOk = front.ports ? admitsOnlyTcpPorts(rule, front.ports) : protocolOf(rule) === 'tcp';
        if (fromCloudFront && portOk) return [];
        const why = fromCloudFront
          ? `CloudFront から意図していない ${describePorts(rule) === 'all' ? 'すべてのトラフィック' : `${describePorts(rule)} への通信`}を許可しています`
          : `CloudFront 以外の送信元 ${trafficText(rule)}を許可しています`;
        return [
          {
            resource: refOf('AWS::EC2::SecurityGroup', sg),
            message: `フロントのセキュリティグループ ${label(sg)}（${front.via}）のインバウンドルール ${rule.id} が、${why}。`,
            expected: intended,
            actual: ingressText(rule),
            fact: describeIngress(rule),
          },
        ];
      });
    });
  },
});
