import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { deployedTargets, type LambdaConfig } from '../app/config.ts';
import { phase } from '../app/log.ts';
import type { Report } from '../model/report.ts';
import { type SendAlertsResult, sendAlerts } from '../notify/index.ts';
import { S3StateStore } from '../notify/state.ts';
import { functionLocation } from './location.ts';

export interface PublishFromLambda {
  readonly logger: Logger;
  readonly config: LambdaConfig;
  readonly context: Context;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly report: Report;
  /** The check ids of a run restricted to some checks: only their findings can recover. */
  readonly checksRun?: readonly string[];
}

/**
 * The alerts of a Lambda run (the audit function, or summarize for the fan-out): the topic and state
 * object this deployment uses, then sendAlerts, logged as the notify phase. A failed publish or state
 * save rejects, failing the invocation.
 */
export const publishAlertsFromLambda = async (input: PublishFromLambda): Promise<SendAlertsResult> => {
  const { topicArn, state } = await deployedTargets(input.config, functionLocation(input.context));
  return phase(
    input.logger,
    'notify',
    () =>
      sendAlerts({
        report: input.report,
        store: new S3StateStore(input.s3, state.bucket, state.key),
        sns: input.sns,
        topicArn,
        now: new Date(),
        remindAfterHours: input.config.remindAfterHours,
        ...(input.checksRun ? { checksRun: input.checksRun } : {}),
      }),
    (sent) => ({ messages: sent.messageIds.length, stateUnavailable: sent.stateUnavailable }),
  );
};
