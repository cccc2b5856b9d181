/**
 * Exposure reasoning (P1): every path from the internet to a VPC workload, with its hops in order, and
 * whether the intent accepts it. Pure; linear-ish in the inventory: each subnet's internet reachability
 * (route × NACL) is computed once, each SG's internet ingress once, and everything is joined through
 * indexes by id — no all-pairs loops.
 *
 * Entries modelled:
 * 1. A workload network interface with a public IP / EIP, or a global IPv6 address:
 *    IGW → route → subnet → NACL → ENI → SG.
 * 2. An internet-facing ALB/NLB: IGW → route → subnet → NACL → LB → SG (none for an NLB without one)
 *    → listener → target group.
 * 3. A REGIONAL/EDGE REST API whose served method needs no API key and whose resource policy admits
 *    internet callers: API → stage/method → VPC link → NLB/ALB → target group.
 * CloudFront distributions are the intended door and never a finding: a distribution reaches the VPC only
 * through a VPC origin (private) or a public origin, and a public origin is itself an entry judged above.
 *
 * Targets of target groups are not collected: a path through a load balancer ends at the target group,
 * which stands for its targets (its VPC is the workload side).
 */

import { frontDoors } from '../../checks/cloudfront/distribution.ts';
import type { ResourceRef } from '../../checks/define.ts';
import { internetFacingIntended } from '../../checks/elb/intent.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import { methodSignature } from '../../inventory/api-signature.ts';
import {
  byId,
  displayName,
  effectiveRouteTables,
  isWorkloadInterface,
  label,
  prefixListLabel,
  refOf,
  resolveStageVariables,
  stageVariableNames,
  type VpcScope,
  vpcsInScope,
} from '../../inventory/derive.ts';
import type {
  ApiMethod,
  ApiStage,
  Inventory,
  Listener,
  LoadBalancer,
  ManagedPrefixList,
  NetworkAcl,
  RestApi,
  Route,
  RouteTable,
  SecurityGroup,
  TargetGroup,
} from '../../inventory/types.ts';
import { iamPrincipal, invokeJudge, servedPolicy, verbsOf } from '../api-policy.ts';
import { conditionValues, parsePolicy } from '../policy.ts';
import {
  type AclPass,
  internetSources,
  PROTOCOLS,
  type Proto,
  portRange,
  type SgPass,
  sgIngress,
  throughAcl,
} from './network.ts';
import {
  ALL_ADDRESSES,
  ALL_PORTS,
  type Box,
  formatIpv4,
  formatPorts,
  intersectRegions,
  ipv4Cidr,
  isGlobalIpv6,
  MAX_IPV4,
  PUBLIC_IPV4,
  portsOf,
  type Tagged,
} from './ranges.ts';

// --------------------------------------------------------------------------------------------- Shapes

export type HopKind =
  | 'internet'
  | 'internet-gateway'
  | 'route-table'
  | 'subnet'
  | 'network-acl'
  | 'network-interface'
  | 'security-group'
  | 'load-balancer'
  | 'listener'
  | 'target-group'
  | 'rest-api'
  | 'stage'
  | 'vpc-link'
  | 'distribution'
  | 'origin';

/** One hop of a path; `note` is the Japanese fact that let the flow through (route, rule, port). */
export interface Hop {
  readonly kind: HopKind;
  readonly id: string;
  readonly label: string;
  readonly note?: string;
}

export type EntryKind = 'public-ip' | 'load-balancer' | 'rest-api';

export interface ExposureEntry {
  readonly kind: EntryKind;
  readonly resource: ResourceRef;
  readonly label: string;
}

export interface ExposureWorkload {
  readonly kind: 'network-interface' | 'target-group';
  readonly id: string;
  readonly label: string;
  readonly vpcId?: string;
}

