import {
  peerOf,
  prefixListLabel,
  protocolName,
  type RuleSource,
  tcpUdpPorts,
} from '../../inventory/derive.ts';
import type { SecurityGroupRule } from '../../inventory/types.ts';

/**
 * Security group rule semantics shared by the sg.* checks.
 *
 * DescribeSecurityGroupRules reports protocol 'tcp' / 'udp' / 'icmp' / 'icmpv6' by name (a rule created
 * with '6' comes back as 'tcp', but a hand-built inventory may still say '6'), and '-1' for all traffic
 * with FromPort/ToPort -1. For TCP/UDP a missing or -1 port means every port; for ICMP the "ports" are
 * the ICMP type/code, not ports at all. Any other IP protocol (ESP, GRE…) has no ports.
 */

/** The protocol as a name: 'tcp', 'udp', 'icmp', 'icmpv6', 'all' for -1, or the IANA number. */
export const protocolOf = (rule: SecurityGroupRule): string => protocolName(rule.protocol);

const hasPorts = (protocol: string): boolean => protocol === 'tcp' || protocol === 'udp';

/** The inclusive port range a TCP/UDP rule admits; undefined for protocols without ports. */
export const portRangeOf = (rule: SecurityGroupRule): { from: number; to: number } | undefined => {
  const protocol = protocolOf(rule);
  if (protocol === 'all') return { from: 0, to: 65535 };
  if (!hasPorts(protocol)) return undefined;
  return tcpUdpPorts(rule.fromPort, rule.toPort);
};

/** True when the rule admits every port (all traffic, or TCP/UDP 0-65535). */
export const coversAllPorts = (rule: SecurityGroupRule): boolean => {
  const range = portRangeOf(rule);
  return range !== undefined && range.from === 0 && range.to === 65535;
};

/** True when the rule admits this TCP/UDP port (all-traffic rules admit every port). */
export const coversPort = (rule: SecurityGroupRule, port: number): boolean => {
  const range = portRangeOf(rule);
  return range !== undefined && range.from <= port && port <= range.to;
};

/** True when the rule admits TCP on this port: what a chain link's port means (ALB/ECS/DB are TCP). */
export const admitsTcpPort = (rule: SecurityGroupRule, port: number): boolean =>
  (protocolOf(rule) === 'tcp' || protocolOf(rule) === 'all') && coversPort(rule, port);

/**
 * True when the rule admits TCP and nothing beyond the given ports: every port of its range is one
 * of them. A wider range (or all traffic) admits ports nobody intended.
 */
export const admitsOnlyTcpPorts = (rule: SecurityGroupRule, ports: ReadonlySet<number>): boolean => {
  const range = portRangeOf(rule);
  if (protocolOf(rule) !== 'tcp' || range === undefined) return false;
  if (range.to - range.from + 1 > ports.size) return false;
  for (let p = range.from; p <= range.to; p++) if (!ports.has(p)) return false;
  return true;
};

/** Human/stable form of the protocol and ports: 'tcp/443', 'tcp/1024-65535', 'all', 'icmp'. */
export const describePorts = (rule: SecurityGroupRule): string => {
  const protocol = protocolOf(rule);
  if (protocol === 'all') return 'all';
  const range = portRangeOf(rule);
  if (range === undefined) return protocol;
  return range.from === range.to ? `${protocol}/${range.from}` : `${protocol}/${range.from}-${range.to}`;
};

/** The CIDR source of a rule, v4 or v6, when it has one. */
export const cidrOf = (rule: SecurityGroupRule): string | undefined => rule.cidrIpv4 ?? rule.cidrIpv6;

/** Stable description of one rule: 'tcp/443 from pl-58a04531'. */
export const describeIngress = (rule: SecurityGroupRule): string =>
  `${describePorts(rule)} from ${peerOf(rule)}`;

/**
 * A rule's peer in Japanese: the CIDR, group or list it names, or for an entry of a customer-managed
 * prefix list that entry and the list: '0.0.0.0/0（プレフィックスリスト office (pl-…) のエントリ）'.
 */
export const peerText = (rule: SecurityGroupRule, source?: RuleSource): string =>
  source?.prefixList
    ? `${source.cidr}（プレフィックスリスト ${prefixListLabel(source.prefixList)} のエントリ）`
    : peerOf(rule);

/** What one ingress rule admits from `peer`, however the peer is named: '<peer> から tcp/22', '<peer> から全トラフィック'. */
export const ingressFrom = (peer: string, rule: SecurityGroupRule): string => {
  const ports = describePorts(rule);
  return ports === 'all' ? `${peer} から全トラフィック` : `${peer} から ${ports}`;
};

/**
 * How an `actual` value reads one ingress rule, in Japanese: '0.0.0.0/0 から tcp/22', or
 * '0.0.0.0/0 から全トラフィック' for protocol -1. Facts keep describeIngress, which is stable.
 */
export const ingressText = (rule: SecurityGroupRule, source?: RuleSource): string =>
  ingressFrom(peerText(rule, source), rule);

/**
 * The traffic one ingress rule admits, as the object of 「〜を許可しています」 in a message:
 * '0.0.0.0/0 から tcp/22 への通信', or '0.0.0.0/0 からのすべてのトラフィック' for protocol -1.
 */
export const trafficText = (rule: SecurityGroupRule, source?: RuleSource): string => {
  const ports = describePorts(rule);
  const peer = peerText(rule, source);
  return ports === 'all' ? `${peer} からのすべてのトラフィック` : `${peer} から ${ports} への通信`;
};

/** A finding's fact for one source of a rule: 'tcp/22 from 0.0.0.0/0', '… via pl-…' for a list entry. */
export const sourceFact = (rule: SecurityGroupRule, source: RuleSource): string =>
  `${describePorts(rule)} from ${source.cidr}${source.prefixList ? ` via ${source.prefixList.id}` : ''}`;

/** Ingress rules only: the sg.* checks reason about what reaches a group. */
export const ingressRules = (rules: readonly SecurityGroupRule[]): readonly SecurityGroupRule[] =>
  rules.filter((r) => !r.egress);
