import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployedTargets, readLambdaConfig } from '../../app/config.ts';
import { InputValidationError } from '../../support/errors.ts';
import {
  type CapturedOutput,
  captureOutput,
  type Handler,
  importHandler,
  lambdaContext,
  stubEnv,
} from '../fixtures/lambda.ts';

/**
 * The README promises that bad input gets its message, "never a stack trace": the Lambda runtime
 * returns `error.stack` as the response's trace, and the error log line carries the error. A wrong
 * alert topic is refused before the audit collects anything.
 */

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const context = lambdaContext();
const STACK_FRAME = /\n\s+at .+/;
let output: CapturedOutput;

/** A fresh cold start of the audit function with this environment. */
const coldStart = async (env: Record<string, string>): Promise<Handler> => {
  vi.resetModules();
  vi.unstubAllEnvs();
  stubEnv({
    POWERTOOLS_LOG_LEVEL: 'INFO',
    AUDIT_REGIONS: 'ap-northeast-1',
    STATE_BUCKET_PREFIX: 'state',
    ...env,
    INTENT_LOCATION: undefined,
    POWERTOOLS_DEV: undefined,
  });
  return importHandler('audit');
};

/** What the Lambda Node.js runtime sends back for a rejected invocation. */
const lambdaResponse = (error: Error) => ({
  errorType: error.name,
  errorMessage: error.message,
  trace: (error.stack ?? '').split('\n'),
});

beforeEach(() => {
  ec2.reset();
  sts.reset();
  output = captureOutput();
});
afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const rejection = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the invocation succeeded');
};

describe('an invalid invoke payload', () => {
  it('is answered and logged with its message only, never a stack trace', async () => {
    const handler = await coldStart({ ALERT_TOPIC_NAME: 'arch-auditor-alerts' });
    const error = await rejection(handler({ checks: ['sg.world-ingres'] }, context));
    const response = lambdaResponse(error);
    expect(response.errorType).toBe('InputValidationError');
    expect(response.errorMessage).toContain('did you mean sg.world-ingress?');
    expect(response.trace.join('\n')).not.toMatch(STACK_FRAME);
    const logged = output.text();
    expect(logged).toContain('invocation failed');
    expect(logged).toContain('did you mean sg.world-ingress?');
    expect(logged).not.toMatch(/"stack"/);
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('a failure that is not bad input keeps its stack for whoever debugs it', () => {
    expect(new Error('boom').stack).toMatch(STACK_FRAME);
    expect(new InputValidationError('event payload', [{ path: 'x', message: 'bad' }]).stack).toBe(
      'InputValidationError: event payload is invalid:\n  - x: bad',
    );
  });
});

describe('the alert topic', () => {
  it('is refused before collecting when it is not a topic ARN', async () => {
    const handler = await coldStart({ ALERT_TOPIC_ARN: 'https://sns.ap-northeast-1.amazonaws.com/alerts' });
    const error = await rejection(handler({}, context));
    expect(error.message).toContain('ALERT_TOPIC_ARN');
    expect(sts).not.toHaveReceivedAnyCommand();
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('accepts a topic ARN or a topic name, and refuses a name SNS would not take', async () => {
    const located = () =>
      Promise.resolve({ partition: 'aws', region: 'ap-northeast-1', account: '123456789012' });
    await expect(
      deployedTargets(readLambdaConfig({ ALERT_TOPIC_NAME: 'alerts', STATE_BUCKET_PREFIX: 's' }), located),
    ).resolves.toMatchObject({ topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:alerts' });
    await expect(
      deployedTargets(
        readLambdaConfig({
          ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:a.fifo',
          STATE_BUCKET_PREFIX: 's',
        }),
        located,
      ),
    ).resolves.toMatchObject({ topicArn: 'arn:aws:sns:us-east-1:123456789012:a.fifo' });
    await expect(
      deployedTargets(readLambdaConfig({ ALERT_TOPIC_NAME: 'my alerts', STATE_BUCKET_PREFIX: 's' }), located),
    ).rejects.toThrow(/ALERT_TOPIC_NAME/);
  });
});
