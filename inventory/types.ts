/**
 * The normalized, JSON-serializable inventory that every check reads.
 *
 * Collectors (collect/) turn raw AWS SDK responses into these shapes with pure functions; checks
 * (checks/) read only these shapes. Only the fields some check or the report needs are kept.
 * Secrets never appear here: CloudFront custom header values and API key values are reduced to
 * keyed fingerprints (see collect/secrets.ts) at the collection boundary.
 */

export type Tags = Readonly<Record<string, string>>;

/** Fields every collected resource carries, so a finding can name it. */
export interface ResourceBase {
  readonly id: string;
  /** AWS region, or 'global' for CloudFront. */
  readonly region: string;
  readonly arn?: string;
  /** Value of the Name tag, where the resource has one. */
  readonly name?: string;
  readonly tags: Tags;
}

// ---------------------------------------------------------------------------------------------- EC2

export interface Vpc extends ResourceBase {
  readonly cidrBlocks: readonly string[];
  readonly ipv6CidrBlocks: readonly string[];
  readonly isDefault: boolean;
}

export interface Subnet extends ResourceBase {
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId?: string;
  readonly cidrBlock?: string;
  readonly ipv6CidrBlocks: readonly string[];
  readonly mapPublicIpOnLaunch: boolean;
  readonly assignIpv6AddressOnCreation: boolean;
}

export type RouteTargetKind =
  | 'local'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'nat-gateway'
  | 'instance'
  | 'network-interface'
  | 'transit-gateway'
  | 'vpc-peering-connection'
  | 'vpc-endpoint'
  | 'virtual-private-gateway'
  | 'carrier-gateway'
  | 'local-gateway'
  | 'core-network'
  | 'other';

export interface Route {
  /** CIDR (v4 or v6) or prefix list id. */
  readonly destination: string;
  readonly destinationKind: 'ipv4' | 'ipv6' | 'prefix-list';
  readonly targetKind: RouteTargetKind;
  /** Id (or ARN for core networks) of the target; 'local' for the VPC-local route. */
  readonly targetId: string;
  readonly state: 'active' | 'blackhole';
  /** True for a route a virtual private gateway propagates (BGP): it comes and goes with the VPN's advertisements. */
  readonly propagated?: boolean;
}

export interface RouteTable extends ResourceBase {
  readonly vpcId: string;
  /** True when this is the VPC's main route table (inherited by subnets without an explicit association). */
  readonly isMain: boolean;
  /** Subnets explicitly associated with this table. */
  readonly subnetIds: readonly string[];
  /** Gateways (IGW/VGW) associated with this table as an edge association. */
  readonly gatewayIds: readonly string[];
  readonly routes: readonly Route[];
}

export interface InternetGateway extends ResourceBase {
  /** VPCs this gateway is attached to (state 'available'/'attached'). */
  readonly attachedVpcIds: readonly string[];
}

export interface EgressOnlyInternetGateway extends ResourceBase {
  readonly attachedVpcIds: readonly string[];
}

export interface NatGateway extends ResourceBase {
  readonly vpcId: string;
  /** Zonal NAT gateways live in one subnet; regional ones have none. */
  readonly subnetId?: string;
  readonly availabilityZone?: string;
  readonly availabilityMode: 'zonal' | 'regional';
  readonly connectivityType: 'public' | 'private';
  readonly state: string;
  /** Regional NAT gateways only: the NAT's own route table (it routes to the IGW and is no subnet's). */
  readonly routeTableId?: string;
  readonly publicIps: readonly string[];
}

export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly action: 'allow' | 'deny';
  /** IANA protocol number as a string, '-1' for all. */
  readonly protocol: string;
  readonly cidr: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

export interface NetworkAcl extends ResourceBase {
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  readonly entries: readonly NetworkAclEntry[];
}

/** One rule from DescribeSecurityGroupRules: exactly one of the source/destination fields is set. */
export interface SecurityGroupRule {
  readonly id: string;
  readonly groupId: string;
  readonly egress: boolean;
  /** IANA protocol name or number as AWS returns it ('tcp', 'udp', 'icmp', '-1' for all). */
  readonly protocol: string;
  /** -1 / undefined means all ports. */
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly referencedGroupId?: string;
  readonly description?: string;
}

export interface SecurityGroup extends ResourceBase {
  readonly vpcId: string;
  readonly groupName: string;
  readonly description: string;
  readonly rules: readonly SecurityGroupRule[];
}

/** One CIDR of a customer-managed prefix list (GetManagedPrefixListEntries). */
export interface PrefixListEntry {
  readonly cidr: string;
  readonly description?: string;
}

