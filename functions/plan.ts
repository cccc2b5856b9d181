import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import {
  type AccountTarget,
  assumeRole,
  explicitAccounts,
  organizationAccounts,
  roleOptions,
  selectionNeeds,
} from '../app/accounts.ts';
import { bootstrapRegion } from '../app/audit.ts';
import { deployedTargets, readLambdaConfig } from '../app/config.ts';
import {
  ALL_REGIONS,
  type FanOutConfig,
  intentOfAccount,
  itemsKey,
  loadRunIntents,
  newRunId,
  type PlanOutput,
  planItems,
  readFanOutConfig,
  writeJson,
} from '../app/fanout.ts';
import { fingerprintKeyId, newRunKey } from '../app/fingerprint-key.ts';
import { createLogger } from '../app/log.ts';
import { createRegionalClients } from '../collect/clients.ts';
import { mapLimit } from '../collect/concurrency.ts';
import { listEnabledRegions } from '../collect/index.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import { normalizeEvent } from './event.ts';
import { type PlanEvent, planEventSchema } from './fanout-events.ts';
import { functionLocation } from './location.ts';
import { lambdaHandler } from './middleware/lambda-handler.ts';

const logger = createLogger('plan');
const lambdaConfig = readLambdaConfig();
const fanOut: FanOutConfig = readFanOutConfig();
const role = roleOptions(fanOut.roleName, fanOut.externalId);
const s3 = new S3Client({});
const kms = new KMSClient({});

/** Accounts whose enabled regions are listed at once (one AssumeRole + DescribeRegions each). */
const REGION_LOOKUP_CONCURRENCY = 8;

const accountsOf = async (event: PlanEvent, intents: readonly ResolvedIntent[]): Promise<AccountTarget[]> => {
  if (event.accounts) return explicitAccounts(event.accounts);
  const organization = event.organization ?? fanOut.organization;
  if (!organization) return explicitAccounts(fanOut.accounts);
  const needs = selectionNeeds(intents);
  return organizationAccounts(new OrganizationsClient({}), {
    organizationalUnits: event.organizationalUnits ?? fanOut.organizationalUnits,
    tags: fanOut.tags,
    withParents: needs.parents,
    withTags: needs.tags,
  });
};

/** The account's enabled regions, or ALL_REGIONS when they cannot be listed (its item reports why). */
const enabledRegions = async (account: AccountTarget | undefined): Promise<string[]> => {
  try {
    const credentials = account && role ? await assumeRole(account.id, role) : undefined;
    return await listEnabledRegions(
      createRegionalClients(bootstrapRegion(), {
        ...(credentials ? { credentials } : {}),
        ...(account ? { account: account.id } : {}),
      }).ec2,
    );
  } catch {
    return [ALL_REGIONS];
  }
};

/**
 * Step 1 of the state machine: decide the account × region items and write them to S3 for the
 * Distributed Map's ItemReader. Throws only when there is nothing sound to audit (the organization
 * cannot be listed, no region at all): an empty plan would look like a clean run.
 */
export const planHandler = async (event: PlanEvent, context: Context): Promise<PlanOutput> => {
  const { state } = await deployedTargets(lambdaConfig, functionLocation(context));
  const runKeyId = fingerprintKeyId();
  const started = Date.now();
  const runId = newRunId(new Date());
  logger.appendKeys({ runId });
  const intents = await loadRunIntents(fanOut, s3);
  const accounts = await accountsOf(event, intents);
  const regions = event.regions ?? fanOut.regions;
  if (regions !== 'all' && regions.length === 0) {
    throw new Error('no region: set AUDIT_REGIONS (a list or "all") or pass regions in the input');
  }
  const targets = await mapLimit(
    accounts.length > 0 ? accounts : [undefined],
    REGION_LOOKUP_CONCURRENCY,
    async (account) => {
      // Regions the account's intent declares denied by design are never called (as in a single run).
      const denied = new Set(intentOfAccount(intents, account).deniedRegions);
      const listed = regions === 'all' ? await enabledRegions(account) : regions;
      return { ...(account ? { account } : {}), regions: listed.filter((r) => !denied.has(r)) };
    },
  );
  // One fingerprint key for every item of the run, handed out only encrypted.
  const encryptedRunKey = await newRunKey(kms, runKeyId, runId);
  const items = planItems({ runId, bucket: state.bucket, encryptedRunKey }, targets);
  const key = itemsKey(runId);
  await writeJson(s3, state.bucket, key, items);
  logger.info('plan done', {
    phase: 'plan',
    durationMs: Date.now() - started,
    accounts: targets.length,
    items: items.length,
  });
  return {
    runId,
    bucket: state.bucket,
    itemsKey: key,
    itemCount: items.length,
    accounts: targets.length,
    dryRun: event.dryRun,
    ...(event.checks ? { checks: event.checks } : {}),
  };
};

export const handler = lambdaHandler(logger, planEventSchema, planHandler, normalizeEvent);
