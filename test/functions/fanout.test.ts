import { Readable } from 'node:stream';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import {
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandOutput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandOutput,
  DescribeVpcsCommand,
  type DescribeVpcsCommandOutput,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DecryptCommand,
  type DecryptCommandOutput,
  GenerateDataKeyWithoutPlaintextCommand,
  type GenerateDataKeyWithoutPlaintextCommandOutput,
  KMSClient,
} from '@aws-sdk/client-kms';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleCommand, STSClient as NestedStsClient } from '@aws-sdk/nested-clients/sts';
import { sdkStreamMixin } from '@smithy/util-stream';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FanOutItem, type PlanOutput, partKey } from '../../app/fanout.ts';
import { htmlReportKey, REPORTS_PREFIX } from '../../app/html-report.ts';
import type { Inventory } from '../../inventory/types.ts';
import type { Report } from '../../model/report.ts';
import { mergedDemoReport } from '../fixtures/reports.ts';

const ec2 = mockClient(EC2Client);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const apigw = mockClient(APIGatewayClient);
const cloudfront = mockClient(CloudFrontClient);
const sts = mockClient(STSClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);

const ACCOUNT = '123456789012';
const KEY_ARN = `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** The run key KMS hands out: the plaintext only to Decrypt, the ciphertext to the plan. */
const RUN_KEY = Buffer.alloc(32, 0x5a);
const RUN_KEY_CIPHERTEXT = Buffer.concat([Buffer.from('AQIDAHhBlob'), Buffer.alloc(160, 0x17)]);
const context = (name: string) =>
  ({
    functionName: `arch-auditor-prod-${name}`,
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:function:arch-auditor-prod-${name}`,
    awsRequestId: '0d9b1c2e-3f40-4a5b-8c6d-7e8f90a1b2c3',
    getRemainingTimeInMillis: () => 600_000,
  }) as unknown as Context;

type Handler<I, O> = (event: I, context: Context) => Promise<O>;
interface RunSummary {
  readonly complete: boolean;
  readonly findings: number;
  readonly published: boolean;
  readonly reportKey: string;
}
let plan: Handler<unknown, PlanOutput>;
let auditItem: Handler<unknown, unknown>;
let summarize: Handler<unknown, RunSummary>;

/** The state bucket, as S3 would keep it: the steps hand each other items and parts through it. */
const bucket = new Map<string, string>();
const json = <T>(key: string): T => JSON.parse(bucket.get(key) as string) as T;

beforeAll(async () => {
  process.env.ALERT_TOPIC_NAME = 'arch-auditor-prod-alerts';
  process.env.STATE_BUCKET_PREFIX = 'arch-auditor-prod-state';
  process.env.AUDIT_REGIONS = 'ap-northeast-1';
  process.env.FINGERPRINT_KEY = 'alias/arch-auditor-prod-fingerprint';
  for (const key of ['INTENT_LOCATION', 'AUDIT_ACCOUNTS', 'AUDIT_ROLE_NAME']) delete process.env[key];
  ({ handler: plan } = (await import('../../functions/plan.ts')) as never);
  ({ handler: auditItem } = (await import('../../functions/audit-item.ts')) as never);
  ({ handler: summarize } = (await import('../../functions/summarize.ts')) as never);
});

