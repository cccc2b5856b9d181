import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchImportFindingsCommand,
  InvalidAccessException,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';

const ec2 = mockClient(EC2Client);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const apigw = mockClient(APIGatewayClient);
const cloudfront = mockClient(CloudFrontClient);
const sts = mockClient(STSClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const hub = mockClient(SecurityHubClient);

const ACCOUNT = '123456789012';
const context = {
  functionName: 'arch-auditor-prod-audit',
  invokedFunctionArn: `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:function:arch-auditor-prod-audit`,
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 300_000,
} as unknown as Context;
const STATE_BUCKET = `arch-auditor-prod-state-${ACCOUNT}-ap-northeast-1`;

type Handler = (event: unknown, context: Context) => Promise<Report>;
let handler: Handler;

beforeAll(async () => {
  // As the stack deploys it with the securityHub param on; read once at cold start.
  process.env.ALERT_TOPIC_NAME = 'arch-auditor-prod-alerts';
  process.env.STATE_BUCKET_PREFIX = 'arch-auditor-prod-state';
  process.env.AUDIT_REGIONS = 'ap-northeast-1';
  process.env.SECURITY_HUB = 'true';
  process.env.SECURITY_HUB_STATE_KEY = 'arch-auditor/securityhub.json';
  delete process.env.INTENT_LOCATION;
  ({ handler } = (await import('../../functions/audit.ts')) as unknown as { handler: Handler });
});

beforeEach(() => {
  for (const mock of [ec2, elbv2, apigw, cloudfront, sts, sns, s3, hub]) mock.reset();
  // EC2 denied: the audit is incomplete, which is itself a finding to import.
  ec2
    .onAnyCommand()
    .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $metadata: {} }));
  elbv2.onAnyCommand().resolves({});
  apigw.onAnyCommand().resolves({});
  cloudfront.onAnyCommand().resolves({});
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  s3.on(GetObjectCommand).rejects(
    new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
  );
  s3.on(PutObjectCommand).resolves({ ETag: '"e1"' });
  sns.on(PublishCommand).resolves({ MessageId: 'b1e7a1f4-0000-4000-8000-000000000001' });
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
