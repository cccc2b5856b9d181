import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APIGatewayClient,
  APIGatewayServiceException,
  GetApiKeysCommand,
  GetExportCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  GetVpcLinksCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CloudFrontClient,
  CloudFrontServiceException,
  type DistributionList,
  GetDistributionConfigCommand,
  GetResponseHeadersPolicyCommand,
  GetVpcOriginCommand,
  ListDistributionsCommand,
  type ListDistributionsResult,
} from '@aws-sdk/client-cloudfront';
import {
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { type AwsCommand, type AwsStub, mockClient } from 'aws-sdk-client-mock';
import * as api from '../fixtures/apigateway-responses.ts';
import * as cf from '../fixtures/cloudfront-responses.ts';
import * as ec2 from '../fixtures/ec2-responses.ts';
import * as elb from '../fixtures/elbv2-responses.ts';
import { sdkCallsIn } from '../fixtures/sdk-calls.ts';

/**
 * The fault matrix's account: every operation the collectors call answers with the recorded fixture
 * responses (findings in EC2, ELBv2, CloudFront and API Gateway), paged by token as the service pages,
 * so one fault in one operation leaves known findings elsewhere to compare.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';

const ROOT = new URL('../../', import.meta.url).pathname;

/** An operation the collectors call, derived from their source. */
export interface SourceCall {
  readonly pkg: string;
  readonly operation: string;
  /** Called through an SDK paginator, so it can be handed next-page tokens. */
  readonly paginated: boolean;
}

/**
 * Every AWS operation the collectors (collect/) can call, read off the source as
 * test/infra/iam.test.ts derives the IAM actions (test/fixtures/sdk-calls.ts). A call added to a
 * collector joins the matrix, or fails it for want of a row.
 */
export const deriveCollectorCalls = async (): Promise<SourceCall[]> => {
  const dir = join(ROOT, 'collect');
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'));
  const calls = new Map<string, SourceCall>();
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const { pkg, operation, paginated } of sdkCallsIn(text)) {
      const key = `${pkg}:${operation}`;
      calls.set(key, { pkg, operation, paginated: paginated || Boolean(calls.get(key)?.paginated) });
    }
  }
  return [...calls.values()].sort((a, b) =>
    `${a.pkg}:${a.operation}`.localeCompare(`${b.pkg}:${b.operation}`),
  );
};

export const mocks = {
  ec2: mockClient(EC2Client),
  elbv2: mockClient(ElasticLoadBalancingV2Client),
  cloudfront: mockClient(CloudFrontClient),
  apigateway: mockClient(APIGatewayClient),
  sts: mockClient(STSClient),
} as const;

export type Service = keyof typeof mocks;

/** Any command class of any of the clients (their input types differ). */
// biome-ignore lint/suspicious/noExplicitAny: the command classes share no input type
type CommandClass = new (input: any) => AwsCommand<any, any>;

type Input = Record<string, unknown>;
type Output = object;

/** How an operation pages: where the items and the tokens are. */
interface Paging {
  /** Path to the item list in a page (e.g. ['DistributionList', 'Items']). */
  readonly items: readonly string[];
  /** Path to the next-page token in a page. */
  readonly next: readonly string[];
  /** Input member that carries the token back. */
  readonly input: string;
}

export interface OperationSpec {
  readonly service: Service;
  readonly pkg: string;
  readonly operation: string;
  readonly command: CommandClass;
  /** The fixture answer for an input. */
  readonly respond: (input: Input) => Output;
  /** Where its items are: list operations only (single-object Get* calls have none). */
  readonly paging?: Paging;
  /** A malformed or partial answer, and the error code the collector must record for it. */
  readonly malformed: (input: Input) => Output;
  readonly malformedCode?: string;
}

const get = (object: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], object);

const set = (object: Output, path: readonly string[], value: unknown): Output => {
  const [head, ...rest] = path;
  if (head === undefined) return object;
  const inner = (object as Record<string, Output | undefined>)[head] ?? {};
  return { ...object, [head]: rest.length === 0 ? value : set(inner, rest, value) };
};

/** Pages in order, each handed out when the input carries the previous page's token. */
const paged =
  (paging: Paging, pages: readonly Output[]) =>
  (input: Input): Output => {
    const token = input[paging.input];
    const index = token ? pages.findIndex((p) => get(p, paging.next) === token) + 1 : 0;
    return pages[index] ?? pages[0] ?? {};
  };

/** One page: no token. */
const single = (page: Output) => () => page;

