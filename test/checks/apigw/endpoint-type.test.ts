import { describe, expect, it } from 'vitest';
import { apigwEndpointType } from '../../../checks/apigw/endpoint-type.ts';
import { aPrivateApi } from '../../fixtures/apigw.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { anInventory, aRestApi } from '../../fixtures/inventory.ts';

const privateIntended = anIntent({ apiGateway: { endpointTypes: { a1b2c3d4e5: 'PRIVATE' } } });

describe('apigw.endpoint-type', () => {
  it('reports a REGIONAL API where PRIVATE is intended', () => {
    // Prepare
    const inventory = anInventory({ apigateway: { restApis: [aRestApi({ endpointTypes: ['REGIONAL'] })] } });
    // Act
    const violations = run(apigwEndpointType, inventory, privateIntended);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ApiGateway::RestApi', id: 'a1b2c3d4e5' },
      expected: 'PRIVATE',
      actual: 'REGIONAL',
      fact: 'endpoint-type:REGIONAL',
    });
    expect(violations[0]?.message).toContain('prod-api (a1b2c3d4e5)');
  });

  it('passes the twin whose endpoint type is PRIVATE', () => {
    const inventory = anInventory({ apigateway: { restApis: [aRestApi({ endpointTypes: ['PRIVATE'] })] } });
    expect(run(apigwEndpointType, inventory, privateIntended)).toEqual([]);
  });

  it('applies the * entry to every API and lets an API id entry override it', () => {
    const intent = anIntent({ apiGateway: { endpointTypes: { '*': 'REGIONAL', p9q8r7s6t5: 'PRIVATE' } } });
    const inventory = anInventory({
      apigateway: {
        restApis: [
          aRestApi({ endpointTypes: ['EDGE'] }),
          aPrivateApi(),
          aRestApi({ id: 'c3d4e5f6a7', name: 'ok-api', apiName: 'ok-api' }),
        ],
      },
    });
    expect(run(apigwEndpointType, inventory, intent).map((v) => v.resource.id)).toEqual(['a1b2c3d4e5']);
  });

  it('matches an intent entry keyed by the API name', () => {
    const intent = anIntent({ apiGateway: { endpointTypes: { 'prod-api': 'EDGE' } } });
    const inventory = anInventory({ apigateway: { restApis: [aRestApi()] } });
    expect(run(apigwEndpointType, inventory, intent).map((v) => v.actual)).toEqual(['REGIONAL']);
  });

  it('is not applicable when the intent sets no endpoint type for the API', () => {
    const inventory = anInventory({ apigateway: { restApis: [aRestApi({ endpointTypes: ['EDGE'] })] } });
    expect(run(apigwEndpointType, inventory)).toEqual([]);
  });
});
