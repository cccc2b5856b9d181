import type {
  EgressOnlyInternetGateway as AwsEgressOnlyInternetGateway,
  InternetGateway as AwsInternetGateway,
  InternetGatewayAttachment as AwsInternetGatewayAttachment,
  IpPermission as AwsIpPermission,
  ManagedPrefixList as AwsManagedPrefixList,
  NatGateway as AwsNatGateway,
  NetworkAcl as AwsNetworkAcl,
  NetworkAclEntry as AwsNetworkAclEntry,
  NetworkInterface as AwsNetworkInterface,
  PrefixListEntry as AwsPrefixListEntry,
  Route as AwsRoute,
  RouteTable as AwsRouteTable,
  SecurityGroup as AwsSecurityGroup,
  SecurityGroupRule as AwsSecurityGroupRule,
  Subnet as AwsSubnet,
  Vpc as AwsVpc,
  VpcEndpoint as AwsVpcEndpoint,
} from '@aws-sdk/client-ec2';
import type {
  Ec2Inventory,
  EgressOnlyInternetGateway,
  InternetGateway,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  PrefixListEntry,
  Route,
  RouteTable,
  RouteTargetKind,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
  VpcEndpoint,
} from '../../inventory/types.ts';
import { tagsOf } from '../slice.ts';

/**
 * EC2 responses exactly as the SDK returns them (one list per Describe* call, all pages drained),
 * so recorded or hand-written responses can be normalized without a client.
 */
export interface Ec2Raw {
  readonly vpcs: readonly AwsVpc[];
  readonly subnets: readonly AwsSubnet[];
  readonly routeTables: readonly AwsRouteTable[];
  readonly internetGateways: readonly AwsInternetGateway[];
  readonly egressOnlyInternetGateways: readonly AwsEgressOnlyInternetGateway[];
  readonly natGateways: readonly AwsNatGateway[];
  readonly networkAcls: readonly AwsNetworkAcl[];
  readonly securityGroups: readonly AwsSecurityGroup[];
  /**
   * DescribeSecurityGroupRules output. The live collector always sets it; when it is absent (a
   * recording that holds only DescribeSecurityGroups) rules are expanded from IpPermissions.
   */
  readonly securityGroupRules?: readonly AwsSecurityGroupRule[];
  readonly prefixLists: readonly AwsManagedPrefixList[];
  /**
   * GetManagedPrefixListEntries output per customer-managed list id. A customer-managed list missing
   * here keeps no entries (its read failed and is reported, or the recording predates entries).
   */
  readonly prefixListEntries?: Readonly<Record<string, readonly AwsPrefixListEntry[]>>;
  readonly vpcEndpoints: readonly AwsVpcEndpoint[];
  readonly networkInterfaces: readonly AwsNetworkInterface[];
}

/**
 * Fields without which an item of each Describe* call cannot be normalized without guessing: its id,
 * the VPC it belongs to, a rule's direction. An item lacking one (or a null in the list) is dropped
 * and the slice reported partial (MalformedResponse), never defaulted to '' or silently skipped.
 */
export const EC2_REQUIRED = {
  DescribeVpcs: ['VpcId'],
  DescribeSubnets: ['SubnetId', 'VpcId'],
  DescribeRouteTables: ['RouteTableId', 'VpcId'],
  DescribeInternetGateways: ['InternetGatewayId'],
  DescribeEgressOnlyInternetGateways: ['EgressOnlyInternetGatewayId'],
  DescribeNatGateways: ['NatGatewayId', 'VpcId'],
  DescribeNetworkAcls: ['NetworkAclId', 'VpcId'],
  DescribeSecurityGroups: ['GroupId', 'VpcId'],
  DescribeSecurityGroupRules: ['SecurityGroupRuleId', 'GroupId', 'IsEgress'],
  DescribeManagedPrefixLists: ['PrefixListId'],
  GetManagedPrefixListEntries: ['Cidr'],
  DescribeVpcEndpoints: ['VpcEndpointId', 'VpcId'],
  DescribeNetworkInterfaces: ['NetworkInterfaceId', 'VpcId'],
} as const satisfies {
  DescribeVpcs: readonly (keyof AwsVpc)[];
  DescribeSubnets: readonly (keyof AwsSubnet)[];
  DescribeRouteTables: readonly (keyof AwsRouteTable)[];
  DescribeInternetGateways: readonly (keyof AwsInternetGateway)[];
  DescribeEgressOnlyInternetGateways: readonly (keyof AwsEgressOnlyInternetGateway)[];
  DescribeNatGateways: readonly (keyof AwsNatGateway)[];
  DescribeNetworkAcls: readonly (keyof AwsNetworkAcl)[];
  DescribeSecurityGroups: readonly (keyof AwsSecurityGroup)[];
  DescribeSecurityGroupRules: readonly (keyof AwsSecurityGroupRule)[];
  DescribeManagedPrefixLists: readonly (keyof AwsManagedPrefixList)[];
  GetManagedPrefixListEntries: readonly (keyof AwsPrefixListEntry)[];
  DescribeVpcEndpoints: readonly (keyof AwsVpcEndpoint)[];
  DescribeNetworkInterfaces: readonly (keyof AwsNetworkInterface)[];
};

