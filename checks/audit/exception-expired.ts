import { isExpired } from '../../intent/exceptions.ts';
import { defineCheck } from '../define.ts';

export const auditExceptionExpired = defineCheck({
  id: 'audit.exception-expired',
  principle: 'P10',
  severity: 'low',
  resourceType: 'the excepted resource',
  needs: [],
  title: '例外設定の有効期限が切れています',
  explanation: 'インテントファイルの例外が期限切れになったため、対象の検出結果は再び通知されます。',
  impact: '一時的に許容していた設定が、期限後もそのまま残っている可能性があります。',
  remediation: '設定を意図した状態に戻すか、理由を見直したうえで例外の expires を更新してください。',
  evaluate: ({ intent, now, checks }) =>
    intent.exceptions
      .filter((e) => isExpired(e, now))
      .map((e) => ({
        resource: {
          type: checks.find((c) => c.id === e.check)?.resourceType ?? 'Unknown',
          id: e.resource,
          region: 'global',
        },
        message: `${e.check} に対する ${e.resource} の例外（理由: ${e.reason}）は ${e.expires} に期限切れになりました。`,
        expected: `${e.expires} まで有効な例外`,
        actual: '期限切れ',
        fact: `${e.check}:${e.resource}:${e.expires}`,
      })),
});
