import { isExpired } from '../../intent/exceptions.ts';
import { findResource, regionOfArn } from '../../inventory/derive.ts';
import type { Inventory } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';
import { exceptionSubject, withoutFinalStop } from './wording.ts';

/**
 * Where the excepted resource is: its own region and name when the inventory has it, else the
 * region its ARN names, else the audited region (CloudFront's resources are global).
 */
const locate = (inventory: Inventory, resource: string, type: string) => {
  const found = findResource(inventory, resource);
  if (found) return { region: found.region, ...(found.name ? { name: found.name } : {}) };
  const region =
    regionOfArn(resource) ||
    (type.startsWith('AWS::CloudFront::') || inventory.regions.length !== 1
      ? 'global'
      : inventory.regions[0]);
  // A '*' entry is named for people: a bare '*' reads as nothing (and as markup in chat).
  return { region: region ?? 'global', ...(resource === '*' ? { name: 'すべてのリソース' } : {}) };
};

export const auditExceptionExpired = defineCheck({
  id: 'audit.exception-expired',
  principle: 'P10',
  severity: 'low',
  resourceType: 'the excepted resource',
  needs: [],
  title: '例外設定の有効期限が切れています',
  explanation: '設計定義ファイルの例外が期限切れになったため、対象の検出結果が再び通知されます。',
  impact: '一時的に許容していた設定が、期限後もそのまま残っている可能性があります。',
  remediation: '設定を意図した状態に戻すか、理由を見直したうえで例外の expires を更新してください。',
  evaluate: ({ inventory, intent, now, checks }) =>
    intent.exceptions
      .filter((e) => isExpired(e, now))
      .map((e) => {
        const type = checks.find((c) => c.id === e.check)?.resourceType ?? 'Unknown';
        const where = locate(inventory, e.resource, type);
        // A fact-level exception names what it accepted; two of them on one resource stay two findings.
        const facts = e.facts ? `（${e.facts.join('、')}）` : '';
        return {
          resource: { type, id: e.resource, ...where },
          message: `${exceptionSubject(e.resource, where, e.check)}${facts}（理由: ${withoutFinalStop(e.reason)}）は ${e.expires} に期限が切れました。`,
          expected: '有効期限内の例外、または意図どおりの設定',
          actual: `${e.expires} に期限切れ`,
          fact: e.facts
            ? `${e.check}:${e.resource}:${e.facts.join('|')}:${e.expires}`
            : `${e.check}:${e.resource}:${e.expires}`,
        };
      }),
});
