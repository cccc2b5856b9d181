import { bySignature, currentDefinition, methodKey, methodSignature } from '../../inventory/api-methods.ts';
import { defineCheck } from '../define.ts';
import { listSome, stageLabel, stageRef } from './shared.ts';

const show = (items: readonly string[]): string => (items.length > 0 ? listSome(items) : 'なし');

/**
 * API Gateway serves a stage from a frozen deployment: changes to resources, methods or integrations
 * take effect only after a new deployment (seed 000's pitfall). The stage's export (deployedMethods)
 * is compared with the API's current methods through the canonical signatures of
 * inventory/api-methods.ts. What the signature does not hold cannot be seen here: authorizers and
 * authorization types, request validators and models, method/integration parameters and mapping
 * templates, the resource policy, stage variables and gateway responses. A stage whose export could
 * not be read (deployedMethods undefined) is not judged; the collector reports that error.
 */
export const apigwStaleDeployment = defineCheck({
  id: 'apigw.stale-deployment',
  principle: 'P7',
  severity: 'medium',
  resourceType: 'AWS::ApiGateway::Stage',
  needs: ['apigateway.restApis', 'apigateway.stageExports'],
  title: 'API の変更がステージにデプロイされていません',
  explanation:
    'REST API はリソース・メソッド・統合を変更しても、再デプロイするまでステージには反映されません。コンソールやコードで直した設定（API キー必須化や VPC リンクへの切り替えなど）が、実際には効いていない状態です。',
  impact: '設定上は修正済みに見えても、ステージは古い設定のまま呼び出しを処理します。',
  remediation: 'API を対象のステージに再デプロイし（CreateDeployment）、デプロイ後の設定を確認してください。',
  evaluate: ({ inventory }) =>
    inventory.apigateway.restApis.flatMap((api) => {
      const current = currentDefinition(api);
      const currentSet = new Set(current.map(methodSignature));
      return api.stages.flatMap((stage) => {
        if (stage.deployedMethods === undefined) return [];
        const deployedSet = new Set(stage.deployedMethods.map(methodSignature));
        const onlyCurrent = current.filter((m) => !deployedSet.has(methodSignature(m)));
        const onlyDeployed = bySignature(
          stage.deployedMethods.filter((m) => !currentSet.has(methodSignature(m))),
        );
        if (onlyCurrent.length === 0 && onlyDeployed.length === 0) return [];
        const deployedKeys = new Set(onlyDeployed.map(methodKey));
        const currentKeys = new Set(onlyCurrent.map(methodKey));
        const changed = [...new Set(onlyCurrent.map(methodKey))].filter((k) => deployedKeys.has(k));
        const added = [...new Set(onlyCurrent.map(methodKey))].filter((k) => !deployedKeys.has(k));
        const removed = [...new Set(onlyDeployed.map(methodKey))].filter((k) => !currentKeys.has(k));
        const parts = [
          ...(added.length > 0 ? [`未デプロイの追加 ${listSome(added)}`] : []),
          ...(changed.length > 0 ? [`未デプロイの変更 ${listSome(changed)}`] : []),
          ...(removed.length > 0 ? [`削除済みなのに公開中 ${listSome(removed)}`] : []),
        ];
        return [
          {
            resource: stageRef(api, stage),
            message: `${stageLabel(api, stage)} はデプロイ ${stage.deploymentId} を公開しており、API の現在の定義と異なります（${parts.join('、')}）。`,
            expected: `現在の定義: ${show(onlyCurrent.map(methodSignature))}`,
            actual: `公開中: ${show([...new Set(onlyDeployed.map(methodSignature))])}`,
            fact: [
              ...added.map((k) => `+${k}`),
              ...changed.map((k) => `~${k}`),
              ...removed.map((k) => `-${k}`),
            ].join(';'),
          },
        ];
      });
    }),
});
