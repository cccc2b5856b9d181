import type {
  Integration,
  Method,
  Resource,
  ApiKey as SdkApiKey,
  RestApi as SdkRestApi,
  UsagePlan as SdkUsagePlan,
  VpcLink as SdkVpcLink,
  Stage,
  UsagePlanKey,
} from '@aws-sdk/client-api-gateway';
import { bySignature } from '../../inventory/api-methods.ts';
import { stageVariableNames } from '../../inventory/derive.ts';
import { parsePolicyText } from '../../inventory/policy-text.ts';
import type {
  ApiIntegration,
  ApiKey,
  ApiMethod,
  ApiResource,
  ApiStage,
  DeployedMethod,
  DeployedPolicy,
  RestApi,
  UsagePlan,
  VpcLink,
} from '../../inventory/types.ts';
import type { Fingerprinter } from '../secrets.ts';
import { tagsOf } from '../slice.ts';

/** Pure API Gateway (REST, v1) normalization. API key values are reduced to fingerprints here. */

/**
 * Fields without which an item cannot be normalized without guessing (ids, a resource's path, a
 * stage's name). Dropped items make the slice partial (MalformedResponse), never silently short.
 */
export const APIGATEWAY_REQUIRED = {
  GetRestApis: ['id'],
  GetResources: ['id', 'path'],
  GetStages: ['stageName'],
  GetVpcLinks: ['id'],
  GetUsagePlans: ['id'],
  GetUsagePlanKeys: ['id'],
  GetApiKeys: ['id'],
} as const satisfies {
  GetRestApis: readonly (keyof SdkRestApi)[];
  GetResources: readonly (keyof Resource)[];
  GetStages: readonly (keyof Stage)[];
  GetVpcLinks: readonly (keyof SdkVpcLink)[];
  GetUsagePlans: readonly (keyof SdkUsagePlan)[];
  GetUsagePlanKeys: readonly (keyof UsagePlanKey)[];
  GetApiKeys: readonly (keyof SdkApiKey)[];
};

/**
 * SDK dates are Date objects; recorded responses may carry ISO strings or the wire format's epoch
 * seconds. An unreadable date is dropped.
 */
