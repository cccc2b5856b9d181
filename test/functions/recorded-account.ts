import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import { installAccount, REGION } from '../faults/account.ts';
import { answerFirstRun, type CapturedOutput, captureOutput, stubDeployedEnv } from '../fixtures/lambda.ts';

/**
 * The set-up of the files that read what the audit function logs, as hooks of the calling file: the
 * deployed environment with Powertools at INFO, stdout and stderr captured for the whole file, and
 * before each test the fault matrix's recorded account (test/faults/account.ts) with a first run's
 * alert state and topic. Its beforeAll runs before the file's own, so a handler loaded there reads
 * this environment.
 */
export const recordedAccountWithLogs = () => {
  const sns = mockClient(SNSClient);
  const s3 = mockClient(S3Client);
  let output: CapturedOutput | undefined;
  beforeAll(() => {
    stubDeployedEnv({
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_DEV: undefined,
      AWS_REGION: REGION,
    });
    output = captureOutput();
  });
  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
  beforeEach(() => {
    output?.clear();
    installAccount();
    sns.reset();
    s3.reset();
    answerFirstRun({ s3, sns });
  });
  /** Every JSON log line written in this test so far, parsed. */
  const logs = () => output?.logs() ?? [];
  return { sns, s3, logs };
};
