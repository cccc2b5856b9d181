/**
 * `npm run bench`: audits a large synthetic account served over HTTP on 127.0.0.1 to the real SDK
 * clients (scripts/bench/server.ts speaks each service's wire protocol, adds latency and enforces the
 * documented rate limits), then prints the figures: API calls vs the minimum, wall time vs the
 * rate-limit floor, throttling errors, evaluation time, peak RSS, findings, the packaged zip size,
 * the handler's import time, and a change-triggered audit of the same account (its calls against the
 * full audit's, and the time from the change batch in to the alert out). The last line is one JSON object. Bounded: it stops itself after 5 minutes.
 * A benchmark, not a timed test: nothing here runs in `npm test`.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEADLINE_MS = 290_000;
const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|Rate exceeded|SlowDown/i;

interface Ready {
  type: 'ready';
  port: number;
  minimum: Record<string, number>;
  floorMs: number;
  counts: Record<string, number>;
}
interface Stats {
  type: 'stats';
  stats: { calls: Record<string, number>; throttled: Record<string, number>; unknown: string[] };
}

const child = fork(join(root, 'scripts/bench/serve.ts'), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const deadline = setTimeout(() => {
  process.stderr.write(`bench: stopped after ${DEADLINE_MS / 1000} s\n`);
  child.kill();
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

const nextMessage = <T>(type: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });

const ready = await nextMessage<Ready>('ready');

// Everything the SDK reaches goes to the local server: one endpoint for every service, fixed fake
// credentials, no profile files, no instance metadata.
Object.assign(process.env, {
  AWS_ENDPOINT_URL: `http://127.0.0.1:${ready.port}`,
  AWS_ACCESS_KEY_ID: 'bench-caller',
  AWS_SECRET_ACCESS_KEY: 'bench-caller-secret',
  AWS_REGION: 'ap-northeast-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: join(tmpdir(), 'arch-auditor-bench-no-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'arch-auditor-bench-no-credentials'),
});
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_ENDPOINT_URL_STS;

const { collectAccount, auditInventory } = await import('../app/audit.ts');
const { explicitAccounts } = await import('../app/accounts.ts');
const { defaultIntent } = await import('../app/intent-file.ts');
const { defaultPacer } = await import('../collect/pacing.ts');
const { BENCH_ACCOUNT, BENCH_REGION } = await import('./bench/data.ts');

const [account] = explicitAccounts([BENCH_ACCOUNT]);
const intent = defaultIntent();

const started = performance.now();
const inventory = await collectAccount({
  ...(account ? { account } : {}),
  role: { roleName: 'arch-auditor-readonly', externalId: 'bench-external-id' },
  regions: [BENCH_REGION],
});
const wallMs = Math.round(performance.now() - started);
// `--snapshot <file>` keeps the collected inventory, to profile the checks on it offline.
const snapshotArg = process.argv.indexOf('--snapshot');
if (snapshotArg > 0 && process.argv[snapshotArg + 1]) {
  const { writeSnapshot } = await import('../inventory/snapshot.ts');
  await writeSnapshot(process.argv[snapshotArg + 1] as string, inventory);
}

// Collection leaves garbage behind; collect it first so the evaluation is timed on its own.
(globalThis as { gc?: () => void }).gc?.();
const evalStart = performance.now();
const report = auditInventory(inventory, intent);
const evalMs = Math.round(performance.now() - evalStart);
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

child.send({ type: 'stats' });
const { stats } = await nextMessage<Stats>('stats');

/**
 * A change-triggered audit of the same account: a console change to one security group arrives as
 * the change queue hands it over (an SQS batch, with EventBridge's repeated delivery), and is timed
 * from the batch in to the alert out (rendered; SNS is not served here) in process. Its own pacer, as
 * a separate invocation has. The calls it makes are counted apart from the full audit's.
 */
const scopedRun = async () => {
  const { readFileSync } = await import('node:fs');
  const { parseChangeBatch } = await import('../app/changes/events.ts');
  const { runChangeAudit } = await import('../app/changes/run.ts');
  const { Pacer } = await import('../collect/pacing.ts');
  const { diffAgainstState } = await import('../notify/state.ts');
  const { renderAlerts } = await import('../notify/render.ts');
  // A group the audit has findings on, so the change is one an alert is about.
  const group =
    report.findings.find((f) => f.resource.type === 'AWS::EC2::SecurityGroup')?.resource.id ??
    inventory.ec2.securityGroups[0]?.id ??
    '';
  const sample = readFileSync(join(root, 'events/change-batch.json'), 'utf8')
    .replaceAll('sg-0a1b2c3d4e5f60001', group)
    .replaceAll('123456789012', BENCH_ACCOUNT);
  const batch = JSON.parse(sample) as { Records: unknown[] };
  // What the alert state holds after the full audit, but for the touched group's findings: those
  // are the new ones this change made.
  const before = diffAgainstState(
    { ...report, findings: report.findings.filter((f) => f.resource.id !== group) },
    undefined,
    { now: new Date(), remindAfterHours: 24 },
  ).nextState;
  let stored = { inventory, seenEventIds: [] as string[] };
  const start = performance.now();
  const events = parseChangeBatch({ Records: [batch.Records[0], batch.Records[4]] });
  const run = await runChangeAudit({
    events,
    regions: [BENCH_REGION],
    intent,
    store: {
      load: async () => ({ baseline: stored }),
      save: async (b) => {
        stored = { inventory: b.inventory ?? inventory, seenEventIds: [...b.seenEventIds] };
        return true;
      },
    },
    collect: (partsIn) =>
      collectAccount({
        ...(account ? { account } : {}),
        role: { roleName: 'arch-auditor-readonly', externalId: 'bench-external-id' },
        regions: [BENCH_REGION],
        pacer: new Pacer(),
        ...(partsIn ? { partsIn } : {}),
      }),
  });
  const scoped = run.report ?? report;
  const messages = renderAlerts({
    report: scoped,
    diff: diffAgainstState(scoped, before, { now: new Date(), remindAfterHours: 24 }),
  });
  const eventsToAlertMs = Math.round(performance.now() - start);
  const sameVerdicts =
    JSON.stringify(scoped.findings.map(({ changedBy: _, ...f }) => f)) ===
    JSON.stringify(report.findings.map(({ changedBy: _, ...f }) => f));
  return {
    mode: run.mode,
    eventsToAlertMs,
    sameVerdicts,
    alerts: messages.length,
    namesActor: messages.some((m) => m.text.includes('変更者: Mateo')),
  };
};
const scoped = await scopedRun();
child.send({ type: 'stats' });
const afterScoped = (await nextMessage<Stats>('stats')).stats;
child.send({ type: 'stop' });
const scopedCalls = Object.fromEntries(
  Object.entries(afterScoped.calls)
    .map(([k, v]) => [k, v - (stats.calls[k] ?? 0)] as const)
    .filter(([, v]) => v > 0),
);

