import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { auditInventory } from '../app/audit.ts';
import { readLambdaConfig } from '../app/config.ts';
import { deliverReport } from '../app/deliver.ts';
import {
  accountInventories,
  intentOfAccount,
  loadRunIntents,
  type PlanOutput,
  readFanOutConfig,
  readItems,
  reportKey,
  writeJson,
} from '../app/fanout.ts';
import { createLogger, reportCounts } from '../app/log.ts';
import { mergeReports } from '../app/merge.ts';
import type { Report } from '../model/report.ts';
import { accountsLabel } from '../report/labels.ts';
import { summarizeEventSchema } from './fanout-events.ts';
import { functionLocation } from './location.ts';
import { lambdaHandler } from './middleware/lambda-handler.ts';

const logger = createLogger('summarize');
const lambdaConfig = readLambdaConfig();
const fanOut = readFanOutConfig();
const s3 = new S3Client({});
const sns = new SNSClient({});

/** What the state machine's execution shows: small, the full report is in S3. */
export interface RunSummary {
  readonly runId: string;
  readonly account: string;
  readonly accounts: number;
  readonly complete: boolean;
  readonly findings: number;
  readonly bySeverity: Report['summary']['bySeverity'];
  readonly errors: number;
  readonly reportKey: string;
  readonly published: boolean;
}

/**
 * Step 3: evaluate each account on its whole inventory (all its regions and CloudFront together, with
 * its own intent), merge the reports and publish once — the same alerts, state and order as the single
 * Lambda. The merged report is written to S3 next to the run's parts.
 */
export const summarizeHandler = async (plan: PlanOutput, context: Context): Promise<RunSummary> => {
  const startedAt = new Date();
  logger.appendKeys({ runId: plan.runId });
  const items = await readItems(s3, plan);
  const intents = await loadRunIntents(fanOut, s3);
  const reports: Report[] = [];
  for await (const { account, inventory } of accountInventories(s3, items)) {
    const intent = intentOfAccount(intents, account);
    reports.push(
      auditInventory(inventory, intent, {
        startedAt,
        ...(account?.name ? { accountName: account.name } : {}),
        ...(plan.checks ? { onlyChecks: plan.checks } : {}),
      }),
    );
  }
  const report = mergeReports(reports);
  logger.info('evaluate done', {
    phase: 'evaluate',
    durationMs: Date.now() - startedAt.getTime(),
    accounts: reports.length,
    ...reportCounts(report),
  });
  const key = reportKey(plan.runId);
  await writeJson(s3, plan.bucket, key, report);
  if (!plan.dryRun) {
    await deliverReport({
      report,
      config: lambdaConfig,
      locate: functionLocation(context),
      s3,
      sns,
      logger,
      ...(plan.checks ? { checksRun: plan.checks } : {}),
    });
  }
  return {
    runId: plan.runId,
    account: accountsLabel(report),
    accounts: reports.length,
    complete: report.complete,
    findings: report.findings.length,
    bySeverity: report.summary.bySeverity,
    errors: report.errors.length,
    reportKey: key,
    published: !plan.dryRun,
  };
};

export const handler = lambdaHandler(logger, summarizeEventSchema, summarizeHandler);
