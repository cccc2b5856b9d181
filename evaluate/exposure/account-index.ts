import { type VpcScope, vpcsInScope } from '../../intent/queries.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import { byId, effectiveRouteTables, label } from '../../inventory/derive.ts';
import type {
  Inventory,
  Listener,
  LoadBalancer,
  ManagedPrefixList,
  NetworkAcl,
  Route,
  RouteTable,
  SecurityGroup,
  TargetGroup,
} from '../../inventory/types.ts';
import { describeProtoPorts, INTERNET } from './hops.ts';
import {
  type AclPass,
  internetSources,
  PROTOCOLS,
  type Proto,
  type SgPass,
  sgIngress,
  throughAcl,
} from './network.ts';
import type { Admitted, Box } from './ranges.ts';
import type { Hop } from './types.ts';

/**
 * The indexes the exposure model joins through, built once per evaluation: subnets, route tables and
 * ACLs by subnet, internet gateways by VPC, security groups, load balancers with their listeners and
 * target groups, VPC links. Each subnet's internet reachability (route × NACL) and each security group's
 * internet ingress are computed once and cached.
 */

interface DeclaredEntry {
  readonly resource: string;
  readonly reason: string;
}

const declaredEntries = (intent: ResolvedIntent): readonly DeclaredEntry[] =>
  intent.exposure?.intendedEntries ?? [];

export interface SubnetPass {
  readonly route: Route;
  readonly acl?: AclPass<Route>;
}

export interface SubnetReach {
  readonly table: RouteTable;
  readonly acl?: NetworkAcl;
  readonly byProto: ReadonlyMap<Proto, readonly Admitted<SubnetPass>[]>;
}

/** Indexes built once per evaluation. */
export class AccountIndex {
  readonly inventory: Inventory;
  readonly intent: ResolvedIntent;
  readonly inScope: VpcScope;
  readonly subnets;
  readonly tables: ReadonlyMap<string, RouteTable>;
  readonly aclBySubnet = new Map<string, NetworkAcl>();
  readonly igwsByVpc = new Map<string, Set<string>>();
  readonly igws;
  readonly groups: ReadonlyMap<string, SecurityGroup>;
  readonly prefixLists: ReadonlyMap<string, ManagedPrefixList>;
  readonly loadBalancers: ReadonlyMap<string, LoadBalancer>;
  readonly listenersByLb = new Map<string, Listener[]>();
  readonly targetGroupsByLb = new Map<string, Set<string>>();
  readonly targetGroups: ReadonlyMap<string, TargetGroup>;
  readonly vpcLinks;
  readonly declared: readonly DeclaredEntry[];
  private readonly subnetCache = new Map<string, SubnetReach | undefined>();
  private readonly aclCache = new Map<string, ReadonlyMap<Proto, readonly Admitted<SubnetPass>[]>>();
  private readonly sgCache = new Map<string, readonly Admitted<SgPass>[]>();

  constructor(inventory: Inventory, intent: ResolvedIntent) {
    this.inventory = inventory;
    this.intent = intent;
    this.inScope = vpcsInScope(inventory, intent);
    this.subnets = byId(inventory.ec2.subnets);
    this.tables = effectiveRouteTables(inventory);
    for (const acl of inventory.ec2.networkAcls) for (const s of acl.subnetIds) this.aclBySubnet.set(s, acl);
    for (const igw of inventory.ec2.internetGateways)
      for (const vpc of igw.attachedVpcIds) {
        const set = this.igwsByVpc.get(vpc) ?? new Set<string>();
        set.add(igw.id);
        this.igwsByVpc.set(vpc, set);
      }
    this.igws = byId(inventory.ec2.internetGateways);
    this.groups = byId(inventory.ec2.securityGroups);
    this.prefixLists = byId(inventory.ec2.prefixLists);
    this.loadBalancers = new Map(
      inventory.elbv2.loadBalancers.flatMap((lb) => [
        [lb.id, lb],
        ...(lb.arn ? [[lb.arn, lb] as const] : []),
      ]),
    );
    for (const l of inventory.elbv2.listeners) {
      const list = this.listenersByLb.get(l.loadBalancerArn) ?? [];
      list.push(l);
      this.listenersByLb.set(l.loadBalancerArn, list);
      for (const tg of l.targetGroupArns) this.linkTargetGroup(l.loadBalancerArn, tg);
    }
    for (const tg of inventory.elbv2.targetGroups)
      for (const lb of tg.loadBalancerArns) this.linkTargetGroup(lb, tg.arn ?? tg.id);
    this.targetGroups = new Map(
      inventory.elbv2.targetGroups.flatMap((tg) => [[tg.id, tg], ...(tg.arn ? [[tg.arn, tg] as const] : [])]),
    );
    this.vpcLinks = byId(inventory.apigateway.vpcLinks);
    this.declared = declaredEntries(intent);
  }

