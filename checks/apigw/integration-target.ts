import { label, methodsOf, resolveStageVariables, stageVariableNames } from '../../inventory/derive.ts';
import { defineCheck, type Violation } from '../define.ts';
import { restApiRef, stageLabel, stageRef } from './shared.ts';

/**
 * The private path of seed 000 is REST API → VPC link → internal NLB. An HTTP/HTTP_PROXY integration
 * with connection type INTERNET instead calls a URL over the public internet, so its target must be
 * publicly reachable. AWS/AWS_PROXY (service and Lambda integrations, e.g. seed 003's S3 proxy) and
 * MOCK integrations do not leave AWS's network and are not this check's concern. A connection id
 * taken from a stage variable (`${stageVariables.vpcLinkId}`) is resolved per stage from that stage's
 * variables, and judged on the stage: a stage that does not set the variable cannot call the method.
 */
export const apigwIntegrationTarget = defineCheck({
  id: 'apigw.integration-target',
  principle: 'P7',
  severity: 'high',
  resourceType: 'AWS::ApiGateway::RestApi',
  needs: ['apigateway.restApis', 'apigateway.vpcLinks'],
  title: 'API の統合が意図したプライベート経路を通っていません',
  explanation:
    'HTTP 統合の接続タイプが INTERNET だと、API Gateway はバックエンドをインターネット経由で呼び出します。バックエンドをインターネットに公開する必要があり、VPC リンクと internal の NLB による閉じた経路を迂回します。意図しない VPC リンクへの統合も、想定外のバックエンドに到達します。',
  impact:
    'バックエンドがインターネットに露出し、API Gateway を経由しない直接アクセスも受けられる状態になります。',
  remediation:
    '統合の接続タイプを VPC_LINK にして設計定義ファイルで許可した VPC リンク（internal の NLB 宛て）を指定し、API を再デプロイしてください。',
  evaluate: ({ inventory, intent }) => {
    const allowed = intent.apiGateway.vpcLinkIds;
    // VPC link ids are regional: an API can only use a link of its own region.
    const linksByRegion = new Map<string, Set<string>>();
    for (const l of inventory.apigateway.vpcLinks) {
      linksByRegion.set(l.region, (linksByRegion.get(l.region) ?? new Set()).add(l.id));
    }
    return inventory.apigateway.restApis.flatMap((api) => {
      const links = linksByRegion.get(api.region) ?? new Set<string>();
      return methodsOf(api).flatMap(({ path, method }): Violation[] => {
        const i = method.integration;
        if (!i) return [];
        const type = i.type.toUpperCase();
        if (type !== 'HTTP' && type !== 'HTTP_PROXY') return [];
        const signature = `${method.httpMethod.toUpperCase()} ${path}`;
        const connection = (i.connectionType || 'INTERNET').toUpperCase();
        if (connection === 'INTERNET') {
          return [
            {
              resource: restApiRef(api),
              message: `REST API ${label(api)} のメソッド ${signature} は ${type} 統合でインターネット上の URL ${i.uri ?? '（URI なし）'} を呼び出しています。`,
              expected: `${signature}: VPC_LINK 経由の統合`,
              actual: `${signature}: ${type} INTERNET ${i.uri ?? ''}`.trim(),
              fact: `${signature}:internet:${i.uri ?? ''}`,
            },
          ];
        }
        const id = i.connectionId;
        if (connection !== 'VPC_LINK' || !id) return [];
        // With integrationTarget set (an ALB/NLB ARN) the link is a VPC link v2, an API Gateway v2
        // resource that GetVpcLinks does not list: its absence from `links` proves nothing.
        const isV2 = i.integrationTarget !== undefined;
        const problemOf = (linkId: string) =>
          allowed.length > 0 && !allowed.includes(linkId)
            ? `設計定義ファイルで許可されていない VPC リンク ${linkId}`
            : !isV2 && !links.has(linkId)
              ? `存在しない VPC リンク ${linkId}`
              : undefined;
        const expected =
          allowed.length > 0 ? `VPC リンク ${allowed.join(', ')} のいずれか` : '存在する VPC リンク';
        const variables = stageVariableNames(id);
        if (variables.length === 0) {
          const problem = problemOf(id);
          if (!problem) return [];
          return [
            {
              resource: restApiRef(api),
              message: `REST API ${label(api)} のメソッド ${signature} は${problem} に統合しています。`,
              expected,
              actual: `${signature}: VPC_LINK ${id}`,
              fact: `${signature}:vpc-link:${id}`,
            },
          ];
        }
        // The link is taken from a stage variable: each stage calls the link its own variable names.
        return api.stages.flatMap((stage): Violation[] => {
          // Absent only in snapshots written before stage variables were collected: nothing to resolve.
          if (stage.variables === undefined) return [];
          const resolved = resolveStageVariables(id, stage.variables);
          if ('missing' in resolved) {
            const names = resolved.missing.join(', ');
            return [
              {
                resource: stageRef(api, stage),
                // The call fails instead of reaching a wrong backend: broken, not a bypass.
                severity: 'medium',
                message: `REST API ${stageLabel(api, stage)} は、メソッド ${signature} の VPC リンクを指定するステージ変数 ${names} を設定していません。このステージからの呼び出しは失敗します。`,
                expected: `ステージ変数 ${names} に${expected}`,
                actual: `${signature}: VPC_LINK ${id}（ステージ変数 ${names} が未設定）`,
                fact: `${signature}:vpc-link:${id}:unset`,
              },
            ];
          }
          const problem = problemOf(resolved.value);
          if (!problem) return [];
          return [
            {
              resource: stageRef(api, stage),
              message: `REST API ${stageLabel(api, stage)} では、メソッド ${signature} がステージ変数 ${variables.join(', ')} を通じて${problem} に統合しています。`,
              expected: `ステージ変数 ${variables.join(', ')} に${expected}`,
              actual: `${signature}: VPC_LINK ${id} = ${resolved.value}`,
              fact: `${signature}:vpc-link:${resolved.value}`,
            },
          ];
        });
      });
    });
  },
});
