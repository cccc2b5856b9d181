import {
  APIGatewayClient,
  APIGatewayServiceException,
  GetApiKeysCommand,
  GetDeploymentsCommand,
  GetExportCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  GetVpcLinksCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectApiGateway } from '../../collect/apigateway.ts';
import { createFingerprinter } from '../../collect/secrets.ts';
import { currentDefinition, methodSignature } from '../../inventory/api-methods.ts';
import type { DeployedMethod } from '../../inventory/types.ts';

import {
  ADMIN_API_ID,
  apiKeys,
  ESCAPED_POLICY,
  exportOf,
  mockApiGatewayAccount,
  NLB_ARN,
  PLAIN_POLICY,
  PROD_API_ID,
  prodExportDocument,
  REGION,
  restApisPage2,
  SECRET_API_KEY_VALUE,
  usagePlans,
} from '../fixtures/apigateway-responses.ts';

/** How the signatures compare: what a stage serves against the current definition. */
const signatures = (methods: readonly DeployedMethod[] = []): string[] => methods.map(methodSignature);

const apigw = mockClient(APIGatewayClient);
const client = new APIGatewayClient({ region: REGION });
const fingerprint = createFingerprinter(Buffer.alloc(32, 9));

const accessDenied = (resource: string) =>
  new APIGatewayServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::123456789012:assumed-role/auditor/session is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:ap-northeast-1::${resource}`,
  });

const mockHappyAccount = () => mockApiGatewayAccount(apigw);

describe('collectApiGateway', () => {
  beforeEach(() => apigw.reset());

  it('reads both pages of REST APIs with their endpoint configuration', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([]);
    expect(apigw).toReceiveCommandTimes(GetRestApisCommand, 2);
    expect(apigw).toReceiveCommandWith(GetRestApisCommand, { limit: 500 });
    expect(apigateway.restApis.map((a) => [a.id, a.arn, a.endpointTypes, a.vpcEndpointIds])).toEqual([
      [
        PROD_API_ID,
        `arn:aws:apigateway:${REGION}::/restapis/${PROD_API_ID}`,
        ['PRIVATE'],
        ['vpce-0a1b2c3d4e5f60001'],
      ],
      [ADMIN_API_ID, `arn:aws:apigateway:${REGION}::/restapis/${ADMIN_API_ID}`, ['REGIONAL'], []],
    ]);
    expect(apigateway.restApis[0]).toMatchObject({
      name: 'prod-api',
      apiName: 'prod-api',
      tags: { env: 'prod' },
      apiKeySource: 'HEADER',
      disableExecuteApiEndpoint: false,
      createdDate: '2026-04-01T00:00:00.000Z',
    });
    expect(apigateway.restApis[1]?.disableExecuteApiEndpoint).toBe(true);
  });

  it('parses the escaped policy and the plain policy, keeping each raw string', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { apigateway } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    const [prod, admin] = apigateway.restApis;
    expect(prod?.policyText).toBe(ESCAPED_POLICY);
    expect(prod?.policy).toEqual({
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
    });
    expect(admin?.policyText).toBe(PLAIN_POLICY);
    expect(admin?.policy).toEqual(JSON.parse(PLAIN_POLICY));
  });

  it('reads methods and integrations from GetResources with embed=methods, without per-method calls', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { apigateway } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(apigw).toReceiveCommandWith(GetResourcesCommand, {
      restApiId: PROD_API_ID,
      embed: ['methods'],
      limit: 500,
    });
    expect(apigw).not.toReceiveCommand(GetMethodCommand);
    expect(apigw).not.toReceiveCommand(GetIntegrationCommand);
    expect(apigateway.restApis[0]?.resources).toEqual([
      { id: 'r00t01', path: '/', methods: [] },
      {
        id: 'res001',
        path: '/data',
        methods: [
          {
            httpMethod: 'GET',
            authorizationType: 'NONE',
            apiKeyRequired: true,
            integration: {
              type: 'HTTP_PROXY',
              uri: 'http://internal-prod-nlb-0123456789.elb.ap-northeast-1.amazonaws.com/data',
              connectionType: 'VPC_LINK',
              connectionId: 'abc123',
            },
          },
          {
            httpMethod: 'OPTIONS',
            authorizationType: 'NONE',
            apiKeyRequired: false,
            integration: { type: 'MOCK', connectionType: 'INTERNET' },
          },
        ],
      },
      expect.objectContaining({
        path: '/items/{id}',
        methods: [expect.objectContaining({ httpMethod: 'ANY' })],
      }),
    ]);
    expect(apigateway.restApis[1]?.resources[0]?.methods[0]?.integration?.integrationTarget).toBe(
      'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/admin-alb/1a2b3c4d5e6f7a8b',
    );
  });

  it('reads stage WAF, deployment and the all-methods throttling, and no deployment list (no check reads it)', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { apigateway } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    const prod = apigateway.restApis[0];
    expect(prod?.stages.map(({ deployedMethods: _, deployedPolicy: __, ...s }) => s)).toEqual([
      {
        stageName: 'prod',
        deploymentId: 'dep002',
        webAclArn: expect.stringContaining(':regional/webacl/prod-api/'),
        throttling: { rateLimit: 100, burstLimit: 200 },
        lastUpdatedDate: '2026-11-01T09:30:00.000Z',
      },
      { stageName: 'dev', deploymentId: 'dep001', lastUpdatedDate: '2026-04-01T00:00:00.000Z' },
    ]);
    expect(prod).not.toHaveProperty('deployments');
    expect(apigw).not.toHaveReceivedCommand(GetDeploymentsCommand);
  });

  it('reduces an up-to-date stage export to exactly the current method signatures', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { apigateway } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(apigw).toReceiveCommandWith(GetExportCommand, {
      restApiId: PROD_API_ID,
      stageName: 'prod',
      exportType: 'oas30',
      parameters: { extensions: 'apigateway' },
      accepts: 'application/json',
    });
    const prod = apigateway.restApis[0]!;
    expect(signatures(prod.stages[0]?.deployedMethods)).toEqual(signatures(currentDefinition(prod)));
    expect(prod.stages[0]?.deployedMethods).toHaveLength(3);
  });

  it('reads the resource policy each stage serves from its export', async () => {
    // Prepare: both stages were deployed with the policy the API has today.
    mockHappyAccount();

    // Act
    const { apigateway } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    const prod = apigateway.restApis[0]!;
    expect(prod.stages.map((s) => s.deployedPolicy)).toEqual([
      { document: prod.policy },
      { document: prod.policy },
    ]);
    expect(prod.stages[0]?.deployedPolicy?.document).toMatchObject({
      Statement: [{ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60001' } } }],
    });
  });

  it('records a deployment without a policy as one, not as an unread export', async () => {
    // Prepare: the prod stage still serves a deployment made before the policy was attached.
    mockHappyAccount();
    const { 'x-amazon-apigateway-policy': _, ...withoutPolicy } = prodExportDocument;
    apigw
      .on(GetExportCommand, { restApiId: PROD_API_ID, stageName: 'prod' })
      .resolves(exportOf(withoutPolicy));

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([]);
    expect(apigateway.restApis[0]?.stages[0]?.deployedPolicy).toEqual({});
    expect(apigateway.restApis[0]?.policy).toBeDefined();
  });

  it('reduces a stale stage export to signatures that differ from the current ones', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { apigateway } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    const prod = apigateway.restApis[0]!;
    const dev = prod.stages[1]?.deployedMethods ?? [];
    expect(dev).toHaveLength(3);
    expect(signatures(dev).filter((s) => !signatures(currentDefinition(prod)).includes(s))).toEqual([
      expect.stringMatching(
        /^ANY \/items\/\{id\} key=false integration=AWS_PROXY INTERNET - arn:aws:apigateway:/,
      ),
    ]);
  });

  it('leaves only the failing stage’s deployed methods unknown when its GetExport is denied', async () => {
    // Prepare
    mockHappyAccount();
    apigw
      .on(GetExportCommand, { restApiId: PROD_API_ID, stageName: 'dev' })
      .rejects(accessDenied(`/restapis/${PROD_API_ID}/stages/dev/exports/oas30`));

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([
      {
        service: 'apigateway',
        operation: 'GetExport',
        region: REGION,
        code: 'AccessDeniedException',
        message: expect.stringContaining('/stages/dev/exports/oas30'),
        slices: ['apigateway.stageExports'],
        // Only this stage is unseen, not the region.
        resourceId: `${PROD_API_ID}/dev`,
        resourceType: 'AWS::ApiGateway::Stage',
      },
    ]);
    const prod = apigateway.restApis[0]!;
    expect(prod.stages[1]).toEqual({
      stageName: 'dev',
      deploymentId: 'dep001',
      lastUpdatedDate: '2026-04-01T00:00:00.000Z',
    });
    expect(signatures(prod.stages[0]?.deployedMethods)).toEqual(signatures(currentDefinition(prod)));
    expect(prod.resources).toHaveLength(3);
  });

  it('does not compare a stage whose export lacks the API Gateway extensions, and says why', async () => {
    // Prepare: moto 5.2.1 answers with a Swagger 2.0 skeleton of the current resources.
    mockHappyAccount();
    apigw.on(GetExportCommand, { restApiId: PROD_API_ID, stageName: 'prod' }).resolves(
      exportOf({
        swagger: '2.0',
        info: { version: '2026-11-21T23:11:36', title: 'prod-api' },
        basePath: '/',
        paths: { '/data': { GET: { produces: ['application/json'], responses: {} } } },
      }),
    );

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'GetExport',
        code: 'UnexpectedExportFormat',
        message: expect.stringContaining(`stage prod of REST API ${PROD_API_ID}`),
        slices: ['apigateway.stageExports'],
        resourceId: `${PROD_API_ID}/prod`,
      }),
    ]);
    expect(apigateway.restApis[0]?.stages[0]).not.toHaveProperty('deployedMethods');
    // Nor is the policy it serves known: the API's current policy has to stand in.
    expect(apigateway.restApis[0]?.stages[0]).not.toHaveProperty('deployedPolicy');
    expect(apigateway.restApis[0]?.stages[1]?.deployedMethods).toHaveLength(3);
  });

  it('reads VPC links, and usage plans with both pages of their keys', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { apigateway } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(apigateway.vpcLinks).toEqual([
      {
        id: 'abc123',
        region: REGION,
        name: 'prod-vpc-link',
        tags: { env: 'prod' },
        status: 'AVAILABLE',
        targetArns: [NLB_ARN],
      },
    ]);
    expect(apigw).toReceiveCommandTimes(GetUsagePlanKeysCommand, 2);
    expect(apigateway.usagePlans).toEqual([
      {
        id: 'up0001',
        region: REGION,
        name: 'prod-plan',
        tags: {},
        planName: 'prod-plan',
        apiStages: [{ apiId: PROD_API_ID, stage: 'prod' }],
        throttle: { rateLimit: 100, burstLimit: 200 },
        apiKeyIds: ['key0001', 'key0002'],
      },
    ]);
  });

  it('names the one usage plan whose keys GetUsagePlanKeys could not read, and reads the others', async () => {
    // Prepare: a second plan whose key listing is throttled.
    mockHappyAccount();
    const partner = { id: 'up0002', name: 'partner-plan', apiStages: [{ apiId: ADMIN_API_ID, stage: 'v1' }] };
    apigw
      .on(GetUsagePlansCommand)
      .resolves({ items: [...(usagePlans.items ?? []), partner] })
      .on(GetUsagePlanKeysCommand, { usagePlanId: 'up0001' })
      .resolves({ items: [{ id: 'key0001', type: 'API_KEY', name: 'cloudfront-key' }] })
      .on(GetUsagePlanKeysCommand, { usagePlanId: 'up0002' })
      .rejects(
        new APIGatewayServiceException({
          name: 'TooManyRequestsException',
          $fault: 'client',
          $metadata: { httpStatusCode: 429 },
          message: 'Too Many Requests',
        }),
      );

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([
      {
        service: 'apigateway',
        operation: 'GetUsagePlanKeys',
        region: REGION,
        code: 'TooManyRequestsException',
        message: 'Too Many Requests',
        slices: ['apigateway.usagePlans'],
        resourceId: 'up0002',
        resourceType: 'AWS::ApiGateway::UsagePlan',
      },
    ]);
    expect(apigateway.usagePlans.map((p) => [p.id, p.apiKeyIds])).toEqual([
      ['up0001', ['key0001']],
      ['up0002', []],
    ]);
    expect(apigateway.restApis).toHaveLength(2);
  });

  it('reads API key values only to fingerprint them: no value reaches the result', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const result = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(apigw).toReceiveCommandWith(GetApiKeysCommand, { includeValues: true, limit: 500 });
    expect(result.apigateway.apiKeys).toEqual([
      {
        id: 'key0001',
        region: REGION,
        name: 'cloudfront-key',
        tags: {},
        enabled: true,
        valueFingerprint: fingerprint(SECRET_API_KEY_VALUE),
      },
      expect.objectContaining({ id: 'key0002', enabled: false }),
    ]);
    const json = JSON.stringify(result);
    for (const key of apiKeys.items ?? []) expect(json).not.toContain(key.value);
  });

  it('turns AccessDenied on GetVpcLinks into an error for that slice only', async () => {
    // Prepare
    mockHappyAccount();
    apigw.on(GetVpcLinksCommand).rejects(accessDenied('/vpclinks'));

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([
      expect.objectContaining({
        service: 'apigateway',
        operation: 'GetVpcLinks',
        code: 'AccessDeniedException',
        slices: ['apigateway.vpcLinks'],
      }),
    ]);
    expect(apigateway.vpcLinks).toEqual([]);
    expect(apigateway.restApis).toHaveLength(2);
    expect(apigateway.usagePlans).toHaveLength(1);
    expect(apigateway.apiKeys).toHaveLength(2);
  });

  it('records an unreadable resource policy as an error instead of treating the API as having none', async () => {
    // Prepare
    mockHappyAccount();
    apigw
      .on(GetRestApisCommand)
      .resolves({ items: [{ ...restApisPage2.items?.[0], policy: '{"Version":"2012-10-17",' }] });

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'GetRestApis',
        code: 'MalformedPolicyDocument',
        slices: ['apigateway.restApis'],
        resourceId: restApisPage2.items?.[0]?.id,
      }),
    ]);
    expect(apigateway.restApis[0]?.policy).toBeUndefined();
    expect(apigateway.restApis[0]?.policyText).toBe('{"Version":"2012-10-17",');
  });

  it('works on at most two APIs at once, each API’s calls one after another', async () => {
    // Prepare
    let inFlight = 0;
    let maxInFlight = 0;
    const ids = ['api0000001', 'api0000002', 'api0000003', 'api0000004', 'api0000005'];
    const slow = async <T>(value: T): Promise<T> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return value;
    };
    apigw
      .on(GetRestApisCommand)
      .resolves({ items: ids.map((id) => ({ id, name: id })) })
      .on(GetResourcesCommand)
      .callsFake(() => slow({ items: [] }))
      .on(GetStagesCommand)
      .callsFake(() => slow({ item: [] }))
      .on(GetVpcLinksCommand)
      .resolves({ items: [] })
      .on(GetUsagePlansCommand)
      .resolves({ items: [] })
      .on(GetApiKeysCommand)
      .resolves({ items: [] });

    // Act
    const { apigateway, errors } = await collectApiGateway(client, REGION, fingerprint);

    // Assess
    expect(errors).toEqual([]);
    expect(apigateway.restApis.map((a) => a.id)).toEqual(ids);
    expect(maxInFlight).toBe(2);
  });
});
