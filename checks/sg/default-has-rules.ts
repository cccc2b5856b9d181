import { vpcsInScope } from '../../intent/queries.ts';
import { label, refOf, unusedDefaultVpcIds } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';

export const sgDefaultHasRules = defineCheck({
  id: 'sg.default-has-rules',
  principle: 'P4',
  severity: 'low',
  resourceType: 'AWS::EC2::SecurityGroup',
  needs: ['ec2.vpcs', 'ec2.securityGroups'],
  title: 'VPC のデフォルトセキュリティグループにルールが残っています',
  explanation:
    'デフォルトセキュリティグループは、セキュリティグループを指定せずに作成したリソースに自動で付きます。初期状態では同じグループ内の通信とアウトバウンドをすべて許可するため、意図しないリソース同士がつながります。ルールを空にしておけば、指定漏れのリソースは通信できなくなり、すぐに気付けます。',
  impact: 'セキュリティグループの指定漏れがあったリソースが、意図しない相手と通信できてしまいます。',
  remediation:
    'デフォルトセキュリティグループのインバウンドルールとアウトバウンドルールをすべて削除し、各リソースには専用のセキュリティグループを付けてください（デフォルトセキュリティグループ自体は削除できません）。',
  evaluate: ({ inventory, intent }) => {
    const inScope = vpcsInScope(inventory, intent);
    // An empty default VPC's group keeps AWS's default rules: vpc.default-vpc reports that VPC once.
    const unusedDefault = unusedDefaultVpcIds(inventory);
    return inventory.ec2.securityGroups.flatMap((sg) => {
      // Every VPC has exactly one group named 'default'; the name is reserved for it.
      if (sg.groupName !== 'default' || !inScope.has(sg.vpcId) || unusedDefault.has(sg.vpcId)) return [];
      if (sg.rules.length === 0) return [];
      const inbound = sg.rules.filter((r) => !r.egress).length;
      const outbound = sg.rules.length - inbound;
      return [
        {
          resource: refOf('AWS::EC2::SecurityGroup', sg),
          message: `VPC ${sg.vpcId} のデフォルトセキュリティグループ ${label(sg)} に、インバウンド ${inbound} 件・アウトバウンド ${outbound} 件のルールがあります。`,
          expected: 'インバウンド 0 件・アウトバウンド 0 件',
          actual: `インバウンド ${inbound} 件・アウトバウンド ${outbound} 件`,
          fact: 'default-group-has-rules',
        },
      ];
    });
  },
});
