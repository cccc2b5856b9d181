import type { ItemReach } from '../../evaluate/unseen.ts';
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

/**
 * A load balancer whose listeners were not read leaves unknown only the ports its own security groups
 * are meant to serve (a group's ports are the union over the load balancers that use it), so only
 * those groups may gain or lose a finding. Whether it is behind CloudFront does not hang on its
 * listeners. A chain in the intent names the front groups and their ports: listeners are not read.
 */
const groupsOfLoadBalancers: ItemReach = (items, { inventory, intent }) => {
  if (intent.securityGroups.chain.length > 0) return [];
  const lbs = new Map(inventory.elbv2.loadBalancers.map((lb) => [`${lb.region}|${lb.arn ?? lb.id}`, lb]));
  return items.flatMap((item) => {
    const lb = lbs.get(`${item.region}|${item.resourceId}`);
    // Not in the inventory: nothing tells which groups it has, so its whole region is unseen.
    if (!lb) return [{ region: item.region }];
    return lb.securityGroupIds.map((groupId) => ({
      region: lb.region,
      resourceId: groupId,
      resourceType: 'AWS::EC2::SecurityGroup',
    }));
  });
};

/**
 * A distribution (or VPC origin) not read may front any load balancer in any region, so every group
 * of every load balancer may be a front group: the check cannot be judged, unless a chain in the
 * intent names the front groups (CloudFront is then not read).
 */
const anyFrontGroup: ItemReach = (_items, { intent }) =>
  intent.securityGroups.chain.length > 0 ? [] : 'everywhere';

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
  unseenItem: {
    'AWS::ElasticLoadBalancingV2::LoadBalancer': groupsOfLoadBalancers,
    'AWS::CloudFront::Distribution': anyFrontGroup,
    'AWS::CloudFront::VpcOrigin': anyFrontGroup,
  },
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
