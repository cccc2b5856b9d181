import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
} from '@aws-sdk/client-ec2';
import { EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';
import { runCli } from '../fixtures/cli.ts';
import { type BuiltAccount, buildPrivateBackendAccount, REGION } from './account.ts';
import { type Moto, startMotoForSdk } from './moto.ts';

/**
 * A first-time user following the README against moto: every command of "Auditing a real account",
 * then the mistakes a newcomer makes. Nothing may fall back silently, print a stack trace, or put
 * English into a Japanese sentence.
 */

const STACK = /\n\s+at .+:\d+:\d+/;
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
/** English function words: two English words in a row with one of these is an English phrase. */
const ENGLISH_WORDS = new Set(
  'from to rule rules allow allowed deny denied and or the of in is are not with via for failed error return inbound outbound only none missing added removed you your this that be was were by on at'.split(
    ' ',
  ),
);

/**
 * English phrases in the Japanese lines of `text`. Raw AWS text quoted in 「」, code spans and URLs are
 * left out; identifiers (anything with a digit or a symbol: sg-…, 0.0.0.0/0, internet-facing) count
 * as one neutral word X, so 'rule 100 tcp 22' still reads as a phrase; a single technical word
 * (Allow 文, the intent's `from` key) is not one.
 */
const englishInJapanese = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => JAPANESE.test(line))
    .flatMap((line) => {
      const words = line
        .replace(/「[^」]*」/g, ' 。 ')
        .replace(/`[^`]*`/g, ' X ')
        .replace(/https?:\/\/\S+/g, ' X ')
        .replace(/[^\x21-\x7e]+/g, (run) => (/^\s+$/.test(run) ? ' ' : ' 。 '))
        .split(/\s+/)
        .map((w) => (w === '。' || /^[A-Za-z]+$/.test(w) ? w : w === '' ? w : 'X'));
      const phrases = words
        .join(' ')
        .split('。')
        .map((p) => p.trim())
        .filter((p) => p.split(/\s+/).length >= 2 && p.split(/\s+/).some((w) => ENGLISH_WORDS.has(w)));
      return phrases.map((p) => `${p}  ←  ${line.trim().slice(0, 160)}`);
    });

/** What every command of the walkthrough must hold to, whatever it prints. */
const expectReadable = (result: { code: number; out: string; err: string }, context: string) => {
  expect(STACK.test(result.out) || STACK.test(result.err), `${context}: stack trace`).toBe(false);
  expect(englishInJapanese(`${result.out}\n${result.err}`), `${context}: English in Japanese`).toEqual([]);
};

/** A usage error: exit 2, the flag named, and nothing printed as if a run had happened. */
const expectRefused = (result: { code: number; out: string; err: string }, ...words: string[]) => {
  expect(result.code, result.err).toBe(2);
  for (const word of words) expect(result.err).toContain(word);
  expect(result.out).toBe('');
  expect(STACK.test(result.err)).toBe(false);
};

describe('the English detector of this walkthrough', () => {
  it('flags the wording the first run met, and passes identifiers, quoted AWS text and single terms', () => {
    expect(englishInJapanese('acl-0abc（rule 100 tcp 22 許可、戻り rule 100 許可）')).not.toEqual([]);
    expect(englishInJapanese('現在の状態: + in tcp 22 from 0.0.0.0/0')).not.toEqual([]);
    expect(
      englishInJapanese('失敗しました: UnauthorizedOperation: You are not authorized to perform this'),
    ).toHaveLength(1);
    expect(
      englishInJapanese(
        'prod-ecs-sg (sg-0abc)（0.0.0.0/0 から tcp 22 を許可）、Allow 文、チェーンの from、詳細: 「You are not authorized」',
      ),
    ).toEqual([]);
  });
});

describe('a first run, following the README against moto', () => {
  let moto: Moto;
  let dir: string;
  let intent: string;
  let account: BuiltAccount;

  beforeAll(async () => {
    moto = await startMotoForSdk({ unset: ['ALERT_TOPIC_ARN'] });
    account = await buildPrivateBackendAccount();
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-first-run-'));
    intent = join(dir, 'intent.yaml');
  });

  afterAll(async () => {
    await moto?.stop();
  });

  describe('the README commands', () => {
    it('audit --region: the built-in principles, in Japanese', async () => {
      const result = await runCli('audit', '--region', REGION);
      expect([0, 1]).toContain(result.code);
      expect(result.out).toContain('arch-auditor 監査結果');
      expectReadable(result, 'audit --region');
    });

    it('baseline --out, then audit --intent --format json', async () => {
      const baseline = await runCli('baseline', '--out', intent, '--region', REGION);
      expect(baseline.code).toBe(0);
      expectReadable(baseline, 'baseline');
      const result = await runCli('audit', '--intent', intent, '--format', 'json');
      const report = JSON.parse(result.out) as Report;
      expect(report.regions).toEqual([REGION]);
      // moto's GetExport gap (see audit.e2e.test.ts) is the only thing not read, and it says why.
      expect(report.errors.map((e) => e.operation)).toEqual(['GetExport']);
      const text = report.findings.flatMap((f) => [f.message, f.remediation ?? '']).join('\n');
      expect(englishInJapanese(text)).toEqual([]);
      expect(report.errors.every((e) => !e.message.includes('\n'))).toBe(true);
    });

    it('snapshot --out, then audit --snapshot --intent offline', async () => {
      const snapshot = join(dir, 'snap.json');
      expect((await runCli('snapshot', '--out', snapshot, '--region', REGION)).code).toBe(1);
      const result = await runCli('audit', '--snapshot', snapshot, '--intent', intent);
      expect(result.out).toContain('arch-auditor 監査結果');
      expectReadable(result, 'audit --snapshot');
    });

    it('audit --format markdown and --format ocsf', async () => {
      const markdown = await runCli('audit', '--intent', intent, '--format', 'markdown');
      expectReadable(markdown, 'markdown');
      const ocsf = await runCli('audit', '--intent', intent, '--format', 'ocsf');
      expect(ocsf.out.trim().split('\n').length).toBeGreaterThan(0);
      expectReadable(ocsf, 'ocsf');
    });

    it('render --format slack prints the message as Slack shows it; chatbot-json the JSON', async () => {
      const slack = await runCli('render', '--intent', intent, '--format', 'slack');
      expect(slack.code).toBe(0);
      expect(slack.out).toMatch(/^\*.*\[arch-auditor\]/);
      expect(slack.out).not.toContain('"textType"');
      expectReadable(slack, 'render slack');
      const json = await runCli('render', '--intent', intent, '--format', 'chatbot-json');
      expect(JSON.parse(json.out.split(/\n\n(?=\{)/)[0] ?? '')).toMatchObject({ source: 'custom' });
      const email = await runCli('render', '--intent', intent, '--format', 'email');
      expect(email.out.split('\n')[0]).toMatch(/^Subject: [\x20-\x7e]{1,99}$/);
      expectReadable(email, 'render email');
    });

    it('after a drift ("just for a test": SSH from anywhere, a route to the IGW), every form still reads as Japanese', async () => {
      const ec2 = new EC2Client({ region: REGION });
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: account.ecsSgId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: account.ingressRouteTableId,
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: account.igwId,
        }),
      );
      await ec2.send(
        new ModifySubnetAttributeCommand({
          SubnetId: account.subnetIds[0],
          MapPublicIpOnLaunch: { Value: true },
        }),
      );
      const text = await runCli('audit', '--intent', intent);
      expect(text.code).toBe(1);
      expect(text.out).toContain('sg.world-ingress');
      expect(text.out).toContain('リモート管理用のポート（SSH 22）');
      expectReadable(text, 'drifted audit');
      for (const format of ['markdown', 'ocsf']) {
        expectReadable(await runCli('audit', '--intent', intent, '--format', format), `drifted ${format}`);
      }
      for (const format of ['slack', 'email']) {
        expectReadable(
          await runCli('render', '--intent', intent, '--format', format),
          `drifted render ${format}`,
        );
      }
    });

    it('ALERT_TOPIC_ARN=… audit --publish sends to the topic and keeps its state', async () => {
      const sns = new SNSClient({ region: REGION });
      const topic = await sns.send(new CreateTopicCommand({ Name: 'arch-auditor-first-run' }));
      process.env.ALERT_TOPIC_ARN = topic.TopicArn;
      try {
        const result = await runCli(
          'audit',
          '--intent',
          intent,
          '--publish',
          '--state',
          join(dir, 'state.json'),
        );
        expect(result.err).toContain(`published 1 alert message(s) to ${topic.TopicArn}`);
        expect(await readFile(join(dir, 'state.json'), 'utf8')).toContain('"findings"');
        expectReadable(result, 'publish');
      } finally {
        delete process.env.ALERT_TOPIC_ARN;
      }
    });

    it('audit --security-hub imports the findings and says so', async () => {
      await new SecurityHubClient({ region: REGION }).send(new EnableSecurityHubCommand({}));
      const result = await runCli(
        'audit',
        '--intent',
        intent,
        '--security-hub',
        '--security-hub-state',
        join(dir, 'securityhub.json'),
      );
      expect([0, 1]).toContain(result.code);
      expect(result.err).toMatch(/Security Hub: [1-9]\d* finding\(s\) imported/);
      expectReadable(result, 'security-hub');
    });

    it('audit --skip-region names the region left out by design, in Japanese', async () => {
      const result = await runCli(
        'audit',
        '--intent',
        intent,
        '--region',
        REGION,
        '--region',
        'eu-west-1',
        '--skip-region',
        'eu-west-1',
      );
      expect([0, 1]).toContain(result.code);
      expect(result.out).toContain('拒否を宣言済みのため監査対象外のリージョン: eu-west-1（--skip-region）');
      expectReadable(result, 'skip-region');
    });
  });

  describe('the mistakes of a first run are refused before anything is collected', () => {
    it('--intents without --account or --org', async () => {
      expectRefused(await runCli('audit', '--intents', intent), '--intents', '--account or --org');
    });

    it('--org-ou without --org, and --org-ou that is not an OU id', async () => {
      expectRefused(await runCli('audit', '--org-ou', 'ou-ab12-11111111'), '--org-ou', 'needs --org');
      expectRefused(
        await runCli('audit', '--org', '--org-ou', 'foo', '--role-name', 'r'),
        '--org-ou',
        "'foo'",
      );
    });

    it('--role-name or --external-id alone', async () => {
      expectRefused(await runCli('audit', '--role-name', 'arch-auditor-readonly'), '--role-name');
      expectRefused(await runCli('audit', '--external-id', 'x'), '--external-id');
    });

    it('--publish without ALERT_TOPIC_ARN, or with something that is not a topic ARN', async () => {
      expectRefused(await runCli('audit', '--intent', intent, '--publish'), 'ALERT_TOPIC_ARN');
      process.env.ALERT_TOPIC_ARN = 'arch-auditor-alerts';
      try {
        expectRefused(
          await runCli('audit', '--intent', intent, '--publish'),
          'ALERT_TOPIC_ARN',
          'SNS topic ARN',
        );
      } finally {
        delete process.env.ALERT_TOPIC_ARN;
      }
    });

    it('an exception for a mistyped check id', async () => {
      const typo = join(dir, 'typo.yaml');
      await writeFile(
        typo,
        `version: 1\nprofile: private-backend\nregions: [${REGION}]\nexceptions:\n  - check: sg.default-has-rule\n    resource: '*'\n    reason: 検証\n`,
      );
      const result = await runCli('audit', '--intent', typo);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(
        /exceptions\[0\]\.check \(line 5\): unknown check id sg\.default-has-rule: did you mean sg\.default-has-rules\?/,
      );
      expect(result.out).toBe('');
    });

    it('two intents that both apply to every account', async () => {
      const other = join(dir, 'other.yaml');
      await writeFile(other, `version: 1\nprofile: classic\nregions: [${REGION}]\n`);
      const args = ['audit', '--account', '111122223333', '--role-name', 'r', '--intents'];
      expectRefused(await runCli(...args, intent, other), intent, other);
      expectRefused(await runCli(...args, other, intent), intent, other);
    });
  });

  describe('an endpoint that is not AWS', () => {
    let server: Server;
    let endpoint: string;

    beforeAll(async () => {
      // What a proxy or a mistyped AWS_ENDPOINT_URL answers: an HTML error page.
      server = createServer((_, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end(
          '<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n',
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is an incomplete audit whose findings say so in one line of Japanese, not "check AccessDenied"', async () => {
      process.env.AWS_ENDPOINT_URL = endpoint;
      try {
        const result = await runCli('audit', '--region', REGION, '--format', 'json');
        expect(result.code).toBe(1);
        const report = JSON.parse(result.out) as Report;
        expect(report.complete).toBe(false);
        const incomplete = report.findings.filter((f) => f.checkId === 'audit.incomplete');
        expect(incomplete.length).toBeGreaterThan(0);
        for (const finding of incomplete) {
          expect(finding.message).not.toContain('\n');
          expect(finding.message).toContain('AWS 以外からの応答');
          expect(finding.remediation).toContain('AWS_ENDPOINT_URL');
          expect(finding.remediation).not.toContain('AccessDenied');
        }
        const text = await runCli('audit', '--region', REGION);
        expectReadable(text, 'non-AWS endpoint');
      } finally {
        process.env.AWS_ENDPOINT_URL = moto.endpoint;
      }
    });
  });
});
