import type { Pacer } from '../collect/pacing.ts';
import { formatDuration } from '../report/time.ts';

/**
 * Milestones of a live run, for the people (and logs) waiting on a long `--org --all-regions` audit.
 * Collection emits them; the CLI draws them on stderr (cli/progress.ts) and the Lambda logs them as
 * JSON lines (app/log.ts). They carry account ids, region names and counts only.
 *
 * A "region" here is one unit of collection: each audited region, plus `global` (CloudFront) once per
 * account.
 */
export type ProgressEvent =
  /** The account's regions are known (after DescribeRegions for `--all-regions`). */
  | { readonly type: 'regions-listed'; readonly account: string; readonly regions: readonly string[] }
  | { readonly type: 'region-collected'; readonly account: string; readonly region: string }
  /** The account is collected and evaluated. */
  | { readonly type: 'account-done'; readonly account: string };

export type ProgressListener = (event: ProgressEvent) => void;

/** Where the run stands: what is done, of how much, and what the rate limits cost so far. */
export interface ProgressSnapshot {
  readonly accounts: { readonly done: number; readonly total?: number };
  readonly regions: { readonly done: number; readonly total: number };
  /** AWS API attempts made (retries included). */
  readonly calls: number;
  /** Time callers spent waiting for a rate-limit token, added over every call (calls wait at once). */
  readonly rateLimitWaitMs: number;
  readonly elapsedMs: number;
}

const waited = (pacer: Pacer | undefined): number =>
  pacer ? [...pacer.waitedMs.values()].reduce((a, b) => a + b, 0) : 0;

/** The label collection uses for the caller's own account before STS has named it. */
export const OWN_ACCOUNT = 'self';

/**
 * Counts milestones. Totals grow as accounts list their regions, so `regions.total` is what is known
 * so far; `accounts.total` is known up front when the caller listed the accounts.
 */
export class RunProgress {
  private readonly regionsTotal = new Map<string, number>();
  private regionsDone = 0;
  private accountsDone = 0;
  private readonly started: number;
  /** The pacer's figures when this run began: a warm Lambda's pacer has counted earlier runs too. */
  private readonly before: { readonly calls: number; readonly waitedMs: number };

  constructor(
    private readonly options: {
      readonly accounts?: number;
      readonly pacer?: Pacer;
      readonly now?: () => number;
    } = {},
  ) {
    this.started = (options.now ?? Date.now)();
    this.before = { calls: options.pacer?.calls ?? 0, waitedMs: waited(options.pacer) };
  }

  readonly apply: ProgressListener = (event) => {
    if (event.type === 'regions-listed') this.regionsTotal.set(event.account, event.regions.length);
    else if (event.type === 'region-collected') this.regionsDone += 1;
    else this.accountsDone += 1;
  };

  snapshot(): ProgressSnapshot {
    const pacer = this.options.pacer;
    return {
      accounts: {
        done: this.accountsDone,
        ...(this.options.accounts !== undefined ? { total: this.options.accounts } : {}),
      },
      regions: { done: this.regionsDone, total: [...this.regionsTotal.values()].reduce((a, b) => a + b, 0) },
      calls: (pacer?.calls ?? 0) - this.before.calls,
      rateLimitWaitMs: waited(pacer) - this.before.waitedMs,
      elapsedMs: (this.options.now ?? Date.now)() - this.started,
    };
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

/** One line, Japanese (the accounts part only when several are audited): `アカウント 2/5・リージョン 31/85・API 呼び出し 1,234 回・レート制限待ち 12.3 秒・経過 1 分 05 秒`. */
export const progressText = (s: ProgressSnapshot): string =>
  [
    // A run of the caller's own account only has no account count to show.
    ...(s.accounts.total !== undefined ? [`アカウント ${s.accounts.done}/${s.accounts.total}`] : []),
    `リージョン ${s.regions.done}/${s.regions.total}`,
    `API 呼び出し ${count(s.calls)} 回`,
    `レート制限待ち ${formatDuration(s.rateLimitWaitMs)}`,
    `経過 ${formatDuration(s.elapsedMs)}`,
  ].join('・');
