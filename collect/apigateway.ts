import {
  type APIGatewayClient,
  GetExportCommand,
  GetStagesCommand,
  paginateGetApiKeys,
  paginateGetResources,
  paginateGetRestApis,
  paginateGetUsagePlanKeys,
  paginateGetUsagePlans,
  paginateGetVpcLinks,
  type RestApi as SdkRestApi,
} from '@aws-sdk/client-api-gateway';
import type {
  ApiGatewayInventory,
  ApiStage,
  CollectionError,
  RestApi,
  SliceName,
} from '../inventory/types.ts';
import { mapLimit } from './concurrency.ts';
import {
  APIGATEWAY_REQUIRED,
  deployedMethodsOf,
  deployedPolicyOf,
  hasUnreadablePolicy,
  isFaithfulExport,
  normalizeApiKey,
  normalizeResource,
  normalizeRestApi,
  normalizeStage,
  normalizeUsagePlan,
  normalizeVpcLink,
  parseExportBody,
} from './normalize/apigateway.ts';
import type { Fingerprinter } from './secrets.ts';
import {
  type CallSite,
  type CollectContext,
  callOptions,
  collectSlice,
  drain,
  normalizing,
  pagingGuard,
  type SliceResult,
} from './slice.ts';

/**
 * API Gateway's control plane has low per-account limits (GetResources: 5 calls per 2 seconds), so
 * only two APIs are worked on at once and each API's calls run one after another. Per-method
 * GetMethod/GetIntegration calls are avoided entirely: GetResources embeds the methods.
 */
const API_CONCURRENCY = 2;
const PLAN_CONCURRENCY = 2;
const PAGE = 500;

/** Collects the region's REST APIs (resources, stages, deployed methods), VPC links,
 * usage plans and API keys (as fingerprints). Never throws. */
