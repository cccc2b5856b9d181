import { isPublicCidr } from './addresses.ts';
import type {
  ApiMethod,
  Inventory,
  ManagedPrefixList,
  NetworkInterface,
  ResourceBase,
  RestApi,
  Route,
  RouteTable,
  SecurityGroupRule,
} from './types.ts';

/** Pure derived facts over the inventory, with the AWS semantics they rely on. */

export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

export const WORLD_CIDRS: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

/** Indexes items by id once, so checks join in O(1) instead of scanning. */
export const byId = <T extends { readonly id: string }>(items: readonly T[]): ReadonlyMap<string, T> =>
  new Map(items.map((i) => [i.id, i]));

/** Builds a subnet id → effective route table lookup for the whole inventory in one pass. */
export const effectiveRouteTables = (inventory: Inventory): ReadonlyMap<string, RouteTable> => {
  const explicit = new Map<string, RouteTable>();
  const mainByVpc = new Map<string, RouteTable>();
  for (const t of inventory.ec2.routeTables) {
    for (const s of t.subnetIds) explicit.set(s, t);
    if (t.isMain) mainByVpc.set(`${t.region}/${t.vpcId}`, t);
  }
  const result = new Map<string, RouteTable>();
  for (const s of inventory.ec2.subnets) {
    const table = explicit.get(s.id) ?? mainByVpc.get(`${s.region}/${s.vpcId}`);
    if (table) result.set(s.id, table);
  }
  return result;
};

/**
 * Active routes of a table that send the whole internet (0.0.0.0/0 or ::/0) to an internet gateway.
 * An egress-only IGW (`eigw-`) is not an internet gateway: it admits no inbound connection.
 */
export const defaultRoutesToIgw = (table: RouteTable): readonly Route[] =>
  table.routes.filter(
    (r) => r.state === 'active' && r.targetKind === 'internet-gateway' && WORLD_CIDRS.has(r.destination),
  );

/**
 * Routes that lead to the internet in any way: IGW, egress-only IGW, NAT gateway or a NAT instance.
 * A prefix-list destination's entries are not collected; to an (egress-only) IGW it can only mean
 * public addresses, while to a NAT or an appliance ENI it may well be on-premises ranges.
 */
export const internetRoutes = (table: RouteTable): readonly Route[] =>
  table.routes.filter(
    (r) =>
      r.state === 'active' &&
      r.targetKind !== 'local' &&
      (r.destinationKind !== 'prefix-list'
        ? isPublicDestination(r.destination)
        : r.targetKind === 'internet-gateway' || r.targetKind === 'egress-only-internet-gateway') &&
      [
        'internet-gateway',
        'egress-only-internet-gateway',
        'nat-gateway',
        'instance',
        'network-interface',
      ].includes(r.targetKind),
  );

/**
 * The NAT64 well-known prefix (RFC 6052) as AWS writes it in a route: an IPv6-only subnet reaches the
 * IPv4 internet through a NAT gateway with this route, although the prefix itself is not 2000::/3.
 */
const NAT64_PREFIX = '64:ff9b::/96';

/**
 * True for a route destination that covers public address space (inventory/addresses.ts
 * isPublicCidr, the one definition), or the NAT64 prefix that translates to the IPv4 internet.
 */
export const isPublicDestination = (cidr: string): boolean =>
  isPublicCidr(cidr) || cidr.toLowerCase() === NAT64_PREFIX;

/**
 * Default VPCs nobody has put anything in: no network interface (every instance, task, function, load
 * balancer, NAT gateway and interface endpoint has one). AWS creates one in every region with a public
 * subnet per zone (IGW route, public IPs on launch) and a default group that admits itself. While the
 * VPC is empty those AWS defaults are one vpc.default-vpc finding, not a finding per subnet and group.
 * Where network interfaces could not be read in a region, its default VPC is treated as used: nothing
 * is folded away on data that is missing.
 */
