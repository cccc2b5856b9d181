import type { Writable } from 'node:stream';
import yoctoSpinner from 'yocto-spinner';
import { type ProgressListener, progressText, RunProgress } from '../app/progress.ts';
import { defaultPacer, type Pacer } from '../collect/pacing.ts';

/** A stream as the CLI sees it: a terminal or not. */
export type OutputStream = Writable & { readonly isTTY?: boolean };

/**
 * Where to show progress, if anywhere: `--progress` forces it, `--no-progress` stops it, and
 * otherwise only a terminal on stderr gets it (a pipe or a CI log stays clean).
 */
export const progressStream = (
  flag: boolean | undefined,
  stream: OutputStream | undefined,
): OutputStream | undefined => (stream !== undefined && (flag ?? stream.isTTY === true) ? stream : undefined);

/** How often a terminal's line refreshes its call count and waits between milestones. */
const REFRESH_MS = 500;

export interface ProgressDisplay {
  readonly listener: ProgressListener;
  /** Ends the display: clears a terminal's line; says the final figures once otherwise. */
  readonly stop: () => void;
}

/**
 * Progress of a live run on stderr, drawn by yocto-spinner. On a terminal one line updates in place
 * (milestones at once, counts every half second); elsewhere (`--progress` into a pipe or a CI log)
 * the spinner prints one plain line per milestone. Never writes to stdout, so `--format json` stays
 * parseable.
 */
export const startProgress = (
  stream: OutputStream,
  options: { readonly accounts?: number; readonly pacer?: Pacer } = {},
): ProgressDisplay => {
  const progress = new RunProgress({
    pacer: options.pacer ?? defaultPacer,
    ...(options.accounts !== undefined ? { accounts: options.accounts } : {}),
  });
  const spinner = yoctoSpinner({
    text: `収集中… ${progressText(progress.snapshot())}`,
    stream,
    // The CLI's own exit handling decides what a signal does; the spinner only draws.
    handleSignals: false,
  }).start();
  const refresh = stream.isTTY
    ? setInterval(() => {
        spinner.text = `収集中… ${progressText(progress.snapshot())}`;
      }, REFRESH_MS)
    : undefined;
  refresh?.unref();
  return {
    listener: (event) => {
      progress.apply(event);
      spinner.text = `収集中… ${progressText(progress.snapshot())}`;
    },
    stop: () => {
      if (refresh) clearInterval(refresh);
      spinner.stop(`収集完了: ${progressText(progress.snapshot())}`);
    },
  };
};
