import { nothing } from '../../evaluate/unseen.ts';
import { methodsOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { isCorsPreflight, stageLabel, stageRef } from './shared.ts';

type Limits = { readonly rateLimit?: number; readonly burstLimit?: number } | undefined;

/**
 * API Gateway fills the stage's all-methods setting with the account-level defaults (rate 10000,
 * burst 5000) as soon as any stage setting (logging, metrics) is saved, and -1 means "not set": neither
 * is a limit of the API's own. A value counts only when it is non-negative and differs from that default.
 */
const ACCOUNT_DEFAULT = { rateLimit: 10_000, burstLimit: 5_000 } as const;
const isOwnLimit = (value: number | undefined, accountDefault: number): boolean =>
  value !== undefined && value >= 0 && value !== accountDefault;
const hasLimit = (t: Limits): boolean =>
  isOwnLimit(t?.rateLimit, ACCOUNT_DEFAULT.rateLimit) ||
  isOwnLimit(t?.burstLimit, ACCOUNT_DEFAULT.burstLimit);

/**
 * A stage is throttled by its own method settings, or by a usage plan bound to it. A usage plan
 * throttles per API key, so it only reaches methods that require a key: a method without
 * apiKeyRequired is limited by nothing but the account-level quota, which every API in the region shares.
 */
export const apigwThrottlingMissing = defineCheck({
  id: 'apigw.throttling-missing',
  principle: 'P7',
  severity: 'medium',
  resourceType: 'AWS::ApiGateway::Stage',
  needs: ['apigateway.restApis', 'apigateway.usagePlans'],
  // A plan's throttle and stages come with the plan (GetUsagePlans); its keys are never read here.
  unseenItem: { 'AWS::ApiGateway::UsagePlan': nothing },
  title: 'API のステージにスロットリングが設定されていません',
  explanation:
    'ステージのスロットリングも使用量プランのスロットリングもないと、API はアカウント単位の上限（リージョン内の全 API で共有）まで呼び出しを受け付けます。大量の呼び出しでバックエンドが過負荷になり、同じアカウントの他の API も巻き込まれます。',
  impact: '過剰な呼び出しでバックエンドの停止や想定外の課金が起こり、他の API も制限される恐れがあります。',
  remediation:
    'ステージのデフォルトのメソッドスロットリング（レートとバースト）を設定するか、API キー必須のメソッドに対して使用量プランのスロットリングを設定してください。',
  evaluate: ({ inventory, intent }) => {
    if (!intent.apiGateway.requireThrottling) return [];
    return inventory.apigateway.restApis.flatMap((api) =>
      api.stages.flatMap((stage) => {
        if (hasLimit(stage.throttling)) return [];
        const plans = inventory.apigateway.usagePlans.filter(
          (p) =>
            p.region === api.region &&
            hasLimit(p.throttle) &&
            p.apiStages.some((s) => s.apiId === api.id && s.stage === stage.stageName),
        );
        if (plans.length === 0) {
          return [
            {
              resource: stageRef(api, stage),
              message: `${stageLabel(api, stage)} には、ステージのスロットリングも、スロットリングを設定した使用量プランもありません。`,
              expected: 'ステージまたは使用量プランでレート・バーストを制限',
              actual: stage.throttling
                ? `アカウントの既定値のみ（レート ${stage.throttling.rateLimit ?? '-'}、バースト ${stage.throttling.burstLimit ?? '-'}）`
                : 'スロットリングなし',
              fact: 'no-throttling',
            },
          ];
        }
        const unkeyed = methodsOf(api)
          .filter(({ method }) => !isCorsPreflight(method) && !method.apiKeyRequired)
          .map(({ path, method }) => `${method.httpMethod.toUpperCase()} ${path}`);
        if (unkeyed.length === 0) return [];
        const planNames = plans.map((p) => p.name ?? p.planName).join(', ');
        return [
          {
            resource: stageRef(api, stage),
            message: `${stageLabel(api, stage)} のスロットリングは使用量プラン ${planNames} だけで、API キーを必須としないメソッド（${unkeyed.join(', ')}）には適用されません。`,
            expected: 'すべてのメソッドにスロットリングを適用',
            actual: `使用量プランの対象外: ${unkeyed.join(', ')}`,
            fact: `unkeyed:${unkeyed.join(',')}`,
          },
        ];
      }),
    );
  },
});