/** The first item stripped of its required field, and a null beside it: what a partial answer looks like. */
const breakItems =
  (paging: Paging, respond: (input: Input) => Output, field: string) =>
  (input: Input): Output => {
    const page = respond(input);
    const items = (get(page, paging.items) as Record<string, unknown>[] | undefined) ?? [];
    const [first, ...rest] = items;
    const stripped = first ? Object.fromEntries(Object.entries(first).filter(([k]) => k !== field)) : {};
    return set(page, paging.items, [null, stripped, ...rest]);
  };

const EC2_PAGING = (items: string): Paging => ({ items: [items], next: ['NextToken'], input: 'NextToken' });
const ELB_PAGING = (items: string): Paging => ({ items: [items], next: ['NextMarker'], input: 'Marker' });
const APIGW_PAGING: Paging = { items: ['items'], next: ['position'], input: 'position' };
const CF_PAGING: Paging = {
  items: ['DistributionList', 'Items'],
  next: ['DistributionList', 'NextMarker'],
  input: 'Marker',
};

const list = (
  service: Service,
  pkg: string,
  operation: string,
  command: CommandClass,
  paging: Paging,
  respond: (input: Input) => Output,
  requiredField: string,
): OperationSpec => ({
  service,
  pkg,
  operation,
  command,
  respond,
  paging,
  malformed: breakItems(paging, respond, requiredField),
});

const ec2List = (
  operation: string,
  command: CommandClass,
  items: string,
  pages: readonly Output[],
  requiredField: string,
) =>
  list(
    'ec2',
    'client-ec2',
    operation,
    command,
    EC2_PAGING(items),
    paged(EC2_PAGING(items), pages),
    requiredField,
  );

const byApi =
  <T extends Output>(answers: Readonly<Record<string, T>>, fallback: T) =>
  (input: Input): T =>
    answers[String(input.restApiId)] ?? fallback;

const cfPage2: ListDistributionsResult = {
  DistributionList: {
    ...(cf.distributionsPage2.DistributionList as DistributionList),
    Items: [...(cf.distributionsPage2.DistributionList?.Items ?? []), cf.motoSummary],
  },
};

const EXPORTS: Readonly<Record<string, Output>> = {
  [`${api.PROD_API_ID}/prod`]: api.exportOf(api.prodExportDocument),
  [`${api.PROD_API_ID}/dev`]: api.exportOf(api.devExportDocument),
};