beforeEach(() => {
  bucket.clear();
  for (const mock of [ec2, elbv2, apigw, cloudfront, sts, sns, s3, kms]) mock.reset();
  kms.on(GenerateDataKeyWithoutPlaintextCommand).resolves({
    CiphertextBlob: new Uint8Array(RUN_KEY_CIPHERTEXT),
    KeyId: KEY_ARN,
  } satisfies Partial<GenerateDataKeyWithoutPlaintextCommandOutput>);
  kms.on(DecryptCommand).resolves({
    Plaintext: new Uint8Array(RUN_KEY),
    KeyId: KEY_ARN,
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  } satisfies Partial<DecryptCommandOutput>);
  ec2.onAnyCommand().resolves({});
  elbv2.onAnyCommand().resolves({});
  apigw.onAnyCommand().resolves({});
  cloudfront.onAnyCommand().resolves({});
  // One drift in the account: SSH open to the world on a security group of a non-default VPC.
  ec2.on(DescribeVpcsCommand).resolves({
    Vpcs: [
      { VpcId: 'vpc-0a1b2c3d4e5f60001', CidrBlock: '10.0.0.0/16', IsDefault: false, State: 'available' },
    ],
  } satisfies Partial<DescribeVpcsCommandOutput>);
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-0a1b2c3d4e5f60002',
        GroupName: 'prod-ecs-sg',
        Description: 'ECS',
        VpcId: 'vpc-0a1b2c3d4e5f60001',
      },
    ],
  } satisfies Partial<DescribeSecurityGroupsCommandOutput>);
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60022',
        GroupId: 'sg-0a1b2c3d4e5f60002',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '0.0.0.0/0',
      },
    ],
  } satisfies Partial<DescribeSecurityGroupRulesCommandOutput>);
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: string }) => {
    bucket.set(input.Key, String(input.Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    const body = bucket.get(input.Key);
    if (body === undefined)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(body)])) };
  });
  sns.on(PublishCommand).resolves({ MessageId: '5b6c7d8e-0000-4000-8000-000000000001' });
});

/** Runs the state machine's three steps in order, the Map step item by item. */
const runFanOut = async (
  input: unknown,
  options: { skip?: (item: FanOutItem) => boolean; afterItems?: (items: FanOutItem[]) => void } = {},
) => {
  const planned = await plan(input, context('plan'));
  const items = json<FanOutItem[]>(planned.itemsKey);
  for (const item of items) if (!options.skip?.(item)) await auditItem(item, context('audit-item'));
  options.afterItems?.(items);
  const summary = await summarize(planned, context('summarize'));
  return { planned, items, summary, report: json<Report>(summary.reportKey) };
};

