import { describe, expect, it } from 'vitest';
import { exposureUnintendedEntry } from '../../../checks/exposure/unintended-entry.ts';
import type { Inventory, NetworkAclEntry, Route } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anAclEntry, anExposedWorld, W, worldAcl, worldAppSg, worldEni } from '../../fixtures/exposure.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aRoute } from '../../fixtures/inventory.ts';
import { tcp } from '../../fixtures/sg.ts';

/** The world's subnet with an Amazon-provided IPv6 /64 (from the VPC's /56). */
const ENI_IPV6 = '2406:da14:7f3:1a00:5c2b:91e4:aa10:3f2d';
const EIGW_ID = 'eigw-0e1d2c3b4a5960001';

const local = aRoute({ destination: '10.20.0.0/16' });
const localV6 = aRoute({ destination: '2406:da14:7f3:1a00::/56', destinationKind: 'ipv6' });
const v6Default = (targetId: string, o: Partial<Route> = {}): Route =>
  aRoute({
    destination: '::/0',
    destinationKind: 'ipv6',
    targetId,
    targetKind: targetId.startsWith('eigw-') ? 'egress-only-internet-gateway' : 'internet-gateway',
    ...o,
  });

/** The default ACL of an IPv6 VPC: rule 100 for 0.0.0.0/0 and rule 101 for ::/0, both ways. */
const dualStackAclEntries = (first: readonly NetworkAclEntry[] = []): NetworkAclEntry[] => [
  ...first,
  anAclEntry({ ruleNumber: 100 }),
  anAclEntry({ ruleNumber: 101, cidr: '::/0' }),
  anAclEntry({ ruleNumber: 100, egress: true }),
  anAclEntry({ ruleNumber: 101, egress: true, cidr: '::/0' }),
];

interface V6Parts {
  readonly routes?: readonly Route[];
  readonly aclEntries?: readonly NetworkAclEntry[];
  readonly sgSource?: { cidrIpv4?: string; cidrIpv6?: string };
  readonly ipv6Addresses?: readonly string[];
}

/**
 * An IPv6-only door: the instance has no public IPv4 (so nothing reaches it over IPv4), a global IPv6
 * address, ::/0 → IGW, the default dual-stack ACL, and its SG admits tcp 8080 from ::/0.
 */
const anIpv6World = (o: V6Parts = {}): Inventory =>
  anExposedWorld({
    routes: o.routes ?? [local, localV6, v6Default(W.igwId)],
    acl: worldAcl(o.aclEntries ?? dualStackAclEntries()),
    groups: [worldAppSg([tcp(8080, o.sgSource ?? { cidrIpv6: '::/0' })])],
    enis: [
      worldEni({
        publicIp: undefined,
        ...(o.ipv6Addresses && o.ipv6Addresses.length === 0
          ? {}
          : { ipv6Addresses: o.ipv6Addresses ?? [ENI_IPV6] }),
      }),
    ],
  });

const hopsOf = (inventory: Inventory) => {
  const [v] = run(exposureUnintendedEntry, inventory);
  return (v?.details?.hops ?? []) as { kind: string; id: string; note?: string }[];
};

