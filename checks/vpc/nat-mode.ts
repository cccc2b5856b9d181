import { subnetsOfTier } from '../../intent/queries.ts';
import type { Tier, VpcIntent } from '../../intent/schema.ts';
import { byId, effectiveRouteTables, label, refOf } from '../../inventory/derive.ts';
import type { Inventory, NatGateway, Route, RouteTable, Subnet } from '../../inventory/types.ts';
import { defineCheck, type Violation } from '../define.ts';

type NatMode = NonNullable<VpcIntent['natMode']>;

const MODE_NAMES: Readonly<Record<NatMode, string>> = {
  regional: 'リージョナル NAT ゲートウェイ',
  zonal: 'ゾーン NAT ゲートウェイ（AZ ごと）',
  instance: 'NAT インスタンス',
  none: 'NAT なし',
  any: '指定なし',
};

/** A NAT gateway that exists or is being created; failed and deleted ones route nothing. */
const LIVE_NAT_STATES: ReadonlySet<string> = new Set(['pending', 'available']);

/** The IPv4 default route of a table, when it is active. */
const defaultRoute = (table: RouteTable): Route | undefined =>
  table.routes.find((r) => r.destination === '0.0.0.0/0' && r.state === 'active');

/** A default route to an instance or an ENI is how a NAT instance is wired. */
const isInstanceRoute = (r: Route): boolean =>
  r.targetKind === 'instance' || r.targetKind === 'network-interface';

const subnetList = (subnets: readonly Subnet[]): string => subnets.map((s) => s.id).join(', ');

/** Groups items by a key (undefined: left out), keeping the first-seen order so messages and findings are stable. */
const groupBy = <T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
};

/** Everything about one intended VPC the NAT rules read, computed once. */
const viewOf = (inventory: Inventory, vpcIntent: VpcIntent, tables: ReadonlyMap<string, RouteTable>) => {
  const subnets = inventory.ec2.subnets.filter((s) => s.vpcId === vpcIntent.id);
  const subnetById = byId(subnets);
  // Private NAT gateways (connectivity 'private') give no internet egress: they serve TGW / on-premises
  // paths, which every mode may legitimately have, so they take no part in the comparison.
  const nats = inventory.ec2.natGateways.filter(
    (n) => n.vpcId === vpcIntent.id && n.connectivityType === 'public' && LIVE_NAT_STATES.has(n.state),
  );
  const tierSubnets = (tier: Tier) => subnetsOfTier(inventory, tier).filter((s) => s.vpcId === vpcIntent.id);
  return {
    subnets,
    nats,
    tierSubnets,
    /** The zonal NAT's AZ; older API shapes only give its subnet. */
    natAz: (nat: NatGateway): string | undefined =>
      nat.availabilityZone ?? (nat.subnetId ? subnetById.get(nat.subnetId)?.availabilityZone : undefined),
    /** Subnets each table governs, explicit associations and main-table inheritance alike. */
    servedBy: groupBy(subnets, (s) => tables.get(s.id)?.id),
    tableById: byId(inventory.ec2.routeTables.filter((t) => t.vpcId === vpcIntent.id)),
    mainTable: inventory.ec2.routeTables.find((t) => t.vpcId === vpcIntent.id && t.isMain),
  };
};

type View = ReturnType<typeof viewOf>;

/** NAT gateways and NAT-instance routes of another mode than intended. */
const modeMismatches = (mode: NatMode, view: View): Violation[] => {
  const expected = `natMode: ${mode}`;
  const gateways = view.nats
    .filter((nat) => mode === 'instance' || mode === 'none' || nat.availabilityMode !== mode)
    .map((nat) => {
      const az = nat.availabilityMode === 'zonal' ? (view.natAz(nat) ?? 'AZ 不明') : undefined;
      const what = az ? `ゾーン NAT ゲートウェイ（${az}）` : 'リージョナル NAT ゲートウェイ';
      return {
        resource: refOf('AWS::EC2::NatGateway', nat),
        message: `NAT ゲートウェイ ${label(nat)} は${what}ですが、VPC ${nat.vpcId} で意図した NAT の方式は「${MODE_NAMES[mode]}」です。`,
        expected,
        actual: az ? `zonal (${nat.id}, ${az})` : `regional (${nat.id})`,
        fact: `mode:${nat.availabilityMode}`,
      };
    });
  const instances =
    mode === 'instance'
      ? []
      : [...view.servedBy].flatMap(([tableId, served]) => {
          const table = view.tableById.get(tableId);
          const route = table ? defaultRoute(table) : undefined;
          if (!table || !route || !isInstanceRoute(route)) return [];
          return [
            {
              resource: refOf('AWS::EC2::RouteTable', table),
              message: `ルートテーブル ${label(table)}（サブネット ${subnetList(served)}）は 0.0.0.0/0 を ${route.targetId}（NAT インスタンス）に向けていますが、意図した NAT の方式は「${MODE_NAMES[mode]}」です。`,
              expected,
              actual: `instance (0.0.0.0/0 → ${route.targetId})`,
              fact: `mode:instance:${route.targetId}`,
            },
          ];
        });
  return [...gateways, ...instances];
};