export interface ManagedPrefixList extends ResourceBase {
  readonly prefixListName: string;
  /** 'AWS' for AWS-managed lists (CloudFront origin-facing, S3 ...); the owner's account id otherwise. */
  readonly ownerId: string;
  readonly addressFamily: string;
  /**
   * Customer-managed lists only: the CIDRs a rule referencing the list admits. AWS-managed lists stand
   * for an AWS service, not for addresses, and have none. Absent in snapshots written before entries
   * were collected.
   */
  readonly entries?: readonly PrefixListEntry[];
}

export interface VpcEndpoint extends ResourceBase {
  readonly vpcId: string;
  readonly serviceName: string;
  readonly endpointType: string;
  readonly state: string;
  readonly privateDnsEnabled: boolean;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface NetworkInterface extends ResourceBase {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  /** e.g. 'interface', 'nat_gateway', 'network_load_balancer', 'vpc_endpoint' ... */
  readonly interfaceType: string;
  readonly description: string;
  /** True when AWS manages the ENI for a service (RequesterManaged). */
  readonly requesterManaged: boolean;
  readonly requesterId?: string;
  readonly instanceId?: string;
  readonly privateIps: readonly string[];
  readonly publicIp?: string;
  /** The Elastic IP allocation, when the public IP is an EIP. */
  readonly allocationId?: string;
  /** IPv6 addresses assigned to the ENI (Ipv6Addresses[].Ipv6Address); absent when it has none. */
  readonly ipv6Addresses?: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface Ec2Inventory {
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
  readonly internetGateways: readonly InternetGateway[];
  readonly egressOnlyInternetGateways: readonly EgressOnlyInternetGateway[];
  readonly natGateways: readonly NatGateway[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly prefixLists: readonly ManagedPrefixList[];
  readonly vpcEndpoints: readonly VpcEndpoint[];
  readonly networkInterfaces: readonly NetworkInterface[];
}

// -------------------------------------------------------------------------------------------- ELBv2

export interface LoadBalancer extends ResourceBase {
  /** The load balancer ARN is its id; `name` is the LB name. */
  readonly loadBalancerName: string;
  readonly type: 'application' | 'network' | 'gateway';
  readonly scheme: 'internet-facing' | 'internal';
  readonly dnsName: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** NLBs may have none. */
  readonly securityGroupIds: readonly string[];
  readonly state: string;
}

export interface Listener {
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly region: string;
  readonly port?: number;
  readonly protocol?: string;
  /** Target groups the default actions forward to. */
  readonly targetGroupArns: readonly string[];
}

export interface TargetGroup extends ResourceBase {
  readonly targetGroupName: string;
  readonly targetType: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly vpcId?: string;
  readonly loadBalancerArns: readonly string[];
}

export interface Elbv2Inventory {
  readonly loadBalancers: readonly LoadBalancer[];
  readonly listeners: readonly Listener[];
  readonly targetGroups: readonly TargetGroup[];
}

// --------------------------------------------------------------------------------------- CloudFront

export interface CustomOriginHeader {
  readonly name: string;
  /** Keyed fingerprint of the value (never the value itself). */
  readonly valueFingerprint: string;
}

export type OriginKind = 's3' | 's3-website' | 'custom' | 'vpc-origin';

export interface CloudFrontOrigin {
  readonly id: string;
  readonly domainName: string;
  readonly originPath: string;
  readonly kind: OriginKind;
  readonly customHeaders: readonly CustomOriginHeader[];
  /** S3 origins: Origin Access Control id, when set. */
  readonly originAccessControlId?: string;
  /** S3 origins: legacy Origin Access Identity ('origin-access-identity/cloudfront/E...'), when set. */
  readonly originAccessIdentity?: string;
  /** Custom origins: 'http-only' | 'match-viewer' | 'https-only'. */
  readonly originProtocolPolicy?: string;
  /** VPC origins: the VPC origin id. */
  readonly vpcOriginId?: string;
}

export interface CacheBehavior {
  /** '*' for the default behavior. */
  readonly pathPattern: string;
  readonly targetOriginId: string;
  readonly viewerProtocolPolicy: 'allow-all' | 'https-only' | 'redirect-to-https';
  readonly responseHeadersPolicyId?: string;
}

export interface Distribution extends ResourceBase {
  readonly domainName: string;
  readonly aliases: readonly string[];
  readonly enabled: boolean;
  readonly status: string;
  /** WAFv2 web ACL ARN (or WAF classic id), '' when none. */
  readonly webAclId: string;
  readonly origins: readonly CloudFrontOrigin[];
  /** Default behavior first, then the ordered cache behaviors. */
  readonly behaviors: readonly CacheBehavior[];
  /**
   * Origin groups (failover): a behavior's targetOriginId may name a group, whose member origins then
   * receive its requests (the secondary on failover). Absent in snapshots written before it was collected.
   */
  readonly originGroups?: readonly OriginGroup[];
}

export interface OriginGroup {
  readonly id: string;
  /** Member origin ids, primary first. */
  readonly originIds: readonly string[];
}

export interface VpcOrigin extends ResourceBase {
  /** ARN of the ALB/NLB/instance the VPC origin targets. */
  readonly targetArn: string;
  readonly status: string;
}

/** Security headers a response headers policy sets. */
export interface ResponseHeadersPolicy {
  readonly id: string;
  readonly name: string;
  readonly hsts: boolean;
  readonly contentTypeOptions: boolean;
  readonly referrerPolicy: boolean;
  readonly contentSecurityPolicy: boolean;
}

export interface CloudFrontInventory {
  readonly distributions: readonly Distribution[];
  readonly vpcOrigins: readonly VpcOrigin[];
  readonly responseHeadersPolicies: readonly ResponseHeadersPolicy[];
}

// -------------------------------------------------------------------------------------- API Gateway

export interface ApiIntegration {
  /** AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK */
  readonly type: string;
  readonly uri?: string;
  /** INTERNET or VPC_LINK */
  readonly connectionType: string;
  readonly connectionId?: string;
  /** VPC links v2: ARN of the ALB/NLB the integration targets. */
  readonly integrationTarget?: string;
}

export interface ApiMethod {
  readonly httpMethod: string;
  readonly authorizationType: string;
  readonly apiKeyRequired: boolean;
  readonly integration?: ApiIntegration;
}

export interface ApiResource {
  readonly id: string;
  readonly path: string;
  readonly methods: readonly ApiMethod[];
}

/** A method as a deployment serves it: the fields a stage's export and the live resources share. */
export interface DeployedMethod {
  readonly path: string;
  readonly httpMethod: string;
  readonly apiKeyRequired: boolean;
  readonly integration?: Pick<ApiIntegration, 'type' | 'connectionType' | 'connectionId' | 'uri'>;
}

export interface ApiStage {
  readonly stageName: string;
  readonly deploymentId: string;
  readonly webAclArn?: string;
  /** Throttling from the stage's method settings (the all-methods entry or per method), when set. */
  readonly throttling?: { readonly rateLimit?: number; readonly burstLimit?: number };
  readonly lastUpdatedDate?: string;
  /**
   * The stage variables (GetStages `variables`) that a VPC_LINK integration's connection id names
   * (`${stageVariables.vpcLinkId}`): the link each stage resolves. Other variables are not kept (they
   * may hold secrets). Absent in snapshots written before they were collected.
   */
  readonly variables?: Readonly<Record<string, string>>;
  /**
   * The methods the stage actually serves, read from the stage's export (GetExport), sorted by
   * signature (inventory/api-methods.ts). Compared with the API's current resources to find undeployed
   * changes; undefined when not collected.
   */
  readonly deployedMethods?: readonly DeployedMethod[];
  /**
   * The resource policy the stage serves (a REST API's policy takes effect only when deployed), read
   * from the same export as deployedMethods (`x-amazon-apigateway-policy`); undefined when not collected.
   */
  readonly deployedPolicy?: DeployedPolicy;
}

export interface DeployedPolicy {
  /** The deployed policy document as exported; absent when the deployment carries no policy. */
  readonly document?: unknown;
}

export interface RestApi extends ResourceBase {
  readonly apiName: string;
  readonly endpointTypes: readonly string[];
  readonly vpcEndpointIds: readonly string[];
  /** Policy JSON as a parsed document, undefined when the API has none. */
  readonly policy?: unknown;
  /** Raw policy string as API Gateway returned it (escaped or plain), for drift comparisons. */
  readonly policyText?: string;
  readonly apiKeySource: string;
  readonly disableExecuteApiEndpoint: boolean;
  readonly createdDate?: string;
  readonly resources: readonly ApiResource[];
  readonly stages: readonly ApiStage[];
}

export interface VpcLink extends ResourceBase {
  readonly status: string;
  readonly targetArns: readonly string[];
}

export interface UsagePlan extends ResourceBase {
  readonly planName: string;
  readonly apiStages: readonly { readonly apiId: string; readonly stage: string }[];
  readonly throttle?: { readonly rateLimit?: number; readonly burstLimit?: number };
  /** Ids of the API keys attached to the plan. */
  readonly apiKeyIds: readonly string[];
}

export interface ApiKey extends ResourceBase {
  readonly enabled: boolean;
  /** Keyed fingerprint of the key value (never the value itself). */
  readonly valueFingerprint: string;
}

export interface ApiGatewayInventory {
  readonly restApis: readonly RestApi[];
  readonly vpcLinks: readonly VpcLink[];
  readonly usagePlans: readonly UsagePlan[];
  readonly apiKeys: readonly ApiKey[];
}

// ------------------------------------------------------------------------------------- Inventory

/** Names of the units of collection; a check's `needs` lists the ones it reads. */
export const SLICES = [
  'ec2.vpcs',
  'ec2.subnets',
  'ec2.routeTables',
  'ec2.internetGateways',
  'ec2.egressOnlyInternetGateways',
  'ec2.natGateways',
  'ec2.networkAcls',
  'ec2.securityGroups',
  'ec2.prefixLists',
  /** The entries of customer-managed prefix lists (one GetManagedPrefixListEntries per list). */
  'ec2.prefixListEntries',
  'ec2.vpcEndpoints',
  'ec2.networkInterfaces',
  'elbv2.loadBalancers',
  'elbv2.listeners',
  'elbv2.targetGroups',
  'cloudfront.distributions',
  'cloudfront.vpcOrigins',
  'cloudfront.responseHeadersPolicies',
  'apigateway.restApis',
  /**
   * What each stage serves (GetExport): its methods and its resource policy. apigw.stale-deployment
   * needs it; apigw.resource-policy and the exposure model read the deployed policy where it was read
   * and fall back to the API's current policy where it was not.
   */
  'apigateway.stageExports',
  'apigateway.vpcLinks',
  'apigateway.usagePlans',
  'apigateway.apiKeys',
] as const;
export type SliceName = (typeof SLICES)[number];

/** A failed API call, as it appears in the report's `errors`. */
export interface CollectionError {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly code: string;
  readonly message: string;
  /** Slices whose data is missing or partial because of this error. */
  readonly slices: readonly SliceName[];
  /**
   * Set when the call was about one resource (one REST API, one stage as `<apiId>/<stage>`, one load
   * balancer by ARN, one distribution, VPC origin, response headers policy or usage plan by id): only
   * that resource's part of the slices is missing, the rest of the region was read.
   */
  readonly resourceId?: string;
  /** What `resourceId` names; set with it (an error stored before it was recorded names a REST API or a stage). */
  readonly resourceType?: ItemType;
}

/**
 * The resources a per-item collection call can be about, by the type names findings use. What a
 * failed one hides from each check is the check's to say (evaluate/unseen.ts, a check's `unseenItem`).
 */
export const ITEM_TYPES = [
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::CloudFront::Distribution',
  'AWS::CloudFront::VpcOrigin',
  'AWS::CloudFront::ResponseHeadersPolicy',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export interface Inventory {
  readonly schemaVersion: 1;
  readonly account: string;
  readonly regions: readonly string[];
  readonly collectedAt: string;
  readonly ec2: Ec2Inventory;
  readonly elbv2: Elbv2Inventory;
  readonly cloudfront: CloudFrontInventory;
  readonly apigateway: ApiGatewayInventory;
  /** Every collection failure; a slice named here is incomplete in that region (or for that resource). */
  readonly errors: readonly CollectionError[];
}

/** One region's EC2 section with every list empty (also what a region whose EC2 data failed to normalize holds). */
export const emptyEc2Inventory = (): Ec2Inventory => ({
  vpcs: [],
  subnets: [],
  routeTables: [],
  internetGateways: [],
  egressOnlyInternetGateways: [],
  natGateways: [],
  networkAcls: [],
  securityGroups: [],
  prefixLists: [],
  vpcEndpoints: [],
  networkInterfaces: [],
});

export const emptyInventory = (
  account: string,
  regions: readonly string[],
  collectedAt: string,
): Inventory => ({
  schemaVersion: 1,
  account,
  regions,
  collectedAt,
  ec2: emptyEc2Inventory(),
  elbv2: { loadBalancers: [], listeners: [], targetGroups: [] },
  cloudfront: { distributions: [], vpcOrigins: [], responseHeadersPolicies: [] },
  apigateway: { restApis: [], vpcLinks: [], usagePlans: [], apiKeys: [] },
  errors: [],
});
