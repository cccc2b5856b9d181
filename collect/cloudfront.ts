import {
  type CloudFrontClient,
  type DistributionConfig,
  GetDistributionConfigCommand,
  GetResponseHeadersPolicyCommand,
  GetVpcOriginCommand,
  paginateListDistributions,
} from '@aws-sdk/client-cloudfront';
import type {
  CloudFrontInventory,
  CollectionError,
  ResponseHeadersPolicy,
  VpcOrigin,
} from '../inventory/types.ts';
import { mapLimit } from './concurrency.ts';
import {
  normalizeDistribution,
  normalizeResponseHeadersPolicy,
  normalizeVpcOrigin,
  referencedResponseHeadersPolicyIds,
  referencedVpcOriginIds,
  summaryLacksOrigins,
} from './normalize/cloudfront.ts';
import type { Fingerprinter } from './secrets.ts';
import { collectSlice, drain, type SliceResult } from './slice.ts';

/** CloudFront's control-plane Get* calls are rate limited per account; a few at a time is plenty. */
const GET_CONCURRENCY = 3;
const REGION = 'global';

/**
 * Collects every distribution (global), the VPC origins they use and the response headers policies
 * their behaviors attach. Never throws. The client must point at us-east-1.
 */
export const collectCloudFront = async (
  client: CloudFrontClient,
  fingerprint: Fingerprinter,
): Promise<{ cloudfront: CloudFrontInventory; errors: CollectionError[] }> => {
  const site = { service: 'cloudfront', region: REGION };
  const errors: CollectionError[] = [];
  const keep = <T>(result: SliceResult<T>): T | undefined => {
    if (result.ok) return result.items;
    errors.push(result.error);
    return undefined;
  };

  // Which VPC origins and policies to fetch is read off the distributions, so a failed listing
  // leaves those slices unknown too.
  const summaries =
    keep(
      await collectSlice(
        {
          ...site,
          operation: 'ListDistributions',
          slices: ['cloudfront.distributions', 'cloudfront.vpcOrigins', 'cloudfront.responseHeadersPolicies'],
        },
        () =>
          drain(paginateListDistributions({ client }, { MaxItems: 1000 }), (p) => p.DistributionList?.Items),
      ),
    ) ?? [];

  // Real summaries carry origins and behaviors; only a summary without them (moto omits them) costs a
  // GetDistributionConfig call. On failure the distribution is kept with what the summary had.
  const distributions = await mapLimit(summaries, GET_CONCURRENCY, async (summary) => {
    let config: DistributionConfig | undefined;
    if (summaryLacksOrigins(summary)) {
      config = keep(
        await collectSlice(
          {
            ...site,
            operation: 'GetDistributionConfig',
            slices: [
              'cloudfront.distributions',
              'cloudfront.vpcOrigins',
              'cloudfront.responseHeadersPolicies',
            ],
          },
          async () =>
            (await client.send(new GetDistributionConfigCommand({ Id: summary.Id }))).DistributionConfig,
        ),
      );
    }
    return normalizeDistribution(summary, fingerprint, config);
  });

  // There is no cheap listing of only the referenced items, and most accounts reference few, so each
  // is fetched by id. An account without VPC origins makes no GetVpcOrigin call at all.
  const [vpcOrigins, responseHeadersPolicies] = await Promise.all([
    mapLimit(referencedVpcOriginIds(distributions), GET_CONCURRENCY, async (id) =>
      keep(
        await collectSlice(
          { ...site, operation: 'GetVpcOrigin', slices: ['cloudfront.vpcOrigins'] },
          async () => {
            const vo = (await client.send(new GetVpcOriginCommand({ Id: id }))).VpcOrigin;
            return vo ? normalizeVpcOrigin(vo) : undefined;
          },
        ),
      ),
    ),
    mapLimit(referencedResponseHeadersPolicyIds(distributions), GET_CONCURRENCY, async (id) =>
      keep(
        await collectSlice(
          { ...site, operation: 'GetResponseHeadersPolicy', slices: ['cloudfront.responseHeadersPolicies'] },
          async () => {
            const policy = (await client.send(new GetResponseHeadersPolicyCommand({ Id: id })))
              .ResponseHeadersPolicy;
            return policy ? normalizeResponseHeadersPolicy(policy) : undefined;
          },
        ),
      ),
    ),
  ]);

  return {
    cloudfront: {
      distributions,
      vpcOrigins: vpcOrigins.filter((v): v is VpcOrigin => v !== undefined),
      responseHeadersPolicies: responseHeadersPolicies.filter(
        (p): p is ResponseHeadersPolicy => p !== undefined,
      ),
    },
    errors,
  };
};
