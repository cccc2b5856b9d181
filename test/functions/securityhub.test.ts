import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  BatchImportFindingsCommand,
  InvalidAccessException,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { NotFoundException, PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Report } from '../../model/report.ts';
import {
  answerEmptyAccount,
  answerFirstRun,
  type Handler,
  importHandler,
  lambdaContext,
  mockAuditClients,
  stubDeployedEnv,
} from '../fixtures/lambda.ts';

const aws = mockAuditClients();
const { ec2, sns, s3 } = aws;
const hub = mockClient(SecurityHubClient);

const ACCOUNT = '123456789012';
const context = lambdaContext();
const STATE_BUCKET = `arch-auditor-prod-state-${ACCOUNT}-ap-northeast-1`;

let handler: Handler<Report>;

beforeAll(async () => {
  // As the stack deploys it with the securityHub param on; read once at cold start.
  stubDeployedEnv({
    SECURITY_HUB: 'true',
    SECURITY_HUB_STATE_KEY: 'arch-auditor/securityhub.json',
  });
  handler = await importHandler('audit');
});
afterAll(() => vi.unstubAllEnvs());

beforeEach(() => {
  for (const mock of [...aws.all, hub]) mock.reset();
  answerEmptyAccount(aws);
  answerFirstRun(aws);
  // EC2 denied: the audit is incomplete, which is itself a finding to import.
  ec2
    .onAnyCommand()
    .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $metadata: {} }));
  hub.on(BatchImportFindingsCommand).callsFake((input) => ({
    FailedCount: 0,
    SuccessCount: input.Findings.length,
    FailedFindings: [],
  }));
});

const savedKeys = () =>
  s3.commandCalls(PutObjectCommand).map((c) => `${c.args[0].input.Bucket}/${c.args[0].input.Key}`);

describe('Function: audit, with Security Hub on', () => {
  it("imports the findings into its own account's default product and records them beside the alert state", async () => {
    const report = await handler({ trigger: 'schedule' }, context);
    expect(report.findings.length).toBeGreaterThan(0);
    const findings = hub
      .commandCalls(BatchImportFindingsCommand)
      .flatMap((c) => c.args[0].input.Findings ?? []);
    expect(findings.map((f) => f.Id).sort()).toEqual(report.findings.map((f) => f.fingerprint).sort());
    for (const finding of findings) {
      expect(finding.ProductArn).toBe(
        `arn:aws:securityhub:ap-northeast-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      );
      expect(finding.AwsAccountId).toBe(ACCOUNT);
    }
    expect(sns).toHaveReceivedCommand(PublishCommand);
    expect(savedKeys()).toEqual(
      expect.arrayContaining([
        `${STATE_BUCKET}/arch-auditor/state.json`,
        `${STATE_BUCKET}/arch-auditor/securityhub.json`,
      ]),
    );
  });

  it('still sends the Slack alert when Security Hub fails, then fails the invocation naming it', async () => {
    hub.on(BatchImportFindingsCommand).rejects(
      new InvalidAccessException({
        message: `Account ${ACCOUNT} is not subscribed to AWS Security Hub`,
        $metadata: { httpStatusCode: 401 },
      }),
    );
    await expect(handler({ trigger: 'schedule' }, context)).rejects.toThrow(/InvalidAccessException/);
    expect(sns).toHaveReceivedCommand(PublishCommand);
    expect(savedKeys()).toEqual([`${STATE_BUCKET}/arch-auditor/state.json`]);
  });

  it('still imports into Security Hub when the publish fails, then fails the invocation', async () => {
    sns.on(PublishCommand).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: {} }));
    await expect(handler({ trigger: 'schedule' }, context)).rejects.toThrow(/NotFoundException/);
    expect(hub).toHaveReceivedCommand(BatchImportFindingsCommand);
    expect(savedKeys()).toEqual([`${STATE_BUCKET}/arch-auditor/securityhub.json`]);
  });

  it('names both failures when both sinks fail', async () => {
    sns.on(PublishCommand).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: {} }));
    hub
      .on(BatchImportFindingsCommand)
      .rejects(new InvalidAccessException({ message: 'not subscribed', $metadata: { httpStatusCode: 401 } }));
    const error = await handler({ trigger: 'schedule' }, context).catch((e) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.message).toMatch(
      /PublishError: .*NotFoundException.*; SecurityHubImportError: .*InvalidAccessException/,
    );
    expect(savedKeys()).toEqual([]);
  });

  it('imports nothing on a dry run', async () => {
    await handler({ trigger: 'schedule', dryRun: true }, context);
    expect(hub).not.toHaveReceivedCommand(BatchImportFindingsCommand);
  });
});
