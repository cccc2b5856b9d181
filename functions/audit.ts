import type { Context } from 'aws-lambda';
import { auditInventory, collectLive } from '../app/audit.ts';
import { S3BaselineStore } from '../app/changes/baseline-store.ts';
import { saveScheduledBaseline } from '../app/changes/run.ts';
import { checkChangeDetection } from '../app/changes/trail.ts';
import { deployedTargets, readLambdaConfig } from '../app/config.ts';
import { deadlineOption } from '../app/deadline.ts';
import { deliverReport } from '../app/deliver.ts';
import { loadIntentFrom } from '../app/intent-source.ts';
import {
  createLogger,
  inventoryCounts,
  logCollectionErrors,
  phase,
  progressLogger,
  reportCounts,
  sliceCounts,
} from '../app/log.ts';
import type { Report } from '../model/report.ts';
import { S3StateStore } from '../notify/state.ts';
import { InputValidationError } from '../support/errors.ts';
import { attributeFromHistory } from './attribution.ts';
import { cloudTrail, s3Client, sns } from './clients.ts';
import { type AuditEvent, auditEventSchema, normalizeEvent } from './event.ts';
import { functionLocation, functionRegion } from './location.ts';
import { lambdaHandler } from './middleware/lambda-handler.ts';

// Built once per container and reused across invocations (cold start only).
const logger = createLogger('audit');
const config = readLambdaConfig();

/**
 * The audit Lambda: collect → evaluate → alert. Returns the report. Unless `dryRun`, it publishes the
 * alerts; a failed publish rejects the invocation so Lambda's retries and the on-failure destination
 * catch it, and the alert state is only advanced after every publish succeeded.
 */
export const auditHandler = async (event: AuditEvent, context: Context): Promise<Report> => {
  const startedAt = new Date();
  logger.appendKeys({ runId: context.awsRequestId });
  const intent = await loadIntentFrom(config.intentLocation, s3Client);
  const configured = config.regions === 'all' || config.regions.length > 0 ? config.regions : undefined;
  const regions = event.regions ?? configured ?? intent.regions;
  if (regions !== 'all' && regions.length === 0) {
    throw new InputValidationError('configuration', [
      {
        path: 'regions',
        message: 'no region: set AUDIT_REGIONS, list regions in the intent, or pass them in the event',
      },
    ]);
  }
  // Auditing only regions declared denied would audit nothing regional and look clean (the CLI refuses it too).
  if (regions !== 'all' && regions.every((r) => intent.deniedRegions.includes(r))) {
    throw new InputValidationError('configuration', [
      {
        path: 'regions',
        message: `every region to audit is declared denied in the intent's deniedRegions: ${regions.join(', ')}`,
      },
    ]);
  }
  // Located once (STS when invoked locally): the check below and the delivery share the answer.
  const locate = functionLocation(context);
  // Where the alerts go is checked before collecting: a bad topic must not cost a whole audit.
  if (!event.dryRun) await deployedTargets(config, locate);
  // Stop collecting while there is still time to evaluate and publish what was collected.
  const inventory = await phase(
    logger,
    'collect',
    () =>
      collectLive(regions, {
        ...deadlineOption(context),
        skipRegions: intent.deniedRegions,
        onProgress: progressLogger(logger),
      }),
    inventoryCounts,
  );
  logger.debug('inventory collected', { counts: sliceCounts(inventory) });
  logCollectionErrors(logger, inventory.errors);
  let report = await phase(
    logger,
    'evaluate',
    async () =>
      auditInventory(inventory, intent, {
        startedAt,
        ...(event.checks ? { onlyChecks: event.checks } : {}),
        intentSharedWithOtherAccounts: config.intentSharedWithOtherAccounts,
      }),
    reportCounts,
  );
  if (!event.dryRun) {
    const { state } = await deployedTargets(config, locate);
    // Once per run: can changes reach the change-triggered audit at all? The alert says when not.
    if (config.changeEvents) {
      const region = functionRegion();
      report = { ...report, changeDetection: await checkChangeDetection(cloudTrail(region), region) };
    }
    // Who made the changes behind the new findings, from CloudTrail's event history.
    report = await attributeFromHistory(report, new S3StateStore(s3Client(), state.bucket, state.key), {
      client: cloudTrail,
      maxLookups: config.attributionLookups,
      logger,
    });
    await deliverReport({
      report,
      config,
      locate,
      s3: s3Client(),
      sns,
      logger,
      ...(event.checks ? { checksRun: event.checks } : {}),
    });
    // Change-triggered audits read only what changed and take the rest from this inventory.
    await saveScheduledBaseline(
      new S3BaselineStore(s3Client(), state.bucket, config.inventoryKey),
      inventory,
    );
  }
  return report;
};

export const handler = lambdaHandler(logger, auditEventSchema, auditHandler, normalizeEvent);