/** Drops keys whose value is undefined, so the inventory stays clean JSON (no `"arn": undefined`). */
const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const unique = (values: readonly (string | undefined)[]): string[] => [
  ...new Set(values.filter((v): v is string => v !== undefined && v !== '')),
];

/** A CIDR association in these states no longer (or not yet successfully) belongs to the VPC/subnet. */
const GONE_CIDR_STATES: ReadonlySet<string> = new Set([
  'disassociating',
  'disassociated',
  'failing',
  'failed',
]);
const liveCidr = (state: string | undefined): boolean => state === undefined || !GONE_CIDR_STATES.has(state);

export const normalizeVpc = (vpc: AwsVpc, region: string): Vpc => {
  const associated = (vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => liveCidr(a.CidrBlockState?.State))
    .map((a) => a.CidrBlock);
  return compact({
    id: vpc.VpcId ?? '',
    region,
    ...tagsOf(vpc.Tags),
    // The association set lists the primary block too; CidrBlock alone covers older recordings.
    cidrBlocks: unique([vpc.CidrBlock, ...associated]),
    ipv6CidrBlocks: unique(
      (vpc.Ipv6CidrBlockAssociationSet ?? [])
        .filter((a) => liveCidr(a.Ipv6CidrBlockState?.State))
        .map((a) => a.Ipv6CidrBlock),
    ),
    isDefault: vpc.IsDefault ?? false,
  });
};

export const normalizeSubnet = (subnet: AwsSubnet, region: string): Subnet =>
  compact({
    id: subnet.SubnetId ?? '',
    region,
    arn: subnet.SubnetArn,
    ...tagsOf(subnet.Tags),
    vpcId: subnet.VpcId ?? '',
    availabilityZone: subnet.AvailabilityZone ?? '',
    availabilityZoneId: subnet.AvailabilityZoneId,
    // IPv6-only subnets have no IPv4 block.
    cidrBlock: subnet.CidrBlock,
    ipv6CidrBlocks: unique(
      (subnet.Ipv6CidrBlockAssociationSet ?? [])
        .filter((a) => liveCidr(a.Ipv6CidrBlockState?.State))
        .map((a) => a.Ipv6CidrBlock),
    ),
    mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch ?? false,
    assignIpv6AddressOnCreation: subnet.AssignIpv6AddressOnCreation ?? false,
  });

/** Kind of a route's GatewayId: one field carries IGWs, VGWs, gateway/GWLB endpoints and 'local'. */
const gatewayKind = (gatewayId: string): RouteTargetKind => {
  if (gatewayId === 'local') return 'local';
  if (gatewayId.startsWith('igw-')) return 'internet-gateway';
  if (gatewayId.startsWith('vgw-')) return 'virtual-private-gateway';
  if (gatewayId.startsWith('vpce-')) return 'vpc-endpoint';
  return 'other';
};

/**
 * What a route sends traffic to. A NAT-instance route carries both InstanceId and
 * NetworkInterfaceId: the instance is the more telling target, so it wins.
 */
