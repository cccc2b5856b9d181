import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { APIGatewayClient, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkChangeDetection } from '../../app/changes/trail.ts';
import type { FanOutItem, PlanOutput } from '../../app/fanout.ts';
import type { ChangesResult } from '../../functions/changes.ts';
import type { Report } from '../../model/report.ts';
import { type BuiltAccount, buildPrivateBackendAccount, REGION } from './account.ts';
import { type AlertInbox, createBucket, topicWithInbox } from './alert-inbox.ts';
import { type Moto, startMotoForSdk } from './moto.ts';

/**
 * The Lambda functions against moto, the ways they are run:
 * - every sample event in events/ through the audit function as `serverless invoke local` runs it,
 *   before any deploy: scheduled.json through the real command, the others in-process with the
 *   context invoke local passes (no function ARN);
 * - the Step Functions fan-out (plan → audit-item per item → summarize, as the state machine calls
 *   them) against a single-process audit of the same account, finding by finding, with the API origin
 *   correctly keyed and then with its key disabled.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const STAGE_PREFIX = 'arch-auditor-prod';
const RUN_KEY_ALIAS = `alias/${STAGE_PREFIX}-fingerprint`;

type Handler<I, O> = (event: I, context: Context) => Promise<O>;
let audit: Handler<unknown, Report>;
let plan: Handler<unknown, PlanOutput>;
let auditItem: Handler<unknown, unknown>;
let summarize: Handler<unknown, { reportKey: string; runId: string }>;
let changes: Handler<unknown, ChangesResult>;

/** The context `serverless invoke local` (osls) passes a Node handler: no invokedFunctionArn. */
const invokeLocalContext = (functionName: string) =>
  ({
    awsRequestId: randomUUID(),
    invokeid: 'id',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2015/09/22/[HEAD]13370a84ca4ed8b77c427af260',
    functionVersion: 'HEAD',
    isDefaultFunctionVersion: true,
    functionName,
    memoryLimitInMB: '1024',
    getRemainingTimeInMillis: () => 300_000,
  }) as unknown as Context;

