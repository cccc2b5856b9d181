import { sgRulesForm } from '../../intent/canonical.ts';
import { byId, label, refOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { deletedViolation, listDriftViolation, present, wasAudited } from './compare.ts';

const TYPE = 'AWS::EC2::SecurityGroup';

export const driftSecurityGroup = defineCheck({
  id: 'drift.security-group',
  principle: 'P9',
  severity: 'medium',
  resourceType: TYPE,
  needs: ['ec2.securityGroups'],
  title: 'セキュリティグループのルールが baseline から変わっています',
  explanation:
    '承認時（baseline）に記録したセキュリティグループのルールが追加・削除されています。意図しないルール追加は、チェーン外からの到達経路を黙って開きます。',
  impact: '承認されていない経路でワークロードに到達できるようになっている恐れがあります。',
  remediation:
    '差分のルールが意図した変更か確認してください。意図しない変更なら元に戻し、意図した変更なら baseline を再生成して承認し直してください。',
  evaluate: ({ inventory, intent }) => {
    const recorded = intent.baseline?.securityGroups ?? {};
    const live = byId(inventory.ec2.securityGroups);
    return Object.entries(recorded).flatMap(([id, entry]) => {
      const group = live.get(id);
      if (!group) {
        if (!wasAudited(inventory, entry.region)) return [];
        const resource = {
          type: TYPE,
          id,
          region: entry.region ?? 'unknown',
          ...(entry.name ? { name: entry.name } : {}),
        };
        return [deletedViolation(resource, `セキュリティグループ ${label({ id, name: entry.name })} `)];
      }
      return present([
        listDriftViolation({
          resource: refOf(TYPE, group),
          what: `セキュリティグループ ${label(group)} `,
          field: 'rules',
          fieldLabel: 'ルール',
          recorded: entry.rules,
          live: sgRulesForm(group),
        }),
      ]);
    });
  },
});
