import { z } from 'zod';
import { type Inventory, ITEM_TYPES, SLICES } from './types.ts';

/**
 * Boundary schema for a snapshot file (a saved Inventory). Every field the checks read is validated
 * with its type, so a hand-edited, truncated or wrong file fails naming the field instead of
 * surfacing later as a TypeError inside a check (fuzzing found exactly that with the earlier
 * id-and-region-only schema). Objects are loose: a field this version does not know is ignored.
 * Typed against `Inventory`, so a field added there without a rule here fails to compile.
 */

const str = z.string();
const strings = z.array(z.string());
const port = z.number().int().min(-1).max(65_535);
const tags = z.record(z.string(), z.string());

const base = {
  id: str,
  region: str,
  arn: str.optional(),
  name: str.optional(),
  tags,
};

const vpc = z.looseObject({ ...base, cidrBlocks: strings, ipv6CidrBlocks: strings, isDefault: z.boolean() });

const subnet = z.looseObject({
  ...base,
  vpcId: str,
  availabilityZone: str,
  availabilityZoneId: str.optional(),
  cidrBlock: str.optional(),
  ipv6CidrBlocks: strings,
  mapPublicIpOnLaunch: z.boolean(),
  assignIpv6AddressOnCreation: z.boolean(),
});

const route = z.looseObject({
  destination: str,
  destinationKind: z.enum(['ipv4', 'ipv6', 'prefix-list']),
  propagated: z.boolean().optional(),
  targetKind: z.enum([
    'local',
    'internet-gateway',
    'egress-only-internet-gateway',
    'nat-gateway',
    'instance',
    'network-interface',
    'transit-gateway',
    'vpc-peering-connection',
    'vpc-endpoint',
    'virtual-private-gateway',
    'carrier-gateway',
    'local-gateway',
    'core-network',
    'other',
  ]),
  targetId: str,
  state: z.enum(['active', 'blackhole']),
});

const routeTable = z.looseObject({
  ...base,
  vpcId: str,
  isMain: z.boolean(),
  subnetIds: strings,
  gatewayIds: strings,
  routes: z.array(route),
});

const gateway = z.looseObject({ ...base, attachedVpcIds: strings });

const natGateway = z.looseObject({
  ...base,
  vpcId: str,
  subnetId: str.optional(),
  availabilityZone: str.optional(),
  availabilityMode: z.enum(['zonal', 'regional']),
  connectivityType: z.enum(['public', 'private']),
  state: str,
  routeTableId: str.optional(),
  publicIps: strings,
});

const networkAcl = z.looseObject({
  ...base,
  vpcId: str,
  isDefault: z.boolean(),
  subnetIds: strings,
  entries: z.array(
    z.looseObject({
      ruleNumber: z.number().int(),
      egress: z.boolean(),
      action: z.enum(['allow', 'deny']),
      protocol: str,
      cidr: str,
      fromPort: port.optional(),
      toPort: port.optional(),
    }),
  ),
});

const securityGroup = z.looseObject({
  ...base,
  vpcId: str,
  groupName: str,
  description: str,
  rules: z.array(
    z.looseObject({
      id: str,
      groupId: str,
      egress: z.boolean(),
      protocol: str,
      fromPort: port.optional(),
      toPort: port.optional(),
      cidrIpv4: str.optional(),
      cidrIpv6: str.optional(),
      prefixListId: str.optional(),
      referencedGroupId: str.optional(),
      description: str.optional(),
    }),
  ),
});

const prefixList = z.looseObject({
  ...base,
  prefixListName: str,
  ownerId: str,
  addressFamily: str,
  entries: z.array(z.looseObject({ cidr: str, description: str.optional() })).optional(),
});

const vpcEndpoint = z.looseObject({
  ...base,
  vpcId: str,
  serviceName: str,
  endpointType: str,
  state: str,
  privateDnsEnabled: z.boolean(),
  subnetIds: strings,
  securityGroupIds: strings,
});

const networkInterface = z.looseObject({
  ...base,
  vpcId: str,
  subnetId: str,
  availabilityZone: str,
  interfaceType: str,
  description: str,
  requesterManaged: z.boolean(),
  requesterId: str.optional(),
  instanceId: str.optional(),
  privateIps: strings,
  publicIp: str.optional(),
  allocationId: str.optional(),
  ipv6Addresses: strings.optional(),
  securityGroupIds: strings,
});

const loadBalancer = z.looseObject({
  ...base,
  loadBalancerName: str,
  type: z.enum(['application', 'network', 'gateway']),
  scheme: z.enum(['internet-facing', 'internal']),
  dnsName: str,
  vpcId: str,
  subnetIds: strings,
  securityGroupIds: strings,
  state: str,
});

const listener = z.looseObject({
  arn: str,
  loadBalancerArn: str,
  region: str,
  port: port.optional(),
  protocol: str.optional(),
  targetGroupArns: strings,
});

const targetGroup = z.looseObject({
  ...base,
  targetGroupName: str,
  targetType: str,
  protocol: str.optional(),
  port: port.optional(),
  vpcId: str.optional(),
  loadBalancerArns: strings,
});