describe('exposure.unintended-entry', () => {
  describe('IPv6 path (IGW ::/0 → subnet → NACL ::/0 → ENI global IPv6 → SG ::/0)', () => {
    it('reports an instance reachable only over IPv6, naming the IPv6 rule at every hop', () => {
      const violations = run(exposureUnintendedEntry, anIpv6World());
      expect(violations).toHaveLength(1);
      expect(violations[0]?.resource).toMatchObject({ type: 'AWS::EC2::NetworkInterface', id: W.eniId });
      expect(violations[0]?.details?.ports).toBe('tcp 8080');
      expect(violations[0]?.message).toContain(
        `legacy-public-rt (${W.tableId})（::/0） → legacy-public-1a (${W.subnetId}) → ${W.aclId}（受信ルール 101 で tcp 8080 を許可、戻りは送信ルール 101 で許可） → ${W.eniId}（IPv6 ${ENI_IPV6}） → legacy-app-sg (${W.appSg})（::/0 から tcp 8080 を許可）`,
      );
    });

    it('is silent when ::/0 goes to an egress-only internet gateway, which admits no inbound connection', () => {
      expect(
        run(exposureUnintendedEntry, anIpv6World({ routes: [local, localV6, v6Default(EIGW_ID)] })),
      ).toEqual([]);
    });

    it('is silent when the SG admits tcp 8080 from 0.0.0.0/0 only, not from ::/0', () => {
      expect(run(exposureUnintendedEntry, anIpv6World({ sgSource: { cidrIpv4: '0.0.0.0/0' } }))).toEqual([]);
    });

    it('is silent when a lower-numbered NACL rule denies ::/0 before the allow rule', () => {
      const deny = anAclEntry({ ruleNumber: 90, action: 'deny', cidr: '::/0' });
      expect(run(exposureUnintendedEntry, anIpv6World({ aclEntries: dualStackAclEntries([deny]) }))).toEqual(
        [],
      );
    });

    it('is silent when the ENI has no IPv6 address', () => {
      expect(run(exposureUnintendedEntry, anIpv6World({ ipv6Addresses: [] }))).toEqual([]);
    });

    it('is silent when the ENI has only a unique local address (fc00::/7)', () => {
      expect(run(exposureUnintendedEntry, anIpv6World({ ipv6Addresses: ['fd12:3456:789a:1::15'] }))).toEqual(
        [],
      );
    });

    it('is silent when the SG admits only a unique local range', () => {
      expect(run(exposureUnintendedEntry, anIpv6World({ sgSource: { cidrIpv6: 'fd00::/8' } }))).toEqual([]);
    });

    it('reports a source limited to one provider prefix: that part of the IPv6 internet still gets in', () => {
      const hops = hopsOf(anIpv6World({ sgSource: { cidrIpv6: '2001:db8:1234::/48' } }));
      expect(hops.find((h) => h.kind === 'security-group')?.note).toBe(
        '2001:db8:1234::/48 から tcp 8080 を許可',
      );
    });

    it('treats a NACL deny of one provider prefix as leaving the rest of the IPv6 internet open', () => {
      const deny = anAclEntry({ ruleNumber: 90, action: 'deny', cidr: '2001:db8::/32' });
      expect(
        run(exposureUnintendedEntry, anIpv6World({ aclEntries: dualStackAclEntries([deny]) })),
      ).toHaveLength(1);
    });

    it('is silent when the ACL lets the request in but no outbound rule lets the reply to ::/0 leave', () => {
      const entries = [
        anAclEntry({ ruleNumber: 100 }),
        anAclEntry({ ruleNumber: 101, cidr: '::/0' }),
        anAclEntry({ ruleNumber: 100, egress: true }),
      ];
      expect(run(exposureUnintendedEntry, anIpv6World({ aclEntries: entries }))).toEqual([]);
    });

    it('is silent when a more specific route sends all of 2000::/3 to the egress-only gateway', () => {
      const routes = [local, localV6, v6Default(W.igwId), v6Default(EIGW_ID, { destination: '2000::/3' })];
      expect(run(exposureUnintendedEntry, anIpv6World({ routes }))).toEqual([]);
    });

    it('does not draw an IPv4 path to an ENI without a public IPv4 even when 0.0.0.0/0 is open', () => {
      const routes = [
        local,
        localV6,
        aRoute({ destination: '0.0.0.0/0', targetKind: 'internet-gateway', targetId: W.igwId }),
      ];
      expect(
        run(exposureUnintendedEntry, anIpv6World({ routes, sgSource: { cidrIpv4: '0.0.0.0/0' } })),
      ).toEqual([]);
    });

    it('accepts the IPv6 address as a declared intended entry', () => {
      const intent = anIntent({
        exposure: { intendedEntries: [{ resource: ENI_IPV6, reason: '検証用の踏み台' }] },
      });
      expect(run(exposureUnintendedEntry, anIpv6World(), intent)).toEqual([]);
    });
  });
});