export const routeTarget = (route: AwsRoute): { targetKind: RouteTargetKind; targetId: string } => {
  if (route.GatewayId) return { targetKind: gatewayKind(route.GatewayId), targetId: route.GatewayId };
  if (route.EgressOnlyInternetGatewayId)
    return { targetKind: 'egress-only-internet-gateway', targetId: route.EgressOnlyInternetGatewayId };
  if (route.NatGatewayId) return { targetKind: 'nat-gateway', targetId: route.NatGatewayId };
  if (route.TransitGatewayId) return { targetKind: 'transit-gateway', targetId: route.TransitGatewayId };
  if (route.VpcPeeringConnectionId)
    return { targetKind: 'vpc-peering-connection', targetId: route.VpcPeeringConnectionId };
  if (route.CarrierGatewayId) return { targetKind: 'carrier-gateway', targetId: route.CarrierGatewayId };
  if (route.LocalGatewayId) return { targetKind: 'local-gateway', targetId: route.LocalGatewayId };
  if (route.CoreNetworkArn) return { targetKind: 'core-network', targetId: route.CoreNetworkArn };
  if (route.InstanceId) return { targetKind: 'instance', targetId: route.InstanceId };
  if (route.NetworkInterfaceId)
    return { targetKind: 'network-interface', targetId: route.NetworkInterfaceId };
  return { targetKind: 'other', targetId: route.OdbNetworkArn ?? '' };
};

/** A route without any destination field is malformed and carries no traffic: undefined. */
export const normalizeRoute = (route: AwsRoute): Route | undefined => {
  const destination: Pick<Route, 'destination' | 'destinationKind'> | undefined = route.DestinationCidrBlock
    ? { destination: route.DestinationCidrBlock, destinationKind: 'ipv4' }
    : route.DestinationIpv6CidrBlock
      ? { destination: route.DestinationIpv6CidrBlock, destinationKind: 'ipv6' }
      : route.DestinationPrefixListId
        ? { destination: route.DestinationPrefixListId, destinationKind: 'prefix-list' }
        : undefined;
  if (!destination) return undefined;
  return {
    ...destination,
    ...routeTarget(route),
    // A blackhole route's target is gone (deleted NAT, detached IGW): it drops traffic.
    state: route.State === 'blackhole' ? 'blackhole' : 'active',
    ...(route.Origin === 'EnableVgwRoutePropagation' ? { propagated: true } : {}),
  };
};

/** Associations being torn down or that failed no longer decide which table a subnet uses. */
const liveAssociation = (state: string | undefined): boolean =>
  state === undefined || state === 'associated' || state === 'associating';

export const normalizeRouteTable = (table: AwsRouteTable, region: string): RouteTable => {
  const associations = (table.Associations ?? []).filter((a) => liveAssociation(a.AssociationState?.State));
  return {
    id: table.RouteTableId ?? '',
    region,
    ...tagsOf(table.Tags),
    vpcId: table.VpcId ?? '',
    // The main association has Main=true and no SubnetId; subnets without an explicit association inherit it.
    isMain: associations.some((a) => a.Main === true),
    subnetIds: unique(associations.map((a) => a.SubnetId)),
    // Edge associations (ingress routing) bind an IGW or VGW to the table.
    gatewayIds: unique(associations.map((a) => a.GatewayId)),
    routes: (table.Routes ?? []).map(normalizeRoute).filter((r): r is Route => r !== undefined),
  };
};

/**
 * IGW attachments report 'available' when attached (EC2 quirk, missing from the SDK's
 * AttachmentStatus enum); egress-only ones report 'attached'. 'attaching'/'detaching'/'detached'
 * carry no traffic.
 */
const ATTACHED_STATES: ReadonlySet<string> = new Set(['available', 'attached']);

const attachedVpcIds = (attachments: readonly AwsInternetGatewayAttachment[] | undefined): string[] =>
  unique((attachments ?? []).filter((a) => ATTACHED_STATES.has(a.State ?? '')).map((a) => a.VpcId));

export const normalizeInternetGateway = (igw: AwsInternetGateway, region: string): InternetGateway => ({
  id: igw.InternetGatewayId ?? '',
  region,
  ...tagsOf(igw.Tags),
  attachedVpcIds: attachedVpcIds(igw.Attachments),
});

export const normalizeEgressOnlyInternetGateway = (
  eigw: AwsEgressOnlyInternetGateway,
  region: string,
): EgressOnlyInternetGateway => ({
  id: eigw.EgressOnlyInternetGatewayId ?? '',
  region,
  ...tagsOf(eigw.Tags),
  attachedVpcIds: attachedVpcIds(eigw.Attachments),
});