/** 'entry → workload', or the workload alone when it is its own entry (a public IP on its ENI). */
export const entryToWorkload = (
  entry: { readonly label?: string } | undefined,
  workload: { readonly label?: string } | undefined,
): string => {
  const from = entry?.label ?? '';
  const to = workload?.label ?? '';
  return to.startsWith(from) ? to : `${from} → ${to}`;
};

/** A path from the internet to a workload. */
export interface ExposurePath {
  readonly entry: ExposureEntry;
  readonly workload: ExposureWorkload;
  /** In order, starting with the internet. */
  readonly hops: readonly Hop[];
  /** What gets through: 'tcp 8080' / 'tcp 80, 443; udp 53'. */
  readonly ports: string;
  /** For API entries: the stage methods that open the path ('prod: GET /orders'). */
  readonly methods?: readonly string[];
  /** Set when the intent accepts the path; the reason says why. */
  readonly intended?: string;
  /** Set when a hop could not be decided and the path is assumed open (never assumed closed). */
  readonly unknown?: string;
}

/** An intended way in, drawn apart from the bypasses. */
export interface IntendedDoor {
  readonly kind: 'distribution' | EntryKind;
  readonly id: string;
  readonly label: string;
  readonly reason: string;
  /** What the door leads to (origins, target groups), as labels. */
  readonly leadsTo: readonly string[];
}

export interface ExposureModel {
  readonly paths: readonly ExposurePath[];
  readonly doors: readonly IntendedDoor[];
}

const INTERNET: Hop = { kind: 'internet', id: 'internet', label: 'インターネット' };

// ------------------------------------------------------------------------------------------- Helpers

const describeProtoPorts = (proto: Proto, box: Box): string => `${proto} ${formatPorts([box.p])}`;

/**
 * '0.0.0.0/0 から tcp 8080 を許可': the SG rule as written (its own port range, not the narrowed one).
 * A source that is an entry of a customer-managed prefix list names the list first, so the note (shown
 * in full-width brackets after the group) does not nest brackets.
 */
const sgRuleNote = (proto: Proto, pass: SgPass): string =>
  `${pass.prefixList ? `プレフィックスリスト ${prefixListLabel(pass.prefixList)} のエントリ ` : ''}${pass.cidr} から ${proto} ${formatPorts([portRange(pass.rule.fromPort, pass.rule.toPort)])} を許可`;

/** A box of IPv6 sources (the synthetic IPv6-internet address sits just past the IPv4 space). */
const isIpv6Box = (box: Box): boolean => box.a.lo > MAX_IPV4;

/** 'tcp 22, 8080; udp 53' from per-protocol regions. */
const portsSummary = (byProto: ReadonlyMap<Proto, readonly Tagged<unknown>[]>): string =>
  PROTOCOLS.filter((p) => (byProto.get(p)?.length ?? 0) > 0)
    .map((p) => `${p} ${formatPorts(portsOf(byProto.get(p) ?? []))}`)
    .join('; ');

/** The representative box of a path: TCP before UDP, lowest port first. */
const firstOf = <T>(
  byProto: ReadonlyMap<Proto, readonly Tagged<T>[]>,
): { proto: Proto; t: Tagged<T> } | undefined => {
  for (const proto of PROTOCOLS) {
    const list = [...(byProto.get(proto) ?? [])].sort(
      (x, y) => x.box.p.lo - y.box.p.lo || x.box.a.lo - y.box.a.lo,
    );
    if (list[0]) return { proto, t: list[0] };
  }
  return undefined;
};

interface DeclaredEntry {
  readonly resource: string;
  readonly reason: string;
}

const declaredEntries = (intent: ResolvedIntent): readonly DeclaredEntry[] =>
  intent.exposure?.intendedEntries ?? [];

// ---------------------------------------------------------------------------------- Subnet reachability

interface SubnetTag {
  readonly route: Route;
  readonly acl?: AclPass<Route>;
}

interface SubnetReach {
  readonly table: RouteTable;
  readonly acl?: NetworkAcl;
  readonly byProto: ReadonlyMap<Proto, readonly Tagged<SubnetTag>[]>;
}