const iso = (d: Date | string | number | undefined): string | undefined => {
  if (d === undefined) return undefined;
  const date = d instanceof Date ? d : typeof d === 'number' ? new Date(d * 1000) : new Date(d);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/** The ARN IAM and WAF use for a REST API (API Gateway ARNs have no account id). */
export const restApiArn = (region: string, id: string): string =>
  `arn:${partitionOf(region)}:apigateway:${region}::/restapis/${id}`;

const normalizeIntegration = (i: Integration): ApiIntegration => ({
  type: (i.type ?? '').toUpperCase(),
  ...(i.uri ? { uri: i.uri } : {}),
  // API Gateway omits connectionType for integrations over the internet.
  connectionType: i.connectionType ?? 'INTERNET',
  ...(i.connectionId ? { connectionId: i.connectionId } : {}),
  ...(i.integrationTarget ? { integrationTarget: i.integrationTarget } : {}),
});

const normalizeMethod = (key: string, m: Method): ApiMethod => ({
  httpMethod: (m.httpMethod ?? key).toUpperCase(),
  authorizationType: m.authorizationType ?? 'NONE',
  apiKeyRequired: m.apiKeyRequired ?? false,
  ...(m.methodIntegration ? { integration: normalizeIntegration(m.methodIntegration) } : {}),
});

/** A resource from GetResources with `embed=methods`, which embeds each method and its integration. */
export const normalizeResource = (r: Resource): ApiResource => ({
  id: r.id ?? '',
  path: r.path ?? '',
  methods: Object.entries(r.resourceMethods ?? {}).map(([key, m]) => normalizeMethod(key, m)),
});

/** Throttling from the stage's all-methods setting ('*' + '/' + '*'), which is where the stage default lives. */
export const normalizeStage = (s: Stage): ApiStage => {
  const all = s.methodSettings?.['*/*'];
  const throttling =
    all && (all.throttlingRateLimit !== undefined || all.throttlingBurstLimit !== undefined)
      ? {
          ...(all.throttlingRateLimit !== undefined ? { rateLimit: all.throttlingRateLimit } : {}),
          ...(all.throttlingBurstLimit !== undefined ? { burstLimit: all.throttlingBurstLimit } : {}),
        }
      : undefined;
  const lastUpdatedDate = iso(s.lastUpdatedDate);
  return {
    stageName: s.stageName ?? '',
    deploymentId: s.deploymentId ?? '',
    ...(s.webAclArn ? { webAclArn: s.webAclArn } : {}),
    ...(throttling ? { throttling } : {}),
    ...(lastUpdatedDate ? { lastUpdatedDate } : {}),
    // Narrowed by normalizeRestApi to the variables a VPC link is taken from.
    ...(s.variables ? { variables: s.variables } : {}),
  };
};

/**
 * The stage variables a VPC link is taken from (`connectionId: ${stageVariables.vpcLinkId}`): named by a
 * VPC_LINK integration of the current resources or of what the stage serves (its export).
 */
const linkVariableNames = (resources: readonly ApiResource[], stage: ApiStage): ReadonlySet<string> => {
  const current = resources.flatMap((r) =>
    r.methods.flatMap((m) =>
      m.integration?.connectionType.toUpperCase() === 'VPC_LINK' && m.integration.connectionId
        ? [m.integration.connectionId]
        : [],
    ),
  );
  const served = (stage.deployedMethods ?? []).flatMap((m) =>
    m.integration?.connectionType.toUpperCase() === 'VPC_LINK' && m.integration.connectionId
      ? [m.integration.connectionId]
      : [],
  );
  return new Set([...current, ...served].flatMap(stageVariableNames));
};

/**
 * Keeps only the variables a VPC link is taken from: the others may hold secrets and no check reads them.
 * A stage of an API that takes no link from a variable keeps no `variables` at all.
 */
const keepLinkVariables = (stage: ApiStage, resources: readonly ApiResource[]): ApiStage => {
  const { variables = {}, ...rest } = stage;
  const names = linkVariableNames(resources, stage);
  if (names.size === 0) return rest;
  // GetStages omits `variables` when the stage sets none: then every named one is missing.
  return {
    ...rest,
    variables: Object.fromEntries(Object.entries(variables).filter(([name]) => names.has(name))),
  };
};

export interface RestApiParts {
  readonly resources: readonly ApiResource[];
  readonly stages: readonly ApiStage[];
}

/** True when the API has a policy string that neither the plain nor the escaped reading parses. */
export const hasUnreadablePolicy = (api: SdkRestApi): boolean =>
  !!api.policy?.trim() && parsePolicyText(api.policy) === undefined;

export const normalizeRestApi = (api: SdkRestApi, region: string, parts: RestApiParts): RestApi => {
  const id = api.id ?? '';
  const { tags } = tagsOf(api.tags);
  const policy = parsePolicyText(api.policy);
  const createdDate = iso(api.createdDate);
  return {
    id,
    arn: restApiArn(region, id),
    region,
    ...(api.name ? { name: api.name } : {}),
    tags,
    apiName: api.name ?? '',
    endpointTypes: api.endpointConfiguration?.types ?? [],
    vpcEndpointIds: api.endpointConfiguration?.vpcEndpointIds ?? [],
    ...(policy !== undefined ? { policy } : {}),
    ...(api.policy ? { policyText: api.policy } : {}),
    // HEADER is API Gateway's default when the field is absent.
    apiKeySource: api.apiKeySource ?? 'HEADER',
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint ?? false,
    ...(createdDate ? { createdDate } : {}),
    resources: parts.resources,
    stages: parts.stages.map((stage) => keepLinkVariables(stage, parts.resources)),
  };
};

// OpenAPI operation keys API Gateway exports; ANY is exported as an extension key.
const EXPORT_METHODS: Readonly<Record<string, string>> = {
  get: 'GET',
  put: 'PUT',
  post: 'POST',
  delete: 'DELETE',
  options: 'OPTIONS',
  head: 'HEAD',
  patch: 'PATCH',
  'x-amazon-apigateway-any-method': 'ANY',
};

type ExportOperation = {
  readonly security?: readonly Readonly<Record<string, unknown>>[];
  readonly 'x-amazon-apigateway-integration'?: {
    readonly type?: string;
    readonly uri?: string;
    readonly connectionType?: string;
    readonly connectionId?: string;
  };
};

/**
 * Reduces a stage export (GetExport, oas30 with the `apigateway` extensions) to the methods the stage
 * serves, sorted by signature. An operation requires an API key when one of its security requirements
 * names the `api_key` scheme; its integration is the `x-amazon-apigateway-integration` extension (whose
 * type API Gateway writes in lower case).
 */
export const deployedMethodsOf = (document: unknown): DeployedMethod[] => {
  const paths = (document as { paths?: Record<string, Record<string, unknown>> } | null)?.paths ?? {};
  return bySignature(
    Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item ?? {}).flatMap(([key, value]): DeployedMethod[] => {
        const httpMethod = EXPORT_METHODS[key.toLowerCase()];
        if (!httpMethod || typeof value !== 'object' || value === null) return [];
        const op = value as ExportOperation;
        const x = op['x-amazon-apigateway-integration'];
        const integration = x
          ? {
              type: (x.type ?? '').toUpperCase(),
              ...(x.uri ? { uri: x.uri } : {}),
              connectionType: x.connectionType ?? 'INTERNET',
              ...(x.connectionId ? { connectionId: x.connectionId } : {}),
            }
          : undefined;
        const apiKeyRequired = (op.security ?? []).some((req) => Object.hasOwn(req ?? {}, 'api_key'));
        return [{ path, httpMethod, apiKeyRequired, ...(integration ? { integration } : {}) }];
      }),
    ),
  );
};

