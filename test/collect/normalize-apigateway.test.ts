import type { Resource, RestApi, Stage } from '@aws-sdk/client-api-gateway';
import { describe, expect, it } from 'vitest';
import {
  deployedMethodsOf,
  deployedPolicyOf,
  isFaithfulExport,
  normalizeApiKey,
  normalizeResource,
  normalizeRestApi,
  normalizeStage,
  parseExportBody,
  restApiArn,
} from '../../collect/normalize/apigateway.ts';
import { createFingerprinter } from '../../collect/secrets.ts';
import { asDeployed, methodSignature } from '../../inventory/api-methods.ts';
import { parsePolicyText } from '../../inventory/policy-text.ts';
import { PEER_CORPUS, peerCases } from '../fixtures/peer-corpus.ts';
import { sharedPresent } from '../fixtures/shared.ts';

const fingerprint = createFingerprinter(Buffer.alloc(32, 5));
const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'arn:aws:execute-api:ap-northeast-1:123456789012:a1b2c3d4e5/*',
      Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60001' } },
    },
  ],
};

describe('parsePolicyText', () => {
  it('parses the backslash-escaped form API Gateway returns, slashes written \\/', () => {
    const escaped = JSON.stringify(POLICY).replaceAll('"', '\\"').replaceAll('/', '\\/');
    expect(parsePolicyText(escaped)).toEqual(POLICY);
  });

  it('parses the plain form', () => {
    expect(parsePolicyText(JSON.stringify(POLICY))).toEqual(POLICY);
  });

  it('parses an escaped policy that was pretty-printed', () => {
    const escaped = JSON.stringify(POLICY, null, 2).replaceAll('"', '\\"');
    expect(parsePolicyText(escaped)).toEqual(POLICY);
  });

  it('gives undefined for no policy and for text that is neither form', () => {
    expect(parsePolicyText(undefined)).toBeUndefined();
    expect(parsePolicyText('')).toBeUndefined();
    expect(parsePolicyText('{\\"Version\\":')).toBeUndefined();
    expect(parsePolicyText('"just a string"')).toBeUndefined();
  });
});

describe('normalizeRestApi', () => {
  it('omits policy and policyText for an API without a policy, and defaults the key source to HEADER', () => {
    const api = normalizeRestApi({ id: 'a1b2c3d4e5', name: 'x' }, 'ap-northeast-1', {
      resources: [],
      stages: [],
    });
    expect(api).not.toHaveProperty('policy');
    expect(api).not.toHaveProperty('policyText');
    expect(api.apiKeySource).toBe('HEADER');
  });

  describe('stage variables', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: API Gateway's literal stage-variable syntax
    const VARIABLE = '${stageVariables.vpcLinkId}';
    /** GET /orders through the VPC link GetResources (embed=methods) names as `connectionId`. */
    const resources = (connectionId: string) => [
      normalizeResource({
        id: 'ord001',
        path: '/orders',
        resourceMethods: {
          GET: {
            httpMethod: 'GET',
            authorizationType: 'NONE',
            apiKeyRequired: true,
            methodIntegration: {
              type: 'HTTP_PROXY',
              httpMethod: 'GET',
              uri: 'http://internal-prod-nlb-0123456789.elb.ap-northeast-1.amazonaws.com/orders',
              connectionType: 'VPC_LINK',
              connectionId,
            },
          },
        },
      }),
    ];
    /** GetStages items: prod sets the link and an unrelated secret-looking variable; dev sets none. */
    const stages: Stage[] = [
      {
        stageName: 'prod',
        deploymentId: 'dep002',
        variables: { vpcLinkId: 'abc123', dbPassword: 'hunter2' },
      },
      { stageName: 'dev', deploymentId: 'dep001' },
    ];
    const normalize = (connectionId: string) =>
      normalizeRestApi({ id: 'a1b2c3d4e5', name: 'prod-api' }, 'ap-northeast-1', {
        resources: resources(connectionId),
        stages: stages.map(normalizeStage),
      });

    it('keeps, per stage, only the variables a VPC link is taken from', () => {
      const api = normalize(VARIABLE);
      expect(api.stages.map((s) => [s.stageName, s.variables])).toEqual([
        ['prod', { vpcLinkId: 'abc123' }],
        ['dev', {}],
      ]);
      expect(JSON.stringify(api)).not.toContain('hunter2');
    });

    it('keeps none when no VPC link is taken from a variable', () => {
      const api = normalize('abc123');
      expect(api.stages.map((s) => s.variables)).toEqual([undefined, undefined]);
      expect(JSON.stringify(api)).not.toContain('hunter2');
    });

    it('keeps a variable the stage export names even when the current resources no longer do', () => {
      const served = {
        path: '/orders',
        httpMethod: 'GET',
        apiKeyRequired: true,
        integration: { type: 'HTTP_PROXY', connectionType: 'VPC_LINK', connectionId: VARIABLE },
      };
      const api = normalizeRestApi({ id: 'a1b2c3d4e5' }, 'ap-northeast-1', {
        resources: resources('abc123'),
        stages: [{ ...normalizeStage(stages[0]!), deployedMethods: [served] }],
      });
      expect(api.stages[0]?.variables).toEqual({ vpcLinkId: 'abc123' });
    });
  });

  it('builds the ARN in the region’s partition', () => {
    expect(restApiArn('ap-northeast-1', 'a1')).toBe('arn:aws:apigateway:ap-northeast-1::/restapis/a1');
    expect(restApiArn('cn-north-1', 'a1')).toBe('arn:aws-cn:apigateway:cn-north-1::/restapis/a1');
  });
});

