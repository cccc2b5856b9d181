import { internetFacingIntended } from '../../intent/queries.ts';
import { ALL_ADDRESSES, ALL_PORTS } from '../../inventory/addresses.ts';
import { label, refOf } from '../../inventory/derive.ts';
import type { Listener } from '../../inventory/types.ts';
import { type AccountIndex, type SubnetPass, type SubnetReach, targetGroupsOf } from './account-index.ts';
import { firstOf, lbLabel, listenerLabel, portsSummary, sgRuleNote, tgLabel, tgNote } from './hops.ts';
import { PROTOCOLS, type Proto, type SgPass } from './network.ts';
import { type Admitted, intersectRegions } from './ranges.ts';
import type { ExposurePath, Hop } from './types.ts';

/**
 * Entry 2: an internet-facing ALB/NLB: IGW → route → subnet → NACL → LB → SG (none for an NLB without
 * one) → listener → target group.
 */

/** Protocols a listener accepts: HTTP/HTTPS/TCP/TLS are TCP; UDP; TCP_UDP both. */
const listenerProtos = (l: Listener): readonly Proto[] => {
  const p = (l.protocol ?? '').toUpperCase();
  if (p === 'UDP') return ['udp'];
  if (p === 'TCP_UDP') return ['tcp', 'udp'];
  return ['tcp'];
};

export const loadBalancerPaths = (index: AccountIndex): ExposurePath[] =>
  index.inventory.elbv2.loadBalancers.flatMap((lb): ExposurePath[] => {
    if (lb.scheme !== 'internet-facing' || lb.type === 'gateway' || !index.inScope.has(lb.vpcId)) return [];
    const listeners = index.listenersByLb.get(lb.arn ?? lb.id) ?? [];
    const tgs = targetGroupsOf(index, lb);
    if (listeners.length === 0 || tgs.length === 0) return [];
    type Via = { subnet: SubnetPass; sg?: SgPass; listener: Listener };
    // Try each subnet of the LB (one LB node per subnet); the first that lets anything through is drawn.
    // The LB's IP address type (ipv4 / dualstack) is not collected, so its listeners are modelled over
    // IPv4 only (ALL_ADDRESSES); the IPv6 side of a dualstack LB is not drawn separately.
    let found: { subnetId: string; reach: SubnetReach; byProto: Map<Proto, Admitted<Via>[]> } | undefined;
    for (const subnetId of lb.subnetIds) {
      const reach = index.subnetReach(subnetId);
      if (!reach) continue;
      const byProto = new Map<Proto, Admitted<Via>[]>();
      for (const proto of PROTOCOLS) {
        const inside = reach.byProto.get(proto) ?? [];
        const ports = listeners
          .filter((l) => l.port !== undefined && listenerProtos(l).includes(proto))
          .map((listener) => ({
            box: { addresses: ALL_ADDRESSES, ports: { lo: listener.port!, hi: listener.port! } },
            via: listener,
          }));
        if (inside.length === 0 || ports.length === 0) continue;
        // An NLB created without security groups filters nothing: every source reaches its listeners.
        const sgs: Admitted<SgPass | undefined>[] =
          lb.securityGroupIds.length === 0
            ? [{ box: { addresses: ALL_ADDRESSES, ports: ALL_PORTS }, via: undefined }]
            : lb.securityGroupIds.flatMap((g) => index.sgRegion(g, proto));
        const withSg = intersectRegions(inside, sgs, (subnet, sg) => ({ subnet, sg }));
        const through = intersectRegions(withSg, ports, (x, listener): Via => ({ ...x, listener }));
        if (through.length > 0) byProto.set(proto, through);
      }
      if (byProto.size > 0) {
        found = { subnetId, reach, byProto };
        break;
      }
    }
    if (!found) return [];
    const first = firstOf(found.byProto);
    if (!first) return [];
    const { proto, sample } = first;
    const ref = refOf('AWS::ElasticLoadBalancingV2::LoadBalancer', lb);
    const reason = internetFacingIntended(lb, index.intent)
      ? (index.declaredReason(lb.id, lb.arn, lb.loadBalancerName) ??
        (index.intent.switches.requireInternalLoadBalancers
          ? '設計定義ファイルの loadBalancers.allowInternetFacing に記載'
          : `${index.intent.profile} プロファイルでは internet-facing のロードバランサーが意図した入口`))
      : index.declaredReason(lb.id, lb.arn, lb.loadBalancerName);
    const reachable = [...found.byProto.values()].flat();
    const reachableListeners = new Set(reachable.map((x) => x.via.listener.arn));
    const baseHops: Hop[] = [
      ...index.subnetHops(found.subnetId, found.reach, sample.via.subnet, proto, sample.box),
      {
        kind: 'load-balancer',
        id: lb.arn ?? lb.id,
        label: lbLabel(lb),
        note: `${lb.type === 'network' ? 'NLB' : 'ALB'}、internet-facing`,
      },
      sample.via.sg
        ? {
            kind: 'security-group',
            id: sample.via.sg.group.id,
            label: label(sample.via.sg.group),
            note: sgRuleNote(proto, sample.via.sg),
          }
        : {
            kind: 'security-group',
            id: 'none',
            label: 'セキュリティグループなし',
            note: 'NLB は送信元を制限しない',
          },
    ];
    return tgs.flatMap((tg): ExposurePath[] => {
      const tgArn = tg.arn ?? tg.id;
      // Listener default actions say which listener forwards here; rules (not collected) may forward from any.
      const direct = listeners.filter(
        (l) => reachableListeners.has(l.arn) && l.targetGroupArns.includes(tgArn),
      );
      const via = direct.length > 0 ? direct : listeners.filter((l) => reachableListeners.has(l.arn));
      if (via.length === 0) return [];
      const viaSet = new Set(via.map((l) => l.arn));
      const byProto = new Map<Proto, Admitted<Via>[]>();
      for (const [p, list] of found.byProto) {
        const kept = list.filter((x) => viaSet.has(x.via.listener.arn));
        if (kept.length > 0) byProto.set(p, kept);
      }
      const listener = via[0]!;
      return [
        {
          entry: { kind: 'load-balancer', resource: ref, label: lbLabel(lb) },
          workload: {
            kind: 'target-group',
            id: tgArn,
            label: tgLabel(tg),
            ...(tg.vpcId ? { vpcId: tg.vpcId } : {}),
          },
          hops: [
            ...baseHops,
            {
              kind: 'listener',
              id: listener.arn,
              label: listenerLabel(listener),
              note: direct.length > 0 ? 'デフォルトアクションで転送' : 'リスナールール経由',
            },
            { kind: 'target-group', id: tgArn, label: tgLabel(tg), note: tgNote(tg) },
          ],
          ports: portsSummary(byProto),
          ...(reason ? { intended: reason } : {}),
        },
      ];
    });
  });
