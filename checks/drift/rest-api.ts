import {
  endpointTypesForm,
  methodsForm,
  policyForm,
  policyStatements,
  stagesForm,
} from '../../intent/canonical.ts';
import { byId, label, refOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { deletedViolation, listDriftViolation, present, wasAudited } from './compare.ts';

const TYPE = 'AWS::ApiGateway::RestApi';

export const driftRestApi = defineCheck({
  id: 'drift.rest-api',
  principle: 'P9',
  severity: 'medium',
  resourceType: TYPE,
  needs: ['apigateway.restApis'],
  title: 'REST API の構成が baseline から変わっています',
  explanation:
    '承認時（baseline）に記録した REST API のエンドポイントタイプ、リソースポリシー、ステージ（WAF・スロットリングの有無）、メソッド（API キー要否・認可）のいずれかが変わっています。ポリシーの条件 1 つやエンドポイントタイプの変更で、非公開だった API が外から呼べるようになります。',
  impact: '承認されていない呼び出し元から API を呼べるようになっている恐れがあります。',
  remediation:
    '差分が意図した変更か確認してください。意図しない変更なら元に戻し（ポリシー変更後は再デプロイが必要です）、意図した変更なら baseline を再生成して承認し直してください。',
  evaluate: ({ inventory, intent }) => {
    const recorded = intent.baseline?.restApis ?? {};
    const live = byId(inventory.apigateway.restApis);
    return Object.entries(recorded).flatMap(([id, entry]) => {
      const api = live.get(id);
      if (!api) {
        if (!wasAudited(inventory, entry.region)) return [];
        const resource = {
          type: TYPE,
          id,
          region: entry.region ?? 'unknown',
          ...(entry.name ? { name: entry.name } : {}),
        };
        return [deletedViolation(resource, `REST API ${label({ id, name: entry.name })} `)];
      }
      const resource = refOf(TYPE, api);
      const what = `REST API ${label(api)} `;
      // The recorded policy is canonicalized too, so a hand-edited (escaped, reordered) baseline
      // compares by meaning; only a real difference is then shown statement by statement.
      const recordedPolicy = policyForm({ policyText: entry.policy });
      const livePolicy = policyForm(api);
      return present([
        listDriftViolation({
          resource,
          what,
          field: 'endpointTypes',
          fieldLabel: 'エンドポイントタイプ',
          recorded: entry.endpointTypes,
          live: endpointTypesForm(api),
        }),
        recordedPolicy === livePolicy
          ? undefined
          : listDriftViolation({
              resource,
              what,
              field: 'policy',
              fieldLabel: 'リソースポリシー',
              recorded: policyStatements(recordedPolicy),
              live: policyStatements(livePolicy),
            }),
        listDriftViolation({
          resource,
          what,
          field: 'stages',
          fieldLabel: 'ステージ',
          recorded: entry.stages,
          live: stagesForm(api),
        }),
        listDriftViolation({
          resource,
          what,
          field: 'methods',
          fieldLabel: 'メソッド',
          recorded: entry.methods,
          live: methodsForm(api),
        }),
      ]);
    });
  },
});
