/**
 * Addresses and ports as inclusive intervals, and the one definition of a public address (isPublicCidr).
 * IPv4 addresses are plain numbers (0 .. 2^32-1, exact in a double), ports 0 .. 65535. Pure: route
 * checks, security group checks and the exposure model (evaluate/exposure/) all count on it.
 */

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export const MAX_IPV4 = 2 ** 32 - 1;
export const ALL_PORTS: Interval = { lo: 0, hi: 65535 };
export const ALL_ADDRESSES: Interval = { lo: 0, hi: MAX_IPV4 };
/** The client side of a TCP/UDP flow: AWS documents 1024-65535 as the range a NACL must let back out. */
export const EPHEMERAL_PORTS: Interval = { lo: 1024, hi: 65535 };

/** '203.0.113.10' → number, or undefined when it is not a dotted quad. */
export const parseIpv4 = (ip: string): number | undefined => {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
};

export const formatIpv4 = (n: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** '10.0.0.0/16' → its address interval; undefined for IPv6 or malformed input. */
export const ipv4Cidr = (cidr: string): Interval | undefined => {
  const [base = '', prefixText = '32'] = cidr.split('/');
  const start = parseIpv4(base);
  const prefix = Number(prefixText);
  if (start === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(start / size) * size;
  return { lo, hi: lo + size - 1 };
};

// ------------------------------------------------------------------------------------------- IPv6

/**
 * IPv6 is modelled coarsely. 128-bit addresses do not fit the exact-double arithmetic above, so the whole
 * IPv6 internet is ONE synthetic source address just past the IPv4 space: a range either admits "the IPv6
 * internet" or it does not. What arrives from an IGW over IPv6 is global unicast (2000::/3); ULA
 * (fc00::/7), link-local (fe80::/10) and multicast never do. So that the simplification can only make a
 * path look open, never closed:
 * - a range that lets traffic through (IGW route, NACL allow, SG rule) admits the point when it overlaps
 *   2000::/3 at all (`::/0`, `2000::/3`, `2406:da14::/32` ...), i.e. "some internet sources get in";
 * - a range that stops traffic (NACL deny, a more specific non-IGW route) removes the point only when it
 *   covers all of 2000::/3 (`::/0`, `2000::/3`); denying one provider's prefix leaves the rest open.
 */
export const IPV6_INTERNET: Interval = { lo: MAX_IPV4 + 1, hi: MAX_IPV4 + 1 };

/** The first 16 bits and the prefix length of an IPv6 address or CIDR; undefined when not IPv6. */
const ipv6Head = (cidr: string): { head: number; prefix: number } | undefined => {
  const [base = '', prefixText = '128', ...rest] = cidr.split('/');
  const prefix = Number(prefixText);
  if (rest.length > 0 || !base.includes(':') || !/^[0-9a-f:.]+$/i.test(base)) return undefined;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) return undefined;
  const first = base.startsWith('::') ? '0' : (base.split(':')[0] ?? '');
  if (!/^[0-9a-f]{1,4}$/i.test(first)) return undefined;
  return { head: Number.parseInt(first, 16), prefix };
};

/** True when an IPv6 CIDR covers all of global unicast 2000::/3 (`::/0`, `::/1`, `2000::/3`). */
export const ipv6CoversInternet = (cidr: string): boolean => {
  const h = ipv6Head(cidr);
  if (!h || h.prefix > 3) return false;
  const shift = 16 - h.prefix;
  return Math.floor(h.head / 2 ** shift) === Math.floor(0x2000 / 2 ** shift);
};

/** True when an IPv6 CIDR (or address) holds some global unicast space, i.e. internet addresses. */
export const ipv6ReachesInternet = (cidr: string): boolean => {
  const h = ipv6Head(cidr);
  if (!h) return false;
  return ipv6CoversInternet(cidr) || (h.prefix >= 3 && h.head >>> 13 === 0b001);
};

/** A global unicast IPv6 address (2000::/3): reachable from the internet if routes and rules allow. */
export const isGlobalIpv6 = (address: string): boolean => ipv6ReachesInternet(address.split('/')[0] ?? '');

/** Prefix length of a CIDR (for longest-prefix match); -1 when unparseable. */
export const prefixLength = (cidr: string): number => {
  const n = Number(cidr.split('/')[1] ?? (cidr.includes(':') ? 128 : 32));
  return Number.isInteger(n) ? n : -1;
};

// ------------------------------------------------------------------------------------------ 1-D sets

/** Sorted, disjoint, non-adjacent intervals. */
export type IntervalSet = readonly Interval[];

export const normalize = (items: readonly Interval[]): IntervalSet => {
  const sorted = [...items].sort((x, y) => x.lo - y.lo);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.lo <= last.hi + 1) out[out.length - 1] = { lo: last.lo, hi: Math.max(last.hi, i.hi) };
    else out.push(i);
  }
  return out;
};

