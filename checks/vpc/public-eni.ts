import { vpcsInScope } from '../../intent/queries.ts';
import { ipv6CoversInternet, isGlobalIpv6 } from '../../inventory/addresses.ts';
import { effectiveRouteTables, isWorkloadInterface, label, refOf } from '../../inventory/derive.ts';
import type { NetworkInterface, Route, RouteTable } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';

/** What the ENI belongs to, for the message: the instance, else AWS's own description. */
const ownerOf = (eni: NetworkInterface): string =>
  eni.instanceId
    ? `インスタンス ${eni.instanceId}`
    : eni.description
      ? `「${eni.description}」`
      : `種別 ${eni.interfaceType}`;

/**
 * The route that makes a subnet's global IPv6 addresses reachable: an active route for the whole IPv6
 * internet (::/0, or 2000::/3 itself) to an internet gateway. Unlike IPv4 there is no NAT and no separate
 * public address: every global unicast address of the subnet is an internet address, and it is exposed
 * exactly when the subnet answers the internet through an IGW. Through an egress-only IGW (eigw-) it only
 * goes out, which is the intended design for workloads.
 */
const ipv6InternetRoute = (table: RouteTable | undefined): Route | undefined =>
  table?.routes.find(
    (r) =>
      r.state === 'active' &&
      r.targetKind === 'internet-gateway' &&
      r.destinationKind === 'ipv6' &&
      ipv6CoversInternet(r.destination),
  );

export const vpcPublicEni = defineCheck({
  id: 'vpc.public-eni',
  principle: 'P1',
  severity: 'high',
  resourceType: 'AWS::EC2::NetworkInterface',
  needs: ['ec2.vpcs', 'ec2.networkInterfaces', 'ec2.natGateways'],
  title: 'ワークロードのネットワークインターフェイスにパブリック IP が付いています',
  explanation:
    'インターネットからの入口を CloudFront に限定する設計では、EC2 インスタンスや ECS タスクなどのワークロードにパブリック IPv4 アドレスも Elastic IP も付けません。パブリック IP があると、ルートとセキュリティグループの設定次第でワークロードに直接到達できてしまいます。IPv6 のグローバルアドレスは NAT を介さずそのままインターネットから届くため、::/0 をインターネットゲートウェイに向けたサブネットでは同じく入口になります。',
  impact: 'CloudFront と WAF を経由せずにワークロードへ到達できる入口になり得ます。',
  remediation:
    'Elastic IP なら関連付けを解除してください。自動割り当てのパブリック IP なら、ECS サービスの assignPublicIp を DISABLED にする、起動テンプレートの AssociatePublicIpAddress を false にするなどしてワークロードを作り直し、外向き通信は NAT ゲートウェイ経由にしてください。IPv6 なら、ワークロードのサブネットの ::/0 を Egress-only インターネットゲートウェイに向けてください。',
  evaluate: ({ inventory, intent }) => {
    if (intent.switches.allowPublicIps) return [];
    const inScope = vpcsInScope(inventory, intent);
    // A NAT gateway's own ENIs carry its EIPs; matching on the address also covers NAT ENIs whose
    // interface type a future API version spells differently.
    const natIps = new Set(inventory.ec2.natGateways.flatMap((n) => n.publicIps));
    const workloads = inventory.ec2.networkInterfaces.filter(
      (eni) => inScope.has(eni.vpcId) && isWorkloadInterface(eni),
    );
    const ipv4 = workloads
      .filter((eni) => eni.publicIp !== undefined && !natIps.has(eni.publicIp))
      .map((eni) => {
        const kind = eni.allocationId ? 'Elastic IP' : 'パブリック IPv4 アドレス';
        return {
          resource: refOf('AWS::EC2::NetworkInterface', eni),
          message: `ネットワークインターフェイス ${label(eni)}（${ownerOf(eni)}、サブネット ${eni.subnetId}）に、${kind} ${eni.publicIp} が付いています。`,
          expected: 'パブリック IP なし',
          actual: eni.allocationId ? `${eni.publicIp} (${eni.allocationId})` : `${eni.publicIp}`,
          // The auto-assigned address changes on every restart; what it is (EIP or not) does not.
          fact: eni.allocationId ? `eip:${eni.allocationId}` : 'public-ipv4',
        };
      });
    // Route tables are deliberately not in `needs`: that would silence the IPv4 findings too when only
    // DescribeRouteTables failed. Without the tables no IPv6 route is seen (audit.incomplete says why).
    const tables = effectiveRouteTables(inventory);
    const ipv6 = workloads.flatMap((eni) => {
      const address = (eni.ipv6Addresses ?? []).find(isGlobalIpv6);
      const table = tables.get(eni.subnetId);
      const route = address ? ipv6InternetRoute(table) : undefined;
      if (!address || !table || !route) return [];
      return [
        {
          resource: refOf('AWS::EC2::NetworkInterface', eni),
          message: `ネットワークインターフェイス ${label(eni)}（${ownerOf(eni)}、サブネット ${eni.subnetId}）に IPv6 グローバルアドレス ${address} が付いていて、サブネットのルートテーブル ${label(table)} が ${route.destination} をインターネットゲートウェイ ${route.targetId} に向けています。`,
          expected: 'インターネットから到達できる IPv6 アドレスなし（::/0 は Egress-only IGW 経由）',
          actual: `${address}（${route.destination} → ${route.targetId}）`,
          // The address belongs to the ENI for its lifetime, but one fact per ENI is what matters.
          fact: 'public-ipv6',
        },
      ];
    });
    return [...ipv4, ...ipv6];
  },
});