describe('Functions: plan → audit-item → summarize', () => {
  it('plans one item per region plus one global item, and publishes the merged report once', async () => {
    // Act
    const { planned, items, summary, report } = await runFanOut({ trigger: 'schedule' });
    // Assess
    expect(planned.itemCount).toBe(2);
    expect(items.map((i) => i.region).sort()).toEqual(['ap-northeast-1', 'global']);
    expect(summary).toMatchObject({ complete: true, published: true });
    expect(report.findings.map((f) => [f.checkId, f.resource.id])).toContainEqual([
      'sg.world-ingress',
      'sg-0a1b2c3d4e5f60002',
    ]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('does not publish on a dry run, but still writes the report', async () => {
    const { summary, report } = await runFanOut({ dryRun: true });
    expect(summary.published).toBe(false);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('reports an item that produced no inventory as that account incomplete, keeping the other findings', async () => {
    const { summary, report } = await runFanOut(
      { dryRun: true },
      { skip: (item) => item.region === 'global' },
    );
    expect(summary.complete).toBe(false);
    expect(report.errors).toContainEqual(
      expect.objectContaining({ operation: 'AuditItem', code: 'ItemFailed' }),
    );
    expect(report.findings.map((f) => f.checkId)).toEqual(
      expect.arrayContaining(['audit.incomplete', 'sg.world-ingress']),
    );
  });

  it('hands every item the same run key, encrypted, and opens it for the run only', async () => {
    const { planned, items } = await runFanOut({ dryRun: true });
    const ciphertext = RUN_KEY_CIPHERTEXT.toString('base64');
    expect(items.map((i) => i.encryptedRunKey)).toEqual(items.map(() => ciphertext));
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyWithoutPlaintextCommand, 1);
    expect(kms).toHaveReceivedCommandWith(GenerateDataKeyWithoutPlaintextCommand, {
      KeyId: 'alias/arch-auditor-prod-fingerprint',
      KeySpec: 'AES_256',
      EncryptionContext: { 'arch-auditor-run': planned.runId },
    });
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, items.length);
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, {
      KeyId: 'alias/arch-auditor-prod-fingerprint',
      EncryptionContext: { 'arch-auditor-run': planned.runId },
    });
    // The plaintext key is in no object the run wrote (items, parts, report) nor in the plan's output.
    const written = [...bucket.values(), JSON.stringify(planned)].join('\n');
    for (const encoding of ['hex', 'base64', 'base64url'] as const)
      expect(written).not.toContain(RUN_KEY.toString(encoding));
  });

  it('fails the item when its run key cannot be opened, instead of fingerprinting under another key', async () => {
    kms.on(DecryptCommand).rejects(
      Object.assign(new Error('The ciphertext refers to a customer master key that does not exist.'), {
        name: 'InvalidCiphertextException',
      }),
    );
    const planned = await plan({ dryRun: true }, context('plan'));
    const [item] = json<FanOutItem[]>(planned.itemsKey);
    await expect(auditItem(item, context('audit-item'))).rejects.toThrow(/customer master key/);
    expect(bucket.has(partKey(item as FanOutItem))).toBe(false);
  });

  it('uses a valid part and judges the account on it', async () => {
    // A part that round-trips the schema: nothing is reported about the parts themselves.
    const { report } = await runFanOut({ dryRun: true });
    expect(report.complete).toBe(true);
    expect(report.errors).toEqual([]);
  });

  it("turns a part that is not a valid inventory into that account's incomplete audit, naming the part", async () => {
    let badKey = '';
    const { summary, report } = await runFanOut(
      { dryRun: true },
      {
        // Corrupt the regional part after its item wrote it: a security group without its id.
        afterItems: (items) => {
          badKey = partKey(items.find((i) => i.region === 'ap-northeast-1') as FanOutItem);
          const part = json<Inventory>(badKey);
          bucket.set(
            badKey,
            JSON.stringify({
              ...part,
              ec2: { ...part.ec2, securityGroups: part.ec2.securityGroups.map(({ id: _, ...g }) => g) },
            }),
          );
        },
      },
    );
    expect(summary.complete).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({
        operation: 'AuditItem',
        code: 'InvalidPart',
        region: 'ap-northeast-1',
        message: expect.stringContaining(`s3://arch-auditor-prod-state-${ACCOUNT}-ap-northeast-1/${badKey}`),
      }),
    ]);
    expect(report.errors[0]?.message).toContain('ec2.securityGroups[0].id');
    const incomplete = report.findings.filter((f) => f.checkId === 'audit.incomplete');
    expect(incomplete.map((f) => f.message)).toEqual([expect.stringContaining(badKey)]);
    // Nothing is judged on what the bad part claims: the regional checks did not run on it.
    expect(report.findings.map((f) => f.checkId)).not.toContain('sg.world-ingress');
  });

  it('turns a truncated part into incompleteness too, not a crash', async () => {
    const { summary, report } = await runFanOut(
      { dryRun: true },
      {
        afterItems: (items) => {
          const key = partKey(items.find((i) => i.region === 'global') as FanOutItem);
          bucket.set(key, (bucket.get(key) as string).slice(0, 40));
        },
      },
    );
    expect(summary.complete).toBe(false);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'InvalidPart', region: 'global' })]);
    expect(report.errors[0]?.message).toMatch(/not valid JSON/);
    // The regional part is still used.
    expect(report.findings.map((f) => f.checkId)).toContain('sg.world-ingress');
  });

  it('refuses a plan input with an unknown field, naming it', async () => {
    await expect(plan({ region: ['ap-northeast-1'] }, context('plan'))).rejects.toThrow(/region/);
  });
});

