import type { AwsCredentialIdentity } from '@smithy/types';
import { CHECKS } from '../checks/index.ts';
import {
  createCloudFrontClient,
  createRegionalClients,
  createStsClient,
  type RegionalClients,
} from '../collect/clients.ts';
import { mapLimit } from '../collect/concurrency.ts';
import { collectInventory, GLOBAL_REGION, listEnabledRegions, type RegionalPart } from '../collect/index.ts';
import type { Pacer } from '../collect/pacing.ts';
import { toCollectionError } from '../collect/slice.ts';
import { evaluate } from '../engine/evaluate.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import { type CollectionError, emptyInventory, type Inventory, SLICES } from '../inventory/types.ts';
import { SEVERITIES, type Severity } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { type AccountTarget, type AssumeRoleOptions, assumeRole, selectIntent } from './accounts.ts';
import { defaultIntent } from './intent-file.ts';
import { mergeReports, slicesOf } from './merge.ts';
import { OWN_ACCOUNT, type ProgressListener } from './progress.ts';

/** Collects the live inventory of the given regions with SDK clients built the standard way. */
export const collectLive = (
  regions: RegionChoice,
  options: { signal?: AbortSignal; skipRegions?: readonly string[]; onProgress?: ProgressListener } = {},
): Promise<Inventory> => collectAccount({ regions, ...options });

/** Evaluates an inventory against the intent with the full check catalogue. */
export const auditInventory = (
  inventory: Inventory,
  intent: ResolvedIntent,
  options: {
    startedAt?: Date;
    now?: Date;
    onlyChecks?: readonly string[];
    accountName?: string;
    /** Regions declared denied by design on the command line, besides the intent's deniedRegions. */
    skipRegions?: readonly string[];
    /** The intent also governs accounts this run does not audit (engine/evaluate.ts). */
    intentSharedWithOtherAccounts?: boolean;
  } = {},
): Report =>
  evaluate({
    inventory,
    intent,
    checks: CHECKS,
    now: options.now ?? new Date(),
    ...(options.accountName ? { accountName: options.accountName } : {}),
    ...(options.startedAt ? { startedAt: options.startedAt } : {}),
    ...(options.onlyChecks ? { onlyChecks: options.onlyChecks } : {}),
    ...(options.skipRegions ? { skipRegions: options.skipRegions } : {}),
    ...(options.intentSharedWithOtherAccounts ? { intentSharedWithOtherAccounts: true } : {}),
  });

/** The regions declared denied by design for a run: the intent's and the command line's. */
export const deniedRegionsOf = (intent: ResolvedIntent, flagged: readonly string[] = []): string[] => [
  ...new Set([...intent.deniedRegions, ...flagged]),
];

/** True when the report should fail a pipeline: incomplete, or a finding at or above the threshold. */
export const failsThreshold = (report: Report, threshold: Severity | 'none'): boolean =>
  !report.complete ||
  (threshold !== 'none' &&
    report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(threshold)));

/** Regions to audit: explicit ones, else the intent's, else the SDK's default region. */
export const resolveRegions = (explicit: readonly string[], intent: ResolvedIntent): string[] => {
  const fromEnv = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (explicit.length > 0) return [...new Set(explicit)];
  if (intent.regions.length > 0) return [...intent.regions];
  return fromEnv ? [fromEnv] : [];
};

/** The region STS, Organizations and DescribeRegions are asked in when the run names none. */
export const bootstrapRegion = (): string =>
  process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

export type RegionChoice = readonly string[] | 'all';

export interface CollectAccountOptions {
  /** The account to audit through its read-only role; omitted: the caller's own credentials. */
  readonly account?: AccountTarget;
  readonly role?: AssumeRoleOptions;
  /** Explicit regions, or every region enabled in the account. */
  readonly regions: RegionChoice;
  /** Collect the regional services (default true). */
  readonly regional?: boolean;
  /** Collect CloudFront, which is global (default true). */
  readonly global?: boolean;
  readonly pacer?: Pacer;
  /** Aborted at the run's deadline: collection stops and the calls not finished are reported. */
  readonly signal?: AbortSignal;
  /** The run's fingerprint key, shared by the fan-out items of a run; omitted: a random one. */
  readonly fingerprintKey?: Buffer;
  /** What to read per region (a change-triggered audit); omitted: everything. */
  readonly partsIn?: (region: string) => readonly RegionalPart[];
  /** Regions denied by design (an SCP refuses them): never called, whether listed or enabled. */
  readonly skipRegions?: readonly string[];
  /** Told the account's regions once known and each region as it is collected (progress only). */
  readonly onProgress?: ProgressListener;
}

/**
 * Collects one account. Never throws for an AWS error: a role that cannot be assumed or regions that
 * cannot be listed become collection errors of this account only, so its audit says incomplete while
 * the other accounts of the run are audited normally.
 */