describe('normalizeStage', () => {
  it('has no throttling when the stage sets none for all methods', () => {
    const stage: Stage = {
      stageName: 'prod',
      deploymentId: 'dep001',
      methodSettings: { 'data/GET': { throttlingRateLimit: 10, throttlingBurstLimit: 20 } },
    };
    expect(normalizeStage(stage)).toEqual({ stageName: 'prod', deploymentId: 'dep001' });
  });

  it('keeps a rate limit set without a burst limit', () => {
    expect(
      normalizeStage({
        stageName: 'p',
        deploymentId: 'd',
        methodSettings: { '*/*': { throttlingRateLimit: 50 } },
      }).throttling,
    ).toEqual({
      rateLimit: 50,
    });
  });
});

describe('normalizeApiKey', () => {
  it('gives a key read without its value an empty fingerprint that matches nothing', () => {
    expect(normalizeApiKey({ id: 'k1', enabled: true }, 'ap-northeast-1', fingerprint).valueFingerprint).toBe(
      '',
    );
  });
});

describe('deployedMethodsOf', () => {
  const integration = {
    type: 'http_proxy',
    httpMethod: 'GET',
    uri: 'http://internal-prod-nlb.elb.ap-northeast-1.amazonaws.com/data',
    connectionType: 'VPC_LINK',
    connectionId: 'abc123',
  };

  it('matches the signature of the same method read from GetResources', () => {
    const resource: Resource = {
      id: 'r1',
      path: '/data',
      resourceMethods: {
        GET: {
          httpMethod: 'GET',
          apiKeyRequired: true,
          methodIntegration: { ...integration, type: 'HTTP_PROXY', connectionType: 'VPC_LINK' },
        },
      },
    };
    const live = normalizeResource(resource);
    const exported = deployedMethodsOf({
      paths: {
        '/data': { get: { security: [{ api_key: [] }], 'x-amazon-apigateway-integration': integration } },
      },
    });
    expect(exported.map(methodSignature)).toEqual([methodSignature(asDeployed('/data', live.methods[0]!))]);
  });

  it('reads an API key requirement combined with an authorizer in the same security requirement', () => {
    const [method] = deployedMethodsOf({
      paths: { '/data': { post: { security: [{ api_key: [], 'cognito-auth': [] }] } } },
    });
    expect(method).toEqual({ path: '/data', httpMethod: 'POST', apiKeyRequired: true });
  });

  it('skips path-level keys that are not operations', () => {
    expect(
      deployedMethodsOf({
        paths: {
          '/items/{id}': {
            parameters: [{ name: 'id', in: 'path' }],
            summary: 'items',
            'x-amazon-apigateway-any-method': { 'x-amazon-apigateway-integration': { type: 'mock' } },
          },
        },
      }),
    ).toEqual([
      {
        path: '/items/{id}',
        httpMethod: 'ANY',
        apiKeyRequired: false,
        integration: { type: 'MOCK', connectionType: 'INTERNET' },
      },
    ]);
  });

  it('gives an export without paths no methods', () => {
    expect(deployedMethodsOf({ openapi: '3.0.1' })).toEqual([]);
    expect(deployedMethodsOf(null)).toEqual([]);
  });

  it('rejects a body that is not JSON without quoting it', () => {
    expect(() => parseExportBody(new TextEncoder().encode('<html>secret-ish</html>'))).toThrow(
      /^GetExport returned a body that is not JSON$/,
    );
  });
});

