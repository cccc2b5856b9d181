/**
 * The network hops of an inbound flow from the internet into a subnet: IGW route, network ACL, security
 * group. Each turns into a tagged region of (source address × destination port) per protocol, so the
 * hops compose by intersection and every surviving box still names the route and rules that admitted it.
 *
 * AccountIndex limits (stated once, here):
 * - IPv6 is one synthetic source, "the IPv6 internet" (inventory/addresses.ts IPV6_INTERNET): a route, ACL entry or SG
 *   rule either admits it or not, never part of it. Allowing ranges admit it when they overlap global
 *   unicast 2000::/3; blocking ones only when they cover all of it, so the coarseness can only show a path
 *   open, never hide one. An egress-only IGW (`eigw-`) is not an internet gateway and admits nothing.
 * - TCP and UDP only; ICMP reaches no service.
 * - Security group sources that are other groups or AWS-managed prefix lists are not internet sources: a
 *   referenced group admits only members' private traffic, the CloudFront origin-facing list admits only
 *   CloudFront. A customer-managed prefix list admits its entries, each as a CIDR source.
 * - Gateway route tables (edge associations redirecting IGW ingress to an appliance) are not followed.
 */

import {
  ALL_PORTS,
  EPHEMERAL_PORTS,
  type Interval,
  type IntervalSet,
  IPV6_INTERNET,
  ipv4Cidr,
  ipv6CoversInternet,
  ipv6ReachesInternet,
  normalize,
  PUBLIC_IPV4,
  prefixLength,
  publicPart,
  subtractSet,
} from '../../inventory/addresses.ts';
import { protocolName, ruleCidrSources } from '../../inventory/derive.ts';
import type {
  ManagedPrefixList,
  NetworkAcl,
  NetworkAclEntry,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
} from '../../inventory/types.ts';
import { type Admitted, type Box, firstMatch } from './ranges.ts';

export type Proto = 'tcp' | 'udp';
export const PROTOCOLS: readonly Proto[] = ['tcp', 'udp'];

/** NACLs use IANA numbers ('6'), SG rules names ('tcp'); '-1' is every protocol in both. */
export const coversProto = (ruleProtocol: string, proto: Proto): boolean => {
  const name = protocolName(ruleProtocol);
  return name === 'all' || name === proto;
};

/** Port range of a rule; -1 or no ports means every port. */
export const portRange = (from?: number, to?: number): Interval =>
  from === undefined || to === undefined || from < 0 || to < 0 ? ALL_PORTS : { lo: from, hi: to };

// ------------------------------------------------------------------------------------------- Routes

/**
 * The internet addresses whose packets a subnet with this route table can answer through an IGW.
 * Inbound packets from the IGW are delivered by the VPC's local routing whatever the subnet's table
 * says, but the reply leaves by the subnet's table: only sources whose longest-prefix-match route
 * points at an IGW attached to the VPC get an answer (a reply routed to a NAT gateway is dropped by
 * the NAT, and a blackhole route drops it). So the source set is the public part of every active IGW
 * route minus the more specific routes inside it.
 */
export const internetSources = (
  table: RouteTable,
  attachedIgws: ReadonlySet<string>,
): readonly Admitted<Route>[] => {
  const v4 = table.routes
    .filter((r) => r.destinationKind === 'ipv4' && ipv4Cidr(r.destination))
    .sort((x, y) => prefixLength(y.destination) - prefixLength(x.destination));
  const toIgw = (r: Route) =>
    r.state === 'active' && r.targetKind === 'internet-gateway' && attachedIgws.has(r.targetId);
  let covered: IntervalSet = [];
  const out: Admitted<Route>[] = [];
  for (const route of v4) {
    const range = ipv4Cidr(route.destination) as Interval;
    if (toIgw(route)) {
      const mine = subtractSet(publicPart(route.destination), covered);
      for (const a of mine) out.push({ box: { addresses: a, ports: ALL_PORTS }, via: route });
    }
    covered = normalize([...covered, range]);
  }
  // IPv6, longest prefix first: the first route holding internet space decides. To the IGW, replies to
  // (some of) the IPv6 internet leave through it; a more specific route elsewhere (egress-only IGW,
  // blackhole, TGW) claims the IPv6 internet only when it covers all of 2000::/3.
  let v6Decided = false;
  const v6 = table.routes
    .filter((r) => r.destinationKind === 'ipv6' && ipv6ReachesInternet(r.destination))
    .sort((x, y) => prefixLength(y.destination) - prefixLength(x.destination));
  for (const route of v6) {
    if (toIgw(route)) {
      out.push({ box: { addresses: IPV6_INTERNET, ports: ALL_PORTS }, via: route });
      v6Decided = true;
      break;
    }
    if (ipv6CoversInternet(route.destination)) {
      v6Decided = true;
      break;
    }
  }
  // A prefix-list route to an IGW: its entries (nor its address family) are not collected, so assume the
  // worst and let it answer every public source no explicit route claims, IPv4 and IPv6.
  for (const route of table.routes.filter((r) => r.destinationKind === 'prefix-list' && toIgw(r))) {
    for (const a of subtractSet(PUBLIC_IPV4, covered))
      out.push({ box: { addresses: a, ports: ALL_PORTS }, via: route });
    if (!v6Decided) out.push({ box: { addresses: IPV6_INTERNET, ports: ALL_PORTS }, via: route });
  }
  return out;
};

