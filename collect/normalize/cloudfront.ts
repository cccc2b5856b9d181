import type {
  DefaultCacheBehavior,
  DistributionConfig,
  DistributionSummary,
  Origin,
  CacheBehavior as SdkCacheBehavior,
  OriginGroup as SdkOriginGroup,
  ResponseHeadersPolicy as SdkResponseHeadersPolicy,
  VpcOrigin as SdkVpcOrigin,
} from '@aws-sdk/client-cloudfront';
import type {
  CacheBehavior,
  CloudFrontOrigin,
  Distribution,
  OriginGroup,
  OriginKind,
  ResponseHeadersPolicy,
  VpcOrigin,
} from '../../inventory/types.ts';
import type { Fingerprinter } from '../secrets.ts';

/**
 * Pure CloudFront normalization. Custom origin header values are reduced to fingerprints here and
 * go nowhere else: the returned shapes hold header names and fingerprints only.
 */

/**
 * Fields without which an item cannot be normalized without guessing (its id; a policy's or VPC
 * origin's id). Dropped items make the slice partial (MalformedResponse). A Get* answer without its
 * object at all is refused by the collector the same way.
 */
export const CLOUDFRONT_REQUIRED = {
  ListDistributions: ['Id', 'DomainName'],
  GetVpcOrigin: ['Id'],
  GetResponseHeadersPolicy: ['Id'],
} as const satisfies {
  ListDistributions: readonly (keyof DistributionSummary)[];
  GetVpcOrigin: readonly (keyof SdkVpcOrigin)[];
  GetResponseHeadersPolicy: readonly (keyof SdkResponseHeadersPolicy)[];
};

const GLOBAL = 'global';

// REST endpoints of S3: bucket.s3.amazonaws.com, bucket.s3.<region>.amazonaws.com and the legacy
// bucket.s3-<region>.amazonaws.com (plus the China partition's .amazonaws.com.cn).
const S3_REST_DOMAIN = /\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/i;

// Website endpoints: bucket.s3-website-<region>.amazonaws.com and bucket.s3-website.<region>.amazonaws.com.
// Anchored on the host suffix: a bucket may itself be named e.g. 'acme-s3-website-assets'.
const S3_WEBSITE_DOMAIN = /\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(\.cn)?$/i;

/** How CloudFront reaches an origin: a VPC origin, an S3 website endpoint, S3's REST API, or anything else. */
export const originKind = (origin: Origin): OriginKind => {
  const domain = origin.DomainName ?? '';
  if (origin.VpcOriginConfig?.VpcOriginId) return 'vpc-origin';
  // Website endpoints are plain HTTP custom origins with no OAC/OAI support; tell them apart first.
  if (S3_WEBSITE_DOMAIN.test(domain)) return 's3-website';
  if (origin.S3OriginConfig || S3_REST_DOMAIN.test(domain)) return 's3';
  return 'custom';
};

export const normalizeOrigin = (origin: Origin, fingerprint: Fingerprinter): CloudFrontOrigin => {
  const oac = origin.OriginAccessControlId;
  const oai = origin.S3OriginConfig?.OriginAccessIdentity;
  const policy = origin.CustomOriginConfig?.OriginProtocolPolicy;
  const vpcOriginId = origin.VpcOriginConfig?.VpcOriginId;
  return {
    id: origin.Id ?? '',
    domainName: origin.DomainName ?? '',
    originPath: origin.OriginPath ?? '',
    kind: originKind(origin),
    customHeaders: (origin.CustomHeaders?.Items ?? []).map((h) => ({
      name: h.HeaderName ?? '',
      valueFingerprint: fingerprint(h.HeaderValue ?? ''),
    })),
    // AWS returns '' rather than omitting these when unset.
    ...(oac ? { originAccessControlId: oac } : {}),
    ...(oai ? { originAccessIdentity: oai } : {}),
    ...(policy ? { originProtocolPolicy: policy } : {}),
    ...(vpcOriginId ? { vpcOriginId } : {}),
  };
};

const VIEWER_POLICIES = new Set<CacheBehavior['viewerProtocolPolicy']>([
  'allow-all',
  'https-only',
  'redirect-to-https',
]);

const normalizeBehavior = (
  pathPattern: string,
  b: DefaultCacheBehavior | SdkCacheBehavior | undefined,
): CacheBehavior => {
  const vpp = b?.ViewerProtocolPolicy as CacheBehavior['viewerProtocolPolicy'] | undefined;
  return {
    pathPattern,
    targetOriginId: b?.TargetOriginId ?? '',
    // The field is required by CloudFront; an unknown value is treated as the permissive one.
    viewerProtocolPolicy: vpp && VIEWER_POLICIES.has(vpp) ? vpp : 'allow-all',
    ...(b?.ResponseHeadersPolicyId ? { responseHeadersPolicyId: b.ResponseHeadersPolicyId } : {}),
  };
};

