import { describe, expect, it } from 'vitest';
import { ipv6CoversInternet, ipv6ReachesInternet, isGlobalIpv6 } from '../../../inventory/addresses.ts';

describe('exposure IPv6 ranges', () => {
  it.each([
    ['::/0', true, true],
    ['::/1', true, true],
    ['2000::/3', true, true],
    ['2406:da14::/32', false, true],
    ['2001:db8:1234::/48', false, true],
    ['4000::/3', false, false],
    ['fc00::/7', false, false],
    ['fe80::/10', false, false],
    ['8000::/1', false, false],
    ['10.0.0.0/8', false, false],
    ['nonsense', false, false],
  ])('%s covers the internet: %s, holds internet space: %s', (cidr, covers, reaches) => {
    expect(ipv6CoversInternet(cidr)).toBe(covers);
    expect(ipv6ReachesInternet(cidr)).toBe(reaches);
  });

  it('calls global unicast addresses global and ULA, link-local, loopback and IPv4-mapped not', () => {
    expect(isGlobalIpv6('2406:da14:7f3:1a00:5c2b:91e4:aa10:3f2d')).toBe(true);
    expect(isGlobalIpv6('fd12:3456:789a:1::15')).toBe(false);
    expect(isGlobalIpv6('fe80::1ff:fe23:4567:890a')).toBe(false);
    expect(isGlobalIpv6('::1')).toBe(false);
    expect(isGlobalIpv6('::ffff:203.0.113.10')).toBe(false);
  });
});
