/**
 * Address × port geometry for the exposure model: a region is a list of boxes (source addresses ×
 * destination ports), each carrying what admitted it (the route / ACL rule / SG rule) so a path can
 * name the rule at every hop. The intervals themselves are inventory/addresses.ts.
 */
import { type Interval, type IntervalSet, intersectInterval, normalize } from '../../inventory/addresses.ts';

/** Source addresses × destination ports. */
export interface Box {
  readonly addresses: Interval;
  readonly ports: Interval;
}

/** Traffic admitted (a box) and what admitted it: the route, ACL rule or SG rule, to name at each hop. */
export interface Admitted<T> {
  readonly box: Box;
  readonly via: T;
}

// ------------------------------------------------------------------------------------------ 2-D boxes

export const intersectBox = (x: Box, y: Box): Box | undefined => {
  const addresses = intersectInterval(x.addresses, y.addresses);
  const ports = addresses && intersectInterval(x.ports, y.ports);
  return addresses && ports ? { addresses, ports } : undefined;
};

/** x minus y as at most four boxes (left/right slabs over all ports, then below/above in the overlap). */
export const subtractBox = (x: Box, y: Box): Box[] => {
  const overlap = intersectBox(x, y);
  if (!overlap) return [x];
  const out: Box[] = [];
  const { addresses: a, ports: p } = x;
  const { addresses: inA, ports: inP } = overlap;
  if (a.lo < inA.lo) out.push({ addresses: { lo: a.lo, hi: inA.lo - 1 }, ports: p });
  if (a.hi > inA.hi) out.push({ addresses: { lo: inA.hi + 1, hi: a.hi }, ports: p });
  if (p.lo < inP.lo) out.push({ addresses: inA, ports: { lo: p.lo, hi: inP.lo - 1 } });
  if (p.hi > inP.hi) out.push({ addresses: inA, ports: { lo: inP.hi + 1, hi: p.hi } });
  return out;
};

/** Pairwise intersection of two tagged regions, combining tags. */
export const intersectRegions = <A, B, C>(
  xs: readonly Admitted<A>[],
  ys: readonly Admitted<B>[],
  combine: (a: A, b: B) => C,
): Admitted<C>[] => {
  const out: Admitted<C>[] = [];
  for (const x of xs)
    for (const y of ys) {
      const box = intersectBox(x.box, y.box);
      if (box) out.push({ box, via: combine(x.via, y.via) });
    }
  return out;
};

/**
 * First-match evaluation (NACL semantics): rules are tried in order; the part of the remaining region a
 * rule covers is decided by that rule (kept if `allow`), and is removed from what later rules see.
 * Whatever no rule covers is denied (the implicit `*` rule).
 */
export const firstMatch = <T, R>(
  region: readonly Admitted<T>[],
  rules: readonly { readonly box: Box; readonly allow: boolean; readonly rule: R }[],
): Admitted<{ readonly from: T; readonly rule: R }>[] => {
  let remaining: Admitted<T>[] = [...region];
  const allowed: Admitted<{ readonly from: T; readonly rule: R }>[] = [];
  for (const r of rules) {
    if (remaining.length === 0) break;
    const next: Admitted<T>[] = [];
    for (const t of remaining) {
      const hit = intersectBox(t.box, r.box);
      if (!hit) {
        next.push(t);
        continue;
      }
      if (r.allow) allowed.push({ box: hit, via: { from: t.via, rule: r.rule } });
      for (const rest of subtractBox(t.box, r.box)) next.push({ box: rest, via: t.via });
    }
    remaining = next;
  }
  return allowed;
};

/** Port intervals a region spans, merged. */
export const portsOf = (region: readonly Admitted<unknown>[]): IntervalSet =>
  normalize(region.map((t) => t.box.ports));

/** Address intervals a region spans, merged. */
export const addressesOf = (region: readonly Admitted<unknown>[]): IntervalSet =>
  normalize(region.map((t) => t.box.addresses));