describe('plan: regions declared denied by design', () => {
  // The intent's deniedRegions (an SCP refuses them): the plan makes no item there, as the CLI and the
  // single Lambda never call them, and the summary lists them as skipped.
  let denyingPlan: Handler<unknown, PlanOutput>;
  let denyingSummarize: Handler<unknown, RunSummary>;
  beforeAll(async () => {
    process.env.INTENT_LOCATION = 's3://arch-auditor-intents/intent.yaml';
    vi.resetModules();
    ({ handler: denyingPlan } = (await import('../../functions/plan.ts')) as never);
    ({ handler: denyingSummarize } = (await import('../../functions/summarize.ts')) as never);
  });
  afterAll(() => {
    delete process.env.INTENT_LOCATION;
    vi.resetModules();
  });
  beforeEach(() => {
    bucket.set('intent.yaml', 'version: 1\nprofile: private-backend\ndeniedRegions: [eu-west-1]\n');
  });

  it('makes no item for a denied region, and the summary lists it as skipped', async () => {
    const planned = await denyingPlan(
      { dryRun: true, regions: ['ap-northeast-1', 'eu-west-1'] },
      context('plan'),
    );
    const items = json<FanOutItem[]>(planned.itemsKey);
    expect(items.map((i) => i.region).sort()).toEqual(['ap-northeast-1', 'global']);
    for (const item of items) await auditItem(item, context('audit-item'));
    const summary = await denyingSummarize(planned, context('summarize'));
    const report = json<Report>(summary.reportKey);
    expect(report.complete).toBe(true);
    expect(report.skippedRegions).toEqual([
      { region: 'eu-west-1', reason: 'denied-by-design', declaredBy: 'intent' },
    ]);
  });

  it('still makes items for every region the intent does not deny', async () => {
    bucket.set('intent.yaml', 'version: 1\nprofile: private-backend\n');
    const planned = await denyingPlan(
      { dryRun: true, regions: ['ap-northeast-1', 'eu-west-1'] },
      context('plan'),
    );
    expect(
      json<FanOutItem[]>(planned.itemsKey)
        .map((i) => i.region)
        .sort(),
    ).toEqual(['ap-northeast-1', 'eu-west-1', 'global']);
  });
});

