import { vpcsInScope } from '../../intent/queries.ts';
import { byId, label, refOf, ruleCidrSources, WORLD_CIDRS } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { ingressRules, ingressText, sourceFact, trafficText } from './rules.ts';

/** Prefix of a chain source that names a CIDR the intent admits (PrivateLink / an NLB without SGs). */
export const CIDR_SOURCE_PREFIX = 'cidr:';

export const sgCidrSource = defineCheck({
  id: 'sg.cidr-source',
  principle: 'P4',
  severity: 'medium',
  resourceType: 'AWS::EC2::SecurityGroup',
  // A customer-managed prefix list is a bundle of CIDRs: each entry is judged as a CIDR source.
  needs: ['ec2.vpcs', 'ec2.securityGroups', 'ec2.prefixLists', 'ec2.prefixListEntries'],
  title: 'セキュリティグループが CIDR を送信元として許可しています',
  explanation:
    'この設計では、インバウンドの送信元をセキュリティグループ参照か CloudFront プレフィックスリストに限定します。CIDR（VPC 全体やサブネットの範囲など）で許可すると、その範囲にある別のリソースからも到達でき、ALB などを迂回する経路が生まれます。',
  impact:
    '意図した経路（CloudFront → ALB → ECS → DB）を迂回して、同じ CIDR 内の任意のリソースから到達できてしまいます。',
  remediation:
    'CIDR のルールを削除し、通信元のセキュリティグループを参照するルールに置き換えてください。NLB や PrivateLink のようにセキュリティグループを参照できない経路は、設計定義ファイルのチェーンの from に cidr:<CIDR> として明記してください。カスタマーマネージドプレフィックスリストを意図して使う場合は、チェーンの from にそのリストの ID（pl-…）を明記してください。',
  evaluate: ({ inventory, intent }) => {
    if (!intent.switches.requireSgReferences) return [];
    const inScope = vpcsInScope(inventory, intent);
    // A chain link may name CIDRs on purpose: an NLB without security groups, or PrivateLink, reaches
    // its targets from the NLB's private IPs, which no SG reference can express. It may name a
    // customer-managed prefix list (pl-…) on purpose too.
    const intendedCidrs = new Map<string, Set<string>>();
    const intendedLists = new Map<string, Set<string>>();
    for (const link of intent.securityGroups.chain) {
      const cidrs = link.from
        .filter((f) => f.startsWith(CIDR_SOURCE_PREFIX))
        .map((f) => f.slice(CIDR_SOURCE_PREFIX.length).toLowerCase());
      intendedCidrs.set(link.groupId, new Set([...(intendedCidrs.get(link.groupId) ?? []), ...cidrs]));
      const lists = link.from.filter((f) => f.startsWith('pl-'));
      intendedLists.set(link.groupId, new Set([...(intendedLists.get(link.groupId) ?? []), ...lists]));
    }
    const prefixLists = byId(inventory.ec2.prefixLists);
    return inventory.ec2.securityGroups.flatMap((sg) => {
      if (!inScope.has(sg.vpcId)) return [];
      return ingressRules(sg.rules).flatMap((rule) =>
        ruleCidrSources(rule, prefixLists).flatMap((source) => {
          // World CIDRs are sg.world-ingress's finding, with its own severity; one rule, one report.
          if (WORLD_CIDRS.has(source.cidr)) return [];
          if (intendedCidrs.get(sg.id)?.has(source.cidr.toLowerCase())) return [];
          if (source.prefixList && intendedLists.get(sg.id)?.has(source.prefixList.id)) return [];
          return [
            {
              resource: refOf('AWS::EC2::SecurityGroup', sg),
              message: `セキュリティグループ ${label(sg)} のインバウンドルール ${rule.id} が CIDR ${trafficText(rule, source)}を許可しています。`,
              expected: '送信元はセキュリティグループ参照または CloudFront プレフィックスリスト',
              actual: ingressText(rule, source),
              fact: sourceFact(rule, source),
            },
          ];
        }),
      );
    });
  },
});
