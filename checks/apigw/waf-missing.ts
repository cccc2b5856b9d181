import { defineCheck } from '../define.ts';
import { isPrivate, stageLabel, stageRef } from './shared.ts';

/**
 * Private APIs are skipped: WAF can be attached to them, but they are reachable only through VPC
 * endpoints the resource policy admits, and the seeds put WAF on the CloudFront-fronted public API
 * (seed 000). A regional/edge API is reachable from the internet, so it needs its own web ACL even
 * behind CloudFront: its execute-api hostname can be called directly.
 */
export const apigwWafMissing = defineCheck({
  id: 'apigw.waf-missing',
  principle: 'P7',
  severity: 'high',
  resourceType: 'AWS::ApiGateway::Stage',
  needs: ['apigateway.restApis'],
  title: 'API のステージに WAF の Web ACL が関連付けられていません',
  explanation:
    'インターネットから到達できる REST API のステージは、execute-api のエンドポイントを直接呼ばれると CloudFront 側の WAF を通りません。ステージに Web ACL を関連付けると、どの経路の呼び出しにも WAF のルールが適用されます。',
  impact:
    'SQL インジェクションやボットなどの不正なリクエストが、WAF の検査を受けずにバックエンドへ届きます。',
  remediation:
    'API と同じリージョンに REGIONAL スコープの Web ACL を作成し（AWS マネージドルールのコアルールセット AWSManagedRulesCommonRuleSet など）、API のステージに関連付けてください。',
  evaluate: ({ inventory, intent }) => {
    if (!intent.apiGateway.requireWaf) return [];
    return inventory.apigateway.restApis
      .filter((api) => !isPrivate(api))
      .flatMap((api) =>
        api.stages
          .filter((stage) => !stage.webAclArn)
          .map((stage) => ({
            resource: stageRef(api, stage),
            message: `${stageLabel(api, stage)} に WAF の Web ACL が関連付けられていません。`,
            expected: 'WAF の Web ACL が関連付けられている',
            actual: 'Web ACL なし',
            fact: 'no-web-acl',
          })),
      );
  },
});
