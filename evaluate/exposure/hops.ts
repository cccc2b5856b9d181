import { formatPorts } from '../../inventory/addresses.ts';
import { displayName, prefixListLabel } from '../../inventory/derive.ts';
import type { Listener, LoadBalancer, TargetGroup } from '../../inventory/types.ts';
import { PROTOCOLS, type Proto, portRange, type SgPass } from './network.ts';
import { type Admitted, type Box, portsOf } from './ranges.ts';
import type { Hop } from './types.ts';

/**
 * How the hops of an exposure path are named and noted (in Japanese, for people): the rule, port or
 * route that let the flow through at each hop, and the resources' labels.
 */

export const INTERNET: Hop = { kind: 'internet', id: 'internet', label: 'インターネット' };

export const describeProtoPorts = (proto: Proto, box: Box): string => `${proto} ${formatPorts([box.ports])}`;

/**
 * '0.0.0.0/0 から tcp 8080 を許可': the SG rule as written (its own port range, not the narrowed one).
 * A source that is an entry of a customer-managed prefix list names the list first, so the note (shown
 * in full-width brackets after the group) does not nest brackets.
 */
export const sgRuleNote = (proto: Proto, pass: SgPass): string =>
  `${pass.prefixList ? `プレフィックスリスト ${prefixListLabel(pass.prefixList)} のエントリ ` : ''}${pass.cidr} から ${proto} ${formatPorts([portRange(pass.rule.fromPort, pass.rule.toPort)])} を許可`;

/** 'tcp 22, 8080; udp 53' from per-protocol regions. */
export const portsSummary = (byProto: ReadonlyMap<Proto, readonly Admitted<unknown>[]>): string =>
  PROTOCOLS.filter((p) => (byProto.get(p)?.length ?? 0) > 0)
    .map((p) => `${p} ${formatPorts(portsOf(byProto.get(p) ?? []))}`)
    .join('; ');

/** The representative box of a path: TCP before UDP, lowest port first. */
export const firstOf = <T>(
  byProto: ReadonlyMap<Proto, readonly Admitted<T>[]>,
): { proto: Proto; sample: Admitted<T> } | undefined => {
  for (const proto of PROTOCOLS) {
    const list = [...(byProto.get(proto) ?? [])].sort(
      (x, y) => x.box.ports.lo - y.box.ports.lo || x.box.addresses.lo - y.box.addresses.lo,
    );
    if (list[0]) return { proto, sample: list[0] };
  }
  return undefined;
};

export const listenerLabel = (l: Listener): string => `${l.protocol ?? '?'}:${l.port ?? '?'}`;

/** A target group or load balancer hop is named without its ARN, which says nothing more. */
export const tgLabel = (tg: TargetGroup): string => displayName(tg) ?? tg.id;

export const tgNote = (tg: TargetGroup): string =>
  `${`${tg.protocol ?? ''}${tg.port !== undefined ? `:${tg.port}` : ''} ${tg.targetType}`.trim()}、ターゲットは未収集`;

export const lbLabel = (lb: LoadBalancer): string => displayName(lb) ?? lb.id;
