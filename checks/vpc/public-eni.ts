import { label, refOf, vpcsInScope } from '../../inventory/derive.ts';
import type { NetworkInterface } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';

/**
 * Interface types (DescribeNetworkInterfaces `InterfaceType`) of ENIs that AWS creates for a managed
 * service rather than for a workload. A public address on them is the service's design (NAT gateway
 * EIPs) or another check's business (internet-facing load balancers: elb.internet-facing).
 * The SDK enum spells the NAT type 'natGateway' but the API returns 'nat_gateway'; both are listed.
 * 'interface', 'branch'/'trunk' (ECS ENI trunking), 'efa', 'efa-only' and 'lambda' stay workloads.
 */
const MANAGED_INTERFACE_TYPES: ReadonlySet<string> = new Set([
  'nat_gateway',
  'natGateway',
  'load_balancer',
  'network_load_balancer',
  'gateway_load_balancer',
  'gateway_load_balancer_endpoint',
  'vpc_endpoint',
  'transit_gateway',
  'api_gateway_managed',
  'global_accelerator_managed',
  'quicksight',
  'iot_rules_managed',
  'aws_codestar_connections_managed',
]);

/**
 * ALB and Classic Load Balancer ENIs have InterfaceType 'interface'; only their requester-managed
 * description ('ELB app/<name>/<id>', 'ELB <name>') tells them apart. ECS task ENIs are requester-managed
 * too but describe an ECS attachment, so they remain workloads, as do RDS ENIs of a public DB instance.
 */
const isLoadBalancerEni = (eni: NetworkInterface): boolean =>
  eni.requesterManaged && eni.description.startsWith('ELB ');

/** What the ENI belongs to, for the message: the instance, else AWS's own description. */
const ownerOf = (eni: NetworkInterface): string =>
  eni.instanceId
    ? `インスタンス ${eni.instanceId}`
    : eni.description
      ? `「${eni.description}」`
      : `種別 ${eni.interfaceType}`;

export const vpcPublicEni = defineCheck({
  id: 'vpc.public-eni',
  principle: 'P1',
  severity: 'high',
  resourceType: 'AWS::EC2::NetworkInterface',
  needs: ['ec2.vpcs', 'ec2.networkInterfaces', 'ec2.natGateways'],
  title: 'ワークロードのネットワークインターフェイスにパブリック IP が付いています',
  explanation:
    'インターネットからの入口を CloudFront に限定する設計では、EC2 インスタンスや ECS タスクなどのワークロードにパブリック IPv4 アドレスも Elastic IP も付けません。パブリック IP があると、ルートとセキュリティグループの設定次第でワークロードに直接到達できてしまいます。',
  impact: 'CloudFront と WAF を経由せずにワークロードへ到達できる入口になり得ます。',
  remediation:
    'Elastic IP なら関連付けを解除してください。自動割り当てのパブリック IP なら、ECS サービスの assignPublicIp を DISABLED にする、起動テンプレートの AssociatePublicIpAddress を false にするなどしてワークロードを作り直し、外向き通信は NAT ゲートウェイ経由にしてください。',
  evaluate: ({ inventory, intent }) => {
    if (intent.switches.allowPublicIps) return [];
    const inScope = vpcsInScope(inventory, intent);
    // A NAT gateway's own ENIs carry its EIPs; matching on the address also covers NAT ENIs whose
    // interface type a future API version spells differently.
    const natIps = new Set(inventory.ec2.natGateways.flatMap((n) => n.publicIps));
    return inventory.ec2.networkInterfaces
      .filter(
        (eni) =>
          inScope.has(eni.vpcId) &&
          eni.publicIp !== undefined &&
          !MANAGED_INTERFACE_TYPES.has(eni.interfaceType) &&
          !isLoadBalancerEni(eni) &&
          !natIps.has(eni.publicIp),
      )
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
  },
});
