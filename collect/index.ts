import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { type CollectionError, emptyInventory, type Inventory } from '../inventory/types.ts';
import { collectApiGateway } from './apigateway.ts';
import type { RegionalClients } from './clients.ts';
import { collectCloudFront } from './cloudfront.ts';
import { collectEc2 } from './ec2.ts';
import { collectElbv2 } from './elbv2.ts';
import { createFingerprinter } from './secrets.ts';
import { COLLECT_CODES, type CollectContext, callOptions, collectSlice, malformed } from './slice.ts';

/** How progress names the global collection (CloudFront), beside the regions. */
export const GLOBAL_REGION = 'global';

export interface CollectInventoryOptions {
  readonly regions: readonly string[];
  readonly clientsFor: (region: string) => RegionalClients;
  /** Omitted: CloudFront is not collected here (a fan-out item of one region leaves it to the global item). */
  readonly cloudFront?: CloudFrontClient;
  readonly sts: STSClient;
  readonly now?: () => Date;
  /** Aborted at the run's deadline: collection stops and reports what it could not finish. */
  readonly signal?: AbortSignal;
  /**
   * The key secrets are fingerprinted under; omitted: a random one for this collection. Collections
   * whose fingerprints are compared (the fan-out items of one run) must share it.
   */
  readonly fingerprintKey?: Buffer;
  /**
   * What to read in each region (a change-triggered audit reads only what its changes touched);
   * omitted: everything. A service not listed is not called and its lists come back empty.
   */
  readonly partsIn?: (region: string) => readonly RegionalPart[];
  /** Told when a region (or `global`, CloudFront) is collected, failures included: progress only. */
  readonly onRegionCollected?: (region: string) => void;
}

/** A regional collector, or only API Gateway's keys (fingerprints must share one run's key). */
export type RegionalPart = 'ec2' | 'elbv2' | 'apigateway' | 'apigateway.apiKeys';
export const ALL_REGIONAL_PARTS: readonly RegionalPart[] = ['ec2', 'elbv2', 'apigateway'];

/**
 * At the deadline every call not finished fails at once, often many of one operation (one per API or
 * load balancer): one error per service, operation and region says the same, counted.
 */
export const collapseDeadlineErrors = (errors: readonly CollectionError[]): CollectionError[] => {
  // Insertion order keeps the errors where they first occurred; other errors get a key of their own.
  const groups = new Map<string, CollectionError[]>();
  errors.forEach((error, i) => {
    const key =
      error.code === COLLECT_CODES.deadline ? `${error.service}|${error.operation}|${error.region}` : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), error]);
  });
  return [...groups.values()].map((group) => {
    const first = group[0] as CollectionError;
    if (group.length === 1) return first;
    const slices = [...new Set(group.flatMap((e) => e.slices))];
    // Calls about several resources collapse into one error about none: the whole region is unseen.
    const { resourceId, resourceType, ...rest } = first;
    const oneResource = group.every((e) => e.resourceId === resourceId) && resourceId !== undefined;
    return {
      ...rest,
      ...(oneResource ? { resourceId, ...(resourceType !== undefined ? { resourceType } : {}) } : {}),
      slices,
      message: `${first.message} (${group.length} calls)`,
    };
  });
};

/** Concatenates each list of several regions' sections (the keys come from an empty section). */
export const mergeLists = <T extends object>(parts: readonly T[], empty: T): T =>
  Object.fromEntries(
    Object.keys(empty).map((key) => [key, parts.flatMap((p) => (p as Record<string, unknown[]>)[key] ?? [])]),
  ) as T;

/**
 * Collects the live inventory: every service of every region concurrently, CloudFront once.
 * Never throws for an AWS error: failures land in `errors` and make the audit incomplete.
 */
export const collectInventory = async (options: CollectInventoryOptions): Promise<Inventory> => {
  const now = options.now ?? (() => new Date());
  const collectedAt = now().toISOString();
  // One key per run: fingerprints compare equal within this inventory and reveal nothing.
  const fingerprint = createFingerprinter(options.fingerprintKey);
  const context: CollectContext = options.signal ? { signal: options.signal } : {};

  const identity = collectSlice(
    { service: 'sts', operation: 'GetCallerIdentity', region: options.regions[0] ?? 'global', slices: [] },
    async () => {
      const account = (await options.sts.send(new GetCallerIdentityCommand({}), callOptions(context)))
        .Account;
      if (!account) throw malformed('GetCallerIdentity returned no Account');
      return account;
    },
    context,
  );
  const empty = emptyInventory('', [], '');
  const perRegion = options.regions.map(async (region) => {
    const clients = options.clientsFor(region);
    const parts = options.partsIn?.(region) ?? ALL_REGIONAL_PARTS;
    const skipped = <K extends 'ec2' | 'elbv2' | 'apigateway'>(key: K) =>
      Promise.resolve({ [key]: empty[key], errors: [] as CollectionError[] } as {
        [P in K]: Inventory[K];
      } & { errors: CollectionError[] });
    const [ec2, elbv2, apigateway] = await Promise.all([
      parts.includes('ec2') ? collectEc2(clients.ec2, region, context) : skipped('ec2'),
      parts.includes('elbv2') ? collectElbv2(clients.elbv2, region, context) : skipped('elbv2'),
      parts.includes('apigateway')
        ? collectApiGateway(clients.apigateway, region, fingerprint, context)
        : parts.includes('apigateway.apiKeys')
          ? collectApiGateway(clients.apigateway, region, fingerprint, context, { only: 'apiKeys' })
          : skipped('apigateway'),
    ]);
    options.onRegionCollected?.(region);
    return { ec2, elbv2, apigateway };
  });
  const [account, cloudfront, regional] = await Promise.all([
    identity,
    options.cloudFront
      ? collectCloudFront(options.cloudFront, fingerprint, context).then((result) => {
          options.onRegionCollected?.(GLOBAL_REGION);
          return result;
        })
      : Promise.resolve({ cloudfront: emptyInventory('', [], '').cloudfront, errors: [] }),
    Promise.all(perRegion),
  ]);

  const errors = collapseDeadlineErrors([
    ...(account.ok ? [] : [account.error]),
    ...cloudfront.errors,
    ...regional.flatMap((r) => [...r.ec2.errors, ...r.elbv2.errors, ...r.apigateway.errors]),
  ]);
  const base = emptyInventory(account.ok ? account.items : 'unknown', options.regions, collectedAt);
  return {
    ...base,
    ec2: mergeLists(
      regional.map((r) => r.ec2.ec2),
      base.ec2,
    ),
    elbv2: mergeLists(
      regional.map((r) => r.elbv2.elbv2),
      base.elbv2,
    ),
    cloudfront: cloudfront.cloudfront,
    apigateway: mergeLists(
      regional.map((r) => r.apigateway.apigateway),
      base.apigateway,
    ),
    errors,
  };
};

/**
 * The regions enabled for the account (DescribeRegions without AllRegions: opted-in and default ones),
 * sorted. An opt-in region the account never enabled holds no resources and refuses calls.
 */
export const listEnabledRegions = async (ec2: EC2Client, context: CollectContext = {}): Promise<string[]> => {
  const regions = (await ec2.send(new DescribeRegionsCommand({}), callOptions(context))).Regions ?? [];
  // A region we cannot name is a region we would silently not audit.
  if (regions.some((r) => !r?.RegionName))
    throw malformed('DescribeRegions returned a region without RegionName');
  return regions.map((r) => r.RegionName as string).sort();
};
