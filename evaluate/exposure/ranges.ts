/**
 * Address × port geometry for the exposure model: a region is a list of boxes (source addresses ×
 * destination ports), each carrying a tag (the route / ACL rule / SG rule that let it through) so a path
 * can name the rule at every hop. The intervals themselves are inventory/addresses.ts.
 */
import { type Interval, type IntervalSet, intersectInterval, normalize } from '../../inventory/addresses.ts';

/** Source addresses × destination ports. */
export interface Box {
  readonly a: Interval;
  readonly p: Interval;
}

export interface Tagged<T> {
  readonly box: Box;
  readonly tag: T;
}

// ------------------------------------------------------------------------------------------ 2-D boxes

export const intersectBox = (x: Box, y: Box): Box | undefined => {
  const a = intersectInterval(x.a, y.a);
  const p = a && intersectInterval(x.p, y.p);
  return a && p ? { a, p } : undefined;
};

/** x minus y as at most four boxes (left/right slabs over all ports, then below/above in the overlap). */
export const subtractBox = (x: Box, y: Box): Box[] => {
  const overlap = intersectBox(x, y);
  if (!overlap) return [x];
  const out: Box[] = [];
  if (x.a.lo < overlap.a.lo) out.push({ a: { lo: x.a.lo, hi: overlap.a.lo - 1 }, p: x.p });
  if (x.a.hi > overlap.a.hi) out.push({ a: { lo: overlap.a.hi + 1, hi: x.a.hi }, p: x.p });
  if (x.p.lo < overlap.p.lo) out.push({ a: overlap.a, p: { lo: x.p.lo, hi: overlap.p.lo - 1 } });
  if (x.p.hi > overlap.p.hi) out.push({ a: overlap.a, p: { lo: overlap.p.hi + 1, hi: x.p.hi } });
  return out;
};

/** Pairwise intersection of two tagged regions, combining tags. */
export const intersectRegions = <A, B, C>(
  xs: readonly Tagged<A>[],
  ys: readonly Tagged<B>[],
  combine: (a: A, b: B) => C,
): Tagged<C>[] => {
  const out: Tagged<C>[] = [];
  for (const x of xs)
    for (const y of ys) {
      const box = intersectBox(x.box, y.box);
      if (box) out.push({ box, tag: combine(x.tag, y.tag) });
    }
  return out;
};

/**
 * First-match evaluation (NACL semantics): rules are tried in order; the part of the remaining region a
 * rule covers is decided by that rule (kept if `allow`), and is removed from what later rules see.
 * Whatever no rule covers is denied (the implicit `*` rule).
 */
export const firstMatch = <T, R>(
  region: readonly Tagged<T>[],
  rules: readonly { readonly box: Box; readonly allow: boolean; readonly rule: R }[],
): Tagged<{ readonly from: T; readonly rule: R }>[] => {
  let remaining: Tagged<T>[] = [...region];
  const allowed: Tagged<{ readonly from: T; readonly rule: R }>[] = [];
  for (const r of rules) {
    if (remaining.length === 0) break;
    const next: Tagged<T>[] = [];
    for (const t of remaining) {
      const hit = intersectBox(t.box, r.box);
      if (!hit) {
        next.push(t);
        continue;
      }
      if (r.allow) allowed.push({ box: hit, tag: { from: t.tag, rule: r.rule } });
      for (const rest of subtractBox(t.box, r.box)) next.push({ box: rest, tag: t.tag });
    }
    remaining = next;
  }
  return allowed;
};

/** Port intervals a region spans, merged. */
export const portsOf = (region: readonly Tagged<unknown>[]): IntervalSet =>
  normalize(region.map((t) => t.box.p));

/** Address intervals a region spans, merged. */
export const addressesOf = (region: readonly Tagged<unknown>[]): IntervalSet =>
  normalize(region.map((t) => t.box.a));
