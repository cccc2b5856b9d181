import { describe, expect, it } from 'vitest';
import { driftRestApi } from '../../../checks/drift/rest-api.ts';
import type { RestApi } from '../../../inventory/types.ts';
import { denyInvokeIf, escapedPolicyText } from '../../fixtures/apigw.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aMethod, anApiResource, anInventory, aRestApi, aStage } from '../../fixtures/inventory.ts';

const API = 'a1b2c3d4e5';
const VPCE = 'vpce-0a1b2c3d4e5f60001';
const policy = denyInvokeIf({ StringNotEquals: { 'aws:SourceVpce': VPCE } });
const api = (o: Partial<RestApi> = {}): RestApi =>
  aRestApi({
    endpointTypes: ['PRIVATE'],
    vpcEndpointIds: [VPCE],
    policy,
    policyText: JSON.stringify(policy),
    ...o,
  });
const intent = anIntent({
  baseline: {
    restApis: {
      [API]: {
        name: 'prod-api',
        region: 'ap-northeast-1',
        endpointTypes: ['PRIVATE'],
        policy: JSON.stringify(policy),
        stages: ['prod waf=true throttling=true'],
        methods: ['GET /data key=true auth=NONE'],
      },
    },
  },
});
const audit = (o: Partial<RestApi> = {}, i = intent) =>
  run(driftRestApi, anInventory({ apigateway: { restApis: [api(o)] } }), i);

describe('drift.rest-api', () => {
  it('passes an API that matches its baseline, though its stage now serves a newer deployment', () => {
    expect(audit({ stages: [aStage({ deploymentId: 'dep002' })] })).toEqual([]);
  });

  it('reports an endpoint type changed from PRIVATE to REGIONAL', () => {
    // Act
    const violations = audit({ endpointTypes: ['REGIONAL'] });
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ApiGateway::RestApi', id: API, name: 'prod-api' },
      actual: '+ REGIONAL; - PRIVATE',
    });
  });

  it('reports a policy whose Deny statement was removed, naming the removed statement', () => {
    const opened = { ...policy, Statement: [policy.Statement[1]] };
    const violations = audit({ policy: opened, policyText: JSON.stringify(opened) });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toMatch(
      /^- \{"Action":"execute-api:Invoke","Condition":\{"StringNotEquals"/,
    );
  });

  it('reports a policy removed altogether', () => {
    const violations = audit({ policy: undefined, policyText: undefined });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('リソースポリシー');
  });

  it('does not report the escaped form of the same policy as drift', () => {
    expect(audit({ policy: undefined, policyText: escapedPolicyText(policy) })).toEqual([]);
  });

  it('does not report a baseline written in the escaped form with other key order', () => {
    const reordered = { Statement: policy.Statement, Version: policy.Version };
    const handWritten = anIntent({
      baseline: {
        restApis: {
          [API]: {
            endpointTypes: ['PRIVATE'],
            policy: escapedPolicyText(reordered),
            stages: ['prod waf=true throttling=true'],
            methods: ['GET /data key=true auth=NONE'],
          },
        },
      },
    });
    expect(audit({}, handWritten)).toEqual([]);
  });

  it('reports a stage that lost its WAF web ACL', () => {
    const violations = audit({ stages: [aStage({ webAclArn: undefined })] });
    expect(violations.map((v) => v.actual)).toEqual([
      '+ prod waf=false throttling=true; - prod waf=true throttling=true',
    ]);
  });

  it('reports a method that no longer requires an API key', () => {
    const violations = audit({
      resources: [
        { id: 'root01', path: '/', methods: [] },
        anApiResource({ methods: [aMethod({ apiKeyRequired: false })] }),
      ],
    });
    expect(violations.map((v) => v.fact)).toEqual([
      'methods:+ GET /data key=false auth=NONE; - GET /data key=true auth=NONE',
    ]);
  });

  it('reports a baselined API that was deleted', () => {
    expect(run(driftRestApi, anInventory(), intent)).toEqual([
      expect.objectContaining({
        resource: expect.objectContaining({ id: API, region: 'ap-northeast-1' }),
        fact: 'deleted',
      }),
    ]);
  });
});
