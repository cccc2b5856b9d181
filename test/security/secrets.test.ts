import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiKeys } from '@aws-sdk/client-api-gateway';
import {
  CloudFrontServiceException,
  type DistributionList,
  GetDistributionConfigCommand,
  type GetDistributionConfigResult,
  ListDistributionsCommand,
  type ListDistributionsResult,
} from '@aws-sdk/client-cloudfront';
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditInventory, collectLive } from '../../app/audit.ts';
import { baselineToYaml, buildBaseline } from '../../app/baseline.ts';
import { defaultIntent } from '../../app/intent-file.ts';
import { main } from '../../cli/main.ts';
import { exposureModel } from '../../evaluate/exposure/paths.ts';
import { writeSnapshot } from '../../inventory/snapshot.ts';
import type { Inventory } from '../../inventory/types.ts';
import type { Report } from '../../model/report.ts';
import { FileStateStore, renderPreview, sendAlerts } from '../../notify/index.ts';
import { acceptedFinding, activeFinding } from '../../notify/securityhub.ts';
import { renderHtml } from '../../report/html.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { renderOcsf } from '../../report/ocsf.ts';
import { renderText } from '../../report/text.ts';
import { apiKeys, mockApiGatewayAccount, SECRET_API_KEY_VALUE } from '../fixtures/apigateway-responses.ts';
import {
  distributionsPage1,
  distributionsPage2,
  mockCloudFrontAccount,
  motoDistributionConfig,
  motoSummary,
  SECRET_HEADER_VALUE,
} from '../fixtures/cloudfront-responses.ts';
import { mockAuditClients } from '../fixtures/lambda.ts';

/**
 * Known secret values are seeded into raw SDK responses, run through the real collectors and every
 * output path, and must appear in none of them in any encoding. The CloudFront header carries the
 * first API key (as a real front door does), so the api-key-header comparison runs on secrets too.
 */
const HEADER_AND_KEY = 'hK9-Qm2Zp9Lx4Kc8Vb1Nw6Rt3Ys5Ud0FgTe7';
const OTHER_API_KEY = 'aK4-Jr7Wq1Ex5Tz9Hs2Dv6Bn0Mp4La8Cy3Gu';
const ORIGIN_VERIFY = 'oV1-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Ty1Ui0Op9As';
const SECRETS = [HEADER_AND_KEY, OTHER_API_KEY, ORIGIN_VERIFY];

/** Replaces string values in plain objects/arrays; other objects (Dates, blob adapters) are kept. */
const seed = <T>(value: T, replacements: Readonly<Record<string, string>>): T => {
  if (typeof value === 'string') return (replacements[value] ?? value) as T;
  if (Array.isArray(value)) return value.map((v) => seed(v, replacements)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, seed(v, replacements)])) as T;
  }
  return value;
};

const replacements = {
  [SECRET_HEADER_VALUE]: HEADER_AND_KEY,
  [SECRET_API_KEY_VALUE]: HEADER_AND_KEY,
  Aq1Sw2De3Fr4Gt5Hy6Ju7Ki8Lo9P0zXcVbNmQwE: OTHER_API_KEY,
};
const cfPage1: ListDistributionsResult = seed(distributionsPage1, replacements);
const cfPage2: ListDistributionsResult = {
  DistributionList: {
    ...(distributionsPage2.DistributionList as DistributionList),
    Items: [...(distributionsPage2.DistributionList?.Items ?? []), motoSummary],
  },
};
const motoConfig: GetDistributionConfigResult = seed(motoDistributionConfig, replacements);
// A second, differently named origin header: every custom header value is a secret.
motoConfig.DistributionConfig?.Origins?.Items?.[0]?.CustomHeaders?.Items?.push({
  HeaderName: 'X-Origin-Verify',
  HeaderValue: ORIGIN_VERIFY,
});
const seededApiKeys: ApiKeys = seed(apiKeys, replacements);

