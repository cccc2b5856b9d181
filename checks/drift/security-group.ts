import { sgRulesForm } from '../../intent/canonical.ts';
import { defineCheck } from '../define.ts';
import { compareBaselined, listDriftViolation } from './compare.ts';

const TYPE = 'AWS::EC2::SecurityGroup';

/**
 * A recorded rule ('in tcp 22 from 0.0.0.0/0', 'out -1 all to 0.0.0.0/0') in Japanese:
 * '0.0.0.0/0 から tcp 22 への受信', '0.0.0.0/0 への全トラフィックの送信'. Anything else is shown as written.
 */
export const sgRuleText = (form: string): string => {
  const match = /^(in|out) (\S+) (\S+) (?:from|to) (.+)$/.exec(form);
  if (!match) return form;
  const [, direction, protocol, ports, peer] = match;
  const inbound = direction === 'in';
  if (protocol === '-1' || protocol === 'all') {
    return inbound ? `${peer} からの全トラフィックの受信` : `${peer} への全トラフィックの送信`;
  }
  const traffic = ports === 'all' ? `${protocol} の全ポート` : `${protocol} ${ports}`;
  return inbound ? `${peer} から ${traffic} への受信` : `${peer} への ${traffic} の送信`;
};

export const driftSecurityGroup = defineCheck({
  id: 'drift.security-group',
  principle: 'P9',
  severity: 'medium',
  resourceType: TYPE,
  needs: ['ec2.securityGroups'],
  title: 'セキュリティグループのルールがベースラインから変わっています',
  explanation:
    '承認時にベースラインへ記録したセキュリティグループのルールが追加・削除されています。意図しないルールが 1 つ追加されるだけで、チェーンの外から到達できる経路が気付かないうちに開きます。',
  impact: '承認されていない経路でワークロードに到達できるようになっている恐れがあります。',
  remediation:
    '差分のルールが意図した変更か確認してください。意図しない変更なら元に戻し、意図した変更ならベースラインを再生成（arch-auditor baseline）して承認し直してください。',
  evaluate: ({ inventory, intent }) =>
    compareBaselined({
      inventory,
      type: TYPE,
      noun: 'セキュリティグループ',
      recorded: intent.baseline?.securityGroups ?? {},
      live: inventory.ec2.securityGroups,
      compare: (entry, group, resource, what) => [
        listDriftViolation({
          resource,
          what,
          field: 'rules',
          fieldLabel: 'ルール',
          recorded: entry.rules,
          live: sgRulesForm(group),
          show: sgRuleText,
        }),
      ],
    }),
});