export const subtractSet = (from: IntervalSet, remove: IntervalSet): IntervalSet => {
  let current: Interval[] = [...from];
  for (const r of remove) {
    const next: Interval[] = [];
    for (const i of current) {
      if (r.hi < i.lo || r.lo > i.hi) {
        next.push(i);
        continue;
      }
      if (i.lo < r.lo) next.push({ lo: i.lo, hi: r.lo - 1 });
      if (i.hi > r.hi) next.push({ lo: r.hi + 1, hi: i.hi });
    }
    current = next;
  }
  return current;
};

export const intersectInterval = (x: Interval, y: Interval): Interval | undefined => {
  const lo = Math.max(x.lo, y.lo);
  const hi = Math.min(x.hi, y.hi);
  return lo <= hi ? { lo, hi } : undefined;
};

/**
 * Public IPv4 space: everything but the blocks that never arrive from the internet through an IGW
 * (RFC 1918, loopback, link-local, CGNAT shared space, "this network", multicast and reserved).
 */
export const PUBLIC_IPV4: IntervalSet = subtractSet(
  [ALL_ADDRESSES],
  normalize(
    [
      '0.0.0.0/8',
      '10.0.0.0/8',
      '100.64.0.0/10',
      '127.0.0.0/8',
      '169.254.0.0/16',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '224.0.0.0/3',
    ].map((c) => ipv4Cidr(c) as Interval),
  ),
);

/** The public part of a CIDR. */
export const publicPart = (cidr: string): IntervalSet => {
  const range = ipv4Cidr(cidr);
  if (!range) return [];
  return PUBLIC_IPV4.flatMap((p) => intersectInterval(p, range) ?? []);
};

/**
 * True when a CIDR (IPv4 or IPv6) holds some public internet space: THE definition of "public" for the
 * whole project (routes, security group sources, the exposure model). It follows the IANA special-purpose
 * registries (RFC 6890): RFC 1918, CGNAT shared space 100.64.0.0/10, link-local 169.254.0.0/16 and
 * fe80::/10, ULA fc00::/7, loopback, multicast and reserved space are not the internet. Documentation
 * ranges (203.0.113.0/24, 2001:db8::/32) count as public: they stand for public addresses in examples,
 * and calling them public can only show more, never hide an exposure.
 */
export const isPublicCidr = (cidr: string): boolean =>
  cidr.includes(':') ? ipv6ReachesInternet(cidr) : publicPart(cidr).length > 0;

/** '80, 443, 8000-8080', or '全ポート' for 0-65535. */
export const formatPorts = (ports: IntervalSet): string =>
  ports.length === 1 && ports[0]!.lo === 0 && ports[0]!.hi === 65535
    ? '全ポート'
    : ports.map((i) => (i.lo === i.hi ? `${i.lo}` : `${i.lo}-${i.hi}`)).join(', ');