/** Every operation of the fixture account: the rows of the fault matrix. */
export const OPERATIONS: readonly OperationSpec[] = [
  {
    service: 'sts',
    pkg: 'client-sts',
    operation: 'GetCallerIdentity',
    command: GetCallerIdentityCommand,
    respond: () => ({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, UserId: 'AIDAEXAMPLE' }),
    malformed: () => ({ Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` }),
  },
  {
    service: 'ec2',
    pkg: 'client-ec2',
    operation: 'DescribeRegions',
    command: DescribeRegionsCommand,
    respond: () => ({ Regions: [{ RegionName: REGION, Endpoint: `ec2.${REGION}.amazonaws.com` }] }),
    malformed: () => ({ Regions: [{ RegionName: REGION }, { Endpoint: 'ec2.us-east-1.amazonaws.com' }] }),
  },
  ec2List('DescribeVpcs', DescribeVpcsCommand, 'Vpcs', [ec2.describeVpcs], 'VpcId'),
  ec2List(
    'DescribeSubnets',
    DescribeSubnetsCommand,
    'Subnets',
    [ec2.describeSubnetsPage1, ec2.describeSubnetsPage2],
    'SubnetId',
  ),
  ec2List(
    'DescribeRouteTables',
    DescribeRouteTablesCommand,
    'RouteTables',
    [ec2.describeRouteTables],
    'VpcId',
  ),
  ec2List(
    'DescribeInternetGateways',
    DescribeInternetGatewaysCommand,
    'InternetGateways',
    [ec2.describeInternetGateways],
    'InternetGatewayId',
  ),
  ec2List(
    'DescribeEgressOnlyInternetGateways',
    DescribeEgressOnlyInternetGatewaysCommand,
    'EgressOnlyInternetGateways',
    [ec2.describeEgressOnlyInternetGateways],
    'EgressOnlyInternetGatewayId',
  ),
  ec2List(
    'DescribeNatGateways',
    DescribeNatGatewaysCommand,
    'NatGateways',
    [ec2.describeNatGateways],
    'VpcId',
  ),
  ec2List(
    'DescribeNetworkAcls',
    DescribeNetworkAclsCommand,
    'NetworkAcls',
    [ec2.describeNetworkAcls],
    'NetworkAclId',
  ),
  ec2List(
    'DescribeSecurityGroups',
    DescribeSecurityGroupsCommand,
    'SecurityGroups',
    [ec2.describeSecurityGroups],
    'GroupId',
  ),
  ec2List(
    'DescribeSecurityGroupRules',
    DescribeSecurityGroupRulesCommand,
    'SecurityGroupRules',
    [ec2.describeSecurityGroupRulesPage1, ec2.describeSecurityGroupRulesPage2],
    'IsEgress',
  ),
  ec2List(
    'DescribeManagedPrefixLists',
    DescribeManagedPrefixListsCommand,
    'PrefixLists',
    [ec2.describeManagedPrefixLists],
    'PrefixListId',
  ),
  // One call per customer-managed list (the fixture has one, its entries in two pages).
  ec2List(
    'GetManagedPrefixListEntries',
    GetManagedPrefixListEntriesCommand,
    'Entries',
    [ec2.officePrefixListEntriesPage1, ec2.officePrefixListEntriesPage2],
    'Cidr',
  ),
  ec2List(
    'DescribeVpcEndpoints',
    DescribeVpcEndpointsCommand,
    'VpcEndpoints',
    [ec2.describeVpcEndpoints],
    'VpcEndpointId',
  ),
  ec2List(
    'DescribeNetworkInterfaces',
    DescribeNetworkInterfacesCommand,
    'NetworkInterfaces',
    [ec2.describeNetworkInterfaces],
    'NetworkInterfaceId',
  ),
  list(
    'elbv2',
    'client-elastic-load-balancing-v2',
    'DescribeLoadBalancers',
    DescribeLoadBalancersCommand,
    ELB_PAGING('LoadBalancers'),
    paged(ELB_PAGING('LoadBalancers'), [elb.loadBalancersPage1, elb.loadBalancersPage2]),
    'Scheme',
  ),
  list(
    'elbv2',
    'client-elastic-load-balancing-v2',
    'DescribeListeners',
    DescribeListenersCommand,
    ELB_PAGING('Listeners'),
    (input) =>
      input.LoadBalancerArn === elb.NLB_ARN
        ? elb.nlbListeners
        : paged(ELB_PAGING('Listeners'), [elb.albListeners, elb.albListenersPage2])(input),
    'ListenerArn',
  ),
  list(
    'elbv2',
    'client-elastic-load-balancing-v2',
    'DescribeTargetGroups',
    DescribeTargetGroupsCommand,
    ELB_PAGING('TargetGroups'),
    single(elb.targetGroups),
    'TargetGroupArn',
  ),
  list(
    'cloudfront',
    'client-cloudfront',
    'ListDistributions',
    ListDistributionsCommand,
    CF_PAGING,
    paged(CF_PAGING, [cf.distributionsPage1, cfPage2]),
    'Id',
  ),
  {
    service: 'cloudfront',
    pkg: 'client-cloudfront',
    operation: 'GetDistributionConfig',
    command: GetDistributionConfigCommand,
    respond: () => cf.motoDistributionConfig,
    malformed: () => ({ ETag: 'E2QWRUHAPOMQZL' }),
  },
  {
    service: 'cloudfront',
    pkg: 'client-cloudfront',
    operation: 'GetVpcOrigin',
    command: GetVpcOriginCommand,
    respond: () => cf.vpcOrigin,
    malformed: () => ({ ETag: 'E2QWRUHAPOMQZL' }),
  },
  {
    service: 'cloudfront',
    pkg: 'client-cloudfront',
    operation: 'GetResponseHeadersPolicy',
    command: GetResponseHeadersPolicyCommand,
    respond: (input) =>
      input.Id === cf.STATIC_POLICY_ID ? cf.staticPolicy : cf.managedSecurityHeadersPolicy,
    malformed: (input) => ({
      ResponseHeadersPolicy: {
        ...(input.Id === cf.STATIC_POLICY_ID ? cf.staticPolicy : cf.managedSecurityHeadersPolicy)
          .ResponseHeadersPolicy,
        Id: undefined,
      },
    }),
  },
  list(
    'apigateway',
    'client-api-gateway',
    'GetRestApis',
    GetRestApisCommand,
    APIGW_PAGING,
    paged(APIGW_PAGING, [api.restApisPage1, api.restApisPage2]),
    'id',
  ),
  list(
    'apigateway',
    'client-api-gateway',
    'GetResources',
    GetResourcesCommand,
    APIGW_PAGING,
    byApi({ [api.PROD_API_ID]: api.prodResources, [api.ADMIN_API_ID]: api.adminResources }, { items: [] }),
    'path',
  ),
  {
    service: 'apigateway',
    pkg: 'client-api-gateway',
    operation: 'GetStages',
    command: GetStagesCommand,
    respond: byApi({ [api.PROD_API_ID]: api.prodStages, [api.ADMIN_API_ID]: api.adminStages }, { item: [] }),
    malformed: (input) =>
      breakItems(
        { items: ['item'], next: [], input: '' },
        byApi({ [api.PROD_API_ID]: api.prodStages, [api.ADMIN_API_ID]: api.adminStages }, { item: [] }),
        'stageName',
      )(input),
  },
  {
    service: 'apigateway',
    pkg: 'client-api-gateway',
    operation: 'GetExport',
    command: GetExportCommand,
    respond: (input) =>
      EXPORTS[`${input.restApiId}/${input.stageName}`] ?? api.exportOf({ openapi: '3.0.1', paths: {} }),
    // A body cut off mid-document: the export cannot be read, and the collector says so.
    malformed: () => ({
      contentType: 'application/json',
      body: new TextEncoder().encode('{"openapi":"3.0.1","pa'),
    }),
    malformedCode: 'UnexpectedExportFormat',
  },
  list(
    'apigateway',
    'client-api-gateway',
    'GetVpcLinks',
    GetVpcLinksCommand,
    APIGW_PAGING,
    single(api.vpcLinks),
    'id',
  ),
  list(
    'apigateway',
    'client-api-gateway',
    'GetUsagePlans',
    GetUsagePlansCommand,
    APIGW_PAGING,
    single(api.usagePlans),
    'id',
  ),
  list(
    'apigateway',
    'client-api-gateway',
    'GetUsagePlanKeys',
    GetUsagePlanKeysCommand,
    APIGW_PAGING,
    paged(APIGW_PAGING, [api.usagePlanKeysPage1, api.usagePlanKeysPage2]),
    'id',
  ),
  list(
    'apigateway',
    'client-api-gateway',
    'GetApiKeys',
    GetApiKeysCommand,
    APIGW_PAGING,
    single(api.apiKeys),
    'id',
  ),
];

/** Answers every call of one operation: `respond` by default, or a fault. */
export type Answer = (input: Input) => Output | Promise<Output>;

/**
 * Installs the fixture account on the SDK mocks, every operation answering through `answers`
 * (default: the fixture). Unknown commands fail loudly so a new call cannot pass unnoticed.
 */
export const installAccount = (answers: Readonly<Record<string, Answer>> = {}): void => {
  for (const mock of Object.values(mocks) as AwsStub<object, { $metadata: object }, object>[]) {
    mock.reset();
    mock.onAnyCommand().rejects(new Error('the fault matrix account does not answer this command'));
  }
  for (const spec of OPERATIONS) {
    const answer = answers[spec.operation] ?? spec.respond;
    // biome-ignore lint/suspicious/noExplicitAny: one mock per service, typed per client
    (mocks[spec.service] as any).on(spec.command).callsFake((input: Input) => answer(input));
  }
};

/** The service exception class each client throws, as the SDK builds it from an error response. */
const EXCEPTION: Readonly<Record<Service, typeof EC2ServiceException>> = {
  ec2: EC2ServiceException,
  elbv2: ElasticLoadBalancingV2ServiceException,
  cloudfront: CloudFrontServiceException,
  apigateway: APIGatewayServiceException,
  sts: STSServiceException,
};

/** An error response as the service's SDK raises it. */
export const serviceError = (
  service: Service,
  name: string,
  httpStatusCode: number,
  message: string,
  attempts = 1,
): EC2ServiceException =>
  new EXCEPTION[service]({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: '4c3b2a19-8f7e-4d6c-b5a4-3f2e1d0c9b8a', attempts },
    message,
  });

/** Each service's own code for "not authorized" and for "slow down". */
export const ACCESS_DENIED: Readonly<Record<Service, string>> = {
  ec2: 'UnauthorizedOperation',
  elbv2: 'AccessDenied',
  cloudfront: 'AccessDenied',
  apigateway: 'AccessDeniedException',
  sts: 'AccessDenied',
};
export const THROTTLED: Readonly<Record<Service, string>> = {
  ec2: 'RequestLimitExceeded',
  elbv2: 'Throttling',
  cloudfront: 'Throttling',
  apigateway: 'TooManyRequestsException',
  sts: 'Throttling',
};

export { get as pathGet, set as pathSet };
