import { describe, expect, it } from 'vitest';
import { firstMatch, portsOf, subtractBox } from '../../../evaluate/exposure/ranges.ts';
import {
  ALL_PORTS,
  formatPorts,
  ipv4Cidr,
  isPublicCidr,
  parseIpv4,
  publicPart,
} from '../../../inventory/addresses.ts';

const ip = (s: string) => parseIpv4(s)!;

describe('exposure ranges', () => {
  it('turns a CIDR into its inclusive address interval, aligning the base', () => {
    expect(ipv4Cidr('10.0.1.7/16')).toEqual({ lo: ip('10.0.0.0'), hi: ip('10.0.255.255') });
    expect(ipv4Cidr('0.0.0.0/0')).toEqual({ lo: 0, hi: 2 ** 32 - 1 });
    expect(ipv4Cidr('::/0')).toBeUndefined();
  });

  it('keeps only the public part of a CIDR', () => {
    expect(publicPart('10.0.0.0/8')).toEqual([]);
    expect(publicPart('203.0.113.0/24')).toEqual([{ lo: ip('203.0.113.0'), hi: ip('203.0.113.255') }]);
    const world = publicPart('0.0.0.0/0');
    expect(world.some((i) => i.lo <= ip('192.168.1.1') && ip('192.168.1.1') <= i.hi)).toBe(false);
    expect(world.some((i) => i.lo <= ip('8.8.8.8') && ip('8.8.8.8') <= i.hi)).toBe(true);
  });

  it.each([
    ['0.0.0.0/0', true],
    ['203.0.113.0/24', true],
    ['0.0.0.0/1', true],
    ['::/0', true],
    ['2406:da14::/32', true],
    ['10.0.0.0/8', false],
    ['172.16.0.0/12', false],
    ['192.168.0.0/16', false],
    ['100.64.0.0/10', false],
    ['100.64.12.0/24', false],
    ['169.254.0.0/16', false],
    ['169.254.169.254/32', false],
    ['127.0.0.0/8', false],
    ['224.0.0.0/4', false],
    ['fc00::/7', false],
    ['fd12:3456:789a::/48', false],
    ['fe80::/10', false],
  ])('calls %s public: %s (IANA special-purpose registries)', (cidr, expected) => {
    expect(isPublicCidr(cidr)).toBe(expected);
  });

  it('subtracts a box into at most four disjoint pieces covering the rest', () => {
    const x = { addresses: { lo: 0, hi: 9 }, ports: { lo: 0, hi: 9 } };
    const pieces = subtractBox(x, { addresses: { lo: 3, hi: 5 }, ports: { lo: 3, hi: 5 } });
    const area = pieces.reduce(
      (n, b) => n + (b.addresses.hi - b.addresses.lo + 1) * (b.ports.hi - b.ports.lo + 1),
      0,
    );
    expect(pieces).toHaveLength(4);
    expect(area).toBe(100 - 9);
  });

  it('decides each part of a region by the first rule that covers it', () => {
    const region = [{ box: { addresses: { lo: 0, hi: 99 }, ports: ALL_PORTS }, via: 'src' }];
    const allowed = firstMatch(region, [
      { box: { addresses: { lo: 0, hi: 99 }, ports: { lo: 22, hi: 22 } }, allow: false, rule: 90 },
      { box: { addresses: { lo: 0, hi: 99 }, ports: ALL_PORTS }, allow: true, rule: 100 },
    ]);
    expect(formatPorts(portsOf(allowed))).toBe('0-21, 23-65535');
    expect(new Set(allowed.map((a) => a.via.rule))).toEqual(new Set([100]));
  });
});