describe('deployedPolicyOf', () => {
  it('reads the root x-amazon-apigateway-policy object of an oas30 export', () => {
    expect(deployedPolicyOf({ openapi: '3.0.1', paths: {}, 'x-amazon-apigateway-policy': POLICY })).toEqual({
      document: POLICY,
    });
  });

  it('reads a policy exported as text like GetRestApi’s', () => {
    const escaped = JSON.stringify(POLICY).replace(/"/g, '\\"');
    expect(deployedPolicyOf({ openapi: '3.0.1', 'x-amazon-apigateway-policy': escaped })).toEqual({
      document: POLICY,
    });
  });

  it('records a deployment without the extension as deployed without a policy', () => {
    expect(deployedPolicyOf({ openapi: '3.0.1', paths: {} })).toEqual({});
  });

  it('keeps a value that does not parse, so it is reported as unreadable and not as no policy', () => {
    expect(deployedPolicyOf({ openapi: '3.0.1', 'x-amazon-apigateway-policy': '{"Version":' })).toEqual({
      document: '{"Version":',
    });
  });
});

describe('isFaithfulExport', () => {
  const integration = { type: 'mock' };

  it('accepts an OpenAPI 3 document whose every operation has an integration', () => {
    expect(
      isFaithfulExport({
        openapi: '3.0.1',
        paths: { '/data': { parameters: [], get: { 'x-amazon-apigateway-integration': integration } } },
      }),
    ).toBe(true);
  });

  it('rejects a Swagger 2.0 document', () => {
    expect(isFaithfulExport({ swagger: '2.0', paths: {} })).toBe(false);
  });

  it('rejects an export with an operation that has no integration', () => {
    expect(
      isFaithfulExport({
        openapi: '3.0.1',
        paths: { '/data': { get: { 'x-amazon-apigateway-integration': integration }, post: {} } },
      }),
    ).toBe(false);
  });
});

// ------------------------------------------------------------------------------- peer corpus

interface PeerCase {
  readonly id: string;
  readonly family: string;
  readonly directly_comparable: boolean;
  readonly input: {
    readonly api_calls: readonly {
      readonly service: string;
      readonly operation: string;
      readonly region: string;
      readonly response?: unknown;
    }[];
  };
  readonly expected: { readonly verdict: string };
}

const hasCorpus = sharedPresent(PEER_CORPUS, 'API Gateway normalizers on the peer corpus');

describe.skipIf(!hasCorpus)('API Gateway normalizers on the peer corpus', () => {
  const cases = peerCases<PeerCase>();
  const callsOf = (operation: string) =>
    cases.flatMap((c) =>
      c.input.api_calls
        .filter((call) => call.service === 'apigateway' && call.operation === operation && call.response)
        .map((call) => ({ peerCase: c, call })),
    );

  it('normalizes every recorded REST API, stage and resource into plain JSON without throwing', () => {
    const apis = callsOf('GetRestApis').flatMap(({ peerCase, call }) =>
      ((call.response as { items?: RestApi[] }).items ?? []).map((api) => ({ peerCase, call, api })),
    );
    const stages = callsOf('GetStages').flatMap(
      ({ call }) => (call.response as { item?: Stage[] }).item ?? [],
    );
    const resources = callsOf('GetResources').flatMap(
      ({ call }) => (call.response as { items?: Resource[] }).items ?? [],
    );
    expect(apis.length).toBeGreaterThan(20);
    expect(stages.length).toBeGreaterThan(0);
    expect(resources.length).toBeGreaterThan(0);
    for (const { peerCase, call, api } of apis) {
      const parts = {
        resources: resources.map(normalizeResource),
        stages: stages.map(normalizeStage),
      };
      const normalized = normalizeRestApi(api, call.region, parts);
      expect(JSON.parse(JSON.stringify(normalized)), peerCase.id).toStrictEqual(normalized);
    }
  });

  it('keeps the endpoint types apigw-endpoint-not-private cases are judged on', () => {
    const judged = callsOf('GetRestApis').filter(
      ({ peerCase }) => peerCase.family === 'apigw-endpoint-not-private' && peerCase.directly_comparable,
    );
    expect(judged.length).toBeGreaterThan(0);
    for (const { peerCase, call } of judged) {
      const [api] = (call.response as { items?: RestApi[] }).items ?? [];
      if (!api) continue;
      const normalized = normalizeRestApi(api, call.region, { resources: [], stages: [] });
      expect(normalized.endpointTypes.includes('PRIVATE'), peerCase.id).toBe(
        peerCase.expected.verdict === 'compliant',
      );
    }
  });
});