/**
 * The resource policy a stage export carries: the root `x-amazon-apigateway-policy` extension, the
 * policy document as an object (API Gateway writes `execute-api:/*` out as the full execute-api ARN).
 * A text form is parsed like GetRestApi's; a value that does not parse is kept as it is, so the
 * resource-policy check reports it as unreadable instead of as no policy.
 */
export const deployedPolicyOf = (document: unknown): DeployedPolicy => {
  const raw = (document as Record<string, unknown> | null)?.['x-amazon-apigateway-policy'];
  if (raw === undefined || raw === null) return {};
  return { document: typeof raw === 'string' ? (parsePolicyText(raw) ?? raw) : raw };
};

/**
 * True when an export is what GetExport was asked for: an OpenAPI 3 document whose every operation
 * carries `x-amazon-apigateway-integration`. API Gateway cannot deploy a method without an
 * integration, so a faithful export of a stage never lacks one; a document that does (moto 5.2.1
 * returns a Swagger 2.0 skeleton built from the current resources) says nothing about the deployment
 * and must not be compared with the current definition.
 */
export const isFaithfulExport = (document: unknown): boolean => {
  const doc = document as { openapi?: unknown; paths?: Record<string, Record<string, unknown>> } | null;
  if (typeof doc?.openapi !== 'string' || !doc.openapi.startsWith('3.')) return false;
  return Object.values(doc.paths ?? {}).every((item) =>
    Object.entries(item ?? {}).every(
      ([key, op]) =>
        !EXPORT_METHODS[key.toLowerCase()] ||
        (typeof op === 'object' && op !== null && 'x-amazon-apigateway-integration' in op),
    ),
  );
};

/** Decodes a GetExport body; the message never quotes the body. */
export const parseExportBody = (body: Uint8Array | undefined): unknown => {
  const text = new TextDecoder().decode(body ?? new Uint8Array());
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    // Same code as a document that is JSON but not the oas30 export we asked for: unreadable either way.
    throw Object.assign(new Error('GetExport returned a body that is not JSON', { cause }), {
      name: 'UnexpectedExportFormat',
    });
  }
};

export const normalizeVpcLink = (link: SdkVpcLink, region: string): VpcLink => {
  const { tags } = tagsOf(link.tags);
  return {
    id: link.id ?? '',
    region,
    ...(link.name ? { name: link.name } : {}),
    tags,
    status: link.status ?? '',
    targetArns: link.targetArns ?? [],
  };
};

export const normalizeUsagePlan = (
  plan: SdkUsagePlan,
  region: string,
  apiKeyIds: readonly string[],
): UsagePlan => {
  const { tags } = tagsOf(plan.tags);
  const t = plan.throttle;
  return {
    id: plan.id ?? '',
    region,
    ...(plan.name ? { name: plan.name } : {}),
    tags,
    planName: plan.name ?? '',
    apiStages: (plan.apiStages ?? []).map((s) => ({ apiId: s.apiId ?? '', stage: s.stage ?? '' })),
    ...(t && (t.rateLimit !== undefined || t.burstLimit !== undefined)
      ? {
          throttle: {
            ...(t.rateLimit !== undefined ? { rateLimit: t.rateLimit } : {}),
            ...(t.burstLimit !== undefined ? { burstLimit: t.burstLimit } : {}),
          },
        }
      : {}),
    apiKeyIds,
  };
};

/** Reduces an API key to its fingerprint at once: the value is read here and nowhere else. */
export const normalizeApiKey = (key: SdkApiKey, region: string, fingerprint: Fingerprinter): ApiKey => {
  const { tags } = tagsOf(key.tags);
  return {
    id: key.id ?? '',
    region,
    ...(key.name ? { name: key.name } : {}),
    tags,
    enabled: key.enabled ?? false,
    // Without a value (GetApiKeys called without includeValues) nothing can match it: '' never equals
    // a fingerprint.
    valueFingerprint: key.value ? fingerprint(key.value) : '',
  };
};
