import { sgRulesForm } from '../../intent/canonical.ts';
import { defineCheck } from '../define.ts';
import { compareBaselined, listDriftViolation } from './compare.ts';

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
        }),
      ],
    }),
});
