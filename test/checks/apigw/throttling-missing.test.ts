import { describe, expect, it } from 'vitest';
import { apigwThrottlingMissing } from '../../../checks/apigw/throttling-missing.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  aMethod,
  anApiResource,
  anInventory,
  aRestApi,
  aStage,
  aUsagePlan,
} from '../../fixtures/inventory.ts';

const unthrottled = aRestApi({ stages: [aStage({ throttling: undefined })] });

describe('apigw.throttling-missing', () => {
  it('reports a stage with neither stage throttling nor a usage plan', () => {
    // Prepare
    const inventory = anInventory({ apigateway: { restApis: [unthrottled] } });
    // Act
    const violations = run(apigwThrottlingMissing, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ApiGateway::Stage', id: 'a1b2c3d4e5/prod' },
      actual: 'スロットリングなし',
      fact: 'no-throttling',
    });
  });

  it('passes the twin whose stage sets a rate limit', () => {
    const api = aRestApi({ stages: [aStage({ throttling: { rateLimit: 50 } })] });
    expect(run(apigwThrottlingMissing, anInventory({ apigateway: { restApis: [api] } }))).toEqual([]);
  });

  it('reports a stage whose all-methods setting holds only the account defaults API Gateway fills in', () => {
    const api = aRestApi({ stages: [aStage({ throttling: { rateLimit: 10000, burstLimit: 5000 } })] });
    const violations = run(apigwThrottlingMissing, anInventory({ apigateway: { restApis: [api] } }));
    expect(violations.map((v) => v.fact)).toEqual(['no-throttling']);
    expect(violations[0]?.actual).toBe('アカウントの既定値のみ（レート 10000、バースト 5000）');
  });

  it('passes the twin whose stage lowers the rate below the account default', () => {
    const api = aRestApi({ stages: [aStage({ throttling: { rateLimit: 100, burstLimit: 5000 } })] });
    expect(run(apigwThrottlingMissing, anInventory({ apigateway: { restApis: [api] } }))).toEqual([]);
  });

  it('reports a stage whose throttling values are -1 (unset)', () => {
    const api = aRestApi({ stages: [aStage({ throttling: { rateLimit: -1, burstLimit: -1 } })] });
    expect(run(apigwThrottlingMissing, anInventory({ apigateway: { restApis: [api] } }))).toHaveLength(1);
  });

  it('passes a stage throttled by a usage plan when every method requires an API key', () => {
    const inventory = anInventory({ apigateway: { restApis: [unthrottled], usagePlans: [aUsagePlan()] } });
    expect(run(apigwThrottlingMissing, inventory)).toEqual([]);
  });

  it('reports a usage plan without throttle', () => {
    const inventory = anInventory({
      apigateway: { restApis: [unthrottled], usagePlans: [aUsagePlan({ throttle: undefined })] },
    });
    expect(run(apigwThrottlingMissing, inventory).map((v) => v.fact)).toEqual(['no-throttling']);
  });

  it('reports a usage plan bound to another stage', () => {
    const inventory = anInventory({
      apigateway: {
        restApis: [unthrottled],
        usagePlans: [aUsagePlan({ apiStages: [{ apiId: 'a1b2c3d4e5', stage: 'dev' }] })],
      },
    });
    expect(run(apigwThrottlingMissing, inventory).map((v) => v.fact)).toEqual(['no-throttling']);
  });

  it('reports methods without an API key, which a usage plan does not throttle', () => {
    const api = aRestApi({
      stages: [aStage({ throttling: undefined })],
      resources: [
        anApiResource({ methods: [aMethod(), aMethod({ httpMethod: 'POST', apiKeyRequired: false })] }),
      ],
    });
    const inventory = anInventory({ apigateway: { restApis: [api], usagePlans: [aUsagePlan()] } });
    const violations = run(apigwThrottlingMissing, inventory);
    expect(violations.map((v) => v.fact)).toEqual(['unkeyed:POST /data']);
    expect(violations[0]?.message).toContain('使用量プラン prod-plan');
  });

  it('is not applicable when the intent does not require throttling', () => {
    const inventory = anInventory({ apigateway: { restApis: [unthrottled] } });
    expect(
      run(apigwThrottlingMissing, inventory, anIntent({ apiGateway: { requireThrottling: false } })),
    ).toEqual([]);
  });
});
