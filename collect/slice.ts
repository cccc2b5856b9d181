import type { PaginationConfiguration } from '@smithy/types';
import { oneLineMessage } from '../inventory/failure-cause.ts';
import type { CollectionError, ItemType, SliceName } from '../inventory/types.ts';

/**
 * The outcome of collecting one slice: its items, or the error that kept them from us. A slice whose
 * response held malformed items is `ok` with the well-formed ones and an `error` naming what was
 * dropped: partial, never silently short.
 */
export type SliceResult<T> =
  | { readonly ok: true; readonly items: T; readonly error?: CollectionError }
  | { readonly ok: false; readonly error: CollectionError };

export interface CallSite {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  /** Slices left missing or partial when this call fails. */
  readonly slices: readonly SliceName[];
  /**
   * The one resource a per-item call is about, and its type: when the call fails, each check is blind
   * only as far as that resource's data reaches into its findings (evaluate/unseen.ts).
   */
  readonly resourceId?: string;
  readonly resourceType?: ItemType;
}

/** What every collector passes down to its AWS calls. */
export interface CollectContext {
  /**
   * Aborted at the run's deadline (the Lambda's remaining time less a margin): calls in flight are
   * cancelled, calls not yet made are not made, and each becomes a DeadlineExceeded error.
   */
  readonly signal?: AbortSignal;
}

/** Error codes this code assigns itself (the others are AWS's or Node's own). */
export const COLLECT_CODES = {
  deadline: 'DeadlineExceeded',
  malformed: 'MalformedResponse',
  paginationLoop: 'PaginationLoop',
  paginationLimit: 'PaginationLimitExceeded',
} as const;

/** An error of ours with an AWS-style `name` as its code. */
export const collectFailure = (code: string, message: string): Error =>
  Object.assign(new Error(message), { name: code });

/** The response lacked something every real response has: the call's data cannot be trusted. */
export const malformed = (message: string): Error => collectFailure(COLLECT_CODES.malformed, message);

/** Node's socket errors (ECONNRESET, ETIMEDOUT, ...) are plain `Error`s whose `code` says what happened. */
const GENERIC_NAMES = new Set(['Error', 'TypeError', 'RangeError']);

/** Turns any thrown SDK error into the report's error shape, keeping the AWS error code. */
export const toCollectionError = (site: CallSite, error: unknown): CollectionError => {
  const e = error as { name?: string; Code?: string; code?: string; message?: string };
  const name = e?.name && !GENERIC_NAMES.has(e.name) ? e.name : undefined;
  const code = e?.Code ?? name ?? (typeof e?.code === 'string' ? e.code : undefined) ?? 'UnknownError';
  return {
    service: site.service,
    operation: site.operation,
    region: site.region,
    code,
    message: oneLineMessage(e?.message || String(error)),
    slices: site.slices,
    ...(site.resourceId !== undefined ? { resourceId: site.resourceId } : {}),
    ...(site.resourceType !== undefined ? { resourceType: site.resourceType } : {}),
  };
};

const deadlineError = (site: CallSite): CollectionError => ({
  ...site,
  code: COLLECT_CODES.deadline,
  message:
    'The run reached its deadline before this call finished; collection stopped to publish what it had',
});

/** Settles with `promise`, or rejects as soon as `signal` aborts (a call that ignores the signal is left behind). */
const untilAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> => {
  // An abandoned call may still reject later: that rejection is expected, not unhandled.
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
};

/** Screens a response's items before they are normalized; see `collectSlice`. */
export interface SliceTools {
  /**
   * Keeps the items that are objects holding every `required` field and that `normalize` accepts.
   * Each other item (a null, an item without its id, an item the normalizer throws on) is dropped and
   * counted: the slice is then reported as partial (MalformedResponse), never silently short.
   */
  wellFormed<I extends object, O = I>(
    items: readonly (I | null | undefined)[] | undefined,
    required: readonly (keyof I & string)[],
    normalize?: (item: I) => O,
  ): O[];
}