/** Deleted NAT gateways stay listed for about an hour; they route nothing. */
const GONE_NAT_STATES: ReadonlySet<string> = new Set(['deleted', 'deleting']);

/**
 * @param subnetAz subnet id → availability zone, for a zonal NAT's AZ (DescribeNatGateways does not
 *   return it for zonal gateways; a regional one spans AZs and has none).
 */
export const normalizeNatGateway = (
  nat: AwsNatGateway,
  region: string,
  subnetAz: ReadonlyMap<string, string> = new Map(),
): NatGateway => {
  // Absent on every NAT gateway created before regional NAT existed: those are zonal.
  const availabilityMode = nat.AvailabilityMode === 'regional' ? 'regional' : 'zonal';
  return compact({
    id: nat.NatGatewayId ?? '',
    region,
    ...tagsOf(nat.Tags),
    vpcId: nat.VpcId ?? '',
    subnetId: nat.SubnetId,
    availabilityZone:
      availabilityMode === 'zonal' && nat.SubnetId !== undefined ? subnetAz.get(nat.SubnetId) : undefined,
    availabilityMode,
    // Absent on gateways created before private NAT existed: those are public.
    connectivityType: nat.ConnectivityType === 'private' ? 'private' : 'public',
    state: nat.State ?? 'unknown',
    routeTableId: nat.RouteTableId,
    publicIps: unique(
      (nat.NatGatewayAddresses ?? []).filter((a) => a.Status !== 'failed').map((a) => a.PublicIp),
    ),
  } satisfies NatGateway);
};

export const normalizeNetworkAclEntry = (entry: AwsNetworkAclEntry): NetworkAclEntry =>
  compact({
    ruleNumber: entry.RuleNumber ?? 0,
    egress: entry.Egress ?? false,
    action: entry.RuleAction === 'allow' ? 'allow' : 'deny',
    protocol: entry.Protocol ?? '-1',
    cidr: entry.CidrBlock ?? entry.Ipv6CidrBlock ?? '',
    fromPort: entry.PortRange?.From,
    toPort: entry.PortRange?.To,
  } satisfies NetworkAclEntry);

export const normalizeNetworkAcl = (acl: AwsNetworkAcl, region: string): NetworkAcl => ({
  id: acl.NetworkAclId ?? '',
  region,
  ...tagsOf(acl.Tags),
  vpcId: acl.VpcId ?? '',
  isDefault: acl.IsDefault ?? false,
  subnetIds: unique((acl.Associations ?? []).map((a) => a.SubnetId)),
  entries: (acl.Entries ?? []).map(normalizeNetworkAclEntry),
});

export const normalizeSecurityGroupRule = (rule: AwsSecurityGroupRule): SecurityGroupRule =>
  compact({
    id: rule.SecurityGroupRuleId ?? '',
    groupId: rule.GroupId ?? '',
    egress: rule.IsEgress ?? false,
    protocol: rule.IpProtocol ?? '-1',
    fromPort: rule.FromPort,
    toPort: rule.ToPort,
    cidrIpv4: rule.CidrIpv4,
    cidrIpv6: rule.CidrIpv6,
    prefixListId: rule.PrefixListId,
    referencedGroupId: rule.ReferencedGroupInfo?.GroupId,
    description: rule.Description,
  } satisfies SecurityGroupRule);

/**
 * Expands a group's IpPermissions into one rule per source, the way DescribeSecurityGroupRules
 * splits them. Only for recordings without DescribeSecurityGroupRules: the ids are synthesized
 * (`<group>:ingress:<n>`), not real `sgr-` ids.
 */
