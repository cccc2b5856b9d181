import { describe, expect, it } from 'vitest';
import { apigwWafMissing } from '../../../checks/apigw/waf-missing.ts';
import { aPrivateApi } from '../../fixtures/apigw.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { anInventory, aRestApi, aStage } from '../../fixtures/inventory.ts';

describe('apigw.waf-missing', () => {
  it('reports a stage of a regional API without a web ACL', () => {
    // Prepare
    const inventory = anInventory({
      apigateway: { restApis: [aRestApi({ stages: [aStage({ webAclArn: undefined })] })] },
    });
    // Act
    const violations = run(apigwWafMissing, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toEqual({
      type: 'AWS::ApiGateway::Stage',
      id: 'a1b2c3d4e5/prod',
      arn: 'arn:aws:apigateway:ap-northeast-1::/restapis/a1b2c3d4e5/stages/prod',
      region: 'ap-northeast-1',
      name: 'prod-api/prod',
    });
    expect(violations[0]?.message).toBe(
      'prod-api (a1b2c3d4e5) のステージ prod に WAF の Web ACL が関連付けられていません。',
    );
  });

  it('passes the twin whose stage has a web ACL', () => {
    const inventory = anInventory({ apigateway: { restApis: [aRestApi({ stages: [aStage()] })] } });
    expect(run(apigwWafMissing, inventory)).toEqual([]);
  });

  it('reports only the stages without a web ACL', () => {
    const api = aRestApi({
      stages: [aStage(), aStage({ stageName: 'dev', deploymentId: 'dep002', webAclArn: undefined })],
    });
    const inventory = anInventory({ apigateway: { restApis: [api] } });
    expect(run(apigwWafMissing, inventory).map((v) => v.resource.id)).toEqual(['a1b2c3d4e5/dev']);
  });

  it('is not applicable to a private API', () => {
    const inventory = anInventory({
      apigateway: { restApis: [aPrivateApi({ stages: [aStage({ webAclArn: undefined })] })] },
    });
    expect(run(apigwWafMissing, inventory)).toEqual([]);
  });

  it('is not applicable when the intent does not require WAF', () => {
    const inventory = anInventory({
      apigateway: { restApis: [aRestApi({ stages: [aStage({ webAclArn: undefined })] })] },
    });
    expect(run(apigwWafMissing, inventory, anIntent({ apiGateway: { requireWaf: false } }))).toEqual([]);
  });
});
