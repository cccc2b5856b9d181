/**
 * A large synthetic account in the SDK's own shapes (what the AWS APIs return), for the benchmark's
 * local server: VPCs and 500 subnets with route tables, 2,000 security groups with 20,000 rules (mostly
 * chained, a few world-open), ENIs, 300 load balancers with listeners and target groups, 100 CloudFront
 * distributions, 200 private REST APIs of 50 resources each. Deterministic: a seeded generator only.
 */
import type {
  ApiKey,
  Deployment,
  Resource,
  RestApi,
  Stage,
  UsagePlan,
  VpcLink,
} from '@aws-sdk/client-api-gateway';
import type { DistributionSummary, ResponseHeadersPolicy } from '@aws-sdk/client-cloudfront';
import type {
  InternetGateway,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type { Listener, LoadBalancer, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';

export const BENCH_ACCOUNT = '111122223333';
export const BENCH_REGION = 'ap-northeast-1';

export interface BenchScale {
  readonly vpcs: number;
  readonly subnets: number;
  readonly securityGroups: number;
  readonly rulesPerGroup: number;
  readonly networkInterfaces: number;
  readonly loadBalancers: number;
  readonly distributions: number;
  readonly restApis: number;
  readonly resourcesPerApi: number;
}

export const DEFAULT_SCALE: BenchScale = {
  vpcs: 10,
  subnets: 500,
  securityGroups: 2000,
  rulesPerGroup: 10,
  networkInterfaces: 1500,
  loadBalancers: 300,
  distributions: 100,
  restApis: 200,
  resourcesPerApi: 50,
};

export interface BenchAccount {
  readonly ec2: {
    readonly DescribeVpcs: Vpc[];
    readonly DescribeSubnets: Subnet[];
    readonly DescribeRouteTables: RouteTable[];
    readonly DescribeInternetGateways: InternetGateway[];
    readonly DescribeEgressOnlyInternetGateways: never[];
    readonly DescribeNatGateways: NatGateway[];
    readonly DescribeNetworkAcls: NetworkAcl[];
    readonly DescribeSecurityGroups: SecurityGroup[];
    readonly DescribeSecurityGroupRules: SecurityGroupRule[];
    readonly DescribeManagedPrefixLists: ManagedPrefixList[];
    readonly DescribeVpcEndpoints: VpcEndpoint[];
    readonly DescribeNetworkInterfaces: NetworkInterface[];
  };
  readonly elbv2: {
    loadBalancers: LoadBalancer[];
    listeners: Map<string, Listener[]>;
    targetGroups: TargetGroup[];
  };
  readonly cloudfront: { distributions: DistributionSummary[]; policies: Map<string, ResponseHeadersPolicy> };
  readonly apigateway: {
    restApis: RestApi[];
    resources: Map<string, Resource[]>;
    stages: Map<string, Stage[]>;
    deployments: Map<string, Deployment[]>;
    exports: Map<string, string>;
    vpcLinks: VpcLink[];
    usagePlans: UsagePlan[];
    usagePlanKeys: Map<string, { id: string; type: string; name: string }[]>;
    apiKeys: ApiKey[];
  };
}

/** mulberry32: a small seeded generator, so every run serves the same account. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const hex = (n: number, width = 17) => n.toString(16).padStart(width, '0');
const tag = (name: string) => [{ Key: 'Name', Value: name }];

export const generateAccount = (scale: BenchScale = DEFAULT_SCALE, seed = 42): BenchAccount => {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const region = BENCH_REGION;
  const account = BENCH_ACCOUNT;

  const vpcs: Vpc[] = Array.from({ length: scale.vpcs }, (_, i) => ({
    VpcId: `vpc-${hex(i + 1)}`,
    CidrBlock: `10.${i}.0.0/16`,
    IsDefault: false,
    State: 'available',
    OwnerId: account,
    Tags: tag(`bench-vpc-${i}`),
  }));
  const azs = ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d'];
  const tiers = ['public', 'app', 'db'] as const;
  const subnets: Subnet[] = Array.from({ length: scale.subnets }, (_, i) => {
    const vpcIndex = i % scale.vpcs;
    const tier = tiers[i % 3] as string;
    return {
      SubnetId: `subnet-${hex(i + 1)}`,
      VpcId: vpcs[vpcIndex]?.VpcId as string,
      CidrBlock: `10.${vpcIndex}.${Math.floor(i / scale.vpcs)}.0/24`,
      AvailabilityZone: azs[i % 3] as string,
      MapPublicIpOnLaunch: false,
      State: 'available',
      OwnerId: account,
      Tags: [...tag(`bench-${tier}-${i}`), { Key: 'Tier', Value: tier }],
    };
  });
  const internetGateways: InternetGateway[] = vpcs.map((v, i) => ({
    InternetGatewayId: `igw-${hex(i + 1)}`,
    Attachments: [{ VpcId: v.VpcId as string, State: 'attached' }],
    OwnerId: account,
    Tags: tag(`bench-igw-${i}`),
  }));
  const natGateways: NatGateway[] = subnets
    .filter((_, i) => i % 3 === 0 && i < scale.vpcs * 3 * 2)
    .map((s, i) => ({
      NatGatewayId: `nat-${hex(i + 1)}`,
      SubnetId: s.SubnetId as string,
      VpcId: s.VpcId as string,
      State: 'available',
      ConnectivityType: 'public',
      NatGatewayAddresses: [{ PublicIp: `203.0.113.${i + 1}`, AllocationId: `eipalloc-${hex(i + 1)}` }],
    }));
  // One route table per subnet: public ones route to the IGW, app ones to a NAT, db ones nowhere.
  const routeTables: RouteTable[] = subnets.map((s, i) => {
    const vpcIndex = i % scale.vpcs;
    const tier = i % 3;
    const local: Route = {
      DestinationCidrBlock: `10.${vpcIndex}.0.0/16`,
      GatewayId: 'local',
      State: 'active',
      Origin: 'CreateRouteTable',
    };
    const nat = natGateways.find((n) => n.VpcId === s.VpcId);
    const routes: Route[] =
      tier === 0
        ? [
            local,
            {
              DestinationCidrBlock: '0.0.0.0/0',
              GatewayId: internetGateways[vpcIndex]?.InternetGatewayId,
              State: 'active',
              Origin: 'CreateRoute',
            },
          ]
        : tier === 1 && nat
          ? [
              local,
              {
                DestinationCidrBlock: '0.0.0.0/0',
                NatGatewayId: nat.NatGatewayId,
                State: 'active',
                Origin: 'CreateRoute',
              },
            ]
          : [local];
    return {
      RouteTableId: `rtb-${hex(i + 1)}`,
      VpcId: s.VpcId as string,
      OwnerId: account,
      Routes: routes,
      Associations: [
        {
          RouteTableAssociationId: `rtbassoc-${hex(i + 1)}`,
          RouteTableId: `rtb-${hex(i + 1)}`,
          SubnetId: s.SubnetId as string,
          Main: false,
          AssociationState: { State: 'associated' },
        },
      ],
      Tags: tag(`bench-rtb-${i}`),
    };
  });
  const networkAcls: NetworkAcl[] = vpcs.map((v, i) => ({
    NetworkAclId: `acl-${hex(i + 1)}`,
    VpcId: v.VpcId as string,
    IsDefault: true,
    OwnerId: account,
    Entries: [
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
    ],
    Associations: subnets
      .filter((s) => s.VpcId === v.VpcId)
      .map((s, j) => ({
        NetworkAclAssociationId: `aclassoc-${hex(i * 1000 + j + 1)}`,
        NetworkAclId: `acl-${hex(i + 1)}`,
        SubnetId: s.SubnetId as string,
      })),
  }));
  const prefixLists: ManagedPrefixList[] = [
    {
      PrefixListId: 'pl-58a04531',
      PrefixListName: 'com.amazonaws.global.cloudfront.origin-facing',
      AddressFamily: 'IPv4',
      State: 'create-complete',
      MaxEntries: 55,
      OwnerId: 'AWS',
      PrefixListArn: `arn:aws:ec2:${region}:aws:prefix-list/pl-58a04531`,
    },
    {
      PrefixListId: 'pl-61a54008',
      PrefixListName: `com.amazonaws.${region}.s3`,
      AddressFamily: 'IPv4',
      State: 'create-complete',
      OwnerId: 'AWS',
      PrefixListArn: `arn:aws:ec2:${region}:aws:prefix-list/pl-61a54008`,
    },
  ];
  const securityGroups: SecurityGroup[] = Array.from({ length: scale.securityGroups }, (_, i) => ({
    GroupId: `sg-${hex(i + 1)}`,
    GroupName: `bench-sg-${i}`,
    Description: `bench security group ${i}`,
    VpcId: vpcs[i % scale.vpcs]?.VpcId as string,
    OwnerId: account,
    Tags: tag(`bench-sg-${i}`),
  }));
  const securityGroupRules: SecurityGroupRule[] = [];
  securityGroups.forEach((g, i) => {
    for (let r = 0; r < scale.rulesPerGroup; r++) {
      const id = `sgr-${hex(i * scale.rulesPerGroup + r + 1)}`;
      const base = { SecurityGroupRuleId: id, GroupId: g.GroupId as string, GroupOwnerId: account };
      if (r === 0) {
        securityGroupRules.push({
          ...base,
          IsEgress: true,
          IpProtocol: '-1',
          FromPort: -1,
          ToPort: -1,
          CidrIpv4: '0.0.0.0/0',
        });
      } else if (r === 1 && i % 10 === 0) {
        // The front groups admit only CloudFront's origin-facing prefix list.
        securityGroupRules.push({
          ...base,
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          PrefixListId: 'pl-58a04531',
        });
      } else if (r === 2 && i % 250 === 7) {
        securityGroupRules.push({
          ...base,
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '0.0.0.0/0',
        });
      } else {
        const peer = securityGroups[(i + r) % scale.securityGroups]?.GroupId as string;
        const port = pick([443, 8080, 5432, 6379, 3306]);
        securityGroupRules.push({
          ...base,
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
          ReferencedGroupInfo: { GroupId: peer, UserId: account },
        });
      }
    }
  });
  const vpcEndpoints: VpcEndpoint[] = vpcs.map((v, i) => ({
    VpcEndpointId: `vpce-${hex(i + 1)}`,
    VpcEndpointType: 'Interface',
    VpcId: v.VpcId as string,
    ServiceName: `com.amazonaws.${region}.execute-api`,
    State: 'Available',
    SubnetIds: subnets
      .filter((s) => s.VpcId === v.VpcId)
      .slice(1, 3)
      .map((s) => s.SubnetId as string),
    Groups: [
      { GroupId: securityGroups[i]?.GroupId as string, GroupName: securityGroups[i]?.GroupName as string },
    ],
    PrivateDnsEnabled: true,
    OwnerId: account,
  }));
  const networkInterfaces: NetworkInterface[] = Array.from({ length: scale.networkInterfaces }, (_, i) => {
    const subnet = subnets[(i * 3 + 1) % scale.subnets] as Subnet;
    return {
      NetworkInterfaceId: `eni-${hex(i + 1)}`,
      SubnetId: subnet.SubnetId as string,
      VpcId: subnet.VpcId as string,
      AvailabilityZone: subnet.AvailabilityZone as string,
      InterfaceType: 'interface',
      Status: 'in-use',
      PrivateIpAddress: `10.${i % scale.vpcs}.${(i % 200) + 1}.${(i % 250) + 1}`,
      Groups: [
        { GroupId: securityGroups[(i * 7) % scale.securityGroups]?.GroupId as string, GroupName: 'g' },
      ],
      Description: `ECS task ${i}`,
      OwnerId: account,
      RequesterManaged: false,
      Attachment: {
        AttachmentId: `eni-attach-${hex(i + 1)}`,
        Status: 'attached',
        InstanceOwnerId: 'amazon-aws',
      },
    };
  });

  const loadBalancers: LoadBalancer[] = Array.from({ length: scale.loadBalancers }, (_, i) => {
    const kind = i % 3 === 0 ? 'network' : 'application';
    const name = `bench-${kind === 'network' ? 'nlb' : 'alb'}-${i}`;
    const vpcIndex = i % scale.vpcs;
    const vpcSubnets = subnets.filter((_, j) => j % scale.vpcs === vpcIndex && j % 3 === 1).slice(0, 2);
    return {
      LoadBalancerArn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${kind === 'network' ? 'net' : 'app'}/${name}/${hex(i + 1, 16)}`,
      DNSName: `internal-${name}-${i}.${region}.elb.amazonaws.com`,
      LoadBalancerName: name,
      Scheme: i % 50 === 3 ? 'internet-facing' : 'internal',
      VpcId: vpcs[vpcIndex]?.VpcId as string,
      State: { Code: 'active' },
      Type: kind,
      AvailabilityZones: vpcSubnets.map((s) => ({
        ZoneName: s.AvailabilityZone as string,
        SubnetId: s.SubnetId as string,
      })),
      SecurityGroups:
        kind === 'network' ? [] : [securityGroups[(i * 10) % scale.securityGroups]?.GroupId as string],
      IpAddressType: 'ipv4',
    };
  });
  const listeners = new Map<string, Listener[]>(
    loadBalancers.map((lb, i) => [
      lb.LoadBalancerArn as string,
      [
        {
          ListenerArn: `${(lb.LoadBalancerArn as string).replace(':loadbalancer/', ':listener/')}/${hex(i + 1, 16)}`,
          LoadBalancerArn: lb.LoadBalancerArn as string,
          Port: lb.Type === 'network' ? 80 : 443,
          Protocol: lb.Type === 'network' ? 'TCP' : 'HTTPS',
          ...(lb.Type === 'network' ? {} : { SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }),
          DefaultActions: [
            {
              Type: 'forward',
              TargetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/bench-tg-${i}/${hex(i + 1, 16)}`,
            },
          ],
        },
      ],
    ]),
  );
  const targetGroups: TargetGroup[] = loadBalancers.map((lb, i) => ({
    TargetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/bench-tg-${i}/${hex(i + 1, 16)}`,
    TargetGroupName: `bench-tg-${i}`,
    Protocol: lb.Type === 'network' ? 'TCP' : 'HTTP',
    Port: 8080,
    VpcId: lb.VpcId as string,
    TargetType: 'ip',
    LoadBalancerArns: [lb.LoadBalancerArn as string],
  }));

  const policyId = '67f7725c-6f97-4210-82d7-5512b31e9d03';
  const distributions: DistributionSummary[] = Array.from({ length: scale.distributions }, (_, i) => {
    const id = `E${hex(i + 1, 13).toUpperCase()}`;
    const lb = loadBalancers[(i * 3 + 1) % scale.loadBalancers] as LoadBalancer;
    const behavior = {
      TargetOriginId: 'alb',
      ViewerProtocolPolicy: 'redirect-to-https' as const,
      ResponseHeadersPolicyId: policyId,
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
    };
    return {
      Id: id,
      ARN: `arn:aws:cloudfront::${account}:distribution/${id}`,
      Status: 'Deployed',
      LastModifiedTime: new Date('2025-06-01T00:00:00Z'),
      DomainName: `d${hex(i + 1, 12)}.cloudfront.net`,
      Aliases: { Quantity: 1, Items: [`app${i}.example.jp`] },
      Origins: {
        Quantity: 1,
        Items: [
          {
            Id: 'alb',
            DomainName: lb.DNSName as string,
            OriginPath: '',
            CustomHeaders: {
              Quantity: 1,
              Items: [{ HeaderName: 'x-origin-verify', HeaderValue: `secret-${i}` }],
            },
            CustomOriginConfig: {
              HTTPPort: 80,
              HTTPSPort: 443,
              OriginProtocolPolicy: 'https-only',
              OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
            },
          },
        ],
      },
      DefaultCacheBehavior: behavior,
      CacheBehaviors: { Quantity: 1, Items: [{ ...behavior, PathPattern: '/api/*' }] },
      CustomErrorResponses: { Quantity: 0 },
      Comment: `bench distribution ${i}`,
      PriceClass: 'PriceClass_200',
      Enabled: true,
      ViewerCertificate: { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1.2_2021' },
      Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
      WebACLId: i % 20 === 5 ? '' : `arn:aws:wafv2:us-east-1:${account}:global/webacl/bench/${hex(i + 1, 8)}`,
      HttpVersion: 'http2',
      IsIPV6Enabled: true,
      Staging: false,
    } as DistributionSummary;
  });
  const policies = new Map<string, ResponseHeadersPolicy>([
    [
      policyId,
      {
        Id: policyId,
        LastModifiedTime: new Date('2025-06-01T00:00:00Z'),
        ResponseHeadersPolicyConfig: {
          Name: 'Managed-SecurityHeadersPolicy',
          SecurityHeadersConfig: {
            StrictTransportSecurity: {
              Override: true,
              AccessControlMaxAgeSec: 31536000,
              IncludeSubdomains: false,
              Preload: false,
            },
            ContentTypeOptions: { Override: true },
            FrameOptions: { Override: true, FrameOption: 'SAMEORIGIN' },
            ReferrerPolicy: { Override: false, ReferrerPolicy: 'strict-origin-when-cross-origin' },
            XSSProtection: { Override: true, Protection: true, ModeBlock: true },
          },
        },
      },
    ],
  ]);

  const vpcLinks: VpcLink[] = loadBalancers
    .filter((lb) => lb.Type === 'network')
    .slice(0, 10)
    .map((lb, i) => ({
      id: `vl${hex(i + 1, 4)}`,
      name: `bench-link-${i}`,
      status: 'AVAILABLE',
      targetArns: [lb.LoadBalancerArn as string],
    }));
  const restApis: RestApi[] = [];
  const resources = new Map<string, Resource[]>();
  const stages = new Map<string, Stage[]>();
  const deployments = new Map<string, Deployment[]>();
  const exports = new Map<string, string>();
  for (let i = 0; i < scale.restApis; i++) {
    const id = `a${hex(i + 1, 9)}`;
    const vpce = vpcEndpoints[i % vpcEndpoints.length]?.VpcEndpointId as string;
    const link = vpcLinks[i % vpcLinks.length];
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*',
          Condition: { StringNotEquals: { 'aws:SourceVpce': vpce } },
        },
      ],
    };
    restApis.push({
      id,
      name: `bench-api-${i}`,
      createdDate: new Date('2025-01-01T00:00:00Z'),
      apiKeySource: 'HEADER',
      endpointConfiguration: { types: ['PRIVATE'], vpcEndpointIds: [vpce] },
      policy: JSON.stringify(policy),
    });
    const apiResources: Resource[] = [{ id: `r${hex(i * 100, 9)}`, path: '/' }];
    const paths: Record<string, Record<string, unknown>> = {};
    for (let r = 1; r < scale.resourcesPerApi; r++) {
      const path = `/items${r}`;
      const integration = {
        type: 'HTTP_PROXY' as const,
        uri: `http://backend.internal/items${r}`,
        connectionType: 'VPC_LINK' as const,
        connectionId: link?.id,
      };
      apiResources.push({
        id: `r${hex(i * 100 + r, 9)}`,
        parentId: apiResources[0]?.id as string,
        pathPart: `items${r}`,
        path,
        resourceMethods: {
          GET: {
            httpMethod: 'GET',
            authorizationType: 'NONE',
            apiKeyRequired: true,
            methodIntegration: { ...integration, httpMethod: 'GET' },
          },
        },
      });
      paths[path] = {
        get: {
          security: [{ api_key: [] }],
          'x-amazon-apigateway-integration': { ...integration, httpMethod: 'GET' },
        },
      };
    }
    resources.set(id, apiResources);
    stages.set(id, [
      {
        stageName: 'prod',
        deploymentId: `d${hex(i * 2 + 2, 5)}`,
        tracingEnabled: false,
        webAclArn: `arn:aws:wafv2:${region}:${account}:regional/webacl/bench/${hex(i + 1, 8)}`,
        methodSettings: { '*/*': { throttlingBurstLimit: 100, throttlingRateLimit: 50 } },
        createdDate: new Date('2025-01-01T00:00:00Z'),
        lastUpdatedDate: new Date('2025-01-02T00:00:00Z'),
      },
    ]);
    deployments.set(id, [
      { id: `d${hex(i * 2 + 1, 5)}`, createdDate: new Date('2025-01-01T00:00:00Z') },
      { id: `d${hex(i * 2 + 2, 5)}`, createdDate: new Date('2025-01-02T00:00:00Z') },
    ]);
    exports.set(
      `${id}/prod`,
      JSON.stringify({
        openapi: '3.0.1',
        info: { title: `bench-api-${i}`, version: '2025-01-02T00:00:00Z' },
        paths,
        components: { securitySchemes: { api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' } } },
        // The deployed policy, `execute-api:/*` written out as the ARN as API Gateway exports it.
        'x-amazon-apigateway-policy': JSON.parse(
          JSON.stringify(policy).replaceAll(
            'execute-api:/*',
            `arn:aws:execute-api:${region}:${account}:${id}/*`,
          ),
        ),
      }),
    );
  }
  const apiKeys: ApiKey[] = Array.from({ length: 20 }, (_, i) => ({
    id: `k${hex(i + 1, 9)}`,
    name: `bench-key-${i}`,
    enabled: true,
    value: `bench-key-value-${hex(i + 1, 24)}`,
    createdDate: new Date('2025-01-01T00:00:00Z'),
  }));
  const usagePlans: UsagePlan[] = Array.from({ length: 5 }, (_, i) => ({
    id: `p${hex(i + 1, 5)}`,
    name: `bench-plan-${i}`,
    throttle: { burstLimit: 100, rateLimit: 50 },
    apiStages: restApis.filter((_, j) => j % 5 === i).map((a) => ({ apiId: a.id as string, stage: 'prod' })),
  }));
  const usagePlanKeys = new Map(
    usagePlans.map((p, i) => [
      p.id as string,
      apiKeys
        .filter((_, j) => j % 5 === i)
        .map((k) => ({ id: k.id as string, type: 'API_KEY', name: k.name as string })),
    ]),
  );

  return {
    ec2: {
      DescribeVpcs: vpcs,
      DescribeSubnets: subnets,
      DescribeRouteTables: routeTables,
      DescribeInternetGateways: internetGateways,
      DescribeEgressOnlyInternetGateways: [],
      DescribeNatGateways: natGateways,
      DescribeNetworkAcls: networkAcls,
      DescribeSecurityGroups: securityGroups,
      DescribeSecurityGroupRules: securityGroupRules,
      DescribeManagedPrefixLists: prefixLists,
      DescribeVpcEndpoints: vpcEndpoints,
      DescribeNetworkInterfaces: networkInterfaces,
    },
    elbv2: { loadBalancers, listeners, targetGroups },
    cloudfront: { distributions, policies },
    apigateway: {
      restApis,
      resources,
      stages,
      deployments,
      exports,
      vpcLinks,
      usagePlans,
      usagePlanKeys,
      apiKeys,
    },
  };
};