/** Every form a secret could take in text: plain, case-folded, base64 (any alignment), hex, URL, JSON. */
const encodings = (secret: string): string[] => {
  const bytes = Buffer.from(secret, 'utf8');
  const base64Cores = [0, 1, 2].map((pad) =>
    Buffer.concat([Buffer.alloc(pad), bytes])
      .toString('base64')
      .slice(4, -4),
  );
  return [
    secret,
    secret.slice(0, 16),
    secret.slice(-16),
    bytes.toString('hex'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret)).slice(1, -1),
    ...base64Cores,
    ...base64Cores.map((b) => b.replaceAll('+', '-').replaceAll('/', '_')),
  ].map((s) => s.toLowerCase());
};

/** Fails naming the output and the encoding a secret was found in. */
const expectNoSecret = (outputs: Readonly<Record<string, string>>) => {
  const leaks: string[] = [];
  for (const [name, text] of Object.entries(outputs)) {
    const haystack = text.toLowerCase();
    for (const secret of SECRETS) {
      for (const form of encodings(secret)) {
        if (haystack.includes(form)) leaks.push(`${name}: ${secret} as "${form}"`);
      }
    }
  }
  expect(leaks).toEqual([]);
};

const aws = mockAuditClients();
const { ec2, elbv2, apigw, cloudfront, sts, sns, s3 } = aws;

const REGION = 'ap-northeast-1';
const NOW = new Date('2026-11-02T00:00:00Z');
const TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:arch-auditor-prod-alerts';
const console_: string[] = [];
const saved = { env: { ...process.env } };
let dir = '';

const mockAccount = () => {
  for (const mock of aws.all) mock.reset();
  ec2.onAnyCommand().resolves({});
  elbv2.onAnyCommand().resolves({});
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  mockCloudFrontAccount(cloudfront, [cfPage1, cfPage2]);
  cloudfront.on(GetDistributionConfigCommand).resolves(motoConfig);
  mockApiGatewayAccount(apigw, seededApiKeys);
  s3.on(GetObjectCommand).rejects(
    new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
  );
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'b1e7a1f4-0000-4000-8000-000000000001' });
};

