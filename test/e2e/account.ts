import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  CreateVpcLinkCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront';
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { allowInvokeIf } from '../fixtures/apigw.ts';

export const REGION = 'ap-northeast-1';
const API_KEY_VALUE = 'e2e-secret-api-key-value-0123456789';

/** What the e2e tests need to refer to after building the account. */
export interface BuiltAccount {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly ingressRouteTableId: string;
  readonly igwId: string;
  readonly albSgId: string;
  readonly ecsSgId: string;
  readonly dbSgId: string;
  readonly nlbArn: string;
  readonly apiId: string;
  readonly apiKeyValue: string;
  readonly dataResourceId: string;
  readonly vpcLinkId: string;
  readonly apiKeyId: string;
  readonly usagePlanId: string;
  readonly distributionId: string;
}

/**
 * Builds a small seed-000-shaped private-backend account through the real SDK: a VPC with only private
 * subnets (IGW attached, no route to it), an SG chain NLB-side → ECS → DB, an internal NLB, a REST API
 * whose method requires an API key and integrates through a VPC link, a usage plan with the key, and a
 * CloudFront distribution that injects the key as a custom origin header.
 */
export const buildPrivateBackendAccount = async (): Promise<BuiltAccount> => {
  const ec2 = new EC2Client({ region: REGION });
  const elbv2 = new ElasticLoadBalancingV2Client({ region: REGION });
  const apigw = new APIGatewayClient({ region: REGION });
  const cloudfront = new CloudFrontClient({ region: 'us-east-1' });

  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId as string;
  const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
    ?.InternetGatewayId as string;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const subnetIds: string[] = [];
  for (const [i, az] of ['ap-northeast-1a', 'ap-northeast-1c'].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.0.${i}.0/24`,
        AvailabilityZone: az,
        TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Tier', Value: 'ingress' }] }],
      }),
    );
    subnetIds.push(subnet.Subnet?.SubnetId as string);
  }
  const ingressRouteTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable
    ?.RouteTableId as string;
  for (const SubnetId of subnetIds) {
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: ingressRouteTableId, SubnetId }));
  }

  const sg = async (name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
      .GroupId as string;
  const albSgId = await sg('prod-alb-sg');
  const ecsSgId = await sg('prod-ecs-sg');
  const dbSgId = await sg('prod-db-sg');
  const allow = (GroupId: string, port: number, source: string) =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: source }] },
        ],
      }),
    );
  await allow(ecsSgId, 8080, albSgId);
  await allow(dbSgId, 5432, ecsSgId);

  const nlbArn = (
    await elbv2.send(
      new CreateLoadBalancerCommand({
        Name: 'prod-nlb',
        Type: 'network',
        Scheme: 'internal',
        Subnets: subnetIds,
      }),
    )
  ).LoadBalancers?.[0]?.LoadBalancerArn as string;

  const vpcLinkId = (await apigw.send(new CreateVpcLinkCommand({ name: 'prod-link', targetArns: [nlbArn] })))
    .id as string;
  const apiId = (
    await apigw.send(
      new CreateRestApiCommand({ name: 'prod-api', endpointConfiguration: { types: ['REGIONAL'] } }),
    )
  ).id as string;
  const rootId = (await apigw.send(new GetResourcesCommand({ restApiId: apiId }))).items?.find(
    (r) => r.path === '/',
  )?.id as string;
  const dataId = (
    await apigw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'data' }))
  ).id as string;
  await apigw.send(
    new PutMethodCommand({
      restApiId: apiId,
      resourceId: dataId,
      httpMethod: 'GET',
      authorizationType: 'NONE',
      apiKeyRequired: true,
    }),
  );
  await apigw.send(
    new PutIntegrationCommand({
      restApiId: apiId,
      resourceId: dataId,
      httpMethod: 'GET',
      type: 'HTTP_PROXY',
      integrationHttpMethod: 'GET',
      uri: 'http://internal-prod-nlb.elb.ap-northeast-1.amazonaws.com/data',
      connectionType: 'VPC_LINK',
      connectionId: vpcLinkId,
    }),
  );
  await apigw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
  const keyId = (
    await apigw.send(new CreateApiKeyCommand({ name: 'cloudfront', enabled: true, value: API_KEY_VALUE }))
  ).id as string;
  const planId = (
    await apigw.send(
      new CreateUsagePlanCommand({
        name: 'prod-plan',
        apiStages: [{ apiId, stage: 'prod' }],
        throttle: { rateLimit: 100, burstLimit: 200 },
      }),
    )
  ).id as string;
  await apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId, keyType: 'API_KEY' }));

  const distributionId = (
    await cloudfront.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `e2e-${apiId}`,
          Comment: 'prod front door',
          Enabled: true,
          WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/prod-cf/a1b2c3d4',
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: 'api',
                DomainName: `${apiId}.execute-api.${REGION}.amazonaws.com`,
                OriginPath: '',
                CustomHeaders: {
                  Quantity: 1,
                  Items: [{ HeaderName: 'x-api-key', HeaderValue: API_KEY_VALUE }],
                },
                CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
              },
            ],
          },
          DefaultCacheBehavior: {
            TargetOriginId: 'api',
            ViewerProtocolPolicy: 'redirect-to-https',
            ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
            MinTTL: 0,
          },
          CacheBehaviors: {
            Quantity: 1,
            Items: [
              {
                PathPattern: '/prod/data/*',
                TargetOriginId: 'api',
                ViewerProtocolPolicy: 'https-only',
                ForwardedValues: { QueryString: true, Cookies: { Forward: 'none' } },
                MinTTL: 0,
              },
            ],
          },
        },
      }),
    )
  ).Distribution?.Id as string;

  return {
    vpcId,
    subnetIds,
    ingressRouteTableId,
    igwId,
    albSgId,
    ecsSgId,
    dbSgId,
    nlbArn,
    apiId,
    apiKeyValue: API_KEY_VALUE,
    dataResourceId: dataId,
    vpcLinkId,
    apiKeyId: keyId,
    usagePlanId: planId,
    distributionId,
  };
};

/** CIS: the VPC's default group keeps no rule, so a resource created without a group cannot talk at all. */
const emptyDefaultGroup = async (ec2: EC2Client, vpcId: string): Promise<string> => {
  const defaultSg = (
    await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    )
  ).SecurityGroups?.[0];
  const defaultSgId = defaultSg?.GroupId as string;
  if (defaultSg?.IpPermissions?.length) {
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: defaultSgId, IpPermissions: defaultSg.IpPermissions }),
    );
  }
  if (defaultSg?.IpPermissionsEgress?.length) {
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: defaultSgId,
        IpPermissions: defaultSg.IpPermissionsEgress,
      }),
    );
  }
  return defaultSgId;
};

/** What the catalogue e2e tests refer to, on top of the seed-000 account. */
export interface CatalogueAccount extends BuiltAccount {
  readonly dbSubnetId: string;
  readonly dbRouteTableId: string;
  readonly defaultSgId: string;
  readonly vpceId: string;
  readonly privateApiId: string;
}

/**
 * The seed-000 account hardened so that every check it can express passes on its own: a closed DB tier
 * (Tier=db subnet with a local-only route table), the VPC's default security group emptied, the front
 * SG admitting only the CloudFront origin-facing prefix list (so the SG chain CloudFront → ALB SG → ECS
 * SG → DB SG is drawn from live rules), and a PRIVATE REST API whose resource policy admits only its
 * execute-api VPC endpoint (seed 003). Two findings remain, which baseline turns into exceptions: no
 * web ACL on the stage (associating one needs a WAFv2 client, which the project has none of) and no
 * response headers policy on the behaviors (moto has no response headers policies).
 */
export const buildCatalogueAccount = async (): Promise<CatalogueAccount> => {
  const base = await buildPrivateBackendAccount();
  const ec2 = new EC2Client({ region: REGION });
  const apigw = new APIGatewayClient({ region: REGION });

  const dbSubnetId = (
    await ec2.send(
      new CreateSubnetCommand({
        VpcId: base.vpcId,
        CidrBlock: '10.0.20.0/24',
        AvailabilityZone: 'ap-northeast-1a',
        TagSpecifications: [
          {
            ResourceType: 'subnet',
            Tags: [
              { Key: 'Tier', Value: 'db' },
              { Key: 'Name', Value: 'prod-db-a' },
            ],
          },
        ],
      }),
    )
  ).Subnet?.SubnetId as string;
  const dbRouteTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: base.vpcId }))).RouteTable
    ?.RouteTableId as string;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: dbRouteTableId, SubnetId: dbSubnetId }));

  const defaultSgId = await emptyDefaultGroup(ec2, base.vpcId);

  const cloudFrontList = (
    await ec2.send(
      new DescribeManagedPrefixListsCommand({
        Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }],
      }),
    )
  ).PrefixLists?.[0]?.PrefixListId as string;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: base.albSgId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: cloudFrontList }] },
      ],
    }),
  );

  const vpceId = (
    await ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: base.vpcId,
        VpcEndpointType: 'Interface',
        ServiceName: `com.amazonaws.${REGION}.execute-api`,
        SubnetIds: [...base.subnetIds],
        PrivateDnsEnabled: true,
      }),
    )
  ).VpcEndpoint?.VpcEndpointId as string;
  const privateApiId = (
    await apigw.send(
      new CreateRestApiCommand({
        name: 'internal-api',
        endpointConfiguration: { types: ['PRIVATE'], vpcEndpointIds: [vpceId] },
        policy: JSON.stringify(privateApiPolicy('StringEquals', vpceId)),
      }),
    )
  ).id as string;

  return { ...base, dbSubnetId, dbRouteTableId, defaultSgId, vpceId, privateApiId };
};

/** A private API's resource policy: Allow execute-api:Invoke under one condition on aws:SourceVpce. */
export const privateApiPolicy = (operator: 'StringEquals' | 'StringNotEquals', vpceId: string) =>
  allowInvokeIf({ [operator]: { 'aws:SourceVpce': vpceId } });

/** What the classic-layout e2e tests refer to. */
export interface ClassicAccount {
  readonly vpcId: string;
  readonly albArn: string;
  readonly albSgId: string;
  readonly ecsSgId: string;
  readonly rdsSgId: string;
  readonly privateSubnetIds: readonly string[];
  readonly publicSubnetIds: readonly string[];
  /** An ECS task's ENI in the first private subnet. */
  readonly taskEniId: string;
}

/**
 * Seed 002's classic layout through the real SDK: per AZ a public subnet (route to the IGW) holding a
 * NAT gateway and the internet-facing ALB, and a private subnet routed to the NAT of its AZ holding the
 * ECS tasks; ALB SG open to the world on 80/443, ECS SG from the ALB SG on 80 and 3000, RDS SG from the
 * ECS SG on 5432; the VPC's default group emptied as in the hardened account.
 */
export const buildClassicAccount = async (): Promise<ClassicAccount> => {
  const ec2 = new EC2Client({ region: REGION });
  const elbv2 = new ElasticLoadBalancingV2Client({ region: REGION });

  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId as string;
  const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
    ?.InternetGatewayId as string;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const subnet = async (cidr: string, az: string, tier: string) =>
    (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: cidr,
          AvailabilityZone: az,
          TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Tier', Value: tier }] }],
        }),
      )
    ).Subnet?.SubnetId as string;
  const routeTable = async (subnetIds: readonly string[]) => {
    const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable
      ?.RouteTableId as string;
    for (const SubnetId of subnetIds)
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId }));
    return id;
  };

  const azs = ['ap-northeast-1a', 'ap-northeast-1c'];
  const publicSubnetIds: string[] = [];
  const privateSubnetIds: string[] = [];
  for (const [i, az] of azs.entries()) {
    publicSubnetIds.push(await subnet(`10.1.${i + 1}.0/24`, az, 'public'));
    privateSubnetIds.push(await subnet(`10.1.${i + 11}.0/24`, az, 'private'));
  }
  for (const SubnetId of publicSubnetIds) {
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId, MapPublicIpOnLaunch: { Value: true } }));
  }
  const publicTable = await routeTable(publicSubnetIds);
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: publicTable,
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: igwId,
    }),
  );
  for (const [i, privateSubnet] of privateSubnetIds.entries()) {
    const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
    const natId = (
      await ec2.send(
        new CreateNatGatewayCommand({ SubnetId: publicSubnetIds[i], AllocationId: allocationId }),
      )
    ).NatGateway?.NatGatewayId as string;
    const table = await routeTable([privateSubnet]);
    await ec2.send(
      new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }),
    );
  }

  const sg = async (name: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
      .GroupId as string;
  const allow = (GroupId: string, port: number, source: { cidr?: string; group?: string }) =>
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: port,
            ToPort: port,
            ...(source.cidr ? { IpRanges: [{ CidrIp: source.cidr }] } : {}),
            ...(source.group ? { UserIdGroupPairs: [{ GroupId: source.group }] } : {}),
          },
        ],
      }),
    );
  const albSgId = await sg('myapp-dev-alb-sg');
  const ecsSgId = await sg('myapp-dev-ecs-sg');
  const rdsSgId = await sg('myapp-dev-rds-sg');
  await allow(albSgId, 80, { cidr: '0.0.0.0/0' });
  await allow(albSgId, 443, { cidr: '0.0.0.0/0' });
  await allow(ecsSgId, 80, { group: albSgId });
  await allow(ecsSgId, 3000, { group: albSgId });
  await allow(rdsSgId, 5432, { group: ecsSgId });
  await emptyDefaultGroup(ec2, vpcId);

  const albArn = (
    await elbv2.send(
      new CreateLoadBalancerCommand({
        Name: 'myapp-dev-alb',
        Scheme: 'internet-facing',
        Subnets: publicSubnetIds,
        SecurityGroups: [albSgId],
      }),
    )
  ).LoadBalancers?.[0]?.LoadBalancerArn as string;
  const targetGroupArn = (
    await elbv2.send(
      new CreateTargetGroupCommand({
        Name: 'myapp-dev-ecs',
        Protocol: 'HTTP',
        Port: 3000,
        VpcId: vpcId,
        TargetType: 'ip',
      }),
    )
  ).TargetGroups?.[0]?.TargetGroupArn as string;
  await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: albArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }),
  );
  const taskEniId = (
    await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: privateSubnetIds[0],
        Groups: [ecsSgId],
        Description: 'arn:aws:ecs:ap-northeast-1:123456789012:attachment/0f1e2d3c-task',
      }),
    )
  ).NetworkInterface?.NetworkInterfaceId as string;

  return { vpcId, albArn, albSgId, ecsSgId, rdsSgId, privateSubnetIds, publicSubnetIds, taskEniId };
};