const rulesFromIpPermissions = (group: AwsSecurityGroup): SecurityGroupRule[] => {
  const groupId = group.GroupId ?? '';
  const expand = (permissions: readonly AwsIpPermission[] | undefined, egress: boolean) =>
    (permissions ?? []).flatMap((p) => {
      const base = {
        groupId,
        egress,
        protocol: p.IpProtocol ?? '-1',
        fromPort: p.FromPort,
        toPort: p.ToPort,
      };
      return [
        ...(p.IpRanges ?? []).map((r) => ({ ...base, cidrIpv4: r.CidrIp, description: r.Description })),
        ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, cidrIpv6: r.CidrIpv6, description: r.Description })),
        ...(p.PrefixListIds ?? []).map((r) => ({
          ...base,
          prefixListId: r.PrefixListId,
          description: r.Description,
        })),
        ...(p.UserIdGroupPairs ?? []).map((r) => ({
          ...base,
          referencedGroupId: r.GroupId,
          description: r.Description,
        })),
      ];
    });
  const direction = (egress: boolean) => (egress ? 'egress' : 'ingress');
  return [...expand(group.IpPermissions, false), ...expand(group.IpPermissionsEgress, true)].map((r, n) =>
    compact({ id: `${groupId}:${direction(r.egress)}:${n}`, ...r }),
  );
};

/**
 * Joins groups with their rules by GroupId. Without `rules` (undefined, not []), each group's
 * rules come from its own IpPermissions.
 */
export const normalizeSecurityGroups = (
  groups: readonly AwsSecurityGroup[],
  region: string,
  rules?: readonly AwsSecurityGroupRule[],
): SecurityGroup[] => {
  const byGroup = new Map<string, SecurityGroupRule[]>();
  for (const rule of rules ?? []) {
    const normalized = normalizeSecurityGroupRule(rule);
    const list = byGroup.get(normalized.groupId);
    if (list) list.push(normalized);
    else byGroup.set(normalized.groupId, [normalized]);
  }
  return groups.map((group) =>
    compact({
      id: group.GroupId ?? '',
      region,
      arn: group.SecurityGroupArn,
      ...tagsOf(group.Tags),
      vpcId: group.VpcId ?? '',
      groupName: group.GroupName ?? '',
      description: group.Description ?? '',
      rules: rules === undefined ? rulesFromIpPermissions(group) : (byGroup.get(group.GroupId ?? '') ?? []),
    } satisfies SecurityGroup),
  );
};

/** AWS-managed lists (CloudFront origin-facing, S3, ...) are owned by 'AWS'; every other list is the customer's. */
export const isCustomerManagedPrefixList = (list: Pick<AwsManagedPrefixList, 'OwnerId'>): boolean =>
  list.OwnerId !== 'AWS';

export const normalizePrefixListEntry = (entry: AwsPrefixListEntry): PrefixListEntry =>
  compact({ cidr: entry.Cidr ?? '', description: entry.Description } satisfies PrefixListEntry);

/** `entries` only for a customer-managed list: an AWS-managed one keeps its meaning as a service. */
export const normalizePrefixList = (
  list: AwsManagedPrefixList,
  region: string,
  entries?: readonly AwsPrefixListEntry[],
): ManagedPrefixList =>
  compact({
    id: list.PrefixListId ?? '',
    region,
    arn: list.PrefixListArn,
    ...tagsOf(list.Tags),
    prefixListName: list.PrefixListName ?? '',
    // 'AWS' for AWS-managed lists such as com.amazonaws.global.cloudfront.origin-facing.
    ownerId: list.OwnerId ?? '',
    addressFamily: list.AddressFamily ?? '',
    entries: entries && isCustomerManagedPrefixList(list) ? entries.map(normalizePrefixListEntry) : undefined,
  } satisfies ManagedPrefixList);

export const normalizeVpcEndpoint = (endpoint: AwsVpcEndpoint, region: string): VpcEndpoint => ({
  id: endpoint.VpcEndpointId ?? '',
  region,
  ...tagsOf(endpoint.Tags),
  vpcId: endpoint.VpcId ?? '',
  serviceName: endpoint.ServiceName ?? '',
  endpointType: endpoint.VpcEndpointType ?? '',
  // The wire value is lowercase ('available') while the SDK's enum spells 'Available': one form for checks.
  state: (endpoint.State ?? 'unknown').toLowerCase(),
  privateDnsEnabled: endpoint.PrivateDnsEnabled ?? false,
  subnetIds: unique(endpoint.SubnetIds ?? []),
  securityGroupIds: unique((endpoint.Groups ?? []).map((g) => g.GroupId)),
});

