import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { AuthorizeSecurityGroupIngressCommand, CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';
import { runCli, runCliWithStderr } from '../fixtures/cli.ts';
import { type BuiltAccount, buildPrivateBackendAccount, REGION } from './account.ts';
import { type Moto, startMotoForSdk } from './moto.ts';

/**
 * What a person sees of a live audit, against moto through the real SDK wire protocol: security groups
 * made without a Name tag are named by their group names in every output (and a later Name tag changes
 * labels, never fingerprints); `--progress` reports regions and calls on stderr while stdout stays the
 * report alone; the text report reads JST.
 */
const captured = (): { stream: PassThrough; text: () => string } => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => {
    text += String(c);
  });
  return { stream, text: () => text };
};

describe('what a person sees, against moto', () => {
  let moto: Moto;
  let account: BuiltAccount;

  beforeAll(async () => {
    moto = await startMotoForSdk();
    account = await buildPrivateBackendAccount();
    // "Just for a test": SSH from anywhere on a group created, like most, without a Name tag.
    await new EC2Client({ region: REGION }).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: account.ecsSgId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('names an untagged security group by its group name in the report and the alerts', async () => {
    const json = JSON.parse((await runCli('audit', '--region', REGION, '--format', 'json')).out) as Report;
    const world = json.findings.find((f) => f.checkId === 'sg.world-ingress');
    expect(world?.resource).toMatchObject({ id: account.ecsSgId, name: 'prod-ecs-sg' });
    const named = `prod-ecs-sg (${account.ecsSgId})`;
    const text = (await runCli('audit', '--region', REGION)).out;
    expect(text).toContain(`セキュリティグループ ${named} のインバウンドルール`);
    expect(text).toMatch(/実行日時: \d{4}-\d\d-\d\d \d\d:\d\d( 〜 \d\d:\d\d)? JST/);
    expect((await runCli('render', '--region', REGION, '--format', 'slack')).out).toContain(named);
    expect((await runCli('render', '--region', REGION, '--format', 'email')).out).toContain(named);

    // A Name tag added later wins for the label; the finding keeps its fingerprint.
    await new EC2Client({ region: REGION }).send(
      new CreateTagsCommand({ Resources: [account.ecsSgId], Tags: [{ Key: 'Name', Value: 'orders-ecs' }] }),
    );
    const tagged = JSON.parse((await runCli('audit', '--region', REGION, '--format', 'json')).out) as Report;
    const again = tagged.findings.find((f) => f.checkId === 'sg.world-ingress');
    expect(again?.resource.name).toBe('orders-ecs');
    expect(again?.fingerprint).toBe(world?.fingerprint);
    expect(tagged.findings.map((f) => f.fingerprint).sort()).toEqual(
      json.findings.map((f) => f.fingerprint).sort(),
    );
  });

  it('shows progress on stderr with --progress, and stdout stays parseable JSON', async () => {
    const err = captured();
    const run = await runCliWithStderr(
      err.stream,
      'audit',
      '--region',
      REGION,
      '--format',
      'json',
      '--progress',
    );
    const report = JSON.parse(run.out) as Report;
    expect(report.findings.length).toBeGreaterThan(0);
    const final = err.text().trim().split('\n').at(-1) ?? '';
    // One region and CloudFront's global collection, every call counted (EC2, ELBv2, API Gateway, CloudFront, STS).
    expect(final).toMatch(
      /^収集完了: リージョン 2\/2・API 呼び出し (\d[\d,]*) 回・レート制限待ち .+・経過 .+$/,
    );
    const calls = Number(/API 呼び出し ([\d,]+) 回/.exec(final)?.[1]?.replace(/,/g, ''));
    expect(calls).toBeGreaterThan(20);
    expect(err.text()).toContain('リージョン 1/2');
    expect(run.out).not.toContain('収集');
  });

  it.skipIf(!existsSync('/usr/bin/script'))(
    'draws progress in place when stderr is a terminal, with the report alone on stdout',
    { timeout: 90_000 },
    async () => {
      // A real pty on stderr (util-linux script); stdout redirected to a file, as `> report.json` does.
      const dir = await mkdtemp(join(tmpdir(), 'arch-auditor-tty-'));
      const file = join(dir, 'report.json');
      const bin = join(import.meta.dirname, '../../bin/arch-auditor.js');
      const command = `'${process.execPath}' '${bin}' audit --region ${REGION} --format json > '${file}' || true`; // exit 1: findings
      const { stdout: terminal } = await promisify(execFile)(
        '/usr/bin/script',
        ['-qfec', command, '/dev/null'],
        {
          // A person's terminal, not CI's: the spinner draws in place only when CI is unset.
          env: { ...withoutCi(process.env), TERM: 'xterm-256color' },
        },
      );
      expect(terminal).toContain('収集中… リージョン');
      expect(terminal).toContain('収集完了: リージョン 2/2');
      expect(terminal).toContain('\u001b[1G\u001b[0K'); // the line is redrawn in place, not appended
      const report = JSON.parse(await readFile(file, 'utf8')) as Report;
      expect(report.findings.length).toBeGreaterThan(0);
    },
  );

  it('shows nothing when stderr is not a terminal and --progress is not given', async () => {
    const err = captured();
    const run = await runCliWithStderr(err.stream, 'audit', '--region', REGION, '--format', 'json');
    expect(JSON.parse(run.out).findings.length).toBeGreaterThan(0);
    expect(err.text()).toBe('');
    expect(run.err).toBe('');
  });
});

const withoutCi = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const { CI: _ci, ...rest } = env;
  return rest;
};
