import type { SliceName } from '../../inventory/types.ts';

/**
 * The write calls that can change what the checks read, per service, each with the inventory slices
 * it can change. This one list is the source of the EventBridge rules (serverless.yml reads them from
 * infra/change-rules.json, infra/change-forwarder.yml forwards the same patterns; both are generated
 * from here by `npm run infra:change-rules` and pinned by test/app/changes/watched.test.ts), of the
 * scope of a change-triggered audit and of the events attribution accepts. The test also proves that
 * every slice the collectors fill is changed by some call here, so nothing the checks read can change
 * unnoticed, and that every name is an operation of the service's SDK client.
 */

/** The inventory sections a scoped audit re-reads (one collector each; CloudFront is global). */
export type Section = 'ec2' | 'elbv2' | 'apigateway' | 'cloudfront';

export interface WatchedService {
  /** Key in the generated files (`ec2_1`, `cloudfront_1`, ...). */
  readonly key: string;
  /** EventBridge `source` of its CloudTrail events. */
  readonly source: string;
  /** CloudTrail `eventSource`. */
  readonly eventSource: string;
  /**
   * The API version CloudTrail appends to this service's event names (CloudFront logs
   * `UpdateDistribution2020_05_31`); the names below are the SDK's operation names.
   */
  readonly eventNameSuffix?: string;
  /** Its calls are logged in us-east-1 only, whatever region the audit runs in. */
  readonly global: boolean;
  /** Operation name → the slices it can change. */
  readonly calls: Readonly<Record<string, readonly SliceName[]>>;
}

const each = (names: readonly string[], slices: readonly SliceName[]) =>
  Object.fromEntries(names.map((name) => [name, slices]));

