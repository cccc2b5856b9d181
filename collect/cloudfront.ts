import {
  type CloudFrontClient,
  type DistributionConfig,
  GetDistributionConfigCommand,
  GetResponseHeadersPolicyCommand,
  GetVpcOriginCommand,
  paginateListDistributions,
} from '@aws-sdk/client-cloudfront';
import type { CloudFrontInventory, CollectionError, Distribution, SliceName } from '../inventory/types.ts';
import { mapLimit } from './concurrency.ts';
import {
  CLOUDFRONT_REQUIRED,
  normalizeDistribution,
  normalizeResponseHeadersPolicy,
  normalizeVpcOrigin,
  referencedResponseHeadersPolicyIds,
  referencedVpcOriginIds,
  summaryLacksOrigins,
} from './normalize/cloudfront.ts';
import type { Fingerprinter } from './secrets.ts';
import {
  type CollectContext,
  callOptions,
  collectSlice,
  drain,
  malformed,
  normalizing,
  pagingGuard,
  type SliceResult,
} from './slice.ts';

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
  context: CollectContext = {},
): Promise<{ cloudfront: CloudFrontInventory; errors: CollectionError[] }> => {
  const site = { service: 'cloudfront', region: REGION };
  const call = callOptions(context);
  const errors: CollectionError[] = [];
  const keep = <T>(result: SliceResult<T>): T | undefined => {
    if (result.error) errors.push(result.error);
    return result.ok ? result.items : undefined;
  };
  const distributionSlices: readonly SliceName[] = [
    'cloudfront.distributions',
    'cloudfront.vpcOrigins',
    'cloudfront.responseHeadersPolicies',
  ];

  // Which VPC origins and policies to fetch is read off the distributions, so a failed listing
  // leaves those slices unknown too.
  const summaries =
    keep(
      await collectSlice(
        { ...site, operation: 'ListDistributions', slices: distributionSlices },
        async (s) =>
          s.wellFormed(
            await drain(
              paginateListDistributions(pagingGuard({ client }), { MaxItems: 1000 }, call),
              (p) => p.DistributionList?.Items,
            ),
            CLOUDFRONT_REQUIRED.ListDistributions,
          ),
        context,
      ),
    ) ?? [];

  // Real summaries carry origins and behaviors; only a summary without them (moto omits them) costs a
  // GetDistributionConfig call. On failure the distribution is kept with what the summary had.
  // Both steps name the distribution: when one fails, only what hangs on that distribution is unseen
  // (its own findings; for some checks, what its origins could reach).
  const distributions = await mapLimit(summaries, GET_CONCURRENCY, async (summary) => {
    const item = { resourceId: summary.Id ?? '', resourceType: 'AWS::CloudFront::Distribution' } as const;
    let config: DistributionConfig | undefined;
    if (summaryLacksOrigins(summary)) {
      config = keep(
        await collectSlice(
          { ...site, operation: 'GetDistributionConfig', slices: distributionSlices, ...item },
          async () => {
            const output = await client.send(new GetDistributionConfigCommand({ Id: summary.Id }), call);
            if (!output.DistributionConfig) {
              throw malformed(`GetDistributionConfig for ${summary.Id} returned no DistributionConfig`);
            }
            return output.DistributionConfig;
          },
          context,
        ),
      );
    }
    // Pure, but a summary shaped unlike any we know must drop that distribution loudly, not the run.
    return keep(
      await collectSlice(
        {
          ...site,
          operation: config ? 'GetDistributionConfig' : 'ListDistributions',
          slices: distributionSlices,
          ...item,
        },
        async () =>
          normalizing(`Normalizing distribution ${summary.Id} failed`, () =>
            normalizeDistribution(summary, fingerprint, config),
          ),
      ),
    );
  });
  const found = distributions.filter((d): d is Distribution => d !== undefined);

  // There is no cheap listing of only the referenced items, and most accounts reference few, so each
  // is fetched by id. An account without VPC origins makes no GetVpcOrigin call at all.
  const [vpcOrigins, responseHeadersPolicies] = await Promise.all([
    mapLimit(referencedVpcOriginIds(found), GET_CONCURRENCY, async (id) =>
      keep(
        await collectSlice(
          {
            ...site,
            operation: 'GetVpcOrigin',
            slices: ['cloudfront.vpcOrigins'],
            resourceId: id,
            resourceType: 'AWS::CloudFront::VpcOrigin',
          },
          async (s) => {
            const vo = (await client.send(new GetVpcOriginCommand({ Id: id }), call)).VpcOrigin;
            if (!vo) throw malformed(`GetVpcOrigin for ${id} returned no VpcOrigin`);
            return s.wellFormed([vo], CLOUDFRONT_REQUIRED.GetVpcOrigin, normalizeVpcOrigin);
          },
          context,
        ),
      ),
    ),
    mapLimit(referencedResponseHeadersPolicyIds(found), GET_CONCURRENCY, async (id) =>
      keep(
        await collectSlice(
          {
            ...site,
            operation: 'GetResponseHeadersPolicy',
            slices: ['cloudfront.responseHeadersPolicies'],
            resourceId: id,
            resourceType: 'AWS::CloudFront::ResponseHeadersPolicy',
          },
          async (s) => {
            const policy = (await client.send(new GetResponseHeadersPolicyCommand({ Id: id }), call))
              .ResponseHeadersPolicy;
            if (!policy)
              throw malformed(`GetResponseHeadersPolicy for ${id} returned no ResponseHeadersPolicy`);
            return s.wellFormed(
              [policy],
              CLOUDFRONT_REQUIRED.GetResponseHeadersPolicy,
              normalizeResponseHeadersPolicy,
            );
          },
          context,
        ),
      ),
    ),
  ]);

  return {
    cloudfront: {
      distributions: found,
      vpcOrigins: vpcOrigins.flatMap((v) => v ?? []),
      responseHeadersPolicies: responseHeadersPolicies.flatMap((p) => p ?? []),
    },
    errors,
  };
};
