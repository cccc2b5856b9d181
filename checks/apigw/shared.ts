import { parseExecuteApiDomain, partitionOf, refOf } from '../../inventory/derive.ts';
import type { ApiMethod, ApiStage, Inventory, RestApi } from '../../inventory/types.ts';
import type { ResourceRef } from '../../model/finding.ts';

/** Helpers the apigw.* checks share. */

export const REST_API_TYPE = 'AWS::ApiGateway::RestApi';
export const STAGE_TYPE = 'AWS::ApiGateway::Stage';

export const isPrivate = (api: Pick<RestApi, 'endpointTypes'>): boolean =>
  api.endpointTypes.some((t) => t.toUpperCase() === 'PRIVATE');

export const restApiRef = (api: RestApi): ResourceRef => refOf(REST_API_TYPE, api);

/** A stage as a finding resource: id `<apiId>/<stage>`, ARN as API Gateway names stages. */
export const stageRef = (api: RestApi, stage: ApiStage): ResourceRef => ({
  type: STAGE_TYPE,
  id: `${api.id}/${stage.stageName}`,
  arn: `arn:${partitionOf(api)}:apigateway:${api.region}::/restapis/${api.id}/stages/${stage.stageName}`,
  region: api.region,
  name: `${api.name ?? api.apiName}/${stage.stageName}`,
});

/** How a message names a stage: "stage prod of API prod-api (a1b2c3d4e5)". */
export const stageLabel = (api: RestApi, stage: ApiStage): string =>
  `${api.apiName} (${api.id}) のステージ ${stage.stageName}`;

/** CORS preflight: browsers send OPTIONS without custom headers, so it cannot carry an API key. */
export const isCorsPreflight = (method: Pick<ApiMethod, 'httpMethod'>): boolean =>
  method.httpMethod.toUpperCase() === 'OPTIONS';

/**
 * True when some CloudFront distribution uses the API's default execute-api hostname as an origin.
 * An API behind a custom domain name is not recognised (domain name mappings are not collected).
 */
export const isFrontedByCloudFront = (inventory: Inventory, api: RestApi): boolean => {
  const apiId = api.id.toLowerCase();
  return inventory.cloudfront.distributions.some((d) =>
    d.origins.some((o) => {
      const target = parseExecuteApiDomain(o.domainName);
      return target?.apiId === apiId && target.region === api.region;
    }),
  );
};

const MAX_LISTED = 5;

/** Up to five items for a message, then how many more: 'GET /a, GET /b ほか 3 件'. */
export const listSome = (items: readonly string[]): string =>
  items.length <= MAX_LISTED
    ? items.join(', ')
    : `${items.slice(0, MAX_LISTED).join(', ')} ほか ${items.length - MAX_LISTED} 件`;
