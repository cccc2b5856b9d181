import { vpcsInScope } from '../../intent/queries.ts';
import { label, refOf, unusedDefaultVpcIds } from '../../inventory/derive.ts';
import type { Subnet } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';

/** The two subnet attributes that hand every new network interface an internet-routable address. */
const ATTRIBUTES = [
  {
    name: 'MapPublicIpOnLaunch',
    isOn: (s: Subnet) => s.mapPublicIpOnLaunch,
    what: 'パブリック IPv4 アドレスの自動割り当て',
  },
  {
    // IPv6 addresses in a VPC are globally unique: one ::/0 → igw- route makes every one of them reachable.
    name: 'AssignIpv6AddressOnCreation',
    isOn: (s: Subnet) => s.assignIpv6AddressOnCreation,
    what: 'IPv6 アドレスの自動割り当て',
  },
] as const;

export const vpcAutoPublicIp = defineCheck({
  id: 'vpc.auto-public-ip',
  principle: 'P2',
  severity: 'medium',
  resourceType: 'AWS::EC2::Subnet',
  needs: ['ec2.vpcs', 'ec2.subnets'],
  title: 'サブネットでパブリック IP の自動割り当てが有効です',
  explanation:
    'パブリックサブネットを持たない設計では、サブネットで起動したインスタンスやタスクにパブリック IPv4・IPv6 アドレスを自動で割り当てません。自動割り当てが有効だと、ルートが一つ変わるだけでワークロードにインターネットから直接到達できるようになります。',
  impact:
    'ルートテーブルの変更一つで、CloudFront を経由しない経路からワークロードに到達できるようになる恐れがあります。',
  remediation:
    'サブネットの設定で「パブリック IPv4 アドレスの自動割り当て」（MapPublicIpOnLaunch）と「IPv6 アドレスの自動割り当て」（AssignIpv6AddressOnCreation）を無効にしてください。割り当て済みのアドレスは無効にしても外れないため、vpc.public-eni の検出結果もあわせて確認してください。',
  evaluate: ({ inventory, intent }) => {
    if (intent.switches.allowPublicSubnets) return [];
    const inScope = vpcsInScope(inventory, intent);
    // An empty default VPC's subnets assign public IPs by AWS's default: vpc.default-vpc reports it once.
    const unusedDefault = unusedDefaultVpcIds(inventory);
    return inventory.ec2.subnets
      .filter((subnet) => inScope.has(subnet.vpcId) && !unusedDefault.has(subnet.vpcId))
      .flatMap((subnet) =>
        ATTRIBUTES.filter((a) => a.isOn(subnet)).map((a) => ({
          resource: refOf('AWS::EC2::Subnet', subnet),
          message: `サブネット ${label(subnet)} で、${a.what}（${a.name}）が有効になっています。`,
          expected: `${a.name}: false`,
          actual: `${a.name}: true`,
          fact: a.name,
        })),
      );
  },
});
