import { Readable } from 'node:stream';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sdkStreamMixin } from '@smithy/util-stream';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Report } from '../../model/report.ts';

const ec2 = mockClient(EC2Client);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const apigw = mockClient(APIGatewayClient);
const cloudfront = mockClient(CloudFrontClient);
const sts = mockClient(STSClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

const context = {
  functionName: 'arch-auditor-prod-audit',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:arch-auditor-prod-audit',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 300_000,
} as unknown as Context;

type Handler = (event: unknown, context: Context) => Promise<Report>;
let handler: Handler;

beforeAll(async () => {
  // The handler reads its configuration once at cold start, as in Lambda.
  process.env.ALERT_TOPIC_NAME = 'arch-auditor-prod-alerts';
  process.env.STATE_BUCKET_PREFIX = 'arch-auditor-prod-state';
  process.env.AUDIT_REGIONS = 'ap-northeast-1';
  delete process.env.INTENT_LOCATION;
  ({ handler } = (await import('../../functions/audit.ts')) as unknown as { handler: Handler });
});

beforeEach(() => {
  for (const mock of [ec2, elbv2, apigw, cloudfront, sts, sns, s3]) mock.reset();
  // An empty but readable account: every list call returns no items.
  ec2.onAnyCommand().resolves({});
  elbv2.onAnyCommand().resolves({});
  apigw.onAnyCommand().resolves({});
  cloudfront.onAnyCommand().resolves({});
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  s3.on(GetObjectCommand).rejects(
    new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
  );
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'b1e7a1f4-0000-4000-8000-000000000001' });
});

describe('Function: audit', () => {
  it('returns the report without publishing on a dry run', async () => {
    // Act
    const report = await handler({ regions: ['ap-northeast-1'], dryRun: true }, context);
    // Assess
    expect(report).toMatchObject({
      account: '123456789012',
      regions: ['ap-northeast-1'],
      complete: true,
      findings: [],
    });
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('publishes an incomplete-audit alert to its own topic when a collector is denied', async () => {
    // Prepare
    ec2.onAnyCommand().rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    // Act
    const report = await handler({ trigger: 'schedule' }, context);
    // Assess
    expect(report.complete).toBe(false);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:ap-northeast-1:123456789012:arch-auditor-prod-alerts',
      MessageStructure: 'json',
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'arch-auditor-prod-state-123456789012-ap-northeast-1',
    });
  });

  it('rejects when the publish fails and does not advance the alert state', async () => {
    ec2
      .onAnyCommand()
      .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $metadata: {} }));
    sns
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException', $metadata: {} }),
      );
    await expect(handler({ trigger: 'schedule' }, context)).rejects.toThrow();
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('accepts the EventBridge Scheduled Event envelope', async () => {
    const envelope = { version: '0', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    await expect(handler(envelope, context)).resolves.toMatchObject({ complete: true });
  });

  it('rejects a payload with an unknown field, naming it', async () => {
    await expect(handler({ dryrun: true }, context)).rejects.toThrow(/dryrun/);
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('rejects a malformed region, naming the field', async () => {
    await expect(handler({ regions: ['tokyo'] }, context)).rejects.toThrow(/regions\[0\]/);
  });

  it('runs only the requested checks', async () => {
    const report = await handler({ checks: ['sg.world-ingress'], dryRun: true }, context);
    // The requested check and the audit.* checks, which always run (incomplete, exception-expired, -unused).
    expect(report.summary.checksRun).toBe(4);
  });
});

describe('Function: audit, with regions the intent declares denied by design', () => {
  // As the CLI refuses it: a run whose every region is declared denied would audit nothing regional
  // and look clean.
  let denying: Handler;
  beforeAll(async () => {
    process.env.INTENT_LOCATION = 's3://arch-auditor-intents/intent.yaml';
    vi.resetModules();
    ({ handler: denying } = (await import('../../functions/audit.ts')) as unknown as { handler: Handler });
  });
  afterAll(() => {
    delete process.env.INTENT_LOCATION;
    vi.resetModules();
  });
  beforeEach(() => {
    s3.on(GetObjectCommand, { Key: 'intent.yaml' }).callsFake(async () => ({
      Body: sdkStreamMixin(
        Readable.from([Buffer.from('version: 1\nprofile: private-backend\ndeniedRegions: [eu-west-1]\n')]),
      ),
    }));
  });

  it('refuses a run whose every region is declared denied, naming the field, and calls nothing', async () => {
    await expect(denying({ regions: ['eu-west-1'], dryRun: true }, context)).rejects.toThrow(
      /regions.*eu-west-1/,
    );
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('audits the other regions and lists the denied one as skipped', async () => {
    const report = await denying({ regions: ['ap-northeast-1', 'eu-west-1'], dryRun: true }, context);
    expect(report.regions).toEqual(['ap-northeast-1']);
    expect(report.skippedRegions).toEqual([
      { region: 'eu-west-1', reason: 'denied-by-design', declaredBy: 'intent' },
    ]);
  });
});
