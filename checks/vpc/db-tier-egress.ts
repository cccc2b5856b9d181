import { subnetsOfTier } from '../../intent/queries.ts';
import { effectiveRouteTables, internetRoutes, label, refOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';

const TARGET_NAMES: Readonly<Record<string, string>> = {
  'internet-gateway': 'インターネットゲートウェイ',
  'egress-only-internet-gateway': 'Egress-only インターネットゲートウェイ',
  'nat-gateway': 'NAT ゲートウェイ',
  instance: 'NAT インスタンス',
  'network-interface': 'ネットワークインターフェイス（NAT インスタンス等）',
};

export const vpcDbTierEgress = defineCheck({
  id: 'vpc.db-tier-egress',
  principle: 'P3',
  severity: 'high',
  resourceType: 'AWS::EC2::Subnet',
  needs: ['ec2.subnets', 'ec2.routeTables'],
  title: '閉域であるべき層（DB 層など）のサブネットにインターネットへのルートがあります',
  explanation:
    'DB 層のような閉域の層は、インターネットゲートウェイ・NAT ゲートウェイ・NAT インスタンス・Egress-only インターネットゲートウェイのいずれへのルートも持ちません。AWS サービスへの通信は VPC エンドポイントを経由させます。外向きのルートがあると、侵害されたときにデータを外部へ持ち出す経路になります。',
  impact: 'データベースなどからインターネットへデータを持ち出せる経路が残ります。',
  remediation:
    'このサブネットを、VPC 内（local）と VPC エンドポイント向けのルートだけを持つ専用のルートテーブルに明示的に関連付けてください。明示的な関連付けがなくメインルートテーブルを使っている場合は、メインルートテーブルからもインターネット向けのルートを削除してください。',
  evaluate: ({ inventory, intent }) => {
    const tables = effectiveRouteTables(inventory);
    return intent.vpcs.flatMap((vpc) =>
      vpc.tiers
        .filter((tier) => tier.closed)
        .flatMap((tier) =>
          subnetsOfTier(inventory, tier)
            .filter((subnet) => subnet.vpcId === vpc.id)
            .flatMap((subnet) => {
              const table = tables.get(subnet.id);
              if (!table) return [];
              const via = table.subnetIds.includes(subnet.id)
                ? 'ルートテーブル'
                : 'メインルートテーブル（暗黙の関連付け）';
              return internetRoutes(table).map((route) => ({
                resource: refOf('AWS::EC2::Subnet', subnet),
                message: `閉域の層「${tier.name}」のサブネット ${label(subnet)} は、${via} ${label(table)} で ${route.destination} を ${TARGET_NAMES[route.targetKind] ?? route.targetKind} ${route.targetId} に向けています。`,
                expected: 'インターネット向けルートなし（local と VPC エンドポイントのみ）',
                actual: `${table.id}: ${route.destination} → ${route.targetId}`,
                fact: `${table.id}:${route.destination}:${route.targetId}`,
              }));
            }),
        ),
    );
  },
});