  private linkTargetGroup(lbArn: string, tgArn: string): void {
    const set = this.targetGroupsByLb.get(lbArn) ?? new Set<string>();
    set.add(tgArn);
    this.targetGroupsByLb.set(lbArn, set);
  }

  /** The reason the intent gives for this entry, if it declares it intended. */
  declaredReason(...names: readonly (string | undefined)[]): string | undefined {
    return this.declared.find((d) => names.includes(d.resource))?.reason;
  }

  /** Internet sources × ports that reach into a subnet past its route table and network ACL. */
  subnetReach(subnetId: string): SubnetReach | undefined {
    if (this.subnetCache.has(subnetId)) return this.subnetCache.get(subnetId);
    const subnet = this.subnets.get(subnetId);
    const table = this.tables.get(subnetId);
    let result: SubnetReach | undefined;
    if (subnet && table) {
      const acl = this.aclBySubnet.get(subnetId);
      const key = `${table.id}|${acl?.id ?? '-'}`;
      let byProto = this.aclCache.get(key);
      if (!byProto) {
        const sources = internetSources(table, this.igwsByVpc.get(subnet.vpcId) ?? new Set());
        const computed = new Map<Proto, readonly Admitted<SubnetPass>[]>();
        for (const proto of PROTOCOLS) {
          // Every subnet is associated with exactly one ACL; if none was collected for it, assume the
          // default ACL's allow-all rather than a pass we cannot prove.
          computed.set(
            proto,
            acl
              ? throughAcl(sources, acl, proto).map((t) => ({
                  box: t.box,
                  via: { route: t.via.from, acl: t.via },
                }))
              : sources.map((t) => ({ box: t.box, via: { route: t.via } })),
          );
        }
        byProto = computed;
        this.aclCache.set(key, byProto);
      }
      result = { table, ...(acl ? { acl } : {}), byProto };
    }
    this.subnetCache.set(subnetId, result);
    return result;
  }

  sgRegion(groupId: string, proto: Proto): readonly Admitted<SgPass>[] {
    const key = `${groupId}|${proto}`;
    let region = this.sgCache.get(key);
    if (!region) {
      const group = this.groups.get(groupId);
      region = group ? sgIngress(group, proto, this.prefixLists) : [];
      this.sgCache.set(key, region);
    }
    return region;
  }

  /** The network hops up to and including the subnet's NACL, for one surviving box. */
  subnetHops(subnetId: string, reach: SubnetReach, pass: SubnetPass, proto: Proto, box: Box): Hop[] {
    const subnet = this.subnets.get(subnetId);
    const igw = this.igws.get(pass.route.targetId);
    const inherited = !reach.table.subnetIds.includes(subnetId);
    const ports = describeProtoPorts(proto, box);
    return [
      INTERNET,
      { kind: 'internet-gateway', id: pass.route.targetId, label: igw ? label(igw) : pass.route.targetId },
      {
        kind: 'route-table',
        id: reach.table.id,
        label: label(reach.table),
        note: `${pass.route.destination}${inherited ? '、メインルートテーブルを継承' : ''}`,
      },
      { kind: 'subnet', id: subnetId, label: subnet ? label(subnet) : subnetId },
      reach.acl && pass.acl
        ? {
            kind: 'network-acl',
            id: reach.acl.id,
            label: label(reach.acl),
            note: `受信ルール ${pass.acl.inbound.ruleNumber} で ${ports} を許可、戻りは送信ルール ${pass.acl.outbound.ruleNumber} で許可`,
          }
        : { kind: 'network-acl', id: '?', label: 'ネットワーク ACL', note: '未収集のため許可とみなす' },
    ];
  }
}

/** The target groups a load balancer sends to (by its listeners' default actions or the groups' own record). */
export const targetGroupsOf = (index: AccountIndex, lb: LoadBalancer): TargetGroup[] =>
  [...(index.targetGroupsByLb.get(lb.arn ?? lb.id) ?? [])].flatMap(
    (arn) => index.targetGroups.get(arn) ?? [],
  );