export const collectAccount = async (options: CollectAccountOptions): Promise<Inventory> => {
  const region0 = bootstrapRegion();
  const now = new Date().toISOString();
  const { account, role } = options;
  let credentials: AwsCredentialIdentity | undefined;
  if (account && role) {
    try {
      credentials = await assumeRole(account.id, { ...role, region: role.region ?? region0 });
    } catch (error) {
      return {
        ...emptyInventory(account.id, options.regions === 'all' ? [] : options.regions, now),
        errors: [
          toCollectionError(
            { service: 'sts', operation: 'AssumeRole', region: 'global', slices: [...SLICES] },
            error,
          ),
        ],
      };
    }
  }
  const clientOptions = {
    ...(credentials ? { credentials } : {}),
    ...(account ? { account: account.id } : {}),
    ...(options.pacer ? { pacer: options.pacer } : {}),
  };
  // One set of clients per region for the whole account: the DescribeRegions client is reused below.
  const clientsByRegion = new Map<string, RegionalClients>();
  const clientsFor = (region: string): RegionalClients => {
    const existing = clientsByRegion.get(region);
    if (existing) return existing;
    const created = createRegionalClients(region, clientOptions);
    clientsByRegion.set(region, created);
    return created;
  };
  const regional = options.regional ?? true;
  const errors: CollectionError[] = [];
  let regions: readonly string[] = [];
  if (regional && options.regions === 'all') {
    try {
      regions = await listEnabledRegions(
        clientsFor(region0).ec2,
        options.signal ? { signal: options.signal } : {},
      );
    } catch (error) {
      errors.push(
        toCollectionError(
          { service: 'ec2', operation: 'DescribeRegions', region: region0, slices: slicesOf('regional') },
          error,
        ),
      );
    }
  } else if (regional) {
    regions = options.regions as readonly string[];
  }
  const skip = new Set(options.skipRegions ?? []);
  regions = regions.filter((r) => !skip.has(r));
  const progressAccount = account?.id ?? OWN_ACCOUNT;
  const global = options.global ?? true;
  options.onProgress?.({
    type: 'regions-listed',
    account: progressAccount,
    regions: [...regions, ...(global ? [GLOBAL_REGION] : [])],
  });
  const inventory = await collectInventory({
    regions,
    clientsFor,
    ...(global ? { cloudFront: createCloudFrontClient(clientOptions) } : {}),
    sts: createStsClient(regions[0] ?? region0, clientOptions),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.fingerprintKey ? { fingerprintKey: options.fingerprintKey } : {}),
    ...(options.partsIn ? { partsIn: options.partsIn } : {}),
    ...(options.onProgress
      ? {
          onRegionCollected: (region: string) =>
            options.onProgress?.({ type: 'region-collected', account: progressAccount, region }),
        }
      : {}),
  });
  const known = inventory.account === 'unknown' && account ? { account: account.id } : {};
  return { ...inventory, ...known, errors: [...errors, ...inventory.errors] };
};

export interface AuditAccountsOptions {
  /** Accounts to audit through their role; empty: the caller's own account only. */
  readonly accounts: readonly AccountTarget[];
  readonly role?: AssumeRoleOptions;
  readonly regions: RegionChoice;
  /** Candidate intents; each account takes the most specific one (selectIntent). */
  readonly intents: readonly ResolvedIntent[];
  readonly onlyChecks?: readonly string[];
  /** Accounts collected at once; their rate limits are separate, memory is not. */
  readonly concurrency?: number;
  readonly pacer?: Pacer;
  /** Regions declared denied on the command line, for every account (each intent adds its own). */
  readonly skipRegions?: readonly string[];
  readonly onProgress?: ProgressListener;
}

/** Default number of accounts collected at once from one process. */
export const ACCOUNT_CONCURRENCY = 4;

/**
 * Audits every account against its own intent and merges the reports into one (published once).
 * An account no intent applies to is held to the built-in principles — visible, never skipped.
 */
export const auditAccounts = async (
  options: AuditAccountsOptions,
): Promise<{ report: Report; reports: Report[] }> => {
  const targets: (AccountTarget | undefined)[] =
    options.accounts.length > 0 ? [...options.accounts] : [undefined];
  const fallback = defaultIntent();
  // Each account's intent is chosen before anything is collected: an ambiguous choice is an input
  // error, and the intent's deniedRegions are not collected at all.
  const planned = targets.map((account) => ({
    account,
    intent: (account ? selectIntent(options.intents, account) : options.intents[0]) ?? fallback,
  }));
  const reports = await mapLimit(
    planned,
    options.concurrency ?? ACCOUNT_CONCURRENCY,
    async ({ account, intent }) => {
      const startedAt = new Date();
      const inventory = await collectAccount({
        ...(account ? { account } : {}),
        ...(options.role ? { role: options.role } : {}),
        regions: options.regions,
        ...(options.pacer ? { pacer: options.pacer } : {}),
        skipRegions: deniedRegionsOf(intent, options.skipRegions),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      const report = auditInventory(inventory, intent, {
        startedAt,
        ...(account?.name ? { accountName: account.name } : {}),
        ...(options.onlyChecks ? { onlyChecks: options.onlyChecks } : {}),
        ...(options.skipRegions ? { skipRegions: options.skipRegions } : {}),
      });
      options.onProgress?.({ type: 'account-done', account: account?.id ?? OWN_ACCOUNT });
      return report;
    },
  );
  return { report: mergeReports(reports), reports };
};