const origin = z.looseObject({
  id: str,
  domainName: str,
  originPath: str,
  kind: z.enum(['s3', 's3-website', 'custom', 'vpc-origin']),
  customHeaders: z.array(z.looseObject({ name: str, valueFingerprint: str })),
  originAccessControlId: str.optional(),
  originAccessIdentity: str.optional(),
  originProtocolPolicy: str.optional(),
  vpcOriginId: str.optional(),
});

const distribution = z.looseObject({
  ...base,
  domainName: str,
  aliases: strings,
  enabled: z.boolean(),
  status: str,
  webAclId: str,
  origins: z.array(origin),
  behaviors: z.array(
    z.looseObject({
      pathPattern: str,
      targetOriginId: str,
      viewerProtocolPolicy: z.enum(['allow-all', 'https-only', 'redirect-to-https']),
      responseHeadersPolicyId: str.optional(),
    }),
  ),
  originGroups: z.array(z.looseObject({ id: str, originIds: strings })).optional(),
});

const vpcOrigin = z.looseObject({ ...base, targetArn: str, status: str });

const responseHeadersPolicy = z.looseObject({
  id: str,
  name: str,
  hsts: z.boolean(),
  contentTypeOptions: z.boolean(),
  referrerPolicy: z.boolean(),
  contentSecurityPolicy: z.boolean(),
});

const throttle = z.looseObject({ rateLimit: z.number().optional(), burstLimit: z.number().optional() });

const integration = z.looseObject({
  type: str,
  uri: str.optional(),
  connectionType: str,
  connectionId: str.optional(),
  integrationTarget: str.optional(),
});

const restApi = z.looseObject({
  ...base,
  apiName: str,
  endpointTypes: strings,
  vpcEndpointIds: strings,
  policy: z.unknown().optional(),
  policyText: str.optional(),
  apiKeySource: str,
  disableExecuteApiEndpoint: z.boolean(),
  createdDate: str.optional(),
  resources: z.array(
    z.looseObject({
      id: str,
      path: str,
      methods: z.array(
        z.looseObject({
          httpMethod: str,
          authorizationType: str,
          apiKeyRequired: z.boolean(),
          integration: integration.optional(),
        }),
      ),
    }),
  ),
  stages: z.array(
    z.looseObject({
      stageName: str,
      deploymentId: str,
      webAclArn: str.optional(),
      throttling: throttle.optional(),
      lastUpdatedDate: str.optional(),
      variables: z.record(z.string(), z.string()).optional(),
      deployedMethods: z
        .array(
          z.looseObject({
            path: str,
            httpMethod: str,
            apiKeyRequired: z.boolean(),
            integration: integration.optional(),
          }),
        )
        .optional(),
      deployedPolicy: z.looseObject({ document: z.unknown().optional() }).optional(),
    }),
  ),
});

const vpcLink = z.looseObject({ ...base, status: str, targetArns: strings });

const usagePlan = z.looseObject({
  ...base,
  planName: str,
  apiStages: z.array(z.looseObject({ apiId: str, stage: str })),
  throttle: throttle.optional(),
  apiKeyIds: strings,
});

const apiKey = z.looseObject({ ...base, enabled: z.boolean(), valueFingerprint: str });

const inventoryObject = z.looseObject({
  schemaVersion: z.literal(1),
  account: z.string().min(1),
  regions: z.array(z.string()).min(1),
  collectedAt: z.string(),
  ec2: z.strictObject({
    vpcs: z.array(vpc),
    subnets: z.array(subnet),
    routeTables: z.array(routeTable),
    internetGateways: z.array(gateway),
    egressOnlyInternetGateways: z.array(gateway),
    natGateways: z.array(natGateway),
    networkAcls: z.array(networkAcl),
    securityGroups: z.array(securityGroup),
    prefixLists: z.array(prefixList),
    vpcEndpoints: z.array(vpcEndpoint),
    networkInterfaces: z.array(networkInterface),
  }),
  elbv2: z.strictObject({
    loadBalancers: z.array(loadBalancer),
    listeners: z.array(listener),
    targetGroups: z.array(targetGroup),
  }),
  cloudfront: z.strictObject({
    distributions: z.array(distribution),
    vpcOrigins: z.array(vpcOrigin),
    responseHeadersPolicies: z.array(responseHeadersPolicy),
  }),
  apigateway: z.strictObject({
    restApis: z.array(restApi),
    vpcLinks: z.array(vpcLink),
    usagePlans: z.array(usagePlan),
    apiKeys: z.array(apiKey),
  }),
  errors: z.array(
    z.looseObject({
      service: str,
      operation: str,
      region: str,
      code: str,
      message: str,
      slices: z.array(z.enum(SLICES)),
      resourceId: str.optional(),
      resourceType: z.enum(ITEM_TYPES).optional(),
    }),
  ),
});

export const inventorySchema: z.ZodType<Inventory> = inventoryObject;

/**
 * One fan-out item's part of an account's inventory: the same rules, except that the part of the
 * global item (CloudFront) covers no region.
 */
export const inventoryPartSchema: z.ZodType<Inventory> = inventoryObject.extend({ regions: z.array(str) });
