import { Logger } from '@aws-lambda-powertools/logger';
import { defaultPacer, type Pacer } from '../collect/pacing.ts';
import type { CollectionError, Inventory } from '../inventory/types.ts';
import type { Report } from '../model/report.ts';
import { type ProgressListener, RunProgress } from './progress.ts';

/**
 * Structured logs of the Lambda functions: one JSON line per phase (collect, evaluate, notify) with
 * counts and its duration, each collection error with its service, operation, region and code, and a
 * failed phase with its error and cause. Every line carries the run id (the invocation's request id,
 * or the fan-out run id) and, through injectLambdaContext, the function's name and request id.
 *
 * What is logged is chosen here, field by field: counts, ids of AWS calls and error codes, never an
 * inventory item, a report message or an event payload. Custom header and API key values never reach
 * the inventory in clear; this keeps anything else the inventory holds out of the logs too.
 * POWERTOOLS_LOG_LEVEL sets the level (INFO by default).
 */
export const createLogger = (name: string): Logger =>
  new Logger({ serviceName: 'arch-auditor', persistentKeys: { function: name } });

export type Phase = 'plan' | 'collect' | 'evaluate' | 'notify' | 'securityhub' | 'write';

/**
 * Runs one phase and logs it: `{ phase, durationMs, ...counts }` at INFO when it completes, or
 * `{ phase, durationMs, error }` at ERROR (the error with its cause) when it throws, then rethrows.
 */
export const phase = async <T>(
  logger: Logger,
  name: Phase,
  work: () => Promise<T>,
  counts: (result: T) => Record<string, unknown> = () => ({}),
): Promise<T> => {
  const started = performance.now();
  try {
    const result = await work();
    logger.info(`${name} done`, {
      phase: name,
      durationMs: Math.round(performance.now() - started),
      ...counts(result),
    });
    return result;
  } catch (error) {
    logger.error(`${name} failed`, {
      phase: name,
      durationMs: Math.round(performance.now() - started),
      error: error as Error,
    });
    throw error;
  }
};

/** What the collect line says: how much of each service was read, and how many calls failed. */
export const inventoryCounts = (inventory: Inventory): Record<string, unknown> => ({
  account: inventory.account,
  regions: inventory.regions,
  vpcs: inventory.ec2.vpcs.length,
  subnets: inventory.ec2.subnets.length,
  securityGroups: inventory.ec2.securityGroups.length,
  loadBalancers: inventory.elbv2.loadBalancers.length,
  distributions: inventory.cloudfront.distributions.length,
  restApis: inventory.apigateway.restApis.length,
  collectionErrors: inventory.errors.length,
});

/** Every list of the inventory, counted (the DEBUG view of what was collected). */
export const sliceCounts = (inventory: Inventory): Record<string, number> =>
  Object.fromEntries(
    (['ec2', 'elbv2', 'cloudfront', 'apigateway'] as const).flatMap((service) =>
      Object.entries(inventory[service]).map(([list, items]) => [
        `${service}.${list}`,
        (items as unknown[]).length,
      ]),
    ),
  );

/** What a collection error log line is made of: an inventory's errors, or a report's (no slices there). */
type LoggedError = Pick<
  CollectionError,
  'service' | 'operation' | 'region' | 'code' | 'message' | 'resourceId'
> & {
  readonly resourceType?: string;
  readonly slices?: readonly string[];
};

/**
 * One WARN line per failed call (the audit is incomplete because of it); the AWS message at DEBUG.
 * `service` and `message` are the logger's own keys (arch-auditor, the line's text) and Powertools drops
 * a field that reuses them, so the AWS service and message go in `awsService` and `awsMessage`.
 */
export const logCollectionErrors = (logger: Logger, errors: readonly LoggedError[]): void => {
  for (const e of errors) {
    const call = {
      awsService: e.service,
      operation: e.operation,
      region: e.region,
      ...(e.resourceId !== undefined ? { resourceId: e.resourceId } : {}),
      ...(e.resourceType !== undefined ? { resourceType: e.resourceType } : {}),
    };
    logger.warn('collection error', { ...call, code: e.code, ...(e.slices ? { slices: e.slices } : {}) });
    logger.debug('collection error detail', { ...call, awsMessage: e.message });
  }
};

/** What the evaluate line says. */
export const reportCounts = (report: Report): Record<string, unknown> => ({
  complete: report.complete,
  findings: report.findings.length,
  bySeverity: report.summary.bySeverity,
  suppressed: report.suppressed.length,
  checksRun: report.summary.checksRun,
  skippedChecks: report.skippedChecks.length,
  unseen: report.unseen.length,
  skippedRegions: report.skippedRegions.length,
});

/**
 * The CLI's progress milestones as INFO lines (`progress`: regions-listed, region-collected,
 * account-done) with where the run stands: regions and accounts done, AWS calls made and time spent
 * waiting on rate limits in this run. Account ids, region names and counts only.
 */
export const progressLogger = (logger: Logger, pacer: Pacer = defaultPacer): ProgressListener => {
  const progress = new RunProgress({ pacer });
  return (event) => {
    progress.apply(event);
    const s = progress.snapshot();
    logger.info('progress', {
      progress: event.type,
      account: event.account,
      ...(event.type === 'region-collected' ? { region: event.region } : {}),
      regionsDone: s.regions.done,
      regionsTotal: s.regions.total,
      accountsDone: s.accounts.done,
      calls: s.calls,
      rateLimitWaitMs: Math.round(s.rateLimitWaitMs),
      elapsedMs: Math.round(s.elapsedMs),
    });
  };
};