/** Indexes built once per evaluation. */
class Model {
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
  private readonly aclCache = new Map<string, ReadonlyMap<Proto, readonly Tagged<SubnetTag>[]>>();
  private readonly sgCache = new Map<string, readonly Tagged<SgPass>[]>();

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
        const computed = new Map<Proto, readonly Tagged<SubnetTag>[]>();
        for (const proto of PROTOCOLS) {
          // Every subnet is associated with exactly one ACL; if none was collected for it, assume the
          // default ACL's allow-all rather than a pass we cannot prove.
          computed.set(
            proto,
            acl
              ? throughAcl(sources, acl, proto).map((t) => ({
                  box: t.box,
                  tag: { route: t.tag.from, acl: t.tag },
                }))
              : sources.map((t) => ({ box: t.box, tag: { route: t.tag } })),
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

  sgRegion(groupId: string, proto: Proto): readonly Tagged<SgPass>[] {
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
  subnetHops(subnetId: string, reach: SubnetReach, tag: SubnetTag, proto: Proto, box: Box): Hop[] {
    const subnet = this.subnets.get(subnetId);
    const igw = this.igws.get(tag.route.targetId);
    const inherited = !reach.table.subnetIds.includes(subnetId);
    const ports = describeProtoPorts(proto, box);
    return [
      INTERNET,
      { kind: 'internet-gateway', id: tag.route.targetId, label: igw ? label(igw) : tag.route.targetId },
      {
        kind: 'route-table',
        id: reach.table.id,
        label: label(reach.table),
        note: `${tag.route.destination}${inherited ? '、メインルートテーブルを継承' : ''}`,
      },
      { kind: 'subnet', id: subnetId, label: subnet ? label(subnet) : subnetId },
      reach.acl && tag.acl
        ? {
            kind: 'network-acl',
            id: reach.acl.id,
            label: label(reach.acl),
            note: `受信ルール ${tag.acl.inbound.ruleNumber} で ${ports} を許可、戻りは送信ルール ${tag.acl.outbound.ruleNumber} で許可`,
          }
        : { kind: 'network-acl', id: '?', label: 'ネットワーク ACL', note: '未収集のため許可とみなす' },
    ];
  }
}

// ---------------------------------------------------------------------------------- 1. Public IP ENIs

const publicIpPaths = (m: Model): ExposurePath[] =>
  m.inventory.ec2.networkInterfaces.flatMap((eni): ExposurePath[] => {
    // Over IPv4, without a public IP / EIP the IGW has nothing to translate to: the ENI is not addressable
    // from outside. Over IPv6 there is no translation: a global unicast address is the internet address
    // itself, while ULA (fc00::/7) and link-local (fe80::/10) addresses are never routed from the internet.
    const globalIpv6 = (eni.ipv6Addresses ?? []).filter(isGlobalIpv6);
    if (!eni.publicIp && globalIpv6.length === 0) return [];
    if (!m.inScope.has(eni.vpcId) || !isWorkloadInterface(eni)) return [];
    const reach = m.subnetReach(eni.subnetId);
    if (!reach) return [];
    const addressable = (box: Box) => (isIpv6Box(box) ? globalIpv6.length > 0 : eni.publicIp !== undefined);
    const byProto = new Map<Proto, Tagged<{ s: SubnetTag; g: SgPass }>[]>();
    for (const proto of PROTOCOLS) {
      const inside = (reach.byProto.get(proto) ?? []).filter((t) => addressable(t.box));
      if (inside.length === 0) continue;
      const sgs = eni.securityGroupIds.flatMap((g) => m.sgRegion(g, proto));
      const through = intersectRegions(inside, sgs, (s, g) => ({ s, g }));
      if (through.length > 0) byProto.set(proto, through);
    }
    const first = firstOf(byProto);
    if (!first) return [];
    const { proto, t } = first;
    const ref = refOf('AWS::EC2::NetworkInterface', eni);
    const eniLabel = label(eni);
    const hops: Hop[] = [
      ...m.subnetHops(eni.subnetId, reach, t.tag.s, proto, t.box),
      {
        kind: 'network-interface',
        id: eni.id,
        label: eniLabel,
        note: isIpv6Box(t.box)
          ? `IPv6 ${globalIpv6[0]}`
          : eni.allocationId
            ? `EIP ${eni.publicIp}`
            : eni.publicIp,
      },
      {
        kind: 'security-group',
        id: t.tag.g.group.id,
        label: label(t.tag.g.group),
        note: sgRuleNote(proto, t.tag.g),
      },
    ];
    const reason = m.declaredReason(eni.id, eni.instanceId, eni.publicIp, ...globalIpv6);
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

// ------------------------------------------------------------------------------ 2. Load balancers

/** Protocols a listener accepts: HTTP/HTTPS/TCP/TLS are TCP; UDP; TCP_UDP both. */
const listenerProtos = (l: Listener): readonly Proto[] => {
  const p = (l.protocol ?? '').toUpperCase();
  if (p === 'UDP') return ['udp'];
  if (p === 'TCP_UDP') return ['tcp', 'udp'];
  return ['tcp'];
};

const listenerLabel = (l: Listener): string => `${l.protocol ?? '?'}:${l.port ?? '?'}`;

/** The target groups a load balancer sends to, with the listeners (of `via`) that forward to each by default. */
const targetGroupsOf = (m: Model, lb: LoadBalancer): TargetGroup[] =>
  [...(m.targetGroupsByLb.get(lb.arn ?? lb.id) ?? [])].flatMap((arn) => m.targetGroups.get(arn) ?? []);

/** A target group or load balancer hop is named without its ARN, which says nothing more. */
const tgLabel = (tg: TargetGroup): string => displayName(tg) ?? tg.id;

const tgNote = (tg: TargetGroup): string =>
  `${`${tg.protocol ?? ''}${tg.port !== undefined ? `:${tg.port}` : ''} ${tg.targetType}`.trim()}、ターゲットは未収集`;

const lbLabel = (lb: LoadBalancer): string => displayName(lb) ?? lb.id;

const loadBalancerPaths = (m: Model): ExposurePath[] =>
  m.inventory.elbv2.loadBalancers.flatMap((lb): ExposurePath[] => {
    if (lb.scheme !== 'internet-facing' || lb.type === 'gateway' || !m.inScope.has(lb.vpcId)) return [];
    const listeners = m.listenersByLb.get(lb.arn ?? lb.id) ?? [];
    const tgs = targetGroupsOf(m, lb);
    if (listeners.length === 0 || tgs.length === 0) return [];
    type Tag = { s: SubnetTag; g?: SgPass; l: Listener };
    // Try each subnet of the LB (one LB node per subnet); the first that lets anything through is drawn.
    // The LB's IP address type (ipv4 / dualstack) is not collected, so its listeners are modelled over
    // IPv4 only (ALL_ADDRESSES); the IPv6 side of a dualstack LB is not drawn separately.
    let found: { subnetId: string; reach: SubnetReach; byProto: Map<Proto, Tagged<Tag>[]> } | undefined;
    for (const subnetId of lb.subnetIds) {
      const reach = m.subnetReach(subnetId);
      if (!reach) continue;
      const byProto = new Map<Proto, Tagged<Tag>[]>();
      for (const proto of PROTOCOLS) {
        const inside = reach.byProto.get(proto) ?? [];
        const ports = listeners
          .filter((l) => l.port !== undefined && listenerProtos(l).includes(proto))
          .map((l) => ({ box: { a: ALL_ADDRESSES, p: { lo: l.port!, hi: l.port! } }, tag: l }));
        if (inside.length === 0 || ports.length === 0) continue;
        // An NLB created without security groups filters nothing: every source reaches its listeners.
        const sgs: Tagged<SgPass | undefined>[] =
          lb.securityGroupIds.length === 0
            ? [{ box: { a: ALL_ADDRESSES, p: ALL_PORTS }, tag: undefined }]
            : lb.securityGroupIds.flatMap((g) => m.sgRegion(g, proto));
        const withSg = intersectRegions(inside, sgs, (s, g) => ({ s, g }));
        const through = intersectRegions(withSg, ports, (x, l) => ({ ...x, l }) as Tag);
        if (through.length > 0) byProto.set(proto, through);
      }
      if (byProto.size > 0) {
        found = { subnetId, reach, byProto };
        break;
      }
    }
    if (!found) return [];
    const first = firstOf(found.byProto);
    if (!first) return [];
    const { proto, t } = first;
    const ref = refOf('AWS::ElasticLoadBalancingV2::LoadBalancer', lb);
    const reason = internetFacingIntended(lb, m.intent)
      ? (m.declaredReason(lb.id, lb.arn, lb.loadBalancerName) ??
        (m.intent.switches.requireInternalLoadBalancers
          ? '設計定義ファイルの loadBalancers.allowInternetFacing に記載'
          : `${m.intent.profile} プロファイルでは internet-facing のロードバランサーが意図した入口`))
      : m.declaredReason(lb.id, lb.arn, lb.loadBalancerName);
    const reachable = [...found.byProto.values()].flat();
    const reachableListeners = new Set(reachable.map((x) => x.tag.l.arn));
    const baseHops: Hop[] = [
      ...m.subnetHops(found.subnetId, found.reach, t.tag.s, proto, t.box),
      {
        kind: 'load-balancer',
        id: lb.arn ?? lb.id,
        label: lbLabel(lb),
        note: `${lb.type === 'network' ? 'NLB' : 'ALB'}、internet-facing`,
      },
      t.tag.g
        ? {
            kind: 'security-group',
            id: t.tag.g.group.id,
            label: label(t.tag.g.group),
            note: sgRuleNote(proto, t.tag.g),
          }
        : {
            kind: 'security-group',
            id: 'none',
            label: 'セキュリティグループなし',
            note: 'NLB は送信元を制限しない',
          },
    ];
    return tgs.flatMap((tg): ExposurePath[] => {
      const tgArn = tg.arn ?? tg.id;
      // Listener default actions say which listener forwards here; rules (not collected) may forward from any.
      const direct = listeners.filter(
        (l) => reachableListeners.has(l.arn) && l.targetGroupArns.includes(tgArn),
      );
      const via = direct.length > 0 ? direct : listeners.filter((l) => reachableListeners.has(l.arn));
      if (via.length === 0) return [];
      const viaSet = new Set(via.map((l) => l.arn));
      const byProto = new Map<Proto, Tagged<Tag>[]>();
      for (const [p, list] of found.byProto) {
        const kept = list.filter((x) => viaSet.has(x.tag.l.arn));
        if (kept.length > 0) byProto.set(p, kept);
      }
      const listener = via[0]!;
      return [
        {
          entry: { kind: 'load-balancer', resource: ref, label: lbLabel(lb) },
          workload: {
            kind: 'target-group',
            id: tgArn,
            label: tgLabel(tg),
            ...(tg.vpcId ? { vpcId: tg.vpcId } : {}),
          },
          hops: [
            ...baseHops,
            {
              kind: 'listener',
              id: listener.arn,
              label: listenerLabel(listener),
              note: direct.length > 0 ? 'デフォルトアクションで転送' : 'リスナールール経由',
            },
            { kind: 'target-group', id: tgArn, label: tgLabel(tg), note: tgNote(tg) },
          ],
          ports: portsSummary(byProto),
          ...(reason ? { intended: reason } : {}),
        },
      ];
    });
  });

// -------------------------------------------------------------------------------------- 3. REST APIs

const OTHER_ACCOUNT = '210987654321';
/** Addresses standing for "anybody on the internet" (documentation ranges and a well-known resolver). */
const INTERNET_CALLERS = ['198.51.100.23', '203.0.113.77', '8.8.8.8'];

interface ServedMethod {
  readonly httpMethod: string;
  readonly path: string;
  readonly apiKeyRequired: boolean;
  readonly authorizationType: string;
  readonly connectionType: string;
  readonly connectionId?: string;
  readonly integrationTarget?: string;
}

/**
 * The methods a stage serves. A stage serves its deployment, not the API's current definition: when
 * the stage's export was collected (`deployedMethods`, signatures from inventory/api-signature.ts) it
 * decides whether a key is required and where the integration goes; otherwise the current methods stand in.
 */
const servedMethods = (api: RestApi, deployed: readonly string[] | undefined): ServedMethod[] => {
  const current = api.resources.flatMap((r) => r.methods.map((method) => ({ path: r.path, method })));
  const fromCurrent = (path: string, method: ApiMethod): ServedMethod => ({
    httpMethod: method.httpMethod,
    path,
    apiKeyRequired: method.apiKeyRequired,
    authorizationType: method.authorizationType,
    connectionType: method.integration?.connectionType ?? 'NONE',
    ...(method.integration?.connectionId ? { connectionId: method.integration.connectionId } : {}),
    ...(method.integration?.integrationTarget
      ? { integrationTarget: method.integration.integrationTarget }
      : {}),
  });
  if (!deployed) return current.map((c) => fromCurrent(c.path, c.method));
  const bySignature = new Map(current.map((c) => [methodSignature(c.path, c.method), c]));
  return deployed.flatMap((sig): ServedMethod[] => {
    const same = bySignature.get(sig);
    if (same) return [fromCurrent(same.path, same.method)];
    // `GET /data key=false integration=HTTP_PROXY VPC_LINK abc123 http://…`
    const m = /^(\S+) (\S+) key=(true|false) integration=(?:none|\S+ (\S+) (\S+) .*)$/.exec(sig);
    if (!m) return [];
    const sibling = current.find((c) => c.path === m[2] && c.method.httpMethod === m[1]);
    return [
      {
        httpMethod: m[1]!,
        path: m[2]!,
        apiKeyRequired: m[3] === 'true',
        authorizationType: sibling?.method.authorizationType ?? 'NONE',
        connectionType: m[4] ?? 'NONE',
        ...(m[5] && m[5] !== '-' ? { connectionId: m[5] } : {}),
      },
    ];
  });
};

/**
 * The VPC link a method calls on one stage. A connection id taken from a stage variable
 * (`${stageVariables.vpcLinkId}`) resolves per stage; a stage that does not set it calls nothing (the
 * call fails), so it is undefined there.
 */
const linkIdOnStage = (connectionId: string | undefined, stage: ApiStage): string | undefined => {
  if (connectionId === undefined || stageVariableNames(connectionId).length === 0) return connectionId;
  const resolved = resolveStageVariables(connectionId, stage.variables ?? {});
  return 'value' in resolved ? resolved.value : undefined;
};

type PolicyVerdict =
  | { readonly open: true; readonly note: string; readonly unknown?: string }
  | { readonly open: false };

/**
 * Whether the resource policy the stage serves lets an internet caller (no VPC endpoint) invoke this
 * method. Tried from generic internet addresses and from inside every public aws:SourceIp range the
 * policy names: an API restricted to a public range is still reachable from that part of the internet.
 */
const policyAdmits = (m: Model, api: RestApi, stage: ApiStage, method: ServedMethod): PolicyVerdict => {
  const { policy, deployed } = servedPolicy(api, stage);
  const which = deployed ? 'デプロイ済みのリソースポリシー' : 'リソースポリシー';
  if (policy === undefined) return { open: true, note: `${which}なし` };
  const parsed = parsePolicy(policy);
  if (!parsed.ok) return { open: true, note: `${which}を解釈できない`, unknown: parsed.reason };
  const judge = invokeJudge(api, m.inventory.account, parsed.document);
  const named = conditionValues(parsed.document, 'aws:SourceIp').flatMap((c) => {
    const r = ipv4Cidr(c);
    if (!r || !PUBLIC_IPV4.some((p) => p.lo <= r.lo && r.lo <= p.hi)) return [];
    return [formatIpv4(r.hi > r.lo ? r.lo + 1 : r.lo)];
  });
  const principal =
    method.authorizationType.toUpperCase() === 'AWS_IAM'
      ? iamPrincipal(api, OTHER_ACCOUNT)
      : ({ kind: 'anonymous' } as const);
  const target = { stage: stage.stageName, httpMethod: method.httpMethod, path: method.path };
  let unknown: string | undefined;
  for (const ip of [...INTERNET_CALLERS, ...named]) {
    const outcome = judge(target, { principal, sourceIp: ip });
    if (outcome.decision === 'allow') {
      // ANY with some verbs denied: name the verbs that still get through.
      const what =
        outcome.allowedVerbs.length < verbsOf(method.httpMethod).length
          ? ` ${outcome.allowedVerbs.join('/')} `
          : '呼び出し';
      return { open: true, note: `${which}が ${ip} からの${what}を許可` };
    }
    if (outcome.decision === 'unknown')
      unknown ??= outcome.unknown.filter(Boolean).join(', ') || 'unknown condition';
  }
  return unknown ? { open: true, note: `${which}の条件を判定できない`, unknown } : { open: false };
};

const restApiPaths = (m: Model): ExposurePath[] =>
  m.inventory.apigateway.restApis.flatMap((api): ExposurePath[] => {
    // A private API has no public endpoint; with the execute-api endpoint disabled, only a custom domain
    // name (not collected) could serve it.
    const types = api.endpointTypes.map((t) => t.toUpperCase());
    if (types.includes('PRIVATE') || api.disableExecuteApiEndpoint) return [];
    const ref = refOf('AWS::ApiGateway::RestApi', api);
    const apiLabel = label(api);
    const reason = m.declaredReason(api.id, api.arn, api.apiName);
    // target group ARN → first method that reaches it, and every method that does.
    const reached = new Map<string, { hops: Hop[]; methods: string[]; tg: TargetGroup; unknown?: string }>();
    for (const stage of api.stages) {
      for (const method of servedMethods(api, stage.deployedMethods)) {
        // The API key is the door key CloudFront carries (seed 000); a method without it is open to anyone.
        if (method.apiKeyRequired || method.connectionType.toUpperCase() !== 'VPC_LINK') continue;
        const connectionId = linkIdOnStage(method.connectionId, stage);
        if (method.connectionId !== undefined && connectionId === undefined) continue;
        const fromVariable =
          connectionId !== method.connectionId ? `、ステージ変数 ${method.connectionId}` : '';
        const link = connectionId ? m.vpcLinks.get(connectionId) : undefined;
        // A failed or deleting VPC link forwards nothing; a pending one will, so it counts.
        if (link && ['FAILED', 'DELETING'].includes(link.status.toUpperCase())) continue;
        const targets = method.integrationTarget ? [method.integrationTarget] : (link?.targetArns ?? []);
        const verdict = policyAdmits(m, api, stage, method);
        if (!verdict.open) continue;
        const signature = `${stage.stageName}: ${method.httpMethod} ${method.path}`;
        for (const target of targets) {
          const lb = m.loadBalancers.get(target);
          if (!lb || !m.inScope.has(lb.vpcId)) continue;
          for (const tg of targetGroupsOf(m, lb)) {
            const key = tg.arn ?? tg.id;
            const existing = reached.get(key);
            if (existing) {
              if (!existing.methods.includes(signature)) existing.methods.push(signature);
              continue;
            }
            reached.set(key, {
              tg,
              methods: [signature],
              ...(verdict.unknown ? { unknown: verdict.unknown } : {}),
              hops: [
                INTERNET,
                {
                  kind: 'rest-api',
                  id: api.id,
                  label: apiLabel,
                  note: `${types.join('/')}、execute-api エンドポイント有効、${verdict.note}`,
                },
                {
                  kind: 'stage',
                  id: `${api.id}/${stage.stageName}`,
                  label: `ステージ ${stage.stageName}`,
                  note: `${method.httpMethod} ${method.path} は API キー不要`,
                },
                link
                  ? {
                      kind: 'vpc-link',
                      id: link.id,
                      label: label(link),
                      note: `${link.status}${fromVariable}`,
                    }
                  : {
                      kind: 'vpc-link',
                      id: connectionId ?? '-',
                      label: 'VPC リンク (v2)',
                      note: target,
                    },
                {
                  kind: 'load-balancer',
                  id: lb.arn ?? lb.id,
                  label: lbLabel(lb),
                  note: `${lb.type === 'network' ? 'NLB' : 'ALB'}、${lb.scheme}`,
                },
                { kind: 'target-group', id: key, label: tgLabel(tg), note: tgNote(tg) },
              ],
            });
          }
        }
      }
    }
    return [...reached.entries()].map(([key, r]) => ({
      entry: { kind: 'rest-api', resource: ref, label: apiLabel },
      workload: {
        kind: 'target-group',
        id: key,
        label: tgLabel(r.tg),
        ...(r.tg.vpcId ? { vpcId: r.tg.vpcId } : {}),
      },
      hops: r.hops,
      ports: 'tcp 443',
      methods: r.methods,
      ...(reason ? { intended: reason } : {}),
      ...(r.unknown ? { unknown: r.unknown } : {}),
    }));
  });

// ------------------------------------------------------------------------------------ Intended doors

const cloudFrontDoors = (m: Model): IntendedDoor[] => {
  const vpcOrigins = byId(m.inventory.cloudfront.vpcOrigins);
  return frontDoors(m.inventory, m.intent)
    .filter((d) => d.enabled)
    .map((d) => ({
      kind: 'distribution' as const,
      id: d.id,
      label: label(d),
      reason:
        m.intent.cloudfront.frontDoors.length > 0
          ? '設計定義ファイルの cloudfront.frontDoors に記載'
          : 'CloudFront ディストリビューション（意図した入口）',
      leadsTo: d.origins.map((o) => {
        if (o.kind === 'vpc-origin') {
          const vo = o.vpcOriginId ? vpcOrigins.get(o.vpcOriginId) : undefined;
          const lb = vo ? m.loadBalancers.get(vo.targetArn) : undefined;
          return `VPC オリジン → ${lb ? lbLabel(lb) : (vo?.targetArn ?? o.domainName)}`;
        }
        return `${o.kind} オリジン ${o.domainName}`;
      }),
    }));
};

/** Every path from the internet to a workload, and the intended doors. */
export const exposureModel = (inventory: Inventory, intent: ResolvedIntent): ExposureModel => {
  const m = new Model(inventory, intent);
  const paths = [...publicIpPaths(m), ...loadBalancerPaths(m), ...restApiPaths(m)];
  const intendedByEntry = new Map<string, IntendedDoor>();
  for (const p of paths) {
    if (!p.intended) continue;
    const id = p.entry.resource.id;
    const door = intendedByEntry.get(id) ?? {
      kind: p.entry.kind,
      id,
      label: p.entry.label,
      reason: p.intended,
      leadsTo: [],
    };
    intendedByEntry.set(id, { ...door, leadsTo: [...door.leadsTo, p.workload.label] });
  }
  return { paths, doors: [...cloudFrontDoors(m), ...intendedByEntry.values()] };
};
