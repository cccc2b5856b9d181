import { CollectError } from '../errors.ts';
import type { CollectionError, SliceName } from '../inventory/types.ts';

/** The outcome of collecting one slice: its items, or the error that kept them from us. */
export type SliceResult<T> =
  | { readonly ok: true; readonly items: T }
  | { readonly ok: false; readonly error: CollectionError };

export interface CallSite {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  /** Slices left missing or partial when this call fails. */
  readonly slices: readonly SliceName[];
}

/** Turns any thrown SDK error into the report's error shape, keeping the AWS error code. */
export const toCollectionError = (site: CallSite, error: unknown): CollectionError => {
  const e = error as { name?: string; Code?: string; code?: string; message?: string; operation?: string };
  const code = e?.Code ?? e?.name ?? e?.code ?? 'UnknownError';
  const operation = error instanceof CollectError ? error.operation : site.operation;
  return {
    service: site.service,
    operation,
    region: site.region,
    code: code === 'Error' ? 'UnknownError' : code,
    message: e?.message ?? String(error),
    slices: site.slices,
  };
};

/**
 * Runs one collection step and never lets it throw: the failure is recorded against its slices so
 * the engine can mark dependent checks incomplete while every other check still runs.
 */
export const collectSlice = async <T>(site: CallSite, fetch: () => Promise<T>): Promise<SliceResult<T>> => {
  try {
    return { ok: true, items: await fetch() };
  } catch (error) {
    return { ok: false, error: toCollectionError(site, error) };
  }
};

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
