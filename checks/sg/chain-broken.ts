import type { ChainLink } from '../../intent/schema.ts';
import { byId, cloudFrontPrefixListIds, label, peerOf, refOf } from '../../inventory/derive.ts';
import type { SecurityGroup, SecurityGroupRule } from '../../inventory/types.ts';
import type { Violation } from '../define.ts';
import { defineCheck } from '../define.ts';
import { resolveSource, ruleFrom } from './chain.ts';
import { admitsOnlyTcpPorts, admitsTcpPort, describeIngress, ingressFrom, ingressRules } from './rules.ts';

const TYPE = 'AWS::EC2::SecurityGroup';

/** The link and its group, named once when the link is named after its group. */
const linkText = (link: ChainLink, sg: SecurityGroup): string =>
  sg.name === link.name
    ? `チェーンのリンク ${label(sg)}`
    : `チェーンのリンク ${link.name} のセキュリティグループ ${label(sg)}`;

/**
 * A rule's source named the way `expected` names the intended ones: a chain link by its link name, a
 * group by its Name tag, the CloudFront list as such; a CIDR or another list as written.
 */
const sourceNamer = (
  chain: readonly ChainLink[],
  groups: ReadonlyMap<string, SecurityGroup>,
  cloudFrontLists: ReadonlySet<string>,
) => {
  return (rule: SecurityGroupRule): string => {
    if (rule.prefixListId && cloudFrontLists.has(rule.prefixListId)) return 'CloudFront プレフィックスリスト';
    const groupId = rule.referencedGroupId;
    if (groupId === undefined) return peerOf(rule);
    const link = chain.find((l) => l.groupId === groupId);
    if (link) return `${link.name} (${groupId})`;
    const group = groups.get(groupId);
    return group ? label(group) : groupId;
  };
};

export const sgChainBroken = defineCheck({
  id: 'sg.chain-broken',
  principle: 'P4',
  severity: 'high',
  resourceType: TYPE,
  needs: ['ec2.securityGroups', 'ec2.prefixLists'],
  title: 'セキュリティグループのチェーンが意図と異なります（余分な経路または欠けたリンク）',
  explanation:
    '設計定義ファイルのチェーン（例: CloudFront → ALB:443 → ECS:アプリのポート → DB:5432）では、各リンクのセキュリティグループは直前のリンクから意図したポートへの通信だけを受け付けます。余分なインバウンドルールは前段を迂回する経路になり、欠けたルールは通信断につながります。',
  impact: '余分な経路があれば前段を迂回して到達でき、リンクが欠けていれば正規の通信が届きません。',
  remediation:
    '各セキュリティグループのインバウンドルールを、設計定義ファイルのチェーンの from（前段のセキュリティグループ、CloudFront プレフィックスリスト、cidr:）と ports の組み合わせに一致させてください。余分なルールは削除し、欠けているルールは前段のセキュリティグループを参照する形で追加してください。',
  evaluate: ({ inventory, intent }) => {
    const chain = intent.securityGroups.chain;
    if (chain.length === 0) return [];
    const groups = byId(inventory.ec2.securityGroups);
    const cloudFrontLists = cloudFrontPrefixListIds(inventory);
    const sourceOf = sourceNamer(chain, groups, cloudFrontLists);
    const ingress = (rule: SecurityGroupRule): string => ingressFrom(sourceOf(rule), rule);
    // A deleted group has no region of its own: name the region of the chain's surviving groups.
    const chainRegion =
      chain.map((l) => groups.get(l.groupId)?.region).find((r) => r !== undefined) ??
      inventory.regions[0] ??
      'global';

    return chain.flatMap((link): Violation[] => {
      const sg = groups.get(link.groupId);
      if (!sg) {
        return [
          {
            resource: { type: TYPE, id: link.groupId, region: chainRegion },
            message: `チェーンのリンク ${link.name} のセキュリティグループ ${link.groupId} が見つかりません。削除されたか、監査対象外のリージョンにあります。`,
            expected: `${link.groupId} が存在する`,
            actual: 'セキュリティグループなし',
            fact: 'group-missing',
          },
        ];
      }
      const ports = new Set(link.ports);
      const sources = link.from.map((f) => ({ raw: f, source: resolveSource(f, chain) }));
      const rules = ingressRules(sg.rules);

      // The front link's extra rules are sg.front-not-cloudfront-only's finding (same rule, same
      // meaning); here the front is only checked for missing links.
      const extras = link.front
        ? []
        : rules
            .filter(
              (rule) =>
                !(
                  sources.some(({ source }) => ruleFrom(rule, source, cloudFrontLists)) &&
                  admitsOnlyTcpPorts(rule, ports)
                ),
            )
            .map(
              (rule): Violation => ({
                resource: refOf(TYPE, sg),
                message: `${linkText(link, sg)} のインバウンドルール ${rule.id} が、意図していない通信（${ingress(rule)}）を許可しています。`,
                expected: `${sources.map(({ source }) => source.text).join('、')} から tcp/${link.ports.join(', ')} のみ`,
                actual: ingress(rule),
                fact: `extra:${describeIngress(rule)}`,
              }),
            );

      const missing = sources.flatMap(({ raw, source }) =>
        link.ports
          .filter(
            (port) =>
              !rules.some((rule) => ruleFrom(rule, source, cloudFrontLists) && admitsTcpPort(rule, port)),
          )
          .map(
            (port): Violation => ({
              resource: refOf(TYPE, sg),
              message:
                source.kind === 'unresolved'
                  ? `チェーンのリンク ${link.name} の送信元 ${raw} は、チェーンのリンク名・sg-・pl-・cidr:・cloudfront のいずれでもないため、セキュリティグループ ${label(sg)} のルールと照合できません。`
                  : `${linkText(link, sg)} に、${source.text} から tcp/${port} を許可するインバウンドルールがありません。`,
              expected: `${source.text} から tcp/${port}`,
              actual: 'ルールなし',
              fact: `missing:${raw}:tcp/${port}`,
            }),
          ),
      );
      return [...extras, ...missing];
    });
  },
});
