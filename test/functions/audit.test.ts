import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { sdkStreamMixin } from '@smithy/util-stream';
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
const context = lambdaContext();

let handler: Handler<Report>;

beforeAll(async () => {
  // The handler reads its configuration once at cold start, as in Lambda.
  stubDeployedEnv();
  handler = await importHandler('audit');
});
afterAll(() => vi.unstubAllEnvs());

beforeEach(() => {
  for (const mock of aws.all) mock.reset();
  answerEmptyAccount(aws);
  answerFirstRun(aws);
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
  let denying: Handler<Report>;
  beforeAll(async () => {
    process.env.INTENT_LOCATION = 's3://arch-auditor-intents/intent.yaml';
    vi.resetModules();
    denying = await importHandler('audit');
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
