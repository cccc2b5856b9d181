import { vpcsInScope } from '../../intent/queries.ts';
import {
  defaultRoutesToIgw,
  effectiveRouteTables,
  label,
  refOf,
  unusedDefaultVpcIds,
} from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';

/**
 * An empty default VPC, once per VPC (so at most once per region). A default VPC in use is not this
 * finding: its workload, its world-open groups, its public subnets and every path in through it are
 * reported by their own checks, like in any other VPC.
 */
export const vpcDefaultVpc = defineCheck({
  id: 'vpc.default-vpc',
  principle: 'P2',
  severity: 'low',
  resourceType: 'AWS::EC2::VPC',
  // Emptiness is read from the network interfaces; when they could not be read the check does not run
  // (audit.incomplete says why) and the default VPC's subnets and group are judged one by one instead.
  needs: ['ec2.vpcs', 'ec2.subnets', 'ec2.networkInterfaces'],
  title: '使っていないデフォルト VPC が残っています',
  explanation:
    'AWS はリージョンごとにデフォルト VPC を用意します。そのサブネットはすべて 0.0.0.0/0 をインターネットゲートウェイに向け、起動したものにパブリック IP を自動で割り当てます。コンソールのウィザードで VPC を選ばずにインスタンスを起動すると、そこに置かれ、launch-wizard の SSH 全開放のグループと合わせて、CloudFront を通らない入口がすぐにできます。',
  impact:
    '誰かが既定の設定のままリソースを起動すると、CloudFront を経由しない二つ目の入口がすぐにできてしまいます。',
  remediation:
    '使う予定がなければ削除してください。VPC コンソールで対象の VPC を選び「VPC を削除」を実行すると、デフォルトサブネットとインターネットゲートウェイもまとめて削除されます（CLI ではインターネットゲートウェイのデタッチと削除、サブネットの削除の後に aws ec2 delete-vpc）。必要になれば aws ec2 create-default-vpc で作り直せます。残すと決めた場合は、設計定義ファイルの exceptions に理由を書いてください。',
  evaluate: ({ inventory, intent }) => {
    const inScope = vpcsInScope(inventory, intent);
    const unused = unusedDefaultVpcIds(inventory);
    const tables = effectiveRouteTables(inventory);
    return inventory.ec2.vpcs
      .filter((vpc) => unused.has(vpc.id) && inScope.has(vpc.id))
      .map((vpc) => {
        const subnets = inventory.ec2.subnets.filter((s) => s.vpcId === vpc.id && s.region === vpc.region);
        // What this one finding stands for: the subnets and the default group vpc.public-subnet,
        // vpc.auto-public-ip and sg.default-has-rules leave to it while the VPC is empty.
        const publicSubnets = subnets.filter((s) => {
          const table = tables.get(s.id);
          return s.mapPublicIpOnLaunch || (table !== undefined && defaultRoutesToIgw(table).length > 0);
        });
        const defaultGroup = inventory.ec2.securityGroups.find(
          (g) => g.vpcId === vpc.id && g.groupName === 'default' && g.rules.length > 0,
        );
        return {
          resource: refOf('AWS::EC2::VPC', vpc),
          message: `リージョン ${vpc.region} のデフォルト VPC ${label(vpc)}（${vpc.cidrBlocks.join(', ')}）は何にも使われていませんが、パブリックなデフォルトサブネット ${subnets.length} 個とともに残っています。`,
          expected: 'デフォルト VPC なし（削除済み）',
          actual: `デフォルト VPC ${vpc.id}（ネットワークインターフェイス 0 個、サブネット ${subnets.length} 個）`,
          fact: 'unused-default-vpc',
          details: {
            covers: [...publicSubnets.map((s) => s.id), ...(defaultGroup ? [defaultGroup.id] : [])],
          },
        };
      });
  },
});
