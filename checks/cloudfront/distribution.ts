import { type BlindSpot, type ItemReaches, theItems } from '../../evaluate/unseen.ts';
import { parseExecuteApiDomain, refOf } from '../../inventory/derive.ts';
import type {
  CacheBehavior,
  CloudFrontOrigin,
  Distribution,
  Inventory,
  RestApi,
} from '../../inventory/types.ts';
import type { ResourceRef } from '../../model/finding.ts';

/** Helpers shared by the cloudfront.* checks (not a check itself). */

export const DISTRIBUTION_TYPE = 'AWS::CloudFront::Distribution';

export const distributionRef = (d: Distribution): ResourceRef => refOf(DISTRIBUTION_TYPE, d);

/** The distributions, as the blind spots of a check whose findings on them hang on data not read. */
export const distributionSpots = (distributions: readonly Distribution[]): BlindSpot[] =>
  distributions.map((d) => ({ region: d.region, resourceId: d.id, resourceType: DISTRIBUTION_TYPE }));

/**
 * The reach of a distribution whose configuration was not read, for a check whose findings sit on the
 * distribution and read its own configuration (and the VPC origins and policies it references): that
 * distribution alone. Other distributions' findings never read it.
 */
export const ownDistribution: ItemReaches = { 'AWS::CloudFront::Distribution': theItems };

/** How a Japanese message names a cache behavior. */
export const behaviorLabel = (b: CacheBehavior): string =>
  b.pathPattern === '*' ? 'デフォルトビヘイビア (*)' : `ビヘイビア ${b.pathPattern}`;

/**
 * Behaviors that send requests to the given origin, in distribution order: directly, or through an
 * origin group (failover) the origin is a member of.
 */
export const behaviorsTargeting = (d: Distribution, origin: CloudFrontOrigin): readonly CacheBehavior[] => {
  const groups = new Set(
    (d.originGroups ?? []).filter((g) => g.originIds.includes(origin.id)).map((g) => g.id),
  );
  return d.behaviors.filter((b) => b.targetOriginId === origin.id || groups.has(b.targetOriginId));
};

/**
 * The REST API an execute-api origin reaches, when the inventory can say. Undefined when the API's region
 * was not collected, or when no REST API has that id: execute-api domains also serve HTTP APIs
 * (API Gateway v2), which the inventory does not hold, so "not found" is not evidence of anything.
 */
export const restApiOfOrigin = (inventory: Inventory, origin: CloudFrontOrigin): RestApi | undefined => {
  const target = parseExecuteApiDomain(origin.domainName);
  if (!target || !inventory.regions.includes(target.region)) return undefined;
  return inventory.apigateway.restApis.find((a) => a.id === target.apiId && a.region === target.region);
};

/** Path segments without empty parts: '/prod/data/*' → ['prod', 'data', '*']. */
const segments = (path: string): readonly string[] => path.split('/').filter((s) => s !== '');

/**
 * The API Gateway stage a behavior's requests reach. CloudFront forwards `originPath + requestPath`, and
 * a REST API's execute-api endpoint reads the first segment of that path as the stage. With an origin
 * path the stage is its first segment; without one it is the first segment of the request path, which
 * the path pattern fixes unless that segment holds a wildcard (`*`, `?`): then it is undefined (unknown).
 * The leading '/' of a path pattern is optional and means the same either way.
 * Not modelled: a CloudFront Function or Lambda@Edge that rewrites the URI.
 */
export const resolvedStage = (origin: CloudFrontOrigin, behavior: CacheBehavior): string | undefined => {
  const first = segments(origin.originPath)[0] ?? segments(behavior.pathPattern)[0];
  return first === undefined || /[*?]/.test(first) ? undefined : first;
};

/** Where a behavior's requests land on the API, for messages: '/prod/prod/data/*'. */
export const resolvedPath = (origin: CloudFrontOrigin, behavior: CacheBehavior): string =>
  `/${[...segments(origin.originPath), ...segments(behavior.pathPattern)].join('/')}`;