export const unusedDefaultVpcIds = (inventory: Inventory): ReadonlySet<string> => {
  const unreadRegions = new Set(
    inventory.errors.filter((e) => e.slices.includes('ec2.networkInterfaces')).map((e) => e.region),
  );
  const used = new Set(inventory.ec2.networkInterfaces.map((eni) => eni.vpcId));
  return new Set(
    inventory.ec2.vpcs
      .filter(
        (v) => v.isDefault && !used.has(v.id) && !unreadRegions.has(v.region) && !unreadRegions.has('global'),
      )
      .map((v) => v.id),
  );
};

/** Ids of the CloudFront origin-facing managed prefix list in every region (its id differs per region). */
export const cloudFrontPrefixListIds = (inventory: Inventory): ReadonlySet<string> =>
  new Set(
    inventory.ec2.prefixLists
      .filter((p) => p.prefixListName === CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST)
      .map((p) => p.id),
  );

/** One address source of a security group rule: a CIDR, and the customer-managed prefix list holding it. */
export interface RuleSource {
  readonly cidr: string;
  readonly prefixList?: ManagedPrefixList;
}

/**
 * The CIDRs a security group rule admits (or sends to): its own CIDR, or every entry of the
 * customer-managed prefix list it references. A referenced group admits its members, and an AWS-managed
 * list (CloudFront origin-facing, S3) an AWS service: neither is a CIDR source.
 */
export const ruleCidrSources = (
  rule: SecurityGroupRule,
  prefixLists: ReadonlyMap<string, ManagedPrefixList>,
): readonly RuleSource[] => {
  const own = rule.cidrIpv4 ?? rule.cidrIpv6;
  if (own !== undefined) return [{ cidr: own }];
  const list = rule.prefixListId === undefined ? undefined : prefixLists.get(rule.prefixListId);
  return list?.entries?.map((e) => ({ cidr: e.cidr, prefixList: list })) ?? [];
};

/** How a message names a prefix list: "office-egress (pl-0a1b…)", by label()'s one rule. */
export const prefixListLabel = (list: ManagedPrefixList): string => label(list);

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

/**
 * A security group rule's protocol by name: 'tcp', 'udp', 'icmp', 'icmpv6', 'all' for -1, or the IANA
 * number. DescribeSecurityGroupRules names the common ones (a rule created with '6' comes back as
 * 'tcp'), but a hand-built inventory may still say '6'.
 */
export const protocolName = (protocol: string): string => {
  const p = protocol.toLowerCase();
  if (p === '-1' || p === 'all') return 'all';
  return PROTOCOL_NAMES[p] ?? p;
};

/** A security group rule's source (ingress) or destination (egress), exactly one of which AWS sets. */
export const peerOf = (rule: SecurityGroupRule): string =>
  rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? rule.referencedGroupId ?? 'unknown';

/** The inclusive range of a TCP/UDP rule: a missing or -1 bound is that end of 0-65535. */
export const tcpUdpPorts = (from?: number, to?: number): { readonly from: number; readonly to: number } => ({
  from: from === undefined || from < 0 ? 0 : from,
  to: to === undefined || to < 0 ? 65535 : to,
});

/** `${stageVariables.name}` as API Gateway writes it in an integration (e.g. a VPC link's connectionId). */
const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;

/** Names of the stage variables a value refers to ('${stageVariables.vpcLinkId}' → ['vpcLinkId']). */
export const stageVariableNames = (text: string): string[] =>
  [...text.matchAll(STAGE_VARIABLE)].map((m) => m[1] as string);

/**
 * A value with its stage variables replaced by one stage's values, as API Gateway resolves it per
 * stage at call time; `missing` names the variables the stage does not set (the call then fails).
 */
export const resolveStageVariables = (
  text: string,
  variables: Readonly<Record<string, string>>,
): { readonly value: string } | { readonly missing: readonly string[] } => {
  const missing = stageVariableNames(text).filter((name) => !Object.hasOwn(variables, name));
  if (missing.length > 0) return { missing: [...new Set(missing)] };
  return { value: text.replace(STAGE_VARIABLE, (_, name: string) => variables[name] as string) };
};

