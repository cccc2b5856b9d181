import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { auditInventory, collectLive } from '../app/audit.ts';
import { deployedTargets, readLambdaConfig } from '../app/config.ts';
import { deadlineOption } from '../app/deadline.ts';
import { htmlReportEnabled, storeHtmlReport } from '../app/html-report.ts';
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
import { InputValidationError } from '../errors.ts';
import { sendAlerts } from '../notify/index.ts';
import { S3StateStore } from '../notify/state.ts';
import type { Report } from '../report/types.ts';
import { type AuditEvent, auditEventSchema, normalizeEvent } from './event.ts';
import { functionLocation } from './location.ts';
import { lambdaHandler } from './middleware/lambda-handler.ts';

// Built once per container and reused across invocations (cold start only).
const logger = createLogger('audit');
const config = readLambdaConfig();
const htmlReport = htmlReportEnabled();
const sns = new SNSClient({});
let s3: S3Client | undefined;
const s3Client = () => {
  s3 ??= new S3Client({});
  return s3;
};

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
  // Stop collecting while there is still time to evaluate and publish what was collected.
  const inventory = await phase(
    logger,
    'collect',
    () => collectLive(regions, { ...deadlineOption(context), onProgress: progressLogger(logger) }),
    inventoryCounts,
  );
  logger.debug('inventory collected', { counts: sliceCounts(inventory) });
  logCollectionErrors(logger, inventory);
  const report = await phase(
    logger,
    'evaluate',
    async () =>
      auditInventory(inventory, intent, {
        startedAt,
        ...(event.checks ? { onlyChecks: event.checks } : {}),
      }),
    reportCounts,
  );
  if (!event.dryRun) {
    const { topicArn, state } = await deployedTargets(config, functionLocation(context));
    const reportUrl = htmlReport
      ? await writeHtmlReport(report, state.bucket, (await functionLocation(context)()).region)
      : undefined;
    await phase(
      logger,
      'notify',
      () =>
        sendAlerts({
          report,
          store: new S3StateStore(s3Client(), state.bucket, state.key),
          sns,
          topicArn,
          now: new Date(),
          remindAfterHours: config.remindAfterHours,
          ...(event.checks ? { checksRun: event.checks } : {}),
          ...(reportUrl ? { reportUrl } : {}),
        }),
      (sent) => ({ messages: sent.messageIds.length, stateUnavailable: sent.stateUnavailable }),
    );
  }
  return report;
};

/**
 * Writes the HTML report next to the state (HTML_REPORT=true) and returns its console link. A report
 * that cannot be written is logged as an error and the alerts go out without the link: the page is a
 * convenience, and must not hold back the alert that says what was found.
 */
const writeHtmlReport = async (
  report: Report,
  bucket: string,
  region: string,
): Promise<string | undefined> => {
  try {
    const stored = await phase(
      logger,
      'write',
      () => storeHtmlReport(s3Client(), { bucket, region }, report),
      (r) => ({ htmlReportKey: r.key }),
    );
    return stored.url;
  } catch {
    return undefined;
  }
};

export const handler = lambdaHandler(logger, auditEventSchema, auditHandler, normalizeEvent);
