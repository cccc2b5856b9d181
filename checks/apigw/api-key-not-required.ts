import { label, methodsOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { isCorsPreflight, isFrontedByCloudFront, isPrivate, restApiRef } from './shared.ts';

/**
 * The API key is what ties a CloudFront-fronted API to its distribution (CloudFront injects it as a
 * custom origin header, seed 000): a method that does not require it answers anyone who calls the
 * execute-api hostname directly. The check covers APIs some distribution uses as an origin. Private
 * APIs are skipped: CloudFront cannot reach them, and the resource policy is their gate
 * (apigw.resource-policy). A public API without CloudFront is exposure.unintended-entry's concern.
 * An API fronted through a custom domain name is not recognised (domain mappings are not collected).
 */
export const apigwApiKeyNotRequired = defineCheck({
  id: 'apigw.api-key-not-required',
  principle: 'P7',
  severity: 'high',
  resourceType: 'AWS::ApiGateway::RestApi',
  // No unseenItem: a distribution whose configuration was not read may front any API in any region,
  // so the check cannot be judged anywhere (it is not run).
  needs: ['apigateway.restApis', 'cloudfront.distributions'],
  title: 'CloudFront 経由の API に API キーを必須としないメソッドがあります',
  explanation:
    'CloudFront がカスタムヘッダーで API キーを付与する構成では、API キーを必須にすることが「CloudFront を経由した呼び出しだけを受け付ける」仕組みになります。API キーを必須としないメソッドは、execute-api のエンドポイントを直接呼び出すだけで、CloudFront と WAF を迂回して実行できます。',
  impact:
    'CloudFront を経由しない直接呼び出しでバックエンドが実行され、使用量プランのスロットリングも効きません。',
  remediation:
    'メソッドリクエストの「API キーが必要」を有効にし、API を再デプロイしてください。CORS のプリフライト（OPTIONS）は対象外です。',
  evaluate: ({ inventory, intent }) => {
    if (!intent.switches.requireApiKey) return [];
    return inventory.apigateway.restApis
      .filter((api) => !isPrivate(api) && isFrontedByCloudFront(inventory, api))
      .flatMap((api) =>
        methodsOf(api)
          .filter(({ method }) => !isCorsPreflight(method) && !method.apiKeyRequired)
          .map(({ path, method }) => {
            const signature = `${method.httpMethod.toUpperCase()} ${path}`;
            return {
              resource: restApiRef(api),
              message: `CloudFront の配下にある REST API ${label(api)} のメソッド ${signature} は API キーを必須としていません。`,
              expected: `${signature}: API キー必須`,
              actual: `${signature}: apiKeyRequired=false`,
              fact: signature,
            };
          }),
      );
  },
});
