import { defineCheck } from '../define.ts';

export const auditIncomplete = defineCheck({
  id: 'audit.incomplete',
  principle: 'P10',
  severity: 'high',
  resourceType: 'AWS::Account',
  needs: [],
  title: '監査が不完全です（一部の情報を取得できませんでした）',
  explanation:
    'AWS API の呼び出しが失敗したため、一部のリソースを確認できていません。確認できなかった部分は「問題なし」ではなく「不明」です。',
  impact: '取得できなかったリソースに問題があっても検知できません。',
  remediation:
    '監査ロールの権限（AccessDenied の場合）や API のスロットリング状況を確認し、監査を再実行してください。',
  evaluate: ({ inventory }) =>
    inventory.errors.map((e) => ({
      resource: { type: 'AWS::Account', id: inventory.account, region: e.region },
      message: `${e.service} の ${e.operation}（${e.region}）が失敗しました: ${e.code}: ${e.message.replace(/[。.]\s*$/, '')}。${e.slices.length > 0 ? `${e.slices.join(', ')} を確認できていません。` : ''}`,
      expected: `${e.service}:${e.operation} の成功`,
      actual: `${e.code}`,
      fact: `${e.service}:${e.operation}:${e.code}`,
    })),
});
