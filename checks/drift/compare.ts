import { diffLists, diffText, isEmptyDiff } from '../../intent/canonical.ts';
import { byId, label, refOf } from '../../inventory/derive.ts';
import type { Inventory, ResourceBase } from '../../inventory/types.ts';
import type { ResourceRef } from '../../model/finding.ts';
import type { Violation } from '../define.ts';

/**
 * Comparison helpers shared by the drift.* checks: each turns one recorded-vs-live difference of one
 * field into one violation, so two unrelated changes on the same resource stay two findings with
 * their own fingerprints.
 */

/**
 * Whether the audit looked where the baselined resource lives. A resource missing from a region that
 * was not collected this time is unknown, not deleted. Entries without a region (written by hand)
 * and global resources are always judged.
 */
export const wasAudited = (inventory: Inventory, region: string | undefined): boolean =>
  region === undefined || region === 'global' || inventory.regions.includes(region);

/**
 * Walks the baselined entries of one resource kind: an entry whose resource is gone (in a region
 * the audit looked at) is a deletion; a present one is handed to `compare` with its reference and
 * the Japanese phrase naming it.
 */
export const compareBaselined = <
  E extends { readonly region?: string; readonly name?: string },
  L extends ResourceBase,
>(options: {
  readonly inventory: Inventory;
  readonly type: string;
  /** Japanese noun of the kind, e.g. 'セキュリティグループ'. */
  readonly noun: string;
  readonly recorded: Readonly<Record<string, E>>;
  readonly live: readonly L[];
  readonly compare: (
    entry: E,
    live: L,
    resource: ResourceRef,
    what: string,
  ) => readonly (Violation | undefined)[];
}): Violation[] => {
  const { inventory, type, noun, recorded, compare } = options;
  const live = byId(options.live);
  return Object.entries(recorded).flatMap(([id, entry]) => {
    const item = live.get(id);
    if (item) return present(compare(entry, item, refOf(type, item), `${noun} ${label(item)} `));
    if (!wasAudited(inventory, entry.region)) return [];
    const name = entry.name ? { name: entry.name } : {};
    const resource = { type, id, region: entry.region ?? 'unknown', ...name };
    return [deletedViolation(resource, `${noun} ${label({ id, ...name })} `)];
  });
};

/** A baselined resource that no longer exists. */
export const deletedViolation = (resource: ResourceRef, what: string): Violation => ({
  resource,
  message: `ベースラインに記録された${what}が存在しません（削除されたか、作り直されて ID が変わっています）。`,
  expected: 'ベースラインに記録されたリソースが存在する',
  actual: '存在しない',
  fact: 'deleted',
});

/**
 * A set-like field (rules, routes, subnets, origins…) whose members changed. With `ordered`, the
 * same members in another order are a change too (CloudFront behaviors: the first match wins).
 */
export const listDriftViolation = (options: {
  readonly resource: ResourceRef;
  /** Japanese phrase naming the resource, e.g. 'セキュリティグループ prod-alb-sg (sg-…)'. */
  readonly what: string;
  /** Stable key of the field, used in the fact. */
  readonly field: string;
  /** Japanese name of the field. */
  readonly fieldLabel: string;
  readonly recorded: readonly string[];
  readonly live: readonly string[];
  readonly ordered?: boolean;
  /** How a member reads in Japanese, when its canonical form is not readable as is (SG rules). */
  readonly show?: (member: string) => string;
}): Violation | undefined => {
  const { resource, what, field, fieldLabel, recorded, live } = options;
  const diff = diffLists(recorded, live);
  if (isEmptyDiff(diff)) {
    const reordered =
      options.ordered === true && (recorded.length !== live.length || recorded.some((x, i) => x !== live[i]));
    if (!reordered) return undefined;
    return {
      resource,
      message: `${what}の${fieldLabel}の順序がベースラインから変わっています（先に一致したものが使われるため、動作が変わります）。`,
      expected: recorded.join(' | '),
      actual: live.join(' | '),
      fact: `${field}:order:${live.join('|')}`,
    };
  }
  const text = diffText(diff);
  const { show } = options;
  // The fact keeps the canonical text, so the fingerprint does not move when the wording does.
  const shown = show
    ? [...diff.added.map((x) => `追加: ${show(x)}`), ...diff.removed.map((x) => `削除: ${show(x)}`)].join(
        '、',
      )
    : text;
  return {
    resource,
    message: `${what}の${fieldLabel}がベースラインから変わっています（追加 ${diff.added.length} 件・削除 ${diff.removed.length} 件）: ${shown}`,
    expected: `ベースラインどおりの${fieldLabel}（${recorded.length} 件）`,
    actual: shown,
    fact: `${field}:${text}`,
  };
};

/** A single-valued field (scheme, WAF web ACL) that changed. */
export const valueDriftViolation = (options: {
  readonly resource: ResourceRef;
  readonly what: string;
  readonly field: string;
  readonly fieldLabel: string;
  readonly recorded: string;
  readonly live: string;
}): Violation | undefined => {
  const { resource, what, field, fieldLabel, recorded, live } = options;
  if (recorded === live) return undefined;
  const show = (v: string): string => (v === '' ? 'なし' : v);
  return {
    resource,
    message: `${what}の${fieldLabel}がベースラインから変わっています: ${show(recorded)} → ${show(live)}`,
    expected: show(recorded),
    actual: show(live),
    fact: `${field}:${recorded}->${live}`,
  };
};

/** Keeps the violations that exist. */
export const present = (items: readonly (Violation | undefined)[]): Violation[] =>
  items.filter((v): v is Violation => v !== undefined);
