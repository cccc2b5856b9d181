import { isGlobalIpv6, MAX_IPV4 } from '../../inventory/addresses.ts';
import { isWorkloadInterface, label, refOf } from '../../inventory/derive.ts';
import type { AccountIndex, SubnetPass } from './account-index.ts';
import { firstOf, portsSummary, sgRuleNote } from './hops.ts';
import { PROTOCOLS, type Proto, type SgPass } from './network.ts';
import { type Admitted, type Box, intersectRegions } from './ranges.ts';
import type { ExposurePath, Hop } from './types.ts';

/**
 * Entry 1: a workload network interface with a public IP / EIP, or a global IPv6 address:
 * IGW → route → subnet → NACL → ENI → SG.
 */

/** A box of IPv6 sources (the synthetic IPv6-internet address sits just past the IPv4 space). */
const isIpv6Box = (box: Box): boolean => box.addresses.lo > MAX_IPV4;

export const publicIpPaths = (index: AccountIndex): ExposurePath[] =>
  index.inventory.ec2.networkInterfaces.flatMap((eni): ExposurePath[] => {
    // Over IPv4, without a public IP / EIP the IGW has nothing to translate to: the ENI is not addressable
    // from outside. Over IPv6 there is no translation: a global unicast address is the internet address
    // itself, while ULA (fc00::/7) and link-local (fe80::/10) addresses are never routed from the internet.
    const globalIpv6 = (eni.ipv6Addresses ?? []).filter(isGlobalIpv6);
    if (!eni.publicIp && globalIpv6.length === 0) return [];
    if (!index.inScope.has(eni.vpcId) || !isWorkloadInterface(eni)) return [];
    const reach = index.subnetReach(eni.subnetId);
    if (!reach) return [];
    const addressable = (box: Box) => (isIpv6Box(box) ? globalIpv6.length > 0 : eni.publicIp !== undefined);
    const byProto = new Map<Proto, Admitted<{ subnet: SubnetPass; sg: SgPass }>[]>();
    for (const proto of PROTOCOLS) {
      const inside = (reach.byProto.get(proto) ?? []).filter((admitted) => addressable(admitted.box));
      if (inside.length === 0) continue;
      const sgs = eni.securityGroupIds.flatMap((g) => index.sgRegion(g, proto));
      const through = intersectRegions(inside, sgs, (subnet, sg) => ({ subnet, sg }));
      if (through.length > 0) byProto.set(proto, through);
    }
    const first = firstOf(byProto);
    if (!first) return [];
    const { proto, sample } = first;
    const ref = refOf('AWS::EC2::NetworkInterface', eni);
    const eniLabel = label(eni);
    const hops: Hop[] = [
      ...index.subnetHops(eni.subnetId, reach, sample.via.subnet, proto, sample.box),
      {
        kind: 'network-interface',
        id: eni.id,
        label: eniLabel,
        note: isIpv6Box(sample.box)
          ? `IPv6 ${globalIpv6[0]}`
          : eni.allocationId
            ? `EIP ${eni.publicIp}`
            : eni.publicIp,
      },
      {
        kind: 'security-group',
        id: sample.via.sg.group.id,
        label: label(sample.via.sg.group),
        note: sgRuleNote(proto, sample.via.sg),
      },
    ];
    const reason = index.declaredReason(eni.id, eni.instanceId, eni.publicIp, ...globalIpv6);
    return [
      {
        entry: { kind: 'public-ip', resource: ref, label: eniLabel },
        workload: {
          kind: 'network-interface',
          id: eni.id,
          // Starts with the ENI's label, so a path whose entry is this ENI names it once (entryToWorkload).
          label: eni.instanceId ? `${eniLabel} のインスタンス ${eni.instanceId}` : eniLabel,
          vpcId: eni.vpcId,
        },
        hops,
        ports: portsSummary(byProto),
        ...(reason ? { intended: reason } : {}),
      },
    ];
  });