export const WATCHED: readonly WatchedService[] = [
  {
    key: 'ec2',
    source: 'aws.ec2',
    eventSource: 'ec2.amazonaws.com',
    global: false,
    calls: {
      ...each(
        [
          'CreateSecurityGroup',
          'DeleteSecurityGroup',
          'AuthorizeSecurityGroupIngress',
          'AuthorizeSecurityGroupEgress',
          'RevokeSecurityGroupIngress',
          'RevokeSecurityGroupEgress',
          'ModifySecurityGroupRules',
          'UpdateSecurityGroupRuleDescriptionsIngress',
          'UpdateSecurityGroupRuleDescriptionsEgress',
        ],
        ['ec2.securityGroups'],
      ),
      ...each(
        ['CreateManagedPrefixList', 'DeleteManagedPrefixList'],
        ['ec2.prefixLists', 'ec2.prefixListEntries'],
      ),
      // A rule referencing a customer-managed list admits what the list holds.
      ...each(['ModifyManagedPrefixList', 'RestoreManagedPrefixListVersion'], ['ec2.prefixListEntries']),
      ...each(
        [
          'CreateRoute',
          'ReplaceRoute',
          'DeleteRoute',
          'CreateRouteTable',
          'DeleteRouteTable',
          'AssociateRouteTable',
          'DisassociateRouteTable',
          'ReplaceRouteTableAssociation',
          'EnableVgwRoutePropagation',
          'DisableVgwRoutePropagation',
        ],
        ['ec2.routeTables'],
      ),
      ...each(
        [
          'CreateSubnet',
          'DeleteSubnet',
          'ModifySubnetAttribute',
          'AssociateSubnetCidrBlock',
          'DisassociateSubnetCidrBlock',
        ],
        ['ec2.subnets'],
      ),
      // A new VPC comes with its main route table, default group and default network ACL.
      CreateVpc: ['ec2.vpcs', 'ec2.routeTables', 'ec2.securityGroups', 'ec2.networkAcls'],
      ...each(['DeleteVpc', 'AssociateVpcCidrBlock', 'DisassociateVpcCidrBlock'], ['ec2.vpcs']),
      ...each(
        ['CreateInternetGateway', 'DeleteInternetGateway', 'AttachInternetGateway', 'DetachInternetGateway'],
        ['ec2.internetGateways'],
      ),
      ...each(
        ['CreateEgressOnlyInternetGateway', 'DeleteEgressOnlyInternetGateway'],
        ['ec2.egressOnlyInternetGateways'],
      ),
      ...each(
        [
          'CreateNatGateway',
          'DeleteNatGateway',
          'AssociateNatGatewayAddress',
          'DisassociateNatGatewayAddress',
        ],
        ['ec2.natGateways', 'ec2.networkInterfaces'],
      ),
      ...each(
        [
          'CreateNetworkAcl',
          'DeleteNetworkAcl',
          'CreateNetworkAclEntry',
          'ReplaceNetworkAclEntry',
          'DeleteNetworkAclEntry',
          'ReplaceNetworkAclAssociation',
        ],
        ['ec2.networkAcls'],
      ),
      // Interface endpoints bring ENIs, gateway endpoints routes.
      ...each(
        ['CreateVpcEndpoint', 'ModifyVpcEndpoint', 'DeleteVpcEndpoints'],
        ['ec2.vpcEndpoints', 'ec2.networkInterfaces', 'ec2.routeTables'],
      ),
      // Elastic IPs and public addresses live on ENIs; an instance launched with a public IP is one.
      ...each(
        [
          'AssociateAddress',
          'DisassociateAddress',
          'ReleaseAddress',
          'CreateNetworkInterface',
          'DeleteNetworkInterface',
          'ModifyNetworkInterfaceAttribute',
          'AssignIpv6Addresses',
          'UnassignIpv6Addresses',
          'RunInstances',
        ],
        ['ec2.networkInterfaces'],
      ),
    },
  },
  {
    key: 'elbv2',
    source: 'aws.elasticloadbalancing',
    eventSource: 'elasticloadbalancing.amazonaws.com',
    global: false,
    calls: {
      ...each(
        [
          'CreateLoadBalancer',
          'DeleteLoadBalancer',
          'SetSecurityGroups',
          'SetSubnets',
          'SetIpAddressType',
          'ModifyLoadBalancerAttributes',
        ],
        ['elbv2.loadBalancers', 'elbv2.listeners'],
      ),
      ...each(
        [
          'CreateListener',
          'ModifyListener',
          'DeleteListener',
          'CreateRule',
          'ModifyRule',
          'DeleteRule',
          'SetRulePriorities',
        ],
        ['elbv2.listeners'],
      ),
      ...each(
        [
          'CreateTargetGroup',
          'ModifyTargetGroup',
          'ModifyTargetGroupAttributes',
          'DeleteTargetGroup',
          'RegisterTargets',
          'DeregisterTargets',
        ],
        ['elbv2.targetGroups'],
      ),
    },
  },
  {
    key: 'apigateway',
    source: 'aws.apigateway',
    eventSource: 'apigateway.amazonaws.com',
    global: false,
    calls: {
      // The API itself (endpoint type, VPC endpoints, policy), its resources, methods and integrations.
      ...each(
        [
          'CreateRestApi',
          'ImportRestApi',
          'PutRestApi',
          'UpdateRestApi',
          'DeleteRestApi',
          'CreateResource',
          'UpdateResource',
          'DeleteResource',
          'PutMethod',
          'UpdateMethod',
          'DeleteMethod',
          'PutIntegration',
          'UpdateIntegration',
          'DeleteIntegration',
        ],
        ['apigateway.restApis'],
      ),
      // What a stage serves: its deployment, web ACL, throttling.
      ...each(
        [
          'CreateDeployment',
          'UpdateDeployment',
          'DeleteDeployment',
          'CreateStage',
          'UpdateStage',
          'DeleteStage',
        ],
        ['apigateway.restApis', 'apigateway.stageExports'],
      ),
      ...each(['CreateVpcLink', 'UpdateVpcLink', 'DeleteVpcLink'], ['apigateway.vpcLinks']),
      ...each(
        ['CreateUsagePlan', 'UpdateUsagePlan', 'DeleteUsagePlan', 'CreateUsagePlanKey', 'DeleteUsagePlanKey'],
        ['apigateway.usagePlans'],
      ),
      ...each(['CreateApiKey', 'UpdateApiKey', 'DeleteApiKey', 'ImportApiKeys'], ['apigateway.apiKeys']),
    },
  },
  {
    key: 'wafv2',
    source: 'aws.wafv2',
    eventSource: 'wafv2.amazonaws.com',
    global: false,
    // A regional web ACL on an API stage (a CloudFront distribution's is set through CloudFront).
    calls: each(['AssociateWebACL', 'DisassociateWebACL'], ['apigateway.restApis']),
  },
  {
    key: 'cloudfront',
    source: 'aws.cloudfront',
    eventSource: 'cloudfront.amazonaws.com',
    eventNameSuffix: '2020_05_31',
    global: true,
    calls: {
      ...each(
        [
          'CreateDistribution',
          'CreateDistributionWithTags',
          'UpdateDistribution',
          'DeleteDistribution',
          'CopyDistribution',
          'UpdateDistributionWithStagingConfig',
          'AssociateDistributionWebACL',
          'DisassociateDistributionWebACL',
          'CreateOriginAccessControl',
          'UpdateOriginAccessControl',
          'DeleteOriginAccessControl',
        ],
        ['cloudfront.distributions'],
      ),
      ...each(['CreateVpcOrigin', 'UpdateVpcOrigin', 'DeleteVpcOrigin'], ['cloudfront.vpcOrigins']),
      ...each(
        ['CreateResponseHeadersPolicy', 'UpdateResponseHeadersPolicy', 'DeleteResponseHeadersPolicy'],
        ['cloudfront.responseHeadersPolicies'],
      ),
    },
  },
];