const cli = async (...args: string[]) => {
  let text = '';
  const code = await main(['node', 'arch-auditor', ...args], {
    out: (s) => {
      text += s;
    },
    err: (s) => {
      text += s;
    },
  });
  return { code, text };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arch-auditor-secrets-'));
  // The most verbose logging any logger here understands.
  Object.assign(process.env, {
    LOG_LEVEL: 'DEBUG',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_DEV: 'true',
    AWS_REGION: REGION,
    ALERT_TOPIC_ARN: TOPIC,
    ALERT_TOPIC_NAME: 'arch-auditor-prod-alerts',
    STATE_BUCKET_PREFIX: 'arch-auditor-prod-state',
    AUDIT_REGIONS: REGION,
  });
  delete process.env.INTENT_LOCATION;
  const capture =
    (name: string) =>
    (...args: unknown[]) => {
      console_.push(`${name}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    };
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, level).mockImplementation(capture(level));
  }
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      console_.push(String(chunk));
      return true;
    });
  }
});

afterAll(() => {
  vi.restoreAllMocks();
  process.env = saved.env;
});

/** The default product of the test account, as the Security Hub sink addresses it. */
const ASFF_CONTEXT = {
  productArn: `arn:aws:securityhub:${REGION}:123456789012:product/123456789012/default`,
  now: NOW,
};

describe('secrets never leave the collector', () => {
  it('the seeded values reach the collectors (the scan would see them)', () => {
    const raw = JSON.stringify([cfPage1, motoConfig, seededApiKeys]);
    for (const secret of SECRETS) expect(raw).toContain(secret);
  });

  it('the scan finds a secret in each encoding it claims to cover', () => {
    const bytes = Buffer.from(ORIGIN_VERIFY);
    for (const leaked of [
      `header=${ORIGIN_VERIFY.toUpperCase()}`,
      `b64=${Buffer.concat([Buffer.from('x:'), bytes]).toString('base64')}`,
      `hex=${bytes.toString('hex')}`,
      `url=${encodeURIComponent(`${ORIGIN_VERIFY}&`)}`,
      `json=${JSON.stringify({ v: JSON.stringify(ORIGIN_VERIFY) })}`,
      `cut=${ORIGIN_VERIFY.slice(0, 20)}…`,
    ]) {
      expect(() => expectNoSecret({ leaked })).toThrow();
    }
  });

  it('appear in no report, snapshot, baseline, alert, state, Lambda response or console line', async () => {
    mockAccount();
    const inventory: Inventory = await collectLive([REGION]);
    expect(inventory.errors).toEqual([]);
    expect(
      inventory.cloudfront.distributions.flatMap((d) => d.origins.flatMap((o) => o.customHeaders)),
    ).toEqual(
      expect.arrayContaining([
        { name: 'x-api-key', valueFingerprint: expect.stringMatching(/^hmac:[0-9a-f]{32}$/) },
        { name: 'X-Origin-Verify', valueFingerprint: expect.stringMatching(/^hmac:[0-9a-f]{32}$/) },
      ]),
    );
    const intent = defaultIntent();
    const report: Report = auditInventory(inventory, intent, { now: NOW });
    expect(report.findings.length).toBeGreaterThan(0);

    const snapshotFile = join(dir, 'snapshot.json');
    await writeSnapshot(snapshotFile, inventory);
    const stateFile = join(dir, 'state.json');
    const sent = await sendAlerts({
      report,
      store: new FileStateStore(stateFile),
      sns: new SNSClient({ region: REGION }),
      topicArn: TOPIC,
      now: NOW,
      remindAfterHours: 24,
    });
    expect(sent.messageIds.length).toBeGreaterThan(0);

    // The Lambda, end to end: its response and the state object it writes to S3.
    mockAccount();
    // With its HTML report on, so the page it writes to S3 is scanned too (read at cold start).
    process.env.HTML_REPORT = 'true';
    const { handler } = (await import('../../functions/audit.ts')) as unknown as {
      handler: (event: unknown, context: Context) => Promise<Report>;
    };
    const lambdaReport = await handler({ regions: [REGION] }, {
      invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:arch-auditor-prod-audit',
      awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      getRemainingTimeInMillis: () => 300_000,
    } as unknown as Context);
    delete process.env.HTML_REPORT;
    const s3Bodies = s3.commandCalls(PutObjectCommand).map((c) => String(c.args[0].input.Body));
    expect(
      s3.commandCalls(PutObjectCommand).some((c) => c.args[0].input.Key?.startsWith('arch-auditor/reports/')),
    ).toBe(true);
    // The Lambda's structured logs were captured at DEBUG, the most verbose level it has.
    const logged = console_.join('\n');
    for (const line of ['collect done', 'inventory collected', 'evaluate done', 'notify done']) {
      expect(logged).toContain(line);
    }
    expect(logged).toMatch(/"level":\s*"DEBUG"/);
    const lambdaPublished = sns.commandCalls(PublishCommand).map((c) => JSON.stringify(c.args[0].input));
    expect(s3Bodies.length).toBeGreaterThan(0);

    // The CLI, live (collecting through the mocked SDK) and from the snapshot.
    mockAccount();
    const cliRuns: Record<string, string> = {};
    const cliStateFile = join(dir, 'cli-state.json');
    for (const args of [
      ['audit', '--region', REGION, '--format', 'json', '--fail-on', 'none'],
      ['audit', '--snapshot', snapshotFile, '--format', 'text'],
      ['audit', '--snapshot', snapshotFile, '--format', 'markdown'],
      ['audit', '--snapshot', snapshotFile, '--format', 'ocsf'],
      ['audit', '--snapshot', snapshotFile, '--format', 'html'],
      ['audit', '--snapshot', snapshotFile, '--publish', '--state', cliStateFile],
      ['render', '--snapshot', snapshotFile, '--format', 'slack'],
      ['render', '--snapshot', snapshotFile, '--format', 'email'],
      ['baseline', '--snapshot', snapshotFile, '--out', join(dir, 'baseline.yaml')],
      ['snapshot', '--region', REGION, '--out', join(dir, 'cli-snapshot.json')],
    ]) {
      if (args[0] === 'snapshot' || args[0] === 'audit') mockAccount();
      const { code, text } = await cli(...args);
      expect(code, `${args.join(' ')}\n${text}`).toBeLessThan(2);
      cliRuns[`cli ${args.join(' ')}`] = text;
    }

    expectNoSecret({
      'text report': renderText(report),
      'JSON report': JSON.stringify(report),
      'markdown report': renderMarkdown(report, { exposure: exposureModel(inventory, intent) }),
      'OCSF report': renderOcsf(report),
      'HTML report': renderHtml(report, { exposure: exposureModel(inventory, intent) }),
      'Security Hub findings (ASFF)': JSON.stringify([
        ...report.findings.map((f) => activeFinding(f, report, NOW.toISOString(), ASFF_CONTEXT)),
        ...report.suppressed.map((f) => acceptedFinding(f, report, NOW.toISOString(), ASFF_CONTEXT)),
      ]),
      'inventory (in memory)': JSON.stringify(inventory),
      'snapshot file': await readFile(snapshotFile, 'utf8'),
      'baseline intent': baselineToYaml(buildBaseline(inventory, { now: NOW })),
      'slack preview': renderPreview(report, 'slack'),
      'chatbot JSON preview': renderPreview(report, 'chatbot-json'),
      'email preview': renderPreview(report, 'email'),
      'rendered alerts': JSON.stringify(sent.messages),
      'SNS PublishCommand inputs': lambdaPublished.join('\n'),
      'alert state file': await readFile(stateFile, 'utf8'),
      'Lambda response': JSON.stringify(lambdaReport),
      'S3 state object': s3Bodies.join('\n'),
      'CLI baseline file': await readFile(join(dir, 'baseline.yaml'), 'utf8'),
      'CLI snapshot file': await readFile(join(dir, 'cli-snapshot.json'), 'utf8'),
      'CLI alert state file': await readFile(cliStateFile, 'utf8'),
      ...cliRuns,
      'console and stdio': console_.join('\n'),
    });
  });

  it('stay out of every output when one distribution’s config cannot be read and another’s is', async () => {
    // Prepare: a second moto-like summary whose GetDistributionConfig is throttled; the seeded one is read.
    mockAccount();
    const unread = { ...motoSummary, Id: 'E5MOTOEXAMPLE3', DomainName: 'd555555abcdef8.cloudfront.net' };
    cloudfront
      .on(ListDistributionsCommand)
      .resolvesOnce(cfPage1)
      .resolvesOnce({
        DistributionList: {
          ...(cfPage2.DistributionList as DistributionList),
          Items: [...(cfPage2.DistributionList?.Items ?? []), unread],
        },
      });
    cloudfront.on(GetDistributionConfigCommand, { Id: 'E5MOTOEXAMPLE3' }).rejects(
      new CloudFrontServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    );
    console_.length = 0;

    // Act
    const inventory = await collectLive([REGION]);
    const report = auditInventory(inventory, defaultIntent(), { now: NOW });
    const runs: Record<string, string> = {};
    for (const format of ['json', 'text', 'markdown']) {
      mockAccount();
      cloudfront.on(GetDistributionConfigCommand, { Id: motoSummary.Id }).rejects(
        new CloudFrontServiceException({
          name: 'Throttling',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'Rate exceeded',
        }),
      );
      runs[`cli audit ${format}`] = (
        await cli('audit', '--region', REGION, '--format', format, '--fail-on', 'none')
      ).text;
    }

    // Assess: the failure names its distribution, and no header value is anywhere.
    expect(inventory.errors).toEqual([
      expect.objectContaining({ operation: 'GetDistributionConfig', resourceId: 'E5MOTOEXAMPLE3' }),
    ]);
    expect(runs['cli audit text']).toContain('ディストリビューション');
    expectNoSecret({
      'text report': renderText(report),
      'JSON report': JSON.stringify(report),
      'email preview': renderPreview(report, 'email'),
      'slack preview': renderPreview(report, 'slack'),
      'inventory (in memory)': JSON.stringify(inventory),
      ...runs,
      'console and stdio': console_.join('\n'),
    });
  });
});
