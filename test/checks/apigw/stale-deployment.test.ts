import { describe, expect, it } from 'vitest';
import { apigwStaleDeployment } from '../../../checks/apigw/stale-deployment.ts';
import { asDeployed, currentDefinition, methodSignature } from '../../../inventory/api-methods.ts';
import { run } from '../../fixtures/evaluate.ts';
import { aMethod, anApiResource, anInventory, aRestApi, aStage } from '../../fixtures/inventory.ts';

const api = aRestApi();
const deployedNow = currentDefinition(api);

describe('apigw.stale-deployment', () => {
  it('reports a stage that serves the method before the API key was required', () => {
    // Prepare: the deployment froze GET /data without the API key; the API now requires it
    const before = asDeployed('/data', aMethod({ apiKeyRequired: false }));
    const inventory = anInventory({
      apigateway: { restApis: [aRestApi({ stages: [aStage({ deployedMethods: [before] })] })] },
    });
    // Act
    const violations = run(apigwStaleDeployment, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ApiGateway::Stage', id: 'a1b2c3d4e5/prod' },
      fact: '~GET /data',
      actual: `公開中: ${methodSignature(before)}`,
      expected: `現在の定義: ${methodSignature(deployedNow[0]!)}`,
    });
    expect(violations[0]?.message).toContain('未デプロイの変更 GET /data');
    expect(violations[0]?.message).toContain('デプロイ dep001');
  });

  it('passes the twin whose stage serves the current definition', () => {
    const inventory = anInventory({
      apigateway: { restApis: [aRestApi({ stages: [aStage({ deployedMethods: deployedNow })] })] },
    });
    expect(run(apigwStaleDeployment, inventory)).toEqual([]);
  });

  it('reports added and removed methods', () => {
    const current = aRestApi({
      resources: [
        anApiResource(),
        anApiResource({ id: 'usr001', path: '/users', methods: [aMethod({ httpMethod: 'POST' })] }),
      ],
    });
    const legacy = asDeployed('/legacy', aMethod());
    const inventory = anInventory({
      apigateway: {
        restApis: [{ ...current, stages: [aStage({ deployedMethods: [...deployedNow, legacy] })] }],
      },
    });
    const violations = run(apigwStaleDeployment, inventory);
    expect(violations.map((v) => v.fact)).toEqual(['+POST /users;-GET /legacy']);
    expect(violations[0]?.message).toContain('未デプロイの追加 POST /users');
    expect(violations[0]?.message).toContain('削除済みなのに公開中 GET /legacy');
  });

  it('is not applicable when the stage export could not be read', () => {
    const inventory = anInventory({
      apigateway: { restApis: [aRestApi({ stages: [aStage({ deployedMethods: undefined })] })] },
    });
    expect(run(apigwStaleDeployment, inventory)).toEqual([]);
  });

  it('judges each stage on its own', () => {
    const inventory = anInventory({
      apigateway: {
        restApis: [
          aRestApi({
            stages: [
              aStage({ deployedMethods: deployedNow }),
              aStage({ stageName: 'dev', deploymentId: 'dep000', deployedMethods: [] }),
            ],
          }),
        ],
      },
    });
    expect(run(apigwStaleDeployment, inventory).map((v) => [v.resource.id, v.fact, v.actual])).toEqual([
      ['a1b2c3d4e5/dev', '+GET /data', '公開中: なし'],
    ]);
  });
});
