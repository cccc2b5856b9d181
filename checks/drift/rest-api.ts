import {
  endpointTypesForm,
  methodsForm,
  policyForm,
  policyStatements,
  stagesForm,
} from '../../intent/canonical.ts';
import { defineCheck } from '../define.ts';
import { compareBaselined, listDriftViolation } from './compare.ts';

const TYPE = 'AWS::ApiGateway::RestApi';

export const driftRestApi = defineCheck({
  id: 'drift.rest-api',
  principle: 'P9',
  severity: 'medium',
  resourceType: TYPE,
  needs: ['apigateway.restApis'],
  title: 'REST API の構成がベースラインから変わっています',
  explanation:
    '承認時にベースラインへ記録した REST API のエンドポイントタイプ、リソースポリシー、ステージ（WAF・スロットリングの有無）、メソッド（API キー要否・認可）のいずれかが変わっています。ポリシーの条件 1 つやエンドポイントタイプの変更だけで、非公開だった API を外部から呼び出せるようになります。',
  impact: '承認されていない呼び出し元から API を呼べるようになっている恐れがあります。',
  remediation:
    '差分が意図した変更か確認してください。意図しない変更なら元に戻し（ポリシーを戻したら再デプロイが必要です）、意図した変更ならベースラインを再生成（arch-auditor baseline）して承認し直してください。',
  evaluate: ({ inventory, intent }) => {
    return compareBaselined({
      inventory,
      type: TYPE,
      noun: 'REST API',
      recorded: intent.baseline?.restApis ?? {},
      live: inventory.apigateway.restApis,
      compare: (entry, api, resource, what) => {
        // The recorded policy is canonicalized too, so a hand-edited (escaped, reordered) baseline
        // compares by meaning; only a real difference is then shown statement by statement.
        const recordedPolicy = policyForm({ policyText: entry.policy });
        const livePolicy = policyForm(api);
        return [
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
        ];
      },
    });
  },
});