const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const apiCalls = sum(stats.calls);
const minimumCalls = sum(ready.minimum);
const surfaced = inventory.errors.filter((e) => THROTTLING.test(`${e.code} ${e.message}`));

/** The handler as Lambda loads it: bundled like serverless-esbuild does, imported in a fresh node. */
const handlerImport = async (): Promise<{ importMs: number; bundleKb: number } | undefined> => {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'arch-auditor-bench-'));
  try {
    const outfile = join(dir, 'audit.mjs');
    await build({
      entryPoints: [join(root, 'functions/audit.ts')],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile,
      logLevel: 'silent',
      banner: {
        js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
    const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(String(performance.now() - t));`;
    const runs = Array.from({ length: 3 }, () =>
      Number(
        spawnSync(process.execPath, ['--input-type=module', '-e', script], {
          env: { ...process.env, AWS_REGION: 'ap-northeast-1' },
          encoding: 'utf8',
          timeout: 30_000,
        }).stdout,
      ),
    );
    return { importMs: Math.round(Math.min(...runs)), bundleKb: Math.round(statSync(outfile).size / 1024) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const zipKb = (() => {
  try {
    return Math.round(statSync(join(root, '.serverless/audit.zip')).size / 1024);
  } catch {
    return undefined;
  }
})();
const handler = await handlerImport().catch(() => undefined);

const pct = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const lines = [
  `synthetic account ${BENCH_ACCOUNT} (${BENCH_REGION}): ${Object.entries(ready.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}`,
  `API calls        ${apiCalls} made, ${minimumCalls} minimum pages/calls (${pct(apiCalls, minimumCalls)})`,
  ...Object.entries(stats.calls)
    .sort()
    .map(
      ([k, v]) =>
        `  ${k.padEnd(44)} ${String(v).padStart(5)}  (min ${ready.minimum[k] ?? 0}${stats.throttled[k] ? `, ${stats.throttled[k]} throttled` : ''})`,
    ),
  `wall time        ${(wallMs / 1000).toFixed(1)} s, rate-limit floor ${(ready.floorMs / 1000).toFixed(1)} s (${pct(wallMs, ready.floorMs)})`,
  `pacing waits     ${[...defaultPacer.waitedMs.entries()].map(([s, ms]) => `${s} ${(ms / 1000).toFixed(1)} s`).join(', ') || 'none'}`,
  `throttling       ${sum(stats.throttled)} throttled responses from the server, ${surfaced.length} surfacing as collection errors`,
  `collection       ${inventory.errors.length} errors${stats.unknown.length ? `; unserved: ${[...new Set(stats.unknown)].join(', ')}` : ''}`,
  `evaluation       ${evalMs} ms, ${report.findings.length} findings (${Object.entries(
    report.summary.bySeverity,
  )
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')}), complete: ${report.complete}`,
  `peak RSS         ${peakRssMb} MB (audit process; the server runs apart)`,
  `package          ${zipKb !== undefined ? `.serverless/audit.zip ${zipKb} KB` : '.serverless/audit.zip not found (run npx serverless package)'}${handler ? `; bundle ${handler.bundleKb} KB` : ''}`,
  `cold import      ${handler ? `${handler.importMs} ms to import the bundled handler` : 'not measured (bundling failed)'}`,
  `change audit     ${scoped.mode}: ${sum(scopedCalls)} API calls vs ${apiCalls} for the full audit (${pct(sum(scopedCalls), apiCalls)}): ${Object.entries(
    scopedCalls,
  )
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
  `                 events in → alert out ${(scoped.eventsToAlertMs / 1000).toFixed(1)} s in process; ${scoped.alerts} alert(s), naming the actor: ${scoped.namesActor}; verdicts equal the full audit's: ${scoped.sameVerdicts}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
process.stdout.write(
  `${JSON.stringify({
    apiCalls,
    minimumCalls,
    wallMs,
    floorMs: ready.floorMs,
    throttled: surfaced.length,
    throttledResponses: sum(stats.throttled),
    evalMs,
    peakRssMb,
    findings: report.findings.length,
    changeAudit: {
      mode: scoped.mode,
      apiCalls: sum(scopedCalls),
      eventsToAlertMs: scoped.eventsToAlertMs,
      sameVerdicts: scoped.sameVerdicts,
      namesActor: scoped.namesActor,
    },
    ...(zipKb !== undefined ? { zipKb } : {}),
    ...(handler ? { importMs: handler.importMs, bundleKb: handler.bundleKb } : {}),
  })}\n`,
);
clearTimeout(deadline);
process.exit(0);
