import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Report } from '../model/report.ts';
import { sendAlerts } from '../notify/index.ts';
import { defaultProductArn, syncSecurityHub } from '../notify/securityhub.ts';
import { S3StateStore } from '../notify/state.ts';
import { deployedTargets, type FunctionLocation, type LambdaConfig } from './config.ts';
import { storeHtmlReport } from './html-report.ts';
import { phase } from './log.ts';

export interface DeliverInput {
  readonly report: Report;
  readonly config: LambdaConfig;
  readonly locate: () => Promise<FunctionLocation>;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly logger: Logger;
  /** A run restricted to some checks: only their findings recover or are archived. */
  readonly checksRun?: readonly string[];
}

/**
 * The Lambdas' sinks: the SNS alerts, and Security Hub when the stack turns it on (its record beside
 * the alert state, under the function's own account's default product, in its region). Each sink is
 * tried even when the other fails, so a Security Hub outage does not hold back the Slack alert (nor
 * the reverse); then any failure fails the invocation: alone as it was thrown, both together as an
 * AggregateError. With HTML_REPORT=true the report's page is written beside the state first, and the
 * alerts link to it.
 */
export const deliverReport = async (input: DeliverInput): Promise<void> => {
  const { report, config, logger } = input;
  const { topicArn, state } = await deployedTargets(config, input.locate);
  const reportUrl = config.htmlReport
    ? await writeHtmlReport(input, state.bucket, (await input.locate()).region)
    : undefined;
  const productArn = config.securityHub ? defaultProductArn(await input.locate()) : undefined;
  const sinks: (() => Promise<unknown>)[] = [
    () =>
      phase(
        logger,
        'notify',
        () =>
          sendAlerts({
            report,
            store: new S3StateStore(input.s3, state.bucket, state.key),
            sns: input.sns,
            topicArn,
            now: new Date(),
            remindAfterHours: config.remindAfterHours,
            ...(input.checksRun ? { checksRun: input.checksRun } : {}),
            ...(reportUrl ? { reportUrl } : {}),
            ...(config.consoleSignIn ? { consoleSignIn: config.consoleSignIn } : {}),
          }),
        (sent) => ({ messages: sent.messageIds.length, stateUnavailable: sent.stateUnavailable }),
      ),
  ];
  if (productArn) {
    const region = productArn.split(':')[3];
    sinks.push(() =>
      phase(
        logger,
        'securityhub',
        () =>
          syncSecurityHub({
            report,
            store: new S3StateStore(input.s3, state.bucket, config.securityHubStateKey),
            client: new SecurityHubClient({ ...(region ? { region } : {}) }),
            productArn,
            now: new Date(),
            ...(input.checksRun ? { checksRun: input.checksRun } : {}),
          }),
        (synced) => ({ active: synced.active, archived: synced.archived, requests: synced.requests }),
      ),
    );
  }
  const errors: unknown[] = [];
  for (const sink of sinks) {
    try {
      await sink();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const messages = errors.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
    throw new AggregateError(errors, `every sink failed: ${messages.join('; ')}`);
  }
};

/**
 * Writes the HTML report next to the state (HTML_REPORT=true) and returns its console link. A report
 * that cannot be written is logged as an error and the alerts go out without the link: the page is a
 * convenience, and must not hold back the alert that says what was found.
 */
const writeHtmlReport = async (
  input: DeliverInput,
  bucket: string,
  region: string,
): Promise<string | undefined> => {
  try {
    const stored = await phase(
      input.logger,
      'write',
      () => storeHtmlReport(input.s3, { bucket, region }, input.report),
      (r) => ({ htmlReportKey: r.key }),
    );
    return stored.url;
  } catch {
    return undefined;
  }
};