describe('summarize: the HTML report (HTML_REPORT=true)', () => {
  // The fan-out delivers through the same sinks as the single Lambda, so its merged report gets the page too.
  let htmlPlan: Handler<unknown, PlanOutput>;
  let htmlSummarize: Handler<unknown, RunSummary>;
  beforeAll(async () => {
    process.env.HTML_REPORT = 'true';
    vi.resetModules();
    ({ handler: htmlPlan } = (await import('../../functions/plan.ts')) as never);
    ({ handler: htmlSummarize } = (await import('../../functions/summarize.ts')) as never);
  });
  afterAll(() => {
    delete process.env.HTML_REPORT;
    vi.resetModules();
  });

  it('writes the page under arch-auditor/reports/ and links it from the one alert', async () => {
    const planned = await htmlPlan({ trigger: 'schedule' }, context('plan'));
    for (const item of json<FanOutItem[]>(planned.itemsKey)) await auditItem(item, context('audit-item'));
    await htmlSummarize(planned, context('summarize'));
    const pages = [...bucket.keys()].filter((k) => k.startsWith(`${REPORTS_PREFIX}${ACCOUNT}/`));
    expect(pages).toHaveLength(1);
    expect(bucket.get(pages[0] as string)).toContain('sg-0a1b2c3d4e5f60002');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const message = String(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message);
    expect(message).toContain(`s3/object/arch-auditor-prod-state-${ACCOUNT}-ap-northeast-1?`);
    expect(message).toContain(encodeURIComponent(pages[0] as string));
  });

  it('writes nothing on a dry run', async () => {
    const planned = await htmlPlan({ dryRun: true }, context('plan'));
    for (const item of json<FanOutItem[]>(planned.itemsKey)) await auditItem(item, context('audit-item'));
    await htmlSummarize(planned, context('summarize'));
    expect([...bucket.keys()].filter((k) => k.startsWith(REPORTS_PREFIX))).toEqual([]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('files a report over several accounts, which has no single account, under accounts/', () => {
    const merged = mergedDemoReport();
    expect(merged.account).toBeUndefined();
    expect(htmlReportKey(merged)).toMatch(/^arch-auditor\/reports\/accounts\/[0-9TZ-]+\.html$/);
    expect(htmlReportKey({ ...merged, account: ACCOUNT })).toContain(`reports/${ACCOUNT}/`);
  });
});

describe('summarize: an exception shared by two accounts (audit.exception-unused)', () => {
  // One intent for both accounts (no appliesTo). Its exception names account A's approved public group;
  // account B has no such group. Each account is evaluated on its own, so B alone cannot tell that
  // the group is A's: the summary must judge the entry from both accounts.
  const A = '111122223333';
  const B = '444455556666';
  const GROUP = 'sg-0a1b2c3d4e5f6a1b0';
  const INTENT = [
    'version: 1',
    'profile: private-backend',
    'exceptions:',
    `  - { check: sg.world-ingress, resource: ${GROUP}, facts: ["tcp/443 from 0.0.0.0/0"], reason: 公開 ALB }`,
    '',
  ].join('\n');
  const nestedSts = mockClient(NestedStsClient);
  let twoAccountPlan: Handler<unknown, PlanOutput>;
  let twoAccountSummarize: Handler<unknown, RunSummary>;
  let twoAccountItem: Handler<unknown, unknown>;
  /** Whether account A's group is still open on 443 (the deviation the exception accepts). */
  let openInA = true;
  /** The account the client's (assumed) credentials are for: the test's access key ids carry it. */
  const accountOf = async (client: { config: { credentials: () => Promise<{ accessKeyId: string }> } }) =>
    (await client.config.credentials()).accessKeyId.replace('ASIA_E2E', '');

  beforeAll(async () => {
    process.env.INTENT_LOCATION = 's3://arch-auditor-intents/intent.yaml';
    process.env.AUDIT_ACCOUNTS = `${A},${B}`;
    process.env.AUDIT_ROLE_NAME = 'arch-auditor-readonly';
    vi.resetModules();
    ({ handler: twoAccountPlan } = (await import('../../functions/plan.ts')) as never);
    ({ handler: twoAccountItem } = (await import('../../functions/audit-item.ts')) as never);
    ({ handler: twoAccountSummarize } = (await import('../../functions/summarize.ts')) as never);
  });
  afterAll(() => {
    for (const key of ['INTENT_LOCATION', 'AUDIT_ACCOUNTS', 'AUDIT_ROLE_NAME']) delete process.env[key];
    nestedSts.restore();
    vi.resetModules();
  });
  beforeEach(() => {
    openInA = true;
    bucket.set('intent.yaml', INTENT);
    nestedSts.reset();
    nestedSts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => ({
      Credentials: {
        AccessKeyId: `ASIA_E2E${input.RoleArn.split(':')[4]}`,
        SecretAccessKey: 'test-secret-access-key',
        SessionToken: 'test-session-token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
      AssumedRoleUser: {
        AssumedRoleId: 'AROAEXAMPLE:arch-auditor',
        Arn: `arn:aws:sts::${input.RoleArn.split(':')[4]}:assumed-role/arch-auditor-readonly/arch-auditor`,
      },
    }));
    sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => ({
      Account: await accountOf(getClient() as never),
    }));
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => ({
      SecurityGroups:
        (await accountOf(getClient() as never)) === A
          ? [{ GroupId: GROUP, GroupName: 'prod-alb-sg', Description: 'ALB', VpcId: 'vpc-0a1b2c3d4e5f60001' }]
          : [],
    }));
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(async (_input, getClient) => ({
      SecurityGroupRules:
        (await accountOf(getClient() as never)) === A && openInA
          ? [
              {
                SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60443',
                GroupId: GROUP,
                IsEgress: false,
                IpProtocol: 'tcp',
                FromPort: 443,
                ToPort: 443,
                CidrIpv4: '0.0.0.0/0',
              },
            ]
          : [],
    }));
  });

  const runTwoAccounts = async () => {
    const planned = await twoAccountPlan({ dryRun: true }, context('plan'));
    for (const item of json<FanOutItem[]>(planned.itemsKey))
      await twoAccountItem(item, context('audit-item'));
    const summary = await twoAccountSummarize(planned, context('summarize'));
    return json<Report>(summary.reportKey);
  };
  const unused = (report: Report) => report.findings.filter((f) => f.checkId === 'audit.exception-unused');

  it("does not call A's accepted group unused because B's part did not match it", async () => {
    const report = await runTwoAccounts();
    expect(report.accounts.map((a) => a.id)).toEqual([A, B]);
    expect(report.complete).toBe(true);
    expect(report.suppressed.map((f) => [f.account.id, f.resource.id])).toEqual([[A, GROUP]]);
    expect(unused(report)).toEqual([]);
    expect(report.exceptionUse?.map((u) => [u.account.id, u.status])).toEqual([
      [A, 'used'],
      [B, 'unused'],
    ]);
  });

  it("reports it once, in account A, when A's rule is removed", async () => {
    openInA = false;
    const report = await runTwoAccounts();
    expect(unused(report).map((f) => [f.account.id, f.resource.id, f.resource.region])).toEqual([
      [A, GROUP, 'ap-northeast-1'],
    ]);
  });
});