// --------------------------------------------------------------------------------------------- NACL

export interface AclPass<T> {
  readonly from: T;
  readonly inbound: NetworkAclEntry;
  readonly outbound: NetworkAclEntry;
}

/** The source range of an ACL entry; an IPv6 entry holds the IPv6 internet per the asymmetry above. */
const aclRange = (e: NetworkAclEntry): Interval | undefined =>
  ipv4Cidr(e.cidr) ??
  ((e.action === 'allow' ? ipv6ReachesInternet(e.cidr) : ipv6CoversInternet(e.cidr))
    ? IPV6_INTERNET
    : undefined);

const aclRules = (acl: NetworkAcl, egress: boolean, proto: Proto) =>
  acl.entries
    .filter((e) => e.egress === egress && coversProto(e.protocol, proto) && aclRange(e))
    .sort((x, y) => x.ruleNumber - y.ruleNumber)
    .map((e) => ({
      box: { addresses: aclRange(e) as Interval, ports: portRange(e.fromPort, e.toPort) } satisfies Box,
      allow: e.action === 'allow',
      rule: e,
    }));

/**
 * What a network ACL lets in, for one protocol. NACLs are stateless and first-match: inbound rules are
 * tried lowest number first, and the reply must also match an outbound allow rule for the client's
 * ephemeral port (AWS: 1024-65535, the client OS picks the exact one), so a source is kept only when
 * some ephemeral port back to it is allowed.
 */
export const throughAcl = <T>(
  region: readonly Admitted<T>[],
  acl: NetworkAcl,
  proto: Proto,
): Admitted<AclPass<T>>[] => {
  const inbound = firstMatch(region, aclRules(acl, false, proto));
  if (inbound.length === 0) return [];
  const replies = firstMatch(
    inbound.map((t) => ({ box: { addresses: t.box.addresses, ports: EPHEMERAL_PORTS }, via: undefined })),
    aclRules(acl, true, proto),
  );
  const out: Admitted<AclPass<T>>[] = [];
  for (const i of inbound)
    for (const r of replies) {
      const lo = Math.max(i.box.addresses.lo, r.box.addresses.lo);
      const hi = Math.min(i.box.addresses.hi, r.box.addresses.hi);
      if (lo <= hi)
        out.push({
          box: { addresses: { lo, hi }, ports: i.box.ports },
          via: { from: i.via.from, inbound: i.via.rule, outbound: r.via.rule },
        });
    }
  return out;
};

// ------------------------------------------------------------------------------------ Security groups

export interface SgPass {
  readonly group: SecurityGroup;
  readonly rule: SecurityGroupRule;
  /** The source CIDR that let the flow in: the rule's own, or an entry of `prefixList`. */
  readonly cidr: string;
  /** The customer-managed prefix list whose entry `cidr` is. */
  readonly prefixList?: ManagedPrefixList;
}

/**
 * Internet sources an SG admits for one protocol: public IPv4 CIDRs, and IPv6 CIDRs holding global
 * unicast space (as the IPv6 internet), on the rule's ports; a rule referencing a customer-managed
 * prefix list admits each of the list's entries.
 */
export const sgIngress = (
  group: SecurityGroup,
  proto: Proto,
  prefixLists: ReadonlyMap<string, ManagedPrefixList> = new Map(),
): Admitted<SgPass>[] =>
  group.rules.flatMap((rule) => {
    if (rule.egress || !coversProto(rule.protocol, proto)) return [];
    const p = portRange(rule.fromPort, rule.toPort);
    return ruleCidrSources(rule, prefixLists).flatMap(({ cidr, prefixList }) => {
      const via: SgPass = { group, rule, cidr, ...(prefixList ? { prefixList } : {}) };
      if (cidr.includes(':'))
        return ipv6ReachesInternet(cidr) ? [{ box: { addresses: IPV6_INTERNET, ports: p }, via }] : [];
      return publicPart(cidr).map((a) => ({ box: { addresses: a, ports: p }, via }));
    });
  });