/** Every method of the API with its resource path, in the API's order. */
export const methodsOf = (api: RestApi): readonly { readonly path: string; readonly method: ApiMethod }[] =>
  api.resources.flatMap((r) => r.methods.map((method) => ({ path: r.path, method })));

/** DNS names compare case-insensitively; CloudFront may also keep a trailing dot. */
export const normalizeHost = (domainName: string): string =>
  domainName.trim().toLowerCase().replace(/\.$/, '');

/**
 * `<apiId>.execute-api.<region>.amazonaws.com` (REST and HTTP APIs share this form). A custom domain
 * name in front of an API cannot be resolved to its API and base-path mapping here, so it is not parsed.
 */
const EXECUTE_API = /^([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export interface ExecuteApiTarget {
  readonly apiId: string;
  readonly region: string;
}

/** The API and region an execute-api hostname names, or undefined for any other host. */
export const parseExecuteApiDomain = (domainName: string): ExecuteApiTarget | undefined => {
  const match = EXECUTE_API.exec(normalizeHost(domainName));
  return match ? { apiId: match[1]!, region: match[2]! } : undefined;
};

/**
 * A host as a load balancer knows it: normalized, without the `dualstack.` prefix ALBs also answer on
 * (the name CloudFront needs for IPv6 to the origin). Compare it with `loadBalancerHost(lb.dnsName)`.
 */
export const loadBalancerHost = (domainName: string): string =>
  normalizeHost(domainName).replace(/^dualstack\./, '');

/**
 * Interface types (DescribeNetworkInterfaces `InterfaceType`) of ENIs that AWS creates for its own
 * infrastructure rather than for a workload: NAT gateways, VPC endpoints, load balancers, transit gateway
 * attachments and similar service-managed interfaces. The SDK enum spells the NAT type 'natGateway' but
 * the API returns 'nat_gateway'; both are listed. 'interface', 'branch'/'trunk' (ECS ENI trunking),
 * 'efa', 'efa-only' and 'lambda' stay workloads.
 */
const INFRASTRUCTURE_INTERFACE_TYPES: ReadonlySet<string> = new Set([
  'nat_gateway',
  'natGateway',
  'vpc_endpoint',
  'load_balancer',
  'network_load_balancer',
  'gateway_load_balancer',
  'gateway_load_balancer_endpoint',
  'transit_gateway',
  'api_gateway_managed',
  'global_accelerator_managed',
  'ec2_instance_connect_endpoint',
  'iot_rules_managed',
  'quicksight',
  'aws_codestar_connections_managed',
]);

/**
 * True for an ENI that carries a workload (instance, ECS task, Lambda, RDS…), false for AWS's own
 * infrastructure. ALB and Classic Load Balancer ENIs have InterfaceType 'interface'; only their owner
 * (amazon-elb) or requester-managed description ('ELB app/<name>/<id>', 'ELB <name>') tells them apart.
 * ECS task ENIs are requester-managed too but describe an ECS attachment, so they remain workloads.
 */
export const isWorkloadInterface = (eni: NetworkInterface): boolean =>
  !INFRASTRUCTURE_INTERFACE_TYPES.has(eni.interfaceType) &&
  eni.requesterId !== 'amazon-elb' &&
  !(eni.requesterManaged && eni.description.startsWith('ELB ')) &&
  !eni.description.startsWith('Interface for NAT Gateway');

/** The region field of an ARN (arn:<partition>:<service>:<region>:…); undefined when not an ARN or global. */
export const regionOfArn = (arn: string): string | undefined => {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[3] ? parts[3] : undefined;
};

/** The partition of a resource's ARN ('aws', 'aws-cn', 'aws-us-gov'); 'aws' when it has none. */
export const partitionOf = (r: { readonly arn?: string }): string => r.arn?.split(':')[1] || 'aws';

/**
 * The fields a resource may be named by. `name` is the Name tag (EC2) or, for resources that have a
 * name of their own and no collected tags (load balancers, target groups, REST APIs, VPC links), that
 * name; the rest are the names AWS itself requires or shows.
 */
export interface Nameable {
  readonly id: string;
  readonly name?: string;
  /** Security groups: GroupName ('default', 'launch-wizard-3', what a tool chose). */
  readonly groupName?: string;
  readonly loadBalancerName?: string;
  readonly targetGroupName?: string;
  readonly apiName?: string;
  /** Managed prefix lists: PrefixListName ('office-egress'). */
  readonly prefixListName?: string;
  /** CloudFront distributions: alternate domain names (CNAMEs), the first of which people know it by. */
  readonly aliases?: readonly string[];
}

/**
 * What people call a resource: its Name tag, else the name it has of its own (a security group's
 * group name, a load balancer's, target group's, REST API's or prefix list's name, a distribution's
 * first alternate domain name); undefined when it has neither. For labels only: fingerprints (check,
 * region, id, fact) and drift comparisons never read it, so a renamed resource keeps its findings.
 */
export const displayName = (r: Nameable): string | undefined =>
  r.name ||
  r.groupName ||
  r.loadBalancerName ||
  r.targetGroupName ||
  r.apiName ||
  r.prefixListName ||
  r.aliases?.[0] ||
  undefined;

/** "name (id)" or just the id: how a Japanese message, a report and an alert name a resource. */
export const label = (r: Nameable): string => {
  const name = displayName(r);
  return name && name !== r.id ? `${name} (${r.id})` : r.id;
};

/** Japanese names of the resource types an unseen scope or a failed per-item call names. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::RestApi': 'REST API',
  'AWS::ApiGateway::Stage': 'ステージ',
  'AWS::ApiGateway::UsagePlan': '使用量プラン',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'ロードバランサー',
  'AWS::EC2::SecurityGroup': 'セキュリティグループ',
  'AWS::CloudFront::Distribution': 'ディストリビューション',
  'AWS::CloudFront::VpcOrigin': 'VPC オリジン',
  'AWS::CloudFront::ResponseHeadersPolicy': 'レスポンスヘッダーポリシー',
};

/**
 * How a Japanese text names a resource known only by type and id (an unseen scope, a failed per-item
 * call): 'ロードバランサー app/prod-alb/50dc…', 'ステージ a1b2c3d4e5/prod'. A load balancer's ARN is cut
 * to what the console shows; without a known type, the id alone (as a REST API was named before).
 */
export const itemLabel = (r: { readonly resourceId: string; readonly resourceType?: string }): string => {
  const id = r.resourceId.startsWith('arn:')
    ? r.resourceId
        .split(':')
        .slice(5)
        .join(':')
        .replace(/^loadbalancer\//, '') || r.resourceId
    : r.resourceId;
  const type = r.resourceType ? TYPE_NAMES[r.resourceType] : undefined;
  return type ? `${type} ${id}` : id;
};

/** Minimal resource reference for a finding; `name` is its displayName. */
export const refOf = (type: string, r: ResourceBase & Nameable) => {
  const name = displayName(r);
  return {
    type,
    id: r.id,
    region: r.region,
    ...(r.arn ? { arn: r.arn } : {}),
    ...(name ? { name } : {}),
  };
};

/**
 * The inventory item a user names by id or ARN (an exception's `resource`), from any service; undefined
 * when it is not in the inventory (deleted, or in a region not audited).
 */
export const findResource = (inventory: Inventory, idOrArn: string): ResourceBase | undefined => {
  for (const service of [inventory.ec2, inventory.elbv2, inventory.cloudfront, inventory.apigateway]) {
    for (const items of Object.values(service) as readonly unknown[][]) {
      for (const item of items) {
        const r = item as Partial<ResourceBase>;
        if (
          typeof r.id === 'string' &&
          typeof r.region === 'string' &&
          (r.id === idOrArn || r.arn === idOrArn)
        )
          return r as ResourceBase;
      }
    }
  }
  return undefined;
};
