import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { progressText, RunProgress } from '../../app/progress.ts';
import { progressStream, startProgress } from '../../cli/progress.ts';
import { Pacer } from '../../collect/pacing.ts';
import { type Paint, renderText } from '../../report/text.ts';
import { demoReportWithException } from '../fixtures/reports.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/arch-auditor.js');
const ESC = '\u001b[';
/** util-linux `script` gives the CLI a real terminal (a pty) on stdout and stderr. */
const SCRIPT = '/usr/bin/script';
const hasScript = existsSync(SCRIPT);
if (!hasScript) console.log('skipped: the terminal tests need util-linux script(1) for a pty');

/** The CLI as a person runs it: in a terminal (pty) or with its output piped, with this environment. */
const demo = async (how: 'terminal' | 'pipe', env: Record<string, string> = {}, ...extra: string[]) => {
  const args = [BIN, 'audit', '--demo', '--fail-on', 'none', ...extra];
  // A person's terminal, not CI's: Node and the spinner turn colour and redrawing off when CI is set.
  const environment: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '', FORCE_COLOR: '', CI: '', ...env };
  for (const [k, v] of Object.entries(environment)) if (v === '') delete environment[k];
  if (how === 'pipe') return (await run(process.execPath, args, { env: environment })).stdout;
  const command = [process.execPath, ...args].map((a) => `'${a}'`).join(' ');
  return (
    await run(SCRIPT, ['-qfec', command, '/dev/null'], { env: { ...environment, TERM: 'xterm-256color' } })
  ).stdout;
};

describe.skipIf(!hasScript)('colour where it helps (a real terminal)', { timeout: 90_000 }, () => {
  it('colours the severity headings on a terminal', async () => {
    const out = await demo('terminal');
    expect(out).toContain(`${ESC}1m${ESC}31m■ 緊急（4 件）`);
    expect(out).toContain(`${ESC}1m${ESC}33m■ 高（6 件）`);
  });

  it('writes no escape code on a terminal with NO_COLOR, or into a pipe', async () => {
    expect(await demo('terminal', { NO_COLOR: '1' })).not.toContain(ESC);
    const piped = await demo('pipe');
    expect(piped).not.toContain(ESC);
    expect(piped).toContain('■ 緊急（4 件）');
  });

  it('colours a pipe with FORCE_COLOR, and never touches JSON', async () => {
    expect(await demo('pipe', { FORCE_COLOR: '1' })).toContain(`${ESC}1m${ESC}31m■ 緊急`);
    const json = await demo('terminal', {}, '--format', 'json');
    expect(json).not.toContain(ESC);
    expect(JSON.parse(json).findings.length).toBe(12);
  });
});

describe('new and recovered marks (audit --publish)', () => {
  /** Marks each coloured span, so the test sees what is coloured and how. */
  const paint: Paint = (style, text) => `<${style}>${text}</${style}>`;

  it('marks new findings and lists recovered ones, coloured; nothing when not publishing', () => {
    const report = demoReportWithException();
    const first = report.findings[0];
    if (!first) throw new Error('the demo has findings');
    const text = renderText(report, {
      paint,
      alerts: {
        newFingerprints: new Set([first.fingerprint]),
        recovered: [
          {
            checkId: 'sg.world-ingress',
            title: 'セキュリティグループがインターネット全体からの通信を許可しています',
            severity: 'critical',
            resource: {
              type: 'AWS::EC2::SecurityGroup',
              id: 'sg-0d51',
              name: 'launch-wizard-3',
              region: 'ap-northeast-1',
            },
          },
        ],
      },
    });
    expect(text.match(/<new>\[新規\]<\/new>/g)).toHaveLength(1);
    expect(text).toContain('通知: <new>新規 1 件</new>・<recovered>復旧 1 件</recovered>');
    expect(text).toContain('<recovered>■ 復旧（1 件）</recovered>');
    expect(text).toContain('<recovered>[復旧]</recovered> [緊急] sg.world-ingress');
    expect(text).toContain('launch-wizard-3 (sg-0d51)');
    expect(text).toContain('<critical>■ 緊急（');
    const plain = renderText(report);
    expect(plain).not.toContain('新規');
    expect(plain).not.toContain('復旧');
    expect(plain).not.toContain('<');
  });
});

describe('progress (app/progress.ts, cli/progress.ts)', () => {
  it('counts regions, accounts, calls and rate-limit waits of this run only', async () => {
    let now = 0;
    const pacer = new Pacer(
      { ec2: { buckets: [{ name: 'd', spec: { ratePerSecond: 1, burst: 3 }, appliesTo: () => true }] } },
      () => now,
      async () => {},
    );
    await pacer.acquire('ec2', 'self', 'r', 'DescribeVpcs'); // an earlier run's call
    const progress = new RunProgress({ accounts: 2, pacer, now: () => now });
    progress.apply({
      type: 'regions-listed',
      account: '111122223333',
      regions: ['ap-northeast-1', 'global'],
    });
    progress.apply({
      type: 'regions-listed',
      account: '444455556666',
      regions: ['ap-northeast-1', 'global'],
    });
    for (let i = 0; i < 3; i++) await pacer.acquire('ec2', 'self', 'r', 'DescribeVpcs');
    await pacer.acquire('cloudfront', 'self', 'global', 'ListDistributions');
    progress.apply({ type: 'region-collected', account: '111122223333', region: 'ap-northeast-1' });
    progress.apply({ type: 'region-collected', account: '111122223333', region: 'global' });
    progress.apply({ type: 'account-done', account: '111122223333' });
    now = 65_000;
    const s = progress.snapshot();
    expect(s).toMatchObject({ accounts: { done: 1, total: 2 }, regions: { done: 2, total: 4 }, calls: 4 });
    // Burst 2 (3 less the headroom) at 0.95/s, one token spent before: this run's 2nd and 3rd calls
    // waited one and two refills.
    expect(s.rateLimitWaitMs).toBeCloseTo(((1 + 2) / 0.95) * 1000);
    expect(progressText(s)).toBe(
      'アカウント 1/2・リージョン 2/4・API 呼び出し 4 回・レート制限待ち 3.2 秒・経過 1 分 05 秒',
    );
  });

  it('shows progress on a terminal or with --progress, never otherwise', () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    expect(progressStream(undefined, terminal)).toBe(terminal);
    expect(progressStream(false, terminal)).toBeUndefined();
    expect(progressStream(undefined, pipe)).toBeUndefined();
    expect(progressStream(true, pipe)).toBe(pipe);
    expect(progressStream(true, undefined)).toBeUndefined();
  });

  it('writes plain milestone lines into a pipe with --progress', () => {
    const pipe = new PassThrough();
    let written = '';
    pipe.on('data', (c) => {
      written += String(c);
    });
    const display = startProgress(pipe, { accounts: 1, pacer: new Pacer() });
    display.listener({ type: 'regions-listed', account: 'self', regions: ['ap-northeast-1', 'global'] });
    display.listener({ type: 'region-collected', account: 'self', region: 'ap-northeast-1' });
    display.stop();
    expect(written).toContain('リージョン 1/2');
    expect(written).toContain('収集完了: アカウント 0/1・リージョン 1/2');
    expect(written).not.toContain(`${ESC}0K`);
  });
});