/** True when the table's IPv4 default route goes to something that translates to the internet. */
const hasNatEgress = (table: RouteTable, natsById: ReadonlyMap<string, NatGateway>): boolean => {
  const route = defaultRoute(table);
  if (!route) return false;
  if (isInstanceRoute(route)) return true;
  return route.targetKind === 'nat-gateway' && natsById.get(route.targetId)?.connectivityType !== 'private';
};

/** Route tables of a tier marked `egress: true` with no 0.0.0.0/0 route to a NAT. */
const missingEgress = (
  vpcIntent: VpcIntent,
  view: View,
  tables: ReadonlyMap<string, RouteTable>,
  natsById: ReadonlyMap<string, NatGateway>,
): Violation[] =>
  vpcIntent.tiers
    .filter((tier) => tier.egress)
    .flatMap((tier) =>
      [...groupBy(view.tierSubnets(tier), (s) => tables.get(s.id)?.id)].flatMap(([tableId, served]) => {
        const table = view.tableById.get(tableId);
        if (!table || hasNatEgress(table, natsById)) return [];
        const route = defaultRoute(table);
        return [
          {
            resource: refOf('AWS::EC2::RouteTable', table),
            message: `外向き通信を行う層「${tier.name}」のサブネット ${subnetList(served)} が使うルートテーブル ${label(table)} に、NAT への 0.0.0.0/0 ルートがありません。`,
            expected: '0.0.0.0/0 → NAT',
            actual: route ? `0.0.0.0/0 → ${route.targetId}` : '0.0.0.0/0 のルートなし',
            fact: `egress:${tier.name}`,
          },
        ];
      }),
    );

/**
 * Zonal mode (seed 002): every AZ whose subnets use NAT has its own NAT gateway, and each route table
 * sends those subnets to the NAT of their own AZ. Crossing AZs ties the AZ's egress to another AZ's
 * failure and adds inter-AZ data charges.
 */
const zonalPlacement = (
  vpcIntent: VpcIntent,
  view: View,
  tables: ReadonlyMap<string, RouteTable>,
  natsById: ReadonlyMap<string, NatGateway>,
): Violation[] => {
  const zonalAzs = new Set(
    view.nats.filter((n) => n.availabilityMode === 'zonal').flatMap((n) => view.natAz(n) ?? []),
  );
  const closed = new Set(
    vpcIntent.tiers.filter((t) => t.closed).flatMap((t) => view.tierSubnets(t).map((s) => s.id)),
  );
  const egressTier = new Set(
    vpcIntent.tiers.filter((t) => t.egress).flatMap((t) => view.tierSubnets(t).map((s) => s.id)),
  );
  // Subnets that need a NAT in their AZ: the egress tiers', and any subnet already routed to a NAT.
  // A closed tier routed to a NAT is vpc.db-tier-egress's finding, not a missing NAT.
  const needNat = view.subnets.filter((s) => {
    if (closed.has(s.id)) return false;
    const table = tables.get(s.id);
    return egressTier.has(s.id) || (table !== undefined && defaultRoute(table)?.targetKind === 'nat-gateway');
  });
  const tableAndAz = (s: Subnet) => {
    const table = tables.get(s.id);
    return table ? `${table.id}|${s.availabilityZone}` : undefined;
  };
  return [...groupBy(needNat, tableAndAz)].flatMap(([key, served]) => {
    const [tableId = '', az = ''] = key.split('|');
    const table = view.tableById.get(tableId);
    if (!table) return [];
    const route = defaultRoute(table);
    const target = route?.targetKind === 'nat-gateway' ? natsById.get(route.targetId) : undefined;
    const targetAz = target ? view.natAz(target) : undefined;
    if (!zonalAzs.has(az)) {
      const now = route
        ? `現在は 0.0.0.0/0 を ${route.targetId}${targetAz ? `（${targetAz}）` : ''} に向けています。`
        : '';
      return [
        {
          resource: refOf('AWS::EC2::RouteTable', table),
          message: `ルートテーブル ${label(table)} を使う ${az} のサブネット ${subnetList(served)} がありますが、${az} にゾーン NAT ゲートウェイがありません。${now}`,
          expected: `${az} のゾーン NAT ゲートウェイ`,
          actual: `${az} に NAT ゲートウェイなし`,
          fact: `zonal-missing:${az}`,
        },
      ];
    }
    if (target?.availabilityMode !== 'zonal' || targetAz === undefined || targetAz === az) return [];
    return [
      {
        resource: refOf('AWS::EC2::RouteTable', table),
        message: `ルートテーブル ${label(table)} は ${az} のサブネット ${subnetList(served)} の 0.0.0.0/0 を、別の AZ（${targetAz}）の NAT ゲートウェイ ${label(target)} に向けています。${targetAz} の障害で ${az} の外向き通信も止まり、AZ 間のデータ転送料金も発生します。`,
        expected: `0.0.0.0/0 → ${az} の NAT ゲートウェイ`,
        actual: `0.0.0.0/0 → ${target.id} (${targetAz})`,
        fact: `cross-az:${az}:${target.id}`,
      },
    ];
  });
};