/**
 * The default behavior first (path pattern '*'), then the cache behaviors in CloudFront's order. At
 * request time CloudFront tries the ordered behaviors first and falls back to the default.
 */
export const normalizeBehaviors = (
  defaultBehavior: DefaultCacheBehavior | undefined,
  behaviors: readonly SdkCacheBehavior[] | undefined,
): CacheBehavior[] => [
  ...(defaultBehavior ? [normalizeBehavior('*', defaultBehavior)] : []),
  ...(behaviors ?? []).map((b) => normalizeBehavior(b.PathPattern ?? '', b)),
];

/** True when a ListDistributions summary lacks the origins (some emulators omit them). */
export const summaryLacksOrigins = (summary: DistributionSummary): boolean =>
  summary.Origins?.Items === undefined;

/**
 * One distribution from its ListDistributions summary. When the summary lacked its configuration,
 * `config` (from GetDistributionConfig) supplies origins, behaviors, aliases, WAF and enabled state.
 */
export const normalizeDistribution = (
  summary: DistributionSummary,
  fingerprint: Fingerprinter,
  config?: DistributionConfig,
): Distribution => {
  const src = config ?? summary;
  return {
    id: summary.Id ?? '',
    ...(summary.ARN ? { arn: summary.ARN } : {}),
    region: GLOBAL,
    tags: {},
    domainName: summary.DomainName ?? '',
    aliases: src.Aliases?.Items ?? summary.Aliases?.Items ?? [],
    enabled: src.Enabled ?? summary.Enabled ?? false,
    status: summary.Status ?? '',
    webAclId: src.WebACLId ?? summary.WebACLId ?? '',
    origins: (src.Origins?.Items ?? []).map((o) => normalizeOrigin(o, fingerprint)),
    behaviors: normalizeBehaviors(src.DefaultCacheBehavior, src.CacheBehaviors?.Items),
    ...normalizeOriginGroups(src.OriginGroups?.Items),
  };
};

/**
 * Origin groups, so checks can follow a behavior that targets a group to its member origins (the
 * failover origin must be as correct as the primary). Left out when there are none.
 */
export const normalizeOriginGroups = (
  groups: readonly SdkOriginGroup[] | undefined,
): { originGroups?: OriginGroup[] } => {
  const originGroups = (groups ?? []).map((g) => ({
    id: g.Id ?? '',
    originIds: (g.Members?.Items ?? []).flatMap((m) => (m.OriginId ? [m.OriginId] : [])),
  }));
  return originGroups.length > 0 ? { originGroups } : {};
};

/** VPC origin ids the distributions reference, each once. */
export const referencedVpcOriginIds = (distributions: readonly Distribution[]): string[] => [
  ...new Set(distributions.flatMap((d) => d.origins.flatMap((o) => (o.vpcOriginId ? [o.vpcOriginId] : [])))),
];

/** Response headers policy ids the behaviors reference, each once. */
export const referencedResponseHeadersPolicyIds = (distributions: readonly Distribution[]): string[] => [
  ...new Set(
    distributions.flatMap((d) =>
      d.behaviors.flatMap((b) => (b.responseHeadersPolicyId ? [b.responseHeadersPolicyId] : [])),
    ),
  ),
];

export const normalizeVpcOrigin = (vo: SdkVpcOrigin): VpcOrigin => {
  const name = vo.VpcOriginEndpointConfig?.Name;
  return {
    id: vo.Id ?? '',
    ...(vo.Arn ? { arn: vo.Arn } : {}),
    region: GLOBAL,
    ...(name ? { name } : {}),
    tags: {},
    targetArn: vo.VpcOriginEndpointConfig?.Arn ?? '',
    status: vo.Status ?? '',
  };
};

/** A policy counts as setting a header when its SecurityHeadersConfig carries that header's block. */
export const normalizeResponseHeadersPolicy = (policy: SdkResponseHeadersPolicy): ResponseHeadersPolicy => {
  const config = policy.ResponseHeadersPolicyConfig;
  const security = config?.SecurityHeadersConfig;
  return {
    id: policy.Id ?? '',
    name: config?.Name ?? '',
    hsts: security?.StrictTransportSecurity !== undefined,
    contentTypeOptions: security?.ContentTypeOptions !== undefined,
    referrerPolicy: security?.ReferrerPolicy !== undefined,
    contentSecurityPolicy: security?.ContentSecurityPolicy !== undefined,
  };
};