describe('Lambda functions against moto', () => {
  let moto: Moto;
  let account: BuiltAccount;
  let accountId: string;
  let stateBucket: string;
  let inbox: AlertInbox;
  /** The environment of the shell a developer runs `serverless invoke local` in, before moto. */
  const shellEnv = { ...process.env };
  const s3 = () => new S3Client({});
  const sqs = () => new SQSClient({});

  /** The context of the deployed function: its ARN names the account and region. */
  const deployedContext = (name: string) =>
    ({
      ...invokeLocalContext(`${STAGE_PREFIX}-${name}`),
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${accountId}:function:${STAGE_PREFIX}-${name}`,
    }) as Context;

  const getText = async (key: string) =>
    (await (
      await s3().send(new GetObjectCommand({ Bucket: stateBucket, Key: key }))
    ).Body?.transformToString('utf8')) ?? '';
  const stateExists = () =>
    s3()
      .send(new HeadObjectCommand({ Bucket: stateBucket, Key: 'arch-auditor/state.json' }))
      .then(
        () => true,
        () => false,
      );
  const alertsReceived = async () =>
    Number(
      (
        await sqs().send(
          new GetQueueAttributesCommand({
            QueueUrl: inbox.queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        )
      ).Attributes?.ApproximateNumberOfMessages ?? 0,
    );
  const resetAlerts = async () => {
    await s3().send(new DeleteObjectCommand({ Bucket: stateBucket, Key: 'arch-auditor/state.json' }));
    await sqs().send(new PurgeQueueCommand({ QueueUrl: inbox.queueUrl }));
  };

  /**
   * `npx serverless invoke local` of one function with one sample event, as a developer runs it before
   * any deploy, against moto: what the handler returned, which invoke local prints last as indented JSON.
   */
  const invokeLocal = async <T>(functionName: string, eventPath: string): Promise<T> => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['serverless', 'invoke', 'local', '--function', functionName, '--path', eventPath],
      {
        cwd: ROOT,
        env: {
          ...shellEnv,
          ...moto.env,
          POWERTOOLS_LOG_LEVEL: 'WARN',
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
        },
        timeout: 180_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; message: string }) => {
      // A failed invocation exits 1 and prints the error as JSON: show it.
      throw new Error(`serverless invoke local failed: ${error.stdout ?? error.message}`);
    });
    return JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as T;
  };

  beforeAll(async () => {
    moto = await startMotoForSdk();
    account = await buildPrivateBackendAccount();
    accountId = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account as string;

    // What the stack deploys: the state bucket, the alert topic (an SQS queue stands in for Chatbot)
    // and the KMS key of the fan-out's run keys, under the names serverless.yml gives them.
    stateBucket = `${STAGE_PREFIX}-state-${accountId}-${REGION}`;
    await createBucket(s3(), stateBucket);
    inbox = await topicWithInbox(`${STAGE_PREFIX}-alerts`);
    const kms = new KMSClient({});
    const key = await kms.send(new CreateKeyCommand({ Description: 'arch-auditor fan-out run keys' }));
    await kms.send(new CreateAliasCommand({ AliasName: RUN_KEY_ALIAS, TargetKeyId: key.KeyMetadata?.KeyId }));

    // The functions' environment as serverless.yml sets it; they read it once, at cold start.
    Object.assign(process.env, {
      ALERT_TOPIC_NAME: `${STAGE_PREFIX}-alerts`,
      STATE_BUCKET_PREFIX: `${STAGE_PREFIX}-state`,
      STATE_KEY: 'arch-auditor/state.json',
      AUDIT_REGIONS: REGION,
      FINGERPRINT_KEY: RUN_KEY_ALIAS,
      // moto has no LookupEvents: findings no change event named say their history was not readable.
      ATTRIBUTION_LOOKUPS: '20',
      CHANGE_EVENTS: 'ENABLED',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
    for (const k of [
      'INTENT_LOCATION',
      'AUDIT_ACCOUNTS',
      'AUDIT_ROLE_NAME',
      'ALERT_TOPIC_ARN',
      'STATE_LOCATION',
    ])
      delete process.env[k];
    // Their JSON log lines would flood the test output; the secrecy test reads them.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    ({ handler: audit } = (await import('../../functions/audit.ts')) as never);
    ({ handler: plan } = (await import('../../functions/plan.ts')) as never);
    ({ handler: auditItem } = (await import('../../functions/audit-item.ts')) as never);
    ({ handler: summarize } = (await import('../../functions/summarize.ts')) as never);
    ({ handler: changes } = (await import('../../functions/changes.ts')) as never);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await moto?.stop();
  });

  describe('sample events, invoked locally before any deploy', () => {
    it('covers every sample event in events/', async () => {
      // A new sample event fails here until a test below invokes it.
      expect((await readdir(`${ROOT}events`)).sort()).toEqual([
        'change-batch.json',
        'change-events.json',
        'eventbridge-envelope.json',
        'on-demand.json',
        'scheduled.json',
      ]);
    });

    it('events/scheduled.json through `npx serverless invoke local`: audits, publishes and saves its state', async () => {
      await resetAlerts();
      const report = await invokeLocal<Report>('audit', 'events/scheduled.json');
      expect(report.account).toBe(accountId);
      expect(report.findings.length).toBeGreaterThan(0);
      expect(await stateExists()).toBe(true);
      expect(await alertsReceived()).toBeGreaterThan(0);
    }, 240_000);

    it('events/eventbridge-envelope.json with invoke local’s context: a scheduled run that publishes', async () => {
      await resetAlerts();
      const event = JSON.parse(await readFile(`${ROOT}events/eventbridge-envelope.json`, 'utf8'));
      const report = await audit(event, invokeLocalContext(`${STAGE_PREFIX}-audit`));
      expect(report.account).toBe(accountId);
      expect(await stateExists()).toBe(true);
      expect(await alertsReceived()).toBeGreaterThan(0);
    });

    it('events/change-batch.json through `npx serverless invoke local`: one audit of the burst, the repeat set aside', async () => {
      const result = await invokeLocal<ChangesResult>('changes', 'events/change-batch.json');
      // Four changes (console, Identity Center, Terraform, CloudFormation); the second delivery of the
      // console change is the same CloudTrail event.
      expect(result.changes).toBe(4);
      expect(result.ignored).toEqual({ duplicate: 1, failed: 0, unwatched: 0, outOfScope: 0 });
      expect(result.report?.account).toBe(accountId);
      // moto's GetExport is no faithful export: as in every audit against moto, that part is unknown.
      expect(result.report?.errors.map((e) => e.operation)).toEqual(['GetExport']);
    }, 240_000);

    it('events/change-events.json (the CLI’s replay form) with invoke local’s context: the refused call is set aside', async () => {
      const event = JSON.parse(await readFile(`${ROOT}events/change-events.json`, 'utf8'));
      const result = await changes(event, invokeLocalContext(`${STAGE_PREFIX}-changes`));
      expect(result.changes).toBe(1);
      expect(result.ignored.failed).toBe(1);
      expect(result.report?.account).toBe(accountId);
    });

    it('events/on-demand.json with invoke local’s context: only the asked checks, nothing published', async () => {
      await resetAlerts();
      const event = JSON.parse(await readFile(`${ROOT}events/on-demand.json`, 'utf8'));
      const report = await audit(event, invokeLocalContext(`${STAGE_PREFIX}-audit`));
      expect(report.account).toBe(accountId);
      const asked = new Set<string>(event.checks);
      expect(report.findings.filter((f) => !asked.has(f.checkId) && !f.checkId.startsWith('audit.'))).toEqual(
        [],
      );
      expect(await stateExists()).toBe(false);
      expect(await alertsReceived()).toBe(0);
    });
  });

  describe('a change in the account: one audit of the burst, alerted once, naming who made it', () => {
    /** The alert texts waiting in the inbox (SNS wraps each in its envelope), removed from it. */
    const receiveAlerts = async (): Promise<string[]> => (await inbox.drain()).map((e) => e.Message);
    /** The sample batch's console change and its repeated delivery, made about this account's ALB group. */
    const consoleBurst = async () => {
      const sample = JSON.parse(await readFile(`${ROOT}events/change-batch.json`, 'utf8')) as {
        Records: { body: string }[];
      };
      // A CloudTrail event of its own (the sample's id was audited by the invoke above).
      const eventId = randomUUID();
      const about = (body: string) =>
        body
          .replaceAll('sg-0a1b2c3d4e5f60001', account.albSgId)
          .replaceAll('123456789012', accountId)
          .replaceAll('3f8e1b2a-6c4d-4e5f-8a9b-0c1d2e3f4a51', eventId);
      return {
        Records: [sample.Records[0], sample.Records[4]].map((r) => ({ ...r, body: about(r?.body ?? '') })),
      };
    };
    const verdicts = (r: Report) => ({
      account: r.account,
      regions: r.regions,
      complete: r.complete,
      errors: r.errors,
      findings: r.findings.map(({ changedBy: _, ...f }) => f),
      suppressed: r.suppressed,
      skippedChecks: r.skippedChecks,
    });

    it('SSH opened to the world from the console: the alert names the IAM user, and the verdicts are a full audit’s', async () => {
      await resetAlerts();
      // The hourly run: the alert state, and the inventory the change-triggered audit starts from.
      await audit({ trigger: 'schedule' }, deployedContext('audit'));
      await receiveAlerts();

      await new EC2Client({}).send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: account.albSgId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
      const burst = await consoleBurst();
      const result = await changes(burst, deployedContext('changes'));
      expect([result.mode, result.changes, result.ignored.duplicate]).toEqual(['scoped', 1, 1]);

      const opened = result.report?.findings.find(
        (f) => f.checkId === 'sg.world-ingress' && f.resource.id === account.albSgId,
      );
      expect(opened?.changedBy).toEqual([
        expect.objectContaining({
          name: 'Mateo',
          type: 'IAMUser',
          tool: 'console',
          sourceIp: '203.0.113.24',
        }),
      ]);
      const alerts = await receiveAlerts();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toContain(
        '変更者: Mateo（IAM ユーザー） — マネジメントコンソール、2026-11-21 18:12:33 JST、送信元 203.0.113.24',
      );
      expect(alerts[0]).toContain(`イベント ID: ${opened?.changedBy?.[0]?.eventId}`);
      // This moto account has no trail: EventBridge would get no change event, and the alert says so.
      expect(result.report?.changeDetection?.working).toBe(false);
      expect(alerts[0]).toContain(
        '⚠️ 変更の即時検知が働いていません: このリージョン（ap-northeast-1）の管理イベントを記録する CloudTrail の証跡がありません。',
      );

      // A full audit of the same account reaches the same verdicts.
      const full = await audit({ dryRun: true }, deployedContext('audit'));
      expect(verdicts(result.report as Report)).toEqual(verdicts(full));

      // EventBridge delivers the burst again: nothing new to audit, nothing sent.
      const again = await changes(burst, deployedContext('changes'));
      expect([again.mode, again.ignored.duplicate]).toEqual(['none', 2]);
      expect(await receiveAlerts()).toEqual([]);

      await new EC2Client({}).send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: account.albSgId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
    });
  });

  it('change detection works once a multi-region trail logs management events (moto CloudTrail)', async () => {
    const trail = new CloudTrailClient({});
    const client = () => trail;
    expect((await checkChangeDetection(client(), REGION)).working).toBe(false);
    await createBucket(s3(), 'org-trail-logs');
    const created = await trail.send(
      new CreateTrailCommand({
        Name: 'management-events',
        S3BucketName: 'org-trail-logs',
        IsMultiRegionTrail: true,
      }),
    );
    expect((await checkChangeDetection(client(), REGION)).working).toBe(false); // not logging yet
    // By name: moto's StartLogging does not take the ARN (AWS takes either).
    await trail.send(new StartLoggingCommand({ Name: 'management-events' }));
    expect(await checkChangeDetection(client(), REGION)).toEqual({ working: true, trail: created.TrailARN });
    await trail.send(new DeleteTrailCommand({ Name: 'management-events' }));
  });

  describe('fan-out and single process give the same verdicts', () => {
    /** Plan → every item → summarize, as the state machine runs them; the merged report from S3. */
    const runFanOut = async () => {
      const planned = await plan({ dryRun: true }, deployedContext('plan'));
      const items = JSON.parse(await getText(planned.itemsKey)) as FanOutItem[];
      for (const item of items) await auditItem(item, deployedContext('auditItem'));
      const summary = await summarize(planned, deployedContext('summarize'));
      return { planned, items, summary, report: JSON.parse(await getText(summary.reportKey)) as Report };
    };
    const single = () => audit({ dryRun: true }, deployedContext('audit'));
    /** Everything a report judges; not its timestamps. */
    const verdicts = (r: Report) => ({
      account: r.account,
      regions: r.regions,
      complete: r.complete,
      errors: r.errors,
      findings: r.findings,
      suppressed: r.suppressed,
      skippedChecks: r.skippedChecks,
      summary: r.summary,
    });
    const flagged = (r: Report, checkId: string) => [
      ...new Set(r.findings.filter((f) => f.checkId === checkId).map((f) => f.resource.id)),
    ];

    it('a correctly keyed API origin: no cloudfront.api-key-header on either path, and every finding alike', async () => {
      const alone = await single();
      const { items, report } = await runFanOut();
      // The items really are split: API Gateway in the regional item, CloudFront in the global one.
      expect(items.map((i) => i.region).sort()).toEqual([REGION, 'global']);
      expect(flagged(alone, 'cloudfront.api-key-header')).toEqual([]);
      expect(verdicts(report)).toEqual(verdicts(alone));
    });

    it('the run key is in no object, payload or log line the run wrote', async () => {
      const written = vi.mocked(process.stdout.write);
      written.mockClear();
      const { planned, items, summary } = await runFanOut();
      const logs = written.mock.calls.map((c) => String(c[0])).join('');
      // The key as the items open it (the test may decrypt; the run's readers of S3 may not).
      const plaintext = Buffer.from(
        (
          await new KMSClient({}).send(
            new DecryptCommand({
              CiphertextBlob: Buffer.from(items[0]?.encryptedRunKey as string, 'base64'),
              EncryptionContext: { 'arch-auditor-run': planned.runId },
            }),
          )
        ).Plaintext as Uint8Array,
      );
      expect(plaintext).toHaveLength(32);
      const keys = (
        await s3().send(
          new ListObjectsV2Command({ Bucket: stateBucket, Prefix: `arch-auditor/runs/${planned.runId}/` }),
        )
      ).Contents?.map((o) => o.Key as string);
      expect(keys?.length).toBe(items.length + 2); // items, one part per item, the report
      const objects = await Promise.all((keys ?? []).map(getText));
      const everything = [...objects, JSON.stringify([planned, items, summary]), logs].join('\n');
      expect(logs).toContain('"phase":"write"');
      for (const encoding of ['hex', 'base64', 'base64url'] as const)
        expect(everything).not.toContain(plaintext.toString(encoding));
      expect(everything).not.toContain(account.apiKeyValue);
    });

    it('the key CloudFront sends is disabled: both paths report cloudfront.api-key-header alike', async () => {
      await new APIGatewayClient({}).send(
        new UpdateApiKeyCommand({
          apiKey: account.apiKeyId,
          patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
        }),
      );
      const alone = await single();
      const { report } = await runFanOut();
      expect(flagged(alone, 'cloudfront.api-key-header')).toEqual([account.distributionId]);
      expect(verdicts(report)).toEqual(verdicts(alone));
    });
  });
});