export const normalizeNetworkInterface = (eni: AwsNetworkInterface, region: string): NetworkInterface => {
  // The top-level Association is the primary private IP's; an EIP on a secondary IP shows up only
  // under PrivateIpAddresses[].Association, and it is just as reachable from the internet.
  const association =
    (eni.Association?.PublicIp ? eni.Association : undefined) ??
    (eni.PrivateIpAddresses ?? []).find((p) => p.Association?.PublicIp)?.Association;
  const ipv6 = unique((eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address));
  return compact({
    id: eni.NetworkInterfaceId ?? '',
    region,
    ...tagsOf(eni.TagSet),
    vpcId: eni.VpcId ?? '',
    subnetId: eni.SubnetId ?? '',
    availabilityZone: eni.AvailabilityZone ?? '',
    interfaceType: eni.InterfaceType ?? 'interface',
    description: eni.Description ?? '',
    requesterManaged: eni.RequesterManaged ?? false,
    requesterId: eni.RequesterId,
    instanceId: eni.Attachment?.InstanceId,
    privateIps: unique([
      eni.PrivateIpAddress,
      ...(eni.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress),
    ]),
    publicIp: association?.PublicIp,
    // Set only when the public IP is an Elastic IP; auto-assigned public IPs have no allocation.
    allocationId: association?.AllocationId,
    // Every IPv6 address of a subnet with an IPv6 CIDR is globally unique and has no NAT in front of it;
    // whether the internet can reach it is decided by routes, NACLs and SGs (evaluate/exposure).
    ...(ipv6.length > 0 ? { ipv6Addresses: ipv6 } : {}),
    securityGroupIds: unique((eni.Groups ?? []).map((g) => g.GroupId)),
  } satisfies NetworkInterface);
};

/** Deleted endpoints and prefix lists linger in Describe* output but no longer exist. */
const isDeletedEndpoint = (e: AwsVpcEndpoint): boolean => e.State?.toLowerCase() === 'deleted';
const isDeletedPrefixList = (p: AwsManagedPrefixList): boolean => p.State === 'delete-complete';

/** The lists whose entries are read (GetManagedPrefixListEntries): customer-managed ones still in place. */
export const prefixListsNeedingEntries = (lists: readonly AwsManagedPrefixList[]): string[] =>
  lists
    .filter((p) => isCustomerManagedPrefixList(p) && !isDeletedPrefixList(p))
    .flatMap((p) => (p.PrefixListId ? [p.PrefixListId] : []));

/** Turns one region's raw EC2 responses into the inventory's EC2 section. Pure: no I/O, no clock. */
export const normalizeEc2 = (raw: Ec2Raw, region: string): Ec2Inventory => {
  const subnetAz = new Map(
    raw.subnets
      .filter((s) => s.SubnetId !== undefined && s.AvailabilityZone !== undefined)
      .map((s) => [s.SubnetId as string, s.AvailabilityZone as string]),
  );
  return {
    vpcs: raw.vpcs.map((v) => normalizeVpc(v, region)),
    subnets: raw.subnets.map((s) => normalizeSubnet(s, region)),
    routeTables: raw.routeTables.map((t) => normalizeRouteTable(t, region)),
    internetGateways: raw.internetGateways.map((g) => normalizeInternetGateway(g, region)),
    egressOnlyInternetGateways: raw.egressOnlyInternetGateways.map((g) =>
      normalizeEgressOnlyInternetGateway(g, region),
    ),
    natGateways: raw.natGateways
      .filter((n) => !GONE_NAT_STATES.has(n.State ?? ''))
      .map((n) => normalizeNatGateway(n, region, subnetAz)),
    networkAcls: raw.networkAcls.map((a) => normalizeNetworkAcl(a, region)),
    securityGroups: normalizeSecurityGroups(raw.securityGroups, region, raw.securityGroupRules),
    prefixLists: raw.prefixLists
      .filter((p) => !isDeletedPrefixList(p))
      .map((p) => normalizePrefixList(p, region, raw.prefixListEntries?.[p.PrefixListId ?? ''])),
    vpcEndpoints: raw.vpcEndpoints
      .filter((e) => !isDeletedEndpoint(e))
      .map((e) => normalizeVpcEndpoint(e, region)),
    networkInterfaces: raw.networkInterfaces.map((n) => normalizeNetworkInterface(n, region)),
  };
};