/** Where CloudTrail logs the calls of global services (CloudFront). */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/** The operation a CloudTrail event name stands for (CloudFront's carry the API version). */
export const operationOf = (eventName: string): string => eventName.replace(/\d{4}_\d{2}_\d{2}$/, '');

/** The watched call an event is, or undefined for a call no check can see the effect of. */
export const watchedCall = (
  eventSource: string,
  eventName: string,
): { readonly service: WatchedService; readonly slices: readonly SliceName[] } | undefined => {
  const service = WATCHED.find((s) => s.eventSource === eventSource);
  const slices = service?.calls[operationOf(eventName)];
  return service && slices ? { service, slices } : undefined;
};

/** The inventory section a slice belongs to. */
export const sectionOf = (slice: SliceName): Section => slice.split('.')[0] as Section;

// ------------------------------------------------------------------------------- EventBridge rules

/**
 * EventBridge's default limit on an event pattern (the "Event pattern size" quota, 2,048 characters;
 * it can be raised to 4,096, which we do not assume). A service whose list does not fit is split into
 * several rules.
 */
export const MAX_PATTERN_CHARS = 2048;

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

export interface ChangeRule {
  /** `<service key>_<n>`, the key in infra/change-rules.json. */
  readonly key: string;
  readonly global: boolean;
  readonly pattern: Readonly<Record<string, unknown>>;
}

/**
 * The pattern of one rule: the service's write calls only (the names list no read call), and only
 * calls that succeeded (a CloudTrail record of a refused call carries `errorCode`).
 */
const patternOf = (service: WatchedService, eventNames: readonly string[]) => ({
  source: [service.source],
  'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
  detail: {
    eventSource: [service.eventSource],
    eventName: eventNames,
    errorCode: [{ exists: false }],
  },
});

/** Every rule, each pattern within MAX_PATTERN_CHARS (a service's names split in order as needed). */
export const changeRules = (maxChars: number = MAX_PATTERN_CHARS): ChangeRule[] =>
  WATCHED.flatMap((service) => {
    const names = Object.keys(service.calls).map((name) => `${name}${service.eventNameSuffix ?? ''}`);
    const chunks: string[][] = [];
    for (const name of names) {
      const last = chunks.at(-1);
      if (last && JSON.stringify(patternOf(service, [...last, name])).length <= maxChars) {
        last.push(name);
      } else {
        chunks.push([name]);
      }
    }
    return chunks.map((chunk, i) => ({
      key: `${service.key}_${i + 1}`,
      global: service.global,
      pattern: patternOf(service, chunk),
    }));
  });