/** All findings for one intended VPC. */
const evaluateVpc = (
  inventory: Inventory,
  vpcIntent: VpcIntent,
  tables: ReadonlyMap<string, RouteTable>,
  natsById: ReadonlyMap<string, NatGateway>,
) => {
  const mode = vpcIntent.natMode;
  if (mode === undefined || mode === 'any') return [];
  const view = viewOf(inventory, vpcIntent, tables);
  // A VPC with no subnets here lives in a region this audit did not cover.
  if (view.subnets.length === 0) return [];

  const mismatches = modeMismatches(mode, view);
  if (mode === 'none') return mismatches;
  const egress = missingEgress(vpcIntent, view, tables, natsById);
  const zonal = mode === 'zonal' ? zonalPlacement(vpcIntent, view, tables, natsById) : [];

  // No NAT of any kind: said once on the main table, unless the egress tiers' tables already say it.
  const hasInstance = [...view.servedBy.keys()].some((id) => {
    const table = view.tableById.get(id);
    const route = table ? defaultRoute(table) : undefined;
    return route !== undefined && isInstanceRoute(route);
  });
  const nothing =
    view.nats.length === 0 && !hasInstance && egress.length === 0 && view.mainTable
      ? [
          {
            resource: refOf('AWS::EC2::RouteTable', view.mainTable),
            message: `VPC ${vpcIntent.id} には NAT ゲートウェイも NAT インスタンスへのルートもありませんが、意図した NAT の方式は「${MODE_NAMES[mode]}」です。`,
            expected: `natMode: ${mode}`,
            actual: 'NAT なし',
            fact: 'mode:none',
          },
        ]
      : [];
  return [...mismatches, ...egress, ...zonal, ...nothing];
};

export const vpcNatMode = defineCheck({
  id: 'vpc.nat-mode',
  principle: 'P3',
  severity: 'medium',
  resourceType: 'AWS::EC2::NatGateway',
  needs: ['ec2.vpcs', 'ec2.subnets', 'ec2.routeTables', 'ec2.natGateways'],
  title: 'NAT の構成が意図した方式と異なります',
  explanation:
    '外向き通信の経路は意図した方式に揃えます。本番はリージョナル NAT ゲートウェイ（パブリックサブネット不要）、ゾーン NAT ゲートウェイなら AZ ごとに置いて各プライベートルートテーブルを同じ AZ の NAT に向ける、検証環境は NAT インスタンス、外向き通信が不要なら NAT なし、といった方式です。方式が混在したり AZ をまたいだりすると、想定外のパブリックサブネット、AZ 障害時の通信断、余計なコストにつながります。',
  impact:
    '外向き通信が AZ 障害で止まる、必要な外向き通信ができない、想定外のコストやパブリックサブネットが生じる、といった問題が起こり得ます。',
  remediation:
    '設計定義ファイルの natMode に合わせて NAT を構成し直し、ルートテーブルの 0.0.0.0/0 を正しい NAT に向けてください。ゾーン NAT ゲートウェイでは AZ ごとに NAT ゲートウェイとルートテーブルを用意します。外向き通信を行う層（egress: true）のルートテーブルには、NAT への 0.0.0.0/0 ルートが必要です。',
  evaluate: ({ inventory, intent }) => {
    const tables = effectiveRouteTables(inventory);
    const natsById = byId(inventory.ec2.natGateways);
    return intent.vpcs.flatMap((vpcIntent) => evaluateVpc(inventory, vpcIntent, tables, natsById));
  },
});