export const collectApiGateway = async (
  client: APIGatewayClient,
  region: string,
  fingerprint: Fingerprinter,
  context: CollectContext = {},
  options: { readonly only?: 'apiKeys' } = {},
): Promise<{ apigateway: ApiGatewayInventory; errors: CollectionError[] }> => {
  const errors: CollectionError[] = [];
  const call = callOptions(context);
  const site = (operation: string, slice: SliceName): CallSite => ({
    service: 'apigateway',
    operation,
    region,
    slices: [slice],
  });
  const keep = <T>(result: SliceResult<T>, fallback: T): T => {
    if (result.error) errors.push(result.error);
    return result.ok ? result.items : fallback;
  };

  const restApis = async (): Promise<RestApi[]> => {
    const apis = keep(
      await collectSlice(
        site('GetRestApis', 'apigateway.restApis'),
        async (s) =>
          s.wellFormed(
            await drain(paginateGetRestApis(pagingGuard({ client }), { limit: PAGE }, call), (p) => p.items),
            APIGATEWAY_REQUIRED.GetRestApis,
          ),
        context,
      ),
      [],
    );
    const collected = await mapLimit(apis, API_CONCURRENCY, (api) => collectRestApi(api));
    return collected.flatMap((api) => api ?? []);
  };

  const collectRestApi = async (api: SdkRestApi): Promise<RestApi | undefined> => {
    const restApiId = api.id;
    // Per-API calls name the API: when one fails, only this API is unseen, not the region.
    const apiSite = (operation: string): CallSite => ({
      ...site(operation, 'apigateway.restApis'),
      resourceId: restApiId,
      resourceType: 'AWS::ApiGateway::RestApi',
    });
    if (hasUnreadablePolicy(api)) {
      // A policy we cannot read must not look like "no policy" to the resource-policy check.
      errors.push({
        ...apiSite('GetRestApis'),
        code: 'MalformedPolicyDocument',
        message: `The resource policy of REST API ${restApiId} is not valid JSON, escaped or plain`,
      });
    }
    const resources = keep(
      await collectSlice(
        apiSite('GetResources'),
        async (s) =>
          s.wellFormed(
            await drain(
              paginateGetResources(
                pagingGuard({ client }),
                { restApiId, embed: ['methods'], limit: PAGE },
                call,
              ),
              (p) => p.items,
            ),
            APIGATEWAY_REQUIRED.GetResources,
            normalizeResource,
          ),
        context,
      ),
      [],
    );
    // GetStages has no paginator: it returns every stage of the API in one response.
    const stages = keep(
      await collectSlice(
        apiSite('GetStages'),
        async (s) =>
          s.wellFormed(
            (await client.send(new GetStagesCommand({ restApiId }), call)).item,
            APIGATEWAY_REQUIRED.GetStages,
          ),
        context,
      ),
      [],
    );
    const normalizedStages: ApiStage[] = [];
    for (const stage of stages) {
      const normalized = normalizeStage(stage);
      // Its own call site: a failed export leaves only this stage's deployed methods and policy unknown.
      const deployed = await collectSlice(
        {
          ...site('GetExport', 'apigateway.stageExports'),
          resourceId: `${restApiId}/${stage.stageName}`,
          resourceType: 'AWS::ApiGateway::Stage',
        },
        async () => {
          const output = await client.send(
            new GetExportCommand({
              restApiId,
              stageName: stage.stageName,
              exportType: 'oas30',
              parameters: { extensions: 'apigateway' },
              accepts: 'application/json',
            }),
            call,
          );
          const document = parseExportBody(output.body);
          if (!isFaithfulExport(document)) {
            throw Object.assign(
              new Error(
                `GetExport for stage ${stage.stageName} of REST API ${restApiId} did not return an oas30 document with the apigateway extensions`,
              ),
              { name: 'UnexpectedExportFormat' },
            );
          }
          return { methods: deployedMethodsOf(document), policy: deployedPolicyOf(document) };
        },
        context,
      );
      if (deployed.ok) {
        normalizedStages.push({
          ...normalized,
          deployedMethods: deployed.items.methods,
          deployedPolicy: deployed.items.policy,
        });
      } else {
        errors.push(deployed.error);
        normalizedStages.push(normalized);
      }
    }
    // Pure, but an API shaped unlike any we know must drop that API loudly, not the run.
    return keep(
      await collectSlice(apiSite('GetRestApis'), async () =>
        normalizing(`Normalizing REST API ${restApiId} failed`, () =>
          normalizeRestApi(api, region, { resources, stages: normalizedStages }),
        ),
      ),
      undefined,
    );
  };

  const vpcLinks = async () =>
    keep(
      await collectSlice(
        site('GetVpcLinks', 'apigateway.vpcLinks'),
        async (s) =>
          s.wellFormed(
            await drain(paginateGetVpcLinks(pagingGuard({ client }), { limit: PAGE }, call), (p) => p.items),
            APIGATEWAY_REQUIRED.GetVpcLinks,
            (link) => normalizeVpcLink(link, region),
          ),
        context,
      ),
      [],
    );

  const usagePlans = async () => {
    const plans = keep(
      await collectSlice(
        site('GetUsagePlans', 'apigateway.usagePlans'),
        async (s) =>
          s.wellFormed(
            await drain(
              paginateGetUsagePlans(pagingGuard({ client }), { limit: PAGE }, call),
              (p) => p.items,
            ),
            APIGATEWAY_REQUIRED.GetUsagePlans,
          ),
        context,
      ),
      [],
    );
    return mapLimit(plans, PLAN_CONCURRENCY, async (plan) => {
      // Per plan: when one plan's keys cannot be read, only what that plan's keys decide is unseen.
      const keys = keep(
        await collectSlice(
          {
            ...site('GetUsagePlanKeys', 'apigateway.usagePlans'),
            resourceId: plan.id ?? '',
            resourceType: 'AWS::ApiGateway::UsagePlan',
          },
          async (s) =>
            s.wellFormed(
              await drain(
                paginateGetUsagePlanKeys(
                  pagingGuard({ client }),
                  { usagePlanId: plan.id, limit: PAGE },
                  call,
                ),
                (p) => p.items,
              ),
              APIGATEWAY_REQUIRED.GetUsagePlanKeys,
            ),
          context,
        ),
        [],
      );
      return normalizeUsagePlan(
        plan,
        region,
        keys.flatMap((k) => (k.id ? [k.id] : [])),
      );
    });
  };

  // Each page is reduced to fingerprints as it arrives, so no key value outlives its page.
  const apiKeys = async () =>
    keep(
      await collectSlice(
        site('GetApiKeys', 'apigateway.apiKeys'),
        (s) =>
          drain(
            paginateGetApiKeys(pagingGuard({ client }), { includeValues: true, limit: PAGE }, call),
            (p) =>
              s.wellFormed(p.items, APIGATEWAY_REQUIRED.GetApiKeys, (key) =>
                normalizeApiKey(key, region, fingerprint),
              ),
          ),
        context,
      ),
      [],
    );

  // Only the keys: a change-triggered audit that keeps this region's APIs from the last inventory
  // still reads them, so their fingerprints and CloudFront's are made under the same run key.
  if (options.only === 'apiKeys') {
    return { apigateway: { restApis: [], vpcLinks: [], usagePlans: [], apiKeys: await apiKeys() }, errors };
  }
  const [apis, links, plans, keys] = await Promise.all([restApis(), vpcLinks(), usagePlans(), apiKeys()]);
  return { apigateway: { restApis: apis, vpcLinks: links, usagePlans: plans, apiKeys: keys }, errors };
};
