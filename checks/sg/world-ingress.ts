import { internetFacingIntended, vpcsInScope } from '../../intent/queries.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import { byId, label, refOf, ruleCidrSources, WORLD_CIDRS } from '../../inventory/derive.ts';
import type { Inventory, SecurityGroupRule } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';
import {
  coversAllPorts,
  coversPort,
  describePorts,
  ingressRules,
  ingressText,
  protocolOf,
  sourceFact,
  trafficText,
} from './rules.ts';

/** Remote administration ports and what listens there: open to the world they are attacked within minutes. */
const REMOTE_ADMIN_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [3389, 'RDP'],
]);
/** Database ports and the engine that listens there. */
const DATABASE_PORTS: ReadonlyMap<number, string> = new Map([
  [1433, 'SQL Server'],
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [6379, 'Redis'],
  [27017, 'MongoDB'],
]);
export const ADMIN_PORTS: readonly number[] = [...REMOTE_ADMIN_PORTS.keys(), ...DATABASE_PORTS.keys()];

/** "リモート管理用のポート（SSH 22）とデータベースのポート（MySQL 3306）を含みます。", or nothing. */
const sensitivePortsSentence = (rule: SecurityGroupRule): string => {
  const named = (ports: ReadonlyMap<number, string>) =>
    [...ports]
      .filter(([port]) => coversPort(rule, port))
      .map(([port, service]) => `${service} ${port}`)
      .join('・');
  const admin = named(REMOTE_ADMIN_PORTS);
  const database = named(DATABASE_PORTS);
  const parts = [
    ...(admin ? [`リモート管理用のポート（${admin}）`] : []),
    ...(database ? [`データベースのポート（${database}）`] : []),
  ];
  return parts.length > 0 ? `${parts.join('と')}を含みます。` : '';
};

/** Ports a public ALB/NLB of the classic layout (seed 002) serves to everyone by design. */
const PUBLIC_WEB_PORTS: ReadonlySet<number> = new Set([80, 443]);

/**
 * Critical when the rule opens every port or an admin/database port. TCP and UDP both count (RDP also
 * listens on UDP 3389, and a UDP 0-65535 rule is "all ports"); ICMP has no ports and stays high.
 */
const isCritical = (rule: SecurityGroupRule): boolean =>
  coversAllPorts(rule) || ADMIN_PORTS.some((port) => coversPort(rule, port));

/**
 * SGs attached to an internet-facing load balancer whose scheme the intent accepts. Under the classic
 * profile (seed 002) the ALB SG open to 0.0.0.0/0 on 80/443 IS the design, so those two exact ports are
 * not findings there; anything else on that SG (22, a range, all traffic) still is. Under private-backend
 * the same rule is reported: the front door is CloudFront, and an allow-listed public LB does not make
 * world ingress intended. Whether the LB may be public at all is elb.internet-facing's question.
 */
const intendedPublicLbGroups = (inventory: Inventory, intent: ResolvedIntent): ReadonlySet<string> =>
  intent.profile !== 'classic'
    ? new Set()
    : new Set(
        inventory.elbv2.loadBalancers
          .filter((lb) => internetFacingIntended(lb, intent))
          .flatMap((lb) => lb.securityGroupIds),
      );

const isPublicWebPort = (rule: SecurityGroupRule): boolean =>
  protocolOf(rule) === 'tcp' &&
  rule.fromPort !== undefined &&
  rule.fromPort === rule.toPort &&
  PUBLIC_WEB_PORTS.has(rule.fromPort);

export const sgWorldIngress = defineCheck({
  id: 'sg.world-ingress',
  principle: 'P4',
  severity: 'high',
  resourceType: 'AWS::EC2::SecurityGroup',
  // Load balancers are read only to recognise the classic public ALB; they are not a need, so a failed
  // ELB slice never silences this check (at worst the classic ALB's 80/443 is reported in an audit
  // already marked incomplete). A customer-managed prefix list counts by its entries.
  needs: ['ec2.vpcs', 'ec2.securityGroups', 'ec2.prefixLists', 'ec2.prefixListEntries'],
  title: 'セキュリティグループがインターネット全体（0.0.0.0/0・::/0）からの通信を許可しています',
  explanation:
    '0.0.0.0/0 や ::/0 を送信元とするインバウンドルールは、世界中のどこからでもそのポートへの接続を許します。リモート管理用のポート（SSH・RDP）やデータベースのポートが開いていると、数分のうちに総当たり攻撃や脆弱性スキャンの対象になります。',
  impact:
    'インターネットから直接ワークロードやデータベースへ接続され、不正アクセスや情報漏えいにつながる恐れがあります。',
  remediation:
    'インバウンドルールの送信元を 0.0.0.0/0・::/0 から、通信元のセキュリティグループ参照または CloudFront のマネージドプレフィックスリスト（com.amazonaws.global.cloudfront.origin-facing）に置き換えてください。カスタマーマネージドプレフィックスリストのエントリに 0.0.0.0/0・::/0 がある場合は、そのエントリを削除してください。運用時のログインには Systems Manager Session Manager を使い、SSH・RDP のポートは開けないでください。',
  evaluate: ({ inventory, intent }) => {
    const inScope = vpcsInScope(inventory, intent);
    const publicLbGroups = intendedPublicLbGroups(inventory, intent);
    const prefixLists = byId(inventory.ec2.prefixLists);
    return inventory.ec2.securityGroups.flatMap((sg) => {
      if (!inScope.has(sg.vpcId)) return [];
      const worldSources = ingressRules(sg.rules).flatMap((rule) =>
        ruleCidrSources(rule, prefixLists)
          .filter((source) => WORLD_CIDRS.has(source.cidr))
          .map((source) => ({ rule, source })),
      );
      return worldSources.flatMap(({ rule, source }) => {
        if (publicLbGroups.has(sg.id) && isPublicWebPort(rule)) return [];
        const ports = describePorts(rule);
        const critical = isCritical(rule);
        // 'all' traffic already says every port in trafficText; a TCP/UDP 0-65535 range needs saying.
        const allPorts = coversAllPorts(rule) && ports !== 'all' ? '（全ポート）' : '';
        const sensitive = coversAllPorts(rule) ? '' : sensitivePortsSentence(rule);
        return [
          {
            resource: refOf('AWS::EC2::SecurityGroup', sg),
            message: `セキュリティグループ ${label(sg)} のインバウンドルール ${rule.id} が ${trafficText(rule, source)}を許可しています${allPorts}。${sensitive}`,
            expected: '送信元はセキュリティグループ参照または CloudFront プレフィックスリスト',
            actual: ingressText(rule, source),
            ...(critical ? { severity: 'critical' as const } : {}),
            fact: sourceFact(rule, source),
          },
        ];
      });
    });
  },
});