const createTools = (site: CallSite) => {
  const problems = new Map<string, number>();
  const note = (problem: string) => problems.set(problem, (problems.get(problem) ?? 0) + 1);
  const tools: SliceTools = {
    wellFormed: <I extends object, O = I>(
      items: readonly (I | null | undefined)[] | undefined,
      required: readonly (keyof I & string)[],
      normalize?: (item: I) => O,
    ): O[] => {
      const kept: O[] = [];
      for (const item of items ?? []) {
        if (item === null || typeof item !== 'object') {
          note('null item');
          continue;
        }
        const missing = required.filter((field) => item[field] === undefined || item[field] === null);
        if (missing.length > 0) {
          note(`item without ${missing.join(', ')}`);
          continue;
        }
        try {
          kept.push(normalize ? normalize(item) : (item as unknown as O));
        } catch (error) {
          note(`item not normalizable (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      return kept;
    },
  };
  const error = (): CollectionError | undefined =>
    problems.size === 0
      ? undefined
      : {
          ...site,
          code: COLLECT_CODES.malformed,
          message: `Dropped malformed items: ${[...problems].map(([p, n]) => `${n} × ${p}`).join('; ')}`,
        };
  return { tools, error };
};

/**
 * Runs one collection step and never lets it throw: the failure is recorded against its slices so
 * the engine can mark dependent checks incomplete while every other check still runs. This includes
 * a normalizer that throws inside `fetch` and the run's deadline (`context.signal`).
 */
export const collectSlice = async <T>(
  site: CallSite,
  fetch: (tools: SliceTools) => Promise<T>,
  context: CollectContext = {},
): Promise<SliceResult<T>> => {
  const { signal } = context;
  if (signal?.aborted) return { ok: false, error: deadlineError(site) };
  const { tools, error } = createTools(site);
  try {
    const items = await (signal ? untilAborted(fetch(tools), signal) : fetch(tools));
    const partial = error();
    return partial ? { ok: true, items, error: partial } : { ok: true, items };
  } catch (thrown) {
    return { ok: false, error: signal?.aborted ? deadlineError(site) : toCollectionError(site, thrown) };
  }
};

/**
 * Runs a pure normalizer on data shaped unlike any response we know (a null deep inside an item): its
 * TypeError becomes MalformedResponse, so the slice is reported unreadable instead of the run crashing.
 */
export const normalizing = <T>(what: string, normalize: () => T): T => {
  try {
    return normalize();
  } catch (error) {
    throw malformed(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** Errors of several slice results, partial ones included. */
export const errorsOf = (results: readonly SliceResult<unknown>[]): CollectionError[] =>
  results.flatMap((r) => (r.error ? [r.error] : []));

/**
 * The most pages one listing may take. Far above any real account (2,000 pages of 100 to 1,000 items),
 * it only stops a service that keeps handing out new tokens for empty pages.
 */
export const MAX_PAGES = 2000;

/**
 * Paginator configuration that refuses to loop. The SDK paginator follows the next token for as long
 * as one comes back (its `stopOnSameToken` would stop silently, truncating the list), so a service
 * that repeats a token would be asked the same page forever. The same request twice is refused as a
 * PaginationLoop, and more than MAX_PAGES pages as PaginationLimitExceeded: the slice is then reported
 * incomplete instead of hanging the run.
 */
export const pagingGuard = <C extends PaginationConfiguration>(config: C): C => {
  const seen = new Set<string>();
  return {
    ...config,
    withCommand: (command) => {
      const request = JSON.stringify(command.input);
      if (seen.has(request)) {
        throw collectFailure(
          COLLECT_CODES.paginationLoop,
          `The service returned a next-page token it had already returned; stopped after ${seen.size} pages`,
        );
      }
      if (seen.size >= MAX_PAGES) {
        throw collectFailure(COLLECT_CODES.paginationLimit, `More than ${MAX_PAGES} pages; stopped listing`);
      }
      seen.add(request);
      return command;
    },
  };
};

/** The per-call options (`client.send(command, options)`, a paginator's third argument) of a context. */
export const callOptions = (context: CollectContext): { abortSignal?: AbortSignal } =>
  context.signal ? { abortSignal: context.signal } : {};

/** Drains an SDK paginator (`paginateX(...)`) into one array. */
export const drain = async <Page, Item>(
  pages: AsyncIterable<Page>,
  pick: (page: Page) => readonly Item[] | undefined,
): Promise<Item[]> => {
  const items: Item[] = [];
  for await (const page of pages) items.push(...(pick(page) ?? []));
  return items;
};

/** Sorts tags into a plain record and extracts the Name tag. */
export const tagsOf = (
  tags: readonly { Key?: string; Value?: string }[] | Record<string, string> | undefined,
): { tags: Record<string, string>; name?: string } => {
  const record: Record<string, string> = Array.isArray(tags)
    ? Object.fromEntries(tags.filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? '']))
    : { ...((tags as Record<string, string> | undefined) ?? {}) };
  const name = record.Name;
  return name ? { tags: record, name } : { tags: record };
};
