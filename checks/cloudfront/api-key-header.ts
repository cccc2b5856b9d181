import { GLOBAL } from '../../evaluate/unseen.ts';
import { frontDoors } from '../../intent/queries.ts';
import { label, parseExecuteApiDomain } from '../../inventory/derive.ts';
import type { ApiKey, CustomOriginHeader, Inventory, RestApi } from '../../inventory/types.ts';
import { defineCheck, type Violation } from '../define.ts';
import {
  behaviorsTargeting,
  distributionRef,
  distributionSpots,
  ownDistribution,
  resolvedStage,
  restApiOfOrigin,
} from './distribution.ts';

/** Why the header's value would not be accepted on a stage. Values and fingerprints are never shown. */
type Rejection =
  | { readonly reason: 'unknown-value' }
  | { readonly reason: 'disabled'; readonly keys: readonly ApiKey[] }
  | { readonly reason: 'no-plan' }
  | { readonly reason: 'not-in-plan'; readonly keys: readonly ApiKey[] };

/**
 * API Gateway accepts a key on a stage only when the key is enabled and attached to a usage plan that
 * lists that API stage. `stage` undefined means "some stage of the API" (the behavior's stage is unknown).
 * Keys and plans live in the API's region; only fingerprints are compared.
 */
const rejectionOf = (
  inventory: Inventory,
  api: RestApi,
  header: CustomOriginHeader,
  stage: string | undefined,
): Rejection | undefined => {
  const plans = inventory.apigateway.usagePlans.filter(
    (p) =>
      p.region === api.region &&
      p.apiStages.some((s) => s.apiId === api.id && (stage === undefined || s.stage === stage)),
  );
  const keys = inventory.apigateway.apiKeys.filter(
    (k) => k.region === api.region && k.valueFingerprint === header.valueFingerprint,
  );
  const enabled = keys.filter((k) => k.enabled);
  if (enabled.some((k) => plans.some((p) => p.apiKeyIds.includes(k.id)))) return undefined;
  if (keys.length === 0) return { reason: 'unknown-value' };
  if (enabled.length === 0) return { reason: 'disabled', keys };
  if (plans.length === 0) return { reason: 'no-plan' };
  return { reason: 'not-in-plan', keys: enabled };
};

const explain = (r: Rejection, onStage: string): string => {
  const names = (keys: readonly ApiKey[]) => keys.map(label).join(', ');
  switch (r.reason) {
    case 'unknown-value':
      return 'ヘッダーの値がどの API キーの値とも一致しません（ローテーション後の古い値の可能性があります）';
    case 'disabled':
      return `ヘッダーの値は無効化された API キー ${names(r.keys)} の値です`;
    case 'no-plan':
      return `${onStage}を対象とする使用量プランがありません`;
    case 'not-in-plan':
      return `ヘッダーの値の API キー ${names(r.keys)} は、${onStage}を対象とする使用量プランに関連付けられていません`;
  }
};

