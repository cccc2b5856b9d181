import {
  type APIGatewayClient,
  GetExportCommand,
  GetStagesCommand,
  paginateGetApiKeys,
  paginateGetDeployments,
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
  deployedMethodSignatures,
  hasUnreadablePolicy,
  isFaithfulExport,
  normalizeApiKey,
  normalizeDeployment,
  normalizeResource,
  normalizeRestApi,
  normalizeStage,
  normalizeUsagePlan,
  normalizeVpcLink,
  parseExportBody,
} from './normalize/apigateway.ts';
import type { Fingerprinter } from './secrets.ts';
import { type CallSite, collectSlice, drain, type SliceResult } from './slice.ts';

/**
 * API Gateway's control plane has low per-account limits (GetResources: 5 calls per 2 seconds), so
 * only two APIs are worked on at once and each API's calls run one after another. Per-method
 * GetMethod/GetIntegration calls are avoided entirely: GetResources embeds the methods.
 */
const API_CONCURRENCY = 2;
const PLAN_CONCURRENCY = 2;
const PAGE = 500;

/** Collects the region's REST APIs (resources, stages, deployments, deployed methods), VPC links,
 * usage plans and API keys (as fingerprints). Never throws. */
export const collectApiGateway = async (
  client: APIGatewayClient,
  region: string,
  fingerprint: Fingerprinter,
): Promise<{ apigateway: ApiGatewayInventory; errors: CollectionError[] }> => {
  const errors: CollectionError[] = [];
  const site = (operation: string, slice: SliceName): CallSite => ({
    service: 'apigateway',
    operation,
    region,
    slices: [slice],
  });
  const keep = <T>(result: SliceResult<T>, fallback: T): T => {
    if (result.ok) return result.items;
    errors.push(result.error);
    return fallback;
  };

  const restApis = async (): Promise<RestApi[]> => {
    const apis = keep(
      await collectSlice(site('GetRestApis', 'apigateway.restApis'), () =>
        drain(paginateGetRestApis({ client }, { limit: PAGE }), (p) => p.items),
      ),
      [],
    );
    return mapLimit(apis, API_CONCURRENCY, (api) => collectRestApi(api));
  };

  const collectRestApi = async (api: SdkRestApi): Promise<RestApi> => {
    const restApiId = api.id;
    const apiSite = (operation: string) => site(operation, 'apigateway.restApis');
    if (hasUnreadablePolicy(api)) {
      // A policy we cannot read must not look like "no policy" to the resource-policy check.
      errors.push({
        ...apiSite('GetRestApis'),
        code: 'MalformedPolicyDocument',
        message: `The resource policy of REST API ${restApiId} is not valid JSON, escaped or plain`,
      });
    }
    const resources = keep(
      await collectSlice(apiSite('GetResources'), () =>
        drain(
          paginateGetResources({ client }, { restApiId, embed: ['methods'], limit: PAGE }),
          (p) => p.items,
        ),
      ),
      [],
    );
    // GetStages has no paginator: it returns every stage of the API in one response.
    const stages = keep(
      await collectSlice(
        apiSite('GetStages'),
        async () => (await client.send(new GetStagesCommand({ restApiId }))).item ?? [],
      ),
      [],
    );
    const deployments = keep(
      await collectSlice(apiSite('GetDeployments'), () =>
        drain(paginateGetDeployments({ client }, { restApiId, limit: PAGE }), (p) => p.items),
      ),
      [],
    );
    const normalizedStages: ApiStage[] = [];
    for (const stage of stages) {
      const normalized = normalizeStage(stage);
      // Its own call site: a failed export leaves only this stage's deployedMethods unknown.
      const deployed = await collectSlice(site('GetExport', 'apigateway.stageExports'), async () => {
        const output = await client.send(
          new GetExportCommand({
            restApiId,
            stageName: stage.stageName,
            exportType: 'oas30',
            parameters: { extensions: 'apigateway' },
            accepts: 'application/json',
          }),
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
        return deployedMethodSignatures(document);
      });
      if (deployed.ok) {
        normalizedStages.push({ ...normalized, deployedMethods: deployed.items });
      } else {
        errors.push(deployed.error);
        normalizedStages.push(normalized);
      }
    }
    return normalizeRestApi(api, region, {
      resources: resources.map(normalizeResource),
      stages: normalizedStages,
      deployments: deployments.map(normalizeDeployment),
    });
  };

  const vpcLinks = async () =>
    keep(
      await collectSlice(site('GetVpcLinks', 'apigateway.vpcLinks'), () =>
        drain(paginateGetVpcLinks({ client }, { limit: PAGE }), (p) => p.items),
      ),
      [],
    ).map((link) => normalizeVpcLink(link, region));

  const usagePlans = async () => {
    const plans = keep(
      await collectSlice(site('GetUsagePlans', 'apigateway.usagePlans'), () =>
        drain(paginateGetUsagePlans({ client }, { limit: PAGE }), (p) => p.items),
      ),
      [],
    );
    return mapLimit(plans, PLAN_CONCURRENCY, async (plan) => {
      const keys = keep(
        await collectSlice(site('GetUsagePlanKeys', 'apigateway.usagePlans'), () =>
          drain(paginateGetUsagePlanKeys({ client }, { usagePlanId: plan.id, limit: PAGE }), (p) => p.items),
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
      await collectSlice(site('GetApiKeys', 'apigateway.apiKeys'), () =>
        drain(paginateGetApiKeys({ client }, { includeValues: true, limit: PAGE }), (p) =>
          p.items?.map((key) => normalizeApiKey(key, region, fingerprint)),
        ),
      ),
      [],
    );

  const [apis, links, plans, keys] = await Promise.all([restApis(), vpcLinks(), usagePlans(), apiKeys()]);
  return { apigateway: { restApis: apis, vpcLinks: links, usagePlans: plans, apiKeys: keys }, errors };
};
