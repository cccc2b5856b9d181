import { describe, expect, it } from 'vitest';
import { apigwApiKeyNotRequired } from '../../../checks/apigw/api-key-not-required.ts';
import { aDistributionFronting, aPrivateApi } from '../../fixtures/apigw.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aDistribution, aMethod, anApiResource, anInventory, aRestApi } from '../../fixtures/inventory.ts';

const apiWith = (getKeyRequired: boolean) =>
  aRestApi({
    resources: [
      { id: 'root01', path: '/', methods: [] },
      anApiResource({
        methods: [
          aMethod({ apiKeyRequired: getKeyRequired }),
          aMethod({
            httpMethod: 'OPTIONS',
            apiKeyRequired: false,
            integration: { type: 'MOCK', connectionType: 'INTERNET' },
          }),
        ],
      }),
    ],
  });

describe('apigw.api-key-not-required', () => {
  it('reports a CloudFront-fronted method that does not require an API key', () => {
    // Prepare
    const inventory = anInventory({
      apigateway: { restApis: [apiWith(false)] },
      cloudfront: { distributions: [aDistributionFronting('a1b2c3d4e5')] },
    });
    // Act
    const violations = run(apigwApiKeyNotRequired, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ApiGateway::RestApi', id: 'a1b2c3d4e5' },
      fact: 'GET /data',
      actual: 'GET /data: apiKeyRequired=false',
    });
    expect(violations[0]?.message).toContain('メソッド GET /data は API キーを必須としていません');
  });

  it('passes the twin whose method requires an API key (CORS OPTIONS exempt)', () => {
    const inventory = anInventory({
      apigateway: { restApis: [apiWith(true)] },
      cloudfront: { distributions: [aDistributionFronting('a1b2c3d4e5')] },
    });
    expect(run(apigwApiKeyNotRequired, inventory)).toEqual([]);
  });

  it('reports one violation per method', () => {
    const api = aRestApi({
      resources: [
        anApiResource({
          methods: [
            aMethod({ apiKeyRequired: false }),
            aMethod({ httpMethod: 'POST', apiKeyRequired: false }),
          ],
        }),
        anApiResource({
          id: 'usr001',
          path: '/users/{id}',
          methods: [aMethod({ httpMethod: 'DELETE', apiKeyRequired: false })],
        }),
      ],
    });
    const inventory = anInventory({
      apigateway: { restApis: [api] },
      cloudfront: { distributions: [aDistributionFronting('a1b2c3d4e5')] },
    });
    expect(run(apigwApiKeyNotRequired, inventory).map((v) => v.fact)).toEqual([
      'GET /data',
      'POST /data',
      'DELETE /users/{id}',
    ]);
  });

  it('is not applicable to an API no distribution fronts', () => {
    const inventory = anInventory({
      apigateway: { restApis: [apiWith(false)] },
      cloudfront: { distributions: [aDistribution()] },
    });
    expect(run(apigwApiKeyNotRequired, inventory)).toEqual([]);
  });

  it('is not applicable to a private API (CloudFront cannot reach it; the resource policy guards it)', () => {
    const inventory = anInventory({
      apigateway: { restApis: [aPrivateApi()] },
      cloudfront: { distributions: [aDistributionFronting('p9q8r7s6t5')] },
    });
    expect(run(apigwApiKeyNotRequired, inventory)).toEqual([]);
  });

  it('is not applicable under the classic profile', () => {
    const inventory = anInventory({
      apigateway: { restApis: [apiWith(false)] },
      cloudfront: { distributions: [aDistributionFronting('a1b2c3d4e5')] },
    });
    expect(run(apigwApiKeyNotRequired, inventory, anIntent({ profile: 'classic' }))).toEqual([]);
  });
});