export const cloudfrontApiKeyHeader = defineCheck({
  id: 'cloudfront.api-key-header',
  principle: 'P6',
  severity: 'high',
  resourceType: 'AWS::CloudFront::Distribution',
  needs: ['cloudfront.distributions', 'apigateway.restApis', 'apigateway.usagePlans', 'apigateway.apiKeys'],
  unseenItem: {
    ...ownDistribution,
    // A usage plan whose keys were not read may or may not accept a header's key, but only on the
    // stages it names (read with the plan): the distributions with an origin on one of those APIs.
    'AWS::ApiGateway::UsagePlan': (items, { inventory }) => {
      const plans = inventory.apigateway.usagePlans.filter((p) =>
        items.some((i) => i.resourceId === p.id && i.region === p.region),
      );
      // A plan not in the inventory names no stages: any API origin may hang on it.
      if (plans.length < items.length) return [{ region: GLOBAL }];
      return distributionSpots(
        inventory.cloudfront.distributions.filter((d) =>
          d.origins.some((o) => {
            const target = parseExecuteApiDomain(o.domainName);
            return plans.some(
              (p) =>
                p.region === target?.region &&
                p.apiStages.some((s) => s.apiId.toLowerCase() === target.apiId),
            );
          }),
        ),
      );
    },
  },
  title: 'API オリジンのカスタムヘッダーに有効な API キーが設定されていません',
  explanation:
    'API キーを CloudFront のカスタムオリジンヘッダーで付与し、利用者にはキーを渡さず、CloudFront を経由しない直接アクセスを API キーで拒否する設計です。ヘッダーがない、またはその値が対象ステージの使用量プランに関連付けられた有効な API キーでないと、API Gateway は CloudFront からのリクエストを 403 で拒否します。キーのローテーション後、古いキーを無効化したり使用量プランから外したりしたときに起きやすい障害です。',
  impact: 'CloudFront 経由の API リクエストがすべて 403 Forbidden になり、サービスが停止します。',
  remediation:
    'オリジンのカスタムヘッダー（既定は x-api-key）に、対象ステージの使用量プランに関連付けられた有効な API キーの値を設定してください。キーをローテーションするときは、新しいキーを使用量プランに追加してヘッダーを更新し、デプロイ完了を確認してから古いキーを無効化してください。',
  evaluate: ({ inventory, intent }) => {
    const headerName = intent.cloudfront.apiKeyHeader.toLowerCase();
    return frontDoors(inventory, intent).flatMap((d) =>
      d.origins.flatMap((origin): Violation[] => {
        const api = restApiOfOrigin(inventory, origin);
        // Applicability. The API must be known (its region collected and a REST API: HTTP APIs have no
        // keys). With apiKeySource AUTHORIZER the key comes from a Lambda authorizer, not a header.
        // The header is then needed when a method already requires a key (else CloudFront gets 403s) or
        // when the intent requires keys on APIs behind CloudFront (P7): the header must be ready for the
        // methods apigw.api-key-not-required will make require one. Otherwise the API uses no keys.
        if (!api || api.apiKeySource === 'AUTHORIZER') return [];
        const keyRequired = api.resources.some((r) => r.methods.some((m) => m.apiKeyRequired));
        if (!keyRequired && !intent.switches.requireApiKey) return [];
        // An origin no behavior routes to receives no requests.
        const behaviors = behaviorsTargeting(d, origin);
        if (behaviors.length === 0) return [];

        const where = `ディストリビューション ${label(d)} のオリジン ${origin.id}（API ${label(api)}）`;
        const base = {
          resource: distributionRef(d),
          expected: `${intent.cloudfront.apiKeyHeader} ヘッダーに、ステージの使用量プランに関連付けられた有効な API キー`,
        };
        const header = origin.customHeaders.find((h) => h.name.toLowerCase() === headerName);
        if (!header) {
          return [
            {
              ...base,
              message: `${where}には API キーを渡すカスタムヘッダー ${intent.cloudfront.apiKeyHeader} がありません。`,
              actual: `${intent.cloudfront.apiKeyHeader} ヘッダーなし`,
              fact: `${origin.id}:no-header`,
            },
          ];
        }

        // The stages the behaviors reach. A stage that does not exist is cloudfront.api-stage-path's
        // finding; a wildcard first segment could reach any stage, so any plan on the API must accept it.
        const existing = new Set(api.stages.map((s) => s.stageName));
        const reached = behaviors.map((b) => resolvedStage(origin, b));
        const targets = [
          ...new Set(reached.filter((s): s is string => s !== undefined && existing.has(s))),
          ...(reached.includes(undefined) ? [undefined] : []),
        ];
        return targets.flatMap((stage) => {
          const rejection = rejectionOf(inventory, api, header, stage);
          if (!rejection) return [];
          // Trailing space after an ASCII stage name, as Japanese text spaces around Latin words.
          const onStage = stage === undefined ? `API ${api.id} のいずれかのステージ` : `ステージ ${stage} `;
          const keyIds = 'keys' in rejection ? `:${rejection.keys.map((k) => k.id).join(',')}` : '';
          return [
            {
              ...base,
              message: `${where}の ${header.name} ヘッダー（${onStage}宛て）: ${explain(rejection, onStage)}。`,
              actual: explain(rejection, onStage),
              fact: `${origin.id}:${stage ?? '*'}:${rejection.reason}${keyIds}`,
            },
          ];
        });
      }),
    );
  },
});
