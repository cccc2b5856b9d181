import { describe, expect, it } from 'vitest';
import { internetSources, sgIngress, throughAcl } from '../../../evaluate/exposure/network.ts';
import { addressesOf, portsOf } from '../../../evaluate/exposure/ranges.ts';
import { formatPorts, parseIpv4 } from '../../../inventory/addresses.ts';
import { anAclEntry, W, worldAcl, worldAppSg } from '../../fixtures/exposure.ts';
import { aRoute, aRouteTable } from '../../fixtures/inventory.ts';
import { tcp } from '../../fixtures/sg.ts';
import { aDefaultRoute } from '../../fixtures/vpc.ts';

const attached = new Set([W.igwId]);
const covers = (region: ReturnType<typeof addressesOf>, address: string) =>
  region.some((i) => i.lo <= parseIpv4(address)! && parseIpv4(address)! <= i.hi);

describe('exposure network hops', () => {
  it('answers only sources whose longest-prefix route is the IGW', () => {
    const table = aRouteTable({
      routes: [aRoute(), aDefaultRoute(W.igwId), aDefaultRoute(W.natId, { destination: '198.51.100.0/24' })],
    });
    const sources = addressesOf(internetSources(table, attached));
    expect(covers(sources, '8.8.8.8')).toBe(true);
    expect(covers(sources, '198.51.100.7')).toBe(false);
    expect(covers(sources, '10.0.0.5')).toBe(false);
  });

  it('ignores blackhole routes and gateways attached elsewhere', () => {
    const blackhole = aRouteTable({ routes: [aDefaultRoute(W.igwId, { state: 'blackhole' })] });
    expect(internetSources(blackhole, attached)).toEqual([]);
    expect(internetSources(aRouteTable({ routes: [aDefaultRoute(W.igwId)] }), new Set())).toEqual([]);
  });

  it('keeps the ports a NACL admits whose replies may also leave', () => {
    const sources = internetSources(aRouteTable({ routes: [aDefaultRoute(W.igwId)] }), attached);
    const acl = worldAcl([
      anAclEntry({ ruleNumber: 100, protocol: '6', fromPort: 443, toPort: 443 }),
      anAclEntry({ ruleNumber: 110, protocol: '17', fromPort: 53, toPort: 53 }),
      anAclEntry({ ruleNumber: 100, egress: true, protocol: '6', fromPort: 32768, toPort: 60999 }),
    ]);
    expect(formatPorts(portsOf(throughAcl(sources, acl, 'tcp')))).toBe('443');
    // UDP 53 gets in but no outbound rule lets the answer back: stateless ACLs drop it.
    expect(throughAcl(sources, acl, 'udp')).toEqual([]);
  });

  it('reads SG ingress from public CIDRs only', () => {
    const group = worldAppSg([
      tcp(443, { cidrIpv4: '0.0.0.0/0' }),
      tcp(22, { cidrIpv4: '10.0.0.0/8' }),
      tcp(5432, { referencedGroupId: 'sg-0e1d2c3b4a596db01' }),
    ]);
    expect(formatPorts(portsOf(sgIngress(group, 'tcp')))).toBe('443');
    expect(sgIngress(group, 'udp')).toEqual([]);
  });
});
