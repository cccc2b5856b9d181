import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { collectAccount } from '../app/audit.ts';
import { S3BaselineStore } from '../app/changes/baseline-store.ts';
import { parseChangeBatch } from '../app/changes/events.ts';
import { runChangeAudit } from '../app/changes/run.ts';
import { checkChangeDetection } from '../app/changes/trail.ts';
import { deployedTargets, readLambdaConfig } from '../app/config.ts';
import { deadlineOption } from '../app/deadline.ts';
import { deliverReport } from '../app/deliver.ts';
import { loadIntentFrom } from '../app/intent-source.ts';
import { createLogger, logCollectionErrors, phase, reportCounts } from '../app/log.ts';
import type { Report } from '../model/report.ts';
import { S3StateStore } from '../notify/state.ts';
import { InputValidationError } from '../support/errors.ts';
import { attributeFromHistory } from './attribution.ts';
import { cloudTrail, s3Client, sns } from './clients.ts';
import { functionLocation, functionRegion } from './location.ts';
import { lambdaHandler } from './middleware/lambda-handler.ts';

const logger = createLogger('changes');
const config = readLambdaConfig();

export interface ChangesResult {
  readonly mode: 'none' | 'scoped' | 'full';
  readonly fullBecause?: string;
  /** Changes audited, and those set aside (repeats, failed calls, calls no check reads, other scope). */
  readonly changes: number;
  readonly ignored: Readonly<Record<string, number>>;
  readonly report?: Report;
}

/**
 * The change-triggered audit: a batch of CloudTrail change events from the change queue → one audit of
 * what they touched, against the full intent → alerts naming who made each change. A failed publish
 * fails the invocation; the batch is then delivered again (and after three attempts parked with the
 * failed runs), and since the audited event ids are recorded only after publishing, the retry audits it.
 */
export const changesHandler = async (event: unknown, context: Context): Promise<ChangesResult> => {
  logger.appendKeys({ runId: context.awsRequestId });
  const events = parseChangeBatch(event, 'event payload');
  const intent = await loadIntentFrom(config.intentLocation, s3Client);
  const regions = config.regions === 'all' || config.regions.length > 0 ? config.regions : intent.regions;
  if (regions !== 'all' && regions.length === 0) {
    throw new InputValidationError('configuration', [
      { path: 'regions', message: 'no region: set AUDIT_REGIONS or list regions in the intent' },
    ]);
  }
  // Regions the intent declares denied by design are neither collected nor audited, as in a full run.
  const audited = regions === 'all' ? regions : regions.filter((r) => !intent.deniedRegions.includes(r));
  // Located once (STS when invoked locally): the state and the delivery share the answer.
  const locate = functionLocation(context);
  const { state } = await deployedTargets(config, locate);
  const deadline = deadlineOption(context);
  const run = await phase(
    logger,
    'collect',
    () =>
      runChangeAudit({
        events,
        regions: audited,
        intent,
        intentSharedWithOtherAccounts: config.intentSharedWithOtherAccounts,
        store: new S3BaselineStore(s3Client(), state.bucket, config.inventoryKey),
        collect: (partsIn) =>
          collectAccount({
            regions: audited,
            skipRegions: intent.deniedRegions,
            ...deadline,
            ...(partsIn ? { partsIn } : {}),
          }),
      }),
    (r) => ({
      mode: r.mode,
      changes: r.changes.events.length,
      ...r.changes.ignored,
      ...(r.fullBecause ? { fullBecause: r.fullBecause } : {}),
    }),
  );
  const summary = {
    mode: run.mode,
    ...(run.fullBecause ? { fullBecause: run.fullBecause } : {}),
    changes: run.changes.events.length,
    ignored: run.changes.ignored,
  };
  if (!run.report) return summary;
  const store = new S3StateStore(s3Client(), state.bucket, state.key);
  const region = functionRegion();
  const changeDetection = config.changeEvents
    ? { changeDetection: await checkChangeDetection(cloudTrail(region), region) }
    : {};
  // New findings no change of the batch touched (a change that revealed them elsewhere): the history.
  const checked = { ...run.report, ...changeDetection };
  const report = await attributeFromHistory(checked, store, {
    client: cloudTrail,
    maxLookups: config.attributionLookups,
    logger,
  });
  logger.info('evaluate done', { phase: 'evaluate', ...reportCounts(report) });
  logCollectionErrors(logger, report.errors);
  // The same sinks as the scheduled run (the alerts; Security Hub when the stack turns it on).
  await deliverReport({ report, config, locate, s3: s3Client(), sns, logger });
  await run.commit();
  return { ...summary, report };
};

export const handler = lambdaHandler(logger, z.unknown(), changesHandler);
