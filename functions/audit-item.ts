import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { roleOptions } from '../app/accounts.ts';
import { collectAccount } from '../app/audit.ts';
import { deadlineOption } from '../app/deadline.ts';
import { ALL_REGIONS, type FanOutItem, partKey, readFanOutConfig, writeJson } from '../app/fanout.ts';
import { fingerprintKeyId, openRunKey } from '../app/fingerprint-key.ts';
import { createLogger, inventoryCounts, logCollectionErrors, phase, sliceCounts } from '../app/log.ts';
import { GLOBAL_REGION } from '../app/merge.ts';
import { itemEventSchema } from './fanout-events.ts';
import { lambdaHandler } from './middleware/lambda-handler.ts';

const logger = createLogger('audit-item');
const fanOut = readFanOutConfig();
const role = roleOptions(fanOut.roleName, fanOut.externalId);
const s3 = new S3Client({});
const kms = new KMSClient({});

export interface ItemResult {
  readonly account: string;
  readonly region: string;
  readonly errors: number;
}

/**
 * Step 2, once per Map item: the same collection code as the single Lambda, for one account and one
 * region (or the account's global services). AWS errors are recorded in the part, never thrown; a
 * throw here (S3 unavailable) is retried by the state machine and, past its retries, tolerated and
 * reported by the summary as this account's incomplete audit.
 */
export const auditItemHandler = async (item: FanOutItem, context?: Context): Promise<ItemResult> => {
  logger.appendKeys({ runId: item.runId, account: item.account?.id ?? 'self', region: item.region });
  const scope =
    item.region === GLOBAL_REGION
      ? { regions: [] as string[], regional: false, global: true }
      : { regions: item.region === ALL_REGIONS ? ('all' as const) : [item.region], global: false };
  // The run's key, shared with the run's other items: fingerprints of this part compare with theirs.
  // A key that cannot be opened fails the item (retried, then reported as the account's incomplete
  // audit): a random key instead would make every keyed API origin look misconfigured.
  const fingerprintKey = await openRunKey(kms, fingerprintKeyId(), item.runId, item.encryptedRunKey);
  const inventory = await phase(
    logger,
    'collect',
    () =>
      collectAccount({
        ...(item.account ? { account: item.account } : {}),
        ...(item.account && role ? { role } : {}),
        ...scope,
        // Stop in time to write the part: the summary then reports the calls not finished.
        ...deadlineOption(context),
        fingerprintKey,
      }),
    inventoryCounts,
  ).finally(() => fingerprintKey.fill(0));
  logger.debug('inventory collected', { counts: sliceCounts(inventory) });
  logCollectionErrors(logger, inventory.errors);
  await phase(logger, 'write', () => writeJson(s3, item.bucket, partKey(item), inventory));
  return { account: inventory.account, region: item.region, errors: inventory.errors.length };
};

export const handler = lambdaHandler(logger, itemEventSchema, auditItemHandler);
