import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ResolvedIntent } from '../intent/resolve.ts';
import { inventoryPartSchema } from '../inventory/schema.ts';
import { parseSnapshot } from '../inventory/snapshot.ts';
import type { Inventory } from '../inventory/types.ts';
import { InputValidationError } from '../support/errors.ts';
import { type AccountTarget, selectIntent } from './accounts.ts';
import type { RegionChoice } from './audit.ts';
import { envList, regionChoice } from './config.ts';
import { defaultIntent } from './intent-file.ts';
import { loadIntentFrom } from './intent-source.ts';
import { failedInventory, GLOBAL_REGION, mergeInventories } from './merge.ts';

/**
 * The Step Functions fan-out: plan → Distributed Map over account × region items → summarize.
 * Items and their inventories travel through S3, never through the state payloads (256 KiB limit):
 * the plan writes the item list, each item writes its partial inventory, the summary reads them back.
 */
export const RUNS_PREFIX = 'arch-auditor/runs';

/** Region of an item whose account's regions could not be listed: the item resolves them itself. */
export const ALL_REGIONS = '*';

export interface FanOutItem {
  readonly runId: string;
  readonly bucket: string;
  /** The account audited through its role; undefined for the function's own account. */
  readonly account?: AccountTarget;
  /** A region, GLOBAL_REGION (CloudFront), or ALL_REGIONS. */
  readonly region: string;
  /**
   * The run's fingerprint key, encrypted under the stack's KMS key (base64 ciphertext): every item of
   * the run fingerprints secrets under the same key (app/fingerprint-key.ts), so they compare.
   */
  readonly encryptedRunKey: string;
}

/** What the plan step returns and the state machine passes along to the summary. */
export interface PlanOutput {
  readonly runId: string;
  readonly bucket: string;
  readonly itemsKey: string;
  readonly itemCount: number;
  readonly accounts: number;
  readonly dryRun: boolean;
  readonly checks?: readonly string[];
}

export const itemsKey = (runId: string): string => `${RUNS_PREFIX}/${runId}/items.json`;
export const reportKey = (runId: string): string => `${RUNS_PREFIX}/${runId}/report.json`;
const accountKey = (account: AccountTarget | undefined) => account?.id ?? 'self';
export const partKey = (item: Pick<FanOutItem, 'runId' | 'account' | 'region'>): string =>
  `${RUNS_PREFIX}/${item.runId}/parts/${accountKey(item.account)}/${item.region === ALL_REGIONS ? 'all' : item.region}.json`;

/** A run id usable in S3 keys and execution names: time first, so runs list in order. */
export const newRunId = (now: Date, random: () => number = Math.random): string =>
  `${now.toISOString().replace(/[:.]/g, '-')}-${Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, '0')}`;

/**
 * One item per account and region, plus one global item per account (CloudFront is global: read
 * once per account, not once per region). Regions are per account: enabled regions differ.
 */
export const planItems = (
  run: Pick<FanOutItem, 'runId' | 'bucket' | 'encryptedRunKey'>,
  targets: readonly { account?: AccountTarget; regions: readonly string[] }[],
): FanOutItem[] =>
  targets.flatMap(({ account, regions }) =>
    [...new Set(regions), GLOBAL_REGION].map((region) => ({
      runId: run.runId,
      bucket: run.bucket,
      ...(account ? { account } : {}),
      region,
      encryptedRunKey: run.encryptedRunKey,
    })),
  );

/** The run's intents, in INTENT_LOCATION's order: the plan and the summary read the same ones. */
export const loadRunIntents = (
  config: Pick<FanOutConfig, 'intentLocations'>,
  s3: S3Client,
): Promise<ResolvedIntent[]> => Promise.all(config.intentLocations.map((l) => loadIntentFrom(l, () => s3)));

/**
 * The intent an account of a run is held to: the most specific that names it, else the one without
 * `appliesTo`, else the built-in principles. The plan (its deniedRegions get no item) and the summary
 * (it evaluates against it) must choose alike.
 */
export const intentOfAccount = (
  intents: readonly ResolvedIntent[],
  account: AccountTarget | undefined,
): ResolvedIntent =>
  (account ? selectIntent(intents, account) : undefined) ??
  intents.find((i) => !i.appliesTo) ??
  defaultIntent();

/** An object's text, or undefined when there is no such object. */
const readText = async (s3: S3Client, bucket: string, key: string): Promise<string | undefined> => {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

const readJson = async <T>(s3: S3Client, bucket: string, key: string): Promise<T | undefined> => {
  const text = await readText(s3, bucket, key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
};

export const writeJson = (s3: S3Client, bucket: string, key: string, value: unknown) =>
  s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value),
      ContentType: 'application/json',
    }),
  );

export const readItems = async (s3: S3Client, plan: Pick<PlanOutput, 'bucket' | 'itemsKey'>) => {
  const items = await readJson<FanOutItem[]>(s3, plan.bucket, plan.itemsKey);
  if (!items) {
    throw new InputValidationError('plan', [
      { path: 'itemsKey', message: `s3://${plan.bucket}/${plan.itemsKey} is missing` },
    ]);
  }
  return items;
};

