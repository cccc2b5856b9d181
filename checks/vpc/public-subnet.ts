import { vpcsInScope } from '../../intent/queries.ts';
import {
  defaultRoutesToIgw,
  effectiveRouteTables,
  label,
  refOf,
  unusedDefaultVpcIds,
} from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';

export const vpcPublicSubnet = defineCheck({
  id: 'vpc.public-subnet',
  principle: 'P2',
  severity: 'high',
  resourceType: 'AWS::EC2::Subnet',
  needs: ['ec2.vpcs', 'ec2.subnets', 'ec2.routeTables'],
  title: 'サブネットのデフォルトルートがインターネットゲートウェイに向いています（パブリックサブネット）',
  explanation:
    'パブリックサブネットを持たない設計では、どのサブネットも 0.0.0.0/0・::/0 をインターネットゲートウェイに向けません。このルートがあると、パブリック IP を持つリソースにインターネットから直接到達できるようになります。',
  impact: 'CloudFront を経由しない経路で、ワークロードがインターネットに露出する恐れがあります。',
  remediation:
    'ルートテーブルからインターネットゲートウェイ（igw-）宛てのデフォルトルートを削除し、外向き通信は NAT ゲートウェイ経由にしてください。明示的な関連付けのないサブネットはメインルートテーブルを使うため、メインルートテーブルも確認してください。',
  evaluate: ({ inventory, intent }) => {
    if (intent.switches.allowPublicSubnets) return [];
    const inScope = vpcsInScope(inventory, intent);
    // An empty default VPC's public subnets are AWS's defaults: vpc.default-vpc reports them once.
    const unusedDefault = unusedDefaultVpcIds(inventory);
    const tables = effectiveRouteTables(inventory);
    return inventory.ec2.subnets.flatMap((subnet) => {
      const table = tables.get(subnet.id);
      if (!inScope.has(subnet.vpcId) || unusedDefault.has(subnet.vpcId) || !table) return [];
      return defaultRoutesToIgw(table).map((route) => {
        const via = table.subnetIds.includes(subnet.id)
          ? 'ルートテーブル'
          : 'メインルートテーブル（暗黙の関連付け）';
        return {
          resource: refOf('AWS::EC2::Subnet', subnet),
          message: `サブネット ${label(subnet)} は、${via} ${label(table)} で ${route.destination} を ${route.targetId} に向けています。`,
          expected: `${route.destination} のインターネットゲートウェイ宛てルートなし`,
          actual: `${table.id}: ${route.destination} → ${route.targetId}`,
          fact: `${table.id}:${route.destination}:${route.targetId}`,
        };
      });
    });
  },
});
