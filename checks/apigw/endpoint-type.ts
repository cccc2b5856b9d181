import { label } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { restApiRef } from './shared.ts';

export const apigwEndpointType = defineCheck({
  id: 'apigw.endpoint-type',
  principle: 'P7',
  severity: 'high',
  resourceType: 'AWS::ApiGateway::RestApi',
  needs: ['apigateway.restApis'],
  title: 'REST API のエンドポイントタイプが意図と異なります',
  explanation:
    'エンドポイントタイプは API に到達できる経路を決めます。PRIVATE のつもりの API が REGIONAL や EDGE だと、VPC エンドポイントを経由せずインターネットから直接呼び出せます。逆に PRIVATE にすると CloudFront からは到達できなくなります。',
  impact: '意図しない経路から API を呼び出せる、または意図した経路から呼び出せなくなります。',
  remediation:
    'API のエンドポイント設定（EndpointConfiguration.Types）を、設計定義ファイルの apiGateway.endpointTypes に合わせて変更してください。PRIVATE にする場合は、リソースポリシーと VPC エンドポイントも用意してください。',
  evaluate: ({ inventory, intent }) => {
    const wanted = intent.apiGateway.endpointTypes;
    return inventory.apigateway.restApis.flatMap((api) => {
      // An API may be named by id, by name, or covered by '*'; with none of them the intent is silent.
      const expected = wanted[api.id] ?? wanted[api.apiName] ?? wanted['*'];
      if (expected === undefined) return [];
      const actual = api.endpointTypes.map((t) => t.toUpperCase());
      if (actual.length === 1 && actual[0] === expected) return [];
      const actualText = actual.length > 0 ? actual.join(', ') : 'なし';
      const now =
        actual.length > 0
          ? `エンドポイントタイプは ${actualText} ですが`
          : 'エンドポイントタイプが設定されていませんが';
      return [
        {
          resource: restApiRef(api),
          message: `REST API ${label(api)} の${now}、意図したタイプは ${expected} です。`,
          expected,
          actual: actualText,
          fact: `endpoint-type:${actual.join(',')}`,
        },
      ];
    });
  },
});