/** Issues of a bad part quoted in its error: enough to find the fault, short enough for an alert. */
const MAX_PART_ISSUES = 3;

/**
 * The inventory an item wrote, validated like a snapshot (it crossed a process boundary and S3). A
 * missing part (the item failed after its retries) or one that is not a valid inventory of the item's
 * account (truncated, wrong shape, another account's) becomes that scope's failure, naming the part:
 * its account's audit is incomplete, never judged on what the part claims, and the run goes on.
 */
const readPart = async (s3: S3Client, item: FanOutItem): Promise<Inventory> => {
  const key = partKey(item);
  const source = `s3://${item.bucket}/${key}`;
  const scope = item.region === GLOBAL_REGION ? 'the global services' : `region ${item.region}`;
  const failed = (code: string, message: string) =>
    failedInventory(item.account?.id ?? 'unknown', item.region === ALL_REGIONS ? 'all' : item.region, {
      service: 'states',
      operation: 'AuditItem',
      code,
      message,
    });
  const text = await readText(s3, item.bucket, key);
  if (text === undefined) {
    return failed(
      'ItemFailed',
      `the fan-out item for ${scope} produced no inventory (failed after its retries)`,
    );
  }
  try {
    const part = parseSnapshot(text, source, inventoryPartSchema);
    if (item.account && part.account !== item.account.id) {
      throw new InputValidationError(source, [
        { path: 'account', message: `is ${part.account}, not the item's account ${item.account.id}` },
      ]);
    }
    return part;
  } catch (error) {
    if (!(error instanceof InputValidationError)) throw error;
    const issues = error.issues.slice(0, MAX_PART_ISSUES).map((i) => `${i.path || '(root)'}: ${i.message}`);
    const more = error.issues.length > MAX_PART_ISSUES ? ` (+${error.issues.length - MAX_PART_ISSUES})` : '';
    return failed(
      'InvalidPart',
      `the fan-out part ${source} for ${scope} is not a valid inventory and was not used: ${issues.join('; ')}${more}`,
    );
  }
};

/**
 * Every account's inventory, one account at a time (memory holds one large account, not the whole
 * organization). An item whose part is missing or invalid has its scope marked failed, so that
 * account's audit is incomplete and every other account's is unaffected.
 */
export async function* accountInventories(
  s3: S3Client,
  items: readonly FanOutItem[],
): AsyncGenerator<{ account?: AccountTarget; inventory: Inventory }> {
  const byAccount = new Map<string, FanOutItem[]>();
  for (const item of items) {
    const key = accountKey(item.account);
    byAccount.set(key, [...(byAccount.get(key) ?? []), item]);
  }
  for (const accountItems of byAccount.values()) {
    const parts = await Promise.all(accountItems.map((item) => readPart(s3, item)));
    const account = accountItems[0]?.account;
    yield { ...(account ? { account } : {}), inventory: mergeInventories(parts) };
  }
}

/** The multi-account settings of the deployed functions, read from their environment. */
export interface FanOutConfig {
  /** Explicit account ids; empty with `organization` false means the function's own account only. */
  readonly accounts: readonly string[];
  /** Audit the organization's accounts (AUDIT_ACCOUNTS=org). */
  readonly organization: boolean;
  readonly organizationalUnits: readonly string[];
  readonly tags: readonly { key: string; value: string }[];
  /** Explicit regions or every enabled one (AUDIT_REGIONS=all). */
  readonly regions: RegionChoice;
  readonly roleName?: string;
  readonly externalId?: string;
  /** Intent locations, most specific first (comma-separated INTENT_LOCATION). */
  readonly intentLocations: readonly string[];
}

export const readFanOutConfig = (env: NodeJS.ProcessEnv = process.env): FanOutConfig => {
  const accounts = envList(env.AUDIT_ACCOUNTS);
  const organization = accounts.length === 1 && accounts[0] === 'org';
  const tags = envList(env.AUDIT_ORG_TAGS).map((pair) => {
    const [key = '', ...rest] = pair.split('=');
    return { key, value: rest.join('=') };
  });
  if ((accounts.length > 0 || organization) && !env.AUDIT_ROLE_NAME) {
    throw new InputValidationError('environment', [
      { path: 'AUDIT_ROLE_NAME', message: 'must name the read-only role to assume in each audited account' },
    ]);
  }
  return {
    accounts: organization ? [] : accounts,
    organization,
    organizationalUnits: envList(env.AUDIT_ORG_OUS),
    tags,
    regions: regionChoice(env.AUDIT_REGIONS ?? env.AWS_REGION),
    ...(env.AUDIT_ROLE_NAME ? { roleName: env.AUDIT_ROLE_NAME } : {}),
    ...(env.AUDIT_EXTERNAL_ID ? { externalId: env.AUDIT_EXTERNAL_ID } : {}),
    intentLocations: envList(env.INTENT_LOCATION),
  };
};
