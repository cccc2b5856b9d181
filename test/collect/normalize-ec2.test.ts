import type {
  NetworkInterface as AwsNetworkInterface,
  SecurityGroup as AwsSecurityGroup,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  type Ec2Raw,
  normalizeEc2,
  normalizeNatGateway,
  normalizeNetworkInterface,
  normalizeRoute,
  normalizeSecurityGroups,
} from '../../collect/normalize/ec2.ts';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, defaultRoutesToIgw } from '../../inventory/derive.ts';
import {
  ALB_SG,
  APP_RTB,
  APP_SG,
  APP_SUBNET_A,
  APP_SUBNET_C,
  CLOUDFRONT_PREFIX_LIST,
  DELETED_NAT,
  describeNatGateways,
  describeSecurityGroups,
  EDGE_RTB,
  EIGW_ID,
  EXECUTE_API_ENDPOINT,
  ec2AccountRaw,
  emptyEc2Raw,
  IGW_ID,
  INGRESS_SUBNET_A,
  MAIN_RTB,
  NAT_RTB,
  REGION,
  REGIONAL_NAT,
  S3_ENDPOINT,
  S3_PREFIX_LIST,
  VPC_ID,
  ZONAL_NAT,
} from '../fixtures/ec2-responses.ts';
import { PEER_CORPUS, peerCases } from '../fixtures/peer-corpus.ts';
import { sharedPresent } from '../fixtures/shared.ts';

const byId = <T extends { id: string }>(items: readonly T[], id: string): T => {
  const found = items.find((i) => i.id === id);
  if (!found) throw new Error(`${id} not in ${items.map((i) => i.id).join(', ')}`);
  return found;
};

describe('normalizeEc2', () => {
  it('produces plain JSON: no undefined values and no Date objects survive', () => {
    // Act
    const ec2 = normalizeEc2(ec2AccountRaw(), REGION);
    // Assess
    expect(JSON.parse(JSON.stringify(ec2))).toStrictEqual(ec2);
  });

  it('keeps only the live CIDR associations of a VPC and takes its name from the Name tag', () => {
    const [vpc] = normalizeEc2(ec2AccountRaw(), REGION).vpcs;
    expect(vpc).toStrictEqual({
      id: VPC_ID,
      region: REGION,
      name: 'prod-vpc',
      tags: { Name: 'prod-vpc', env: 'prod' },
      cidrBlocks: ['10.0.0.0/16'],
      ipv6CidrBlocks: ['2406:da14:abc:1200::/56'],
      isDefault: false,
    });
  });

  it('keeps a subnet ARN, AZ and IPv6 block', () => {
    const subnet = byId(normalizeEc2(ec2AccountRaw(), REGION).subnets, APP_SUBNET_A);
    expect(subnet).toMatchObject({
      arn: `arn:aws:ec2:${REGION}:123456789012:subnet/${APP_SUBNET_A}`,
      name: 'prod-app-a',
      vpcId: VPC_ID,
      availabilityZone: 'ap-northeast-1a',
      availabilityZoneId: 'apne1-az4',
      cidrBlock: '10.0.10.0/24',
      ipv6CidrBlocks: ['2406:da14:abc:1210::/64'],
      mapPublicIpOnLaunch: false,
    });
  });

  describe('route tables', () => {
    it('marks the table with a Main=true association as the main table, with no subnets of its own', () => {
      const tables = normalizeEc2(ec2AccountRaw(), REGION).routeTables;
      expect(byId(tables, MAIN_RTB)).toMatchObject({ isMain: true, subnetIds: [], gatewayIds: [] });
      expect(byId(tables, APP_RTB).isMain).toBe(false);
    });

    it('lists explicit subnet associations', () => {
      const table = byId(normalizeEc2(ec2AccountRaw(), REGION).routeTables, APP_RTB);
      expect(table.subnetIds).toEqual([APP_SUBNET_A, APP_SUBNET_C]);
    });

    it('lists an IGW edge association and ignores a disassociated subnet association', () => {
      const table = byId(normalizeEc2(ec2AccountRaw(), REGION).routeTables, EDGE_RTB);
      expect(table.gatewayIds).toEqual([IGW_ID]);
      expect(table.subnetIds).toEqual([]);
      expect(table.routes[1]).toEqual({
        destination: '10.0.0.0/24',
        destinationKind: 'ipv4',
        targetKind: 'vpc-endpoint',
        targetId: 'vpce-0a1b2c3d4e5f60003',
        state: 'active',
      });
    });

    it('classifies each route by destination and target', () => {
      const table = byId(normalizeEc2(ec2AccountRaw(), REGION).routeTables, APP_RTB);
      expect(table.routes).toEqual([
        {
          destination: '10.0.0.0/16',
          destinationKind: 'ipv4',
          targetKind: 'local',
          targetId: 'local',
          state: 'active',
        },
        {
          destination: '0.0.0.0/0',
          destinationKind: 'ipv4',
          targetKind: 'nat-gateway',
          targetId: REGIONAL_NAT,
          state: 'active',
        },
        {
          destination: '::/0',
          destinationKind: 'ipv6',
          targetKind: 'egress-only-internet-gateway',
          targetId: EIGW_ID,
          state: 'active',
        },
        {
          destination: S3_PREFIX_LIST,
          destinationKind: 'prefix-list',
          targetKind: 'vpc-endpoint',
          targetId: S3_ENDPOINT,
          state: 'active',
        },
        {
          destination: '172.16.0.0/12',
          destinationKind: 'ipv4',
          targetKind: 'transit-gateway',
          targetId: 'tgw-0a1b2c3d4e5f60001',
          state: 'active',
        },
        {
          destination: '192.168.0.0/16',
          destinationKind: 'ipv4',
          targetKind: 'vpc-peering-connection',
          targetId: 'pcx-0a1b2c3d4e5f60001',
          state: 'blackhole',
        },
        {
          destination: '203.0.113.0/24',
          destinationKind: 'ipv4',
          targetKind: 'instance',
          targetId: 'i-0a1b2c3d4e5f60001',
          state: 'active',
        },
      ]);
    });

    it('tells an internet gateway from an egress-only one on ::/0', () => {
      const viaIgw = normalizeRoute({ DestinationIpv6CidrBlock: '::/0', GatewayId: IGW_ID, State: 'active' });
      const viaEigw = normalizeRoute({
        DestinationIpv6CidrBlock: '::/0',
        EgressOnlyInternetGatewayId: EIGW_ID,
        State: 'active',
      });
      expect(viaIgw?.targetKind).toBe('internet-gateway');
      expect(viaEigw?.targetKind).toBe('egress-only-internet-gateway');
      // The shared derive helper must treat only the first as a public default route.
      const table = { ...byId(normalizeEc2(ec2AccountRaw(), REGION).routeTables, MAIN_RTB) };
      expect(defaultRoutesToIgw({ ...table, routes: [viaIgw!] })).toHaveLength(1);
      expect(defaultRoutesToIgw({ ...table, routes: [viaEigw!] })).toHaveLength(0);
    });

    it.each([
      [{ GatewayId: 'vgw-0a1b2c3d4e5f60001' }, 'virtual-private-gateway', 'vgw-0a1b2c3d4e5f60001'],
      [{ CarrierGatewayId: 'cagw-0a1b2c3d4e5f60001' }, 'carrier-gateway', 'cagw-0a1b2c3d4e5f60001'],
      [{ LocalGatewayId: 'lgw-0a1b2c3d4e5f60001' }, 'local-gateway', 'lgw-0a1b2c3d4e5f60001'],
      [{ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60009' }, 'network-interface', 'eni-0a1b2c3d4e5f60009'],
      [
        {
          CoreNetworkArn: 'arn:aws:networkmanager::123456789012:core-network/core-network-0a1b2c3d4e5f60001',
        },
        'core-network',
        'arn:aws:networkmanager::123456789012:core-network/core-network-0a1b2c3d4e5f60001',
      ],
    ])('maps target %j to %s', (target, kind, id) => {
      expect(
        normalizeRoute({ DestinationCidrBlock: '10.20.0.0/16', State: 'active', ...target }),
      ).toMatchObject({
        targetKind: kind,
        targetId: id,
      });
    });

    it('marks a route a VGW propagated over BGP, and only that one', () => {
      const vgw = {
        DestinationCidrBlock: '172.16.0.0/16',
        GatewayId: 'vgw-0a1b2c3d4e5f60001',
        State: 'active' as const,
      };
      expect(normalizeRoute({ ...vgw, Origin: 'EnableVgwRoutePropagation' })?.propagated).toBe(true);
      expect(normalizeRoute({ ...vgw, Origin: 'CreateRoute' })).not.toHaveProperty('propagated');
    });

    it('drops a route that has no destination', () => {
      expect(normalizeRoute({ GatewayId: IGW_ID, State: 'active' })).toBeUndefined();
    });
  });

  describe('gateways', () => {
    it("counts an IGW attachment in state 'available' as attached, and a gateway without one as detached", () => {
      const igws = normalizeEc2(ec2AccountRaw(), REGION).internetGateways;
      expect(byId(igws, IGW_ID)).toMatchObject({ name: 'prod-igw', attachedVpcIds: [VPC_ID] });
      expect(byId(igws, 'igw-0a1b2c3d4e5f60002').attachedVpcIds).toEqual([]);
    });

    it("counts an egress-only IGW attachment in state 'attached'", () => {
      const [eigw] = normalizeEc2(ec2AccountRaw(), REGION).egressOnlyInternetGateways;
      expect(eigw).toMatchObject({ id: EIGW_ID, attachedVpcIds: [VPC_ID] });
    });

    it('ignores an IGW that is only detaching', () => {
      const raw = {
        ...emptyEc2Raw(),
        internetGateways: [
          { InternetGatewayId: IGW_ID, Attachments: [{ State: 'detaching' as const, VpcId: VPC_ID }] },
        ],
      };
      expect(normalizeEc2(raw, REGION).internetGateways[0]?.attachedVpcIds).toEqual([]);
    });
  });

  describe('NAT gateways', () => {
    it('keeps a regional NAT gateway: no subnet or AZ, its own route table, one public IP per AZ', () => {
      const nat = byId(normalizeEc2(ec2AccountRaw(), REGION).natGateways, REGIONAL_NAT);
      expect(nat).toStrictEqual({
        id: REGIONAL_NAT,
        region: REGION,
        name: 'prod-regional-nat',
        tags: { Name: 'prod-regional-nat' },
        vpcId: VPC_ID,
        availabilityMode: 'regional',
        connectivityType: 'public',
        state: 'available',
        routeTableId: NAT_RTB,
        publicIps: ['13.112.10.21', '13.112.10.22'],
      });
    });

    it('treats a NAT gateway without AvailabilityMode as zonal and takes its AZ from its subnet', () => {
      const nat = byId(normalizeEc2(ec2AccountRaw(), REGION).natGateways, ZONAL_NAT);
      expect(nat).toMatchObject({
        availabilityMode: 'zonal',
        subnetId: INGRESS_SUBNET_A,
        availabilityZone: 'ap-northeast-1a',
        publicIps: ['54.65.20.30'],
      });
      expect(nat.routeTableId).toBeUndefined();
    });

    it('ignores deleted and deleting NAT gateways', () => {
      const raw = {
        ...emptyEc2Raw(),
        natGateways: [
          ...(describeNatGateways.NatGateways ?? []),
          { NatGatewayId: 'nat-0a1b2c3d4e5f60004', State: 'deleting' as const, VpcId: VPC_ID },
        ],
      };
      const ids = normalizeEc2(raw, REGION).natGateways.map((n) => n.id);
      expect(ids).toEqual([REGIONAL_NAT, ZONAL_NAT]);
      expect(ids).not.toContain(DELETED_NAT);
    });

    it('keeps a private NAT gateway as private, with no public IP', () => {
      const nat = normalizeNatGateway(
        {
          NatGatewayId: 'nat-0a1b2c3d4e5f60005',
          State: 'available',
          SubnetId: APP_SUBNET_A,
          VpcId: VPC_ID,
          ConnectivityType: 'private',
          AvailabilityMode: 'zonal',
          NatGatewayAddresses: [
            {
              NetworkInterfaceId: 'eni-0a1b2c3d4e5f60007',
              PrivateIp: '10.0.10.50',
              IsPrimary: true,
              Status: 'succeeded',
            },
          ],
        },
        REGION,
      );
      expect(nat).toMatchObject({ connectivityType: 'private', availabilityMode: 'zonal', publicIps: [] });
    });
  });

  it('keeps NACL entries with their direction, action, protocol and ports', () => {
    const [acl] = normalizeEc2(ec2AccountRaw(), REGION).networkAcls;
    expect(acl).toMatchObject({ isDefault: true, subnetIds: [APP_SUBNET_A], vpcId: VPC_ID });
    expect(acl?.entries).toContainEqual({
      ruleNumber: 100,
      egress: false,
      action: 'allow',
      protocol: '6',
      cidr: '10.0.0.0/16',
      fromPort: 8080,
      toPort: 8080,
    });
    expect(acl?.entries).toContainEqual({
      ruleNumber: 32768,
      egress: false,
      action: 'deny',
      protocol: '-1',
      cidr: '::/0',
    });
  });

  describe('security groups', () => {
    it('joins DescribeSecurityGroupRules to their group: prefix-list source and SG reference', () => {
      const alb = byId(normalizeEc2(ec2AccountRaw(), REGION).securityGroups, ALB_SG);
      expect(alb).toMatchObject({ groupName: 'prod-alb', vpcId: VPC_ID, name: 'prod-alb' });
      expect(alb.rules).toStrictEqual([
        {
          id: 'sgr-0a1b2c3d4e5f60001',
          groupId: ALB_SG,
          egress: false,
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          prefixListId: CLOUDFRONT_PREFIX_LIST,
          description: 'CloudFront origin-facing',
        },
        {
          id: 'sgr-0a1b2c3d4e5f60002',
          groupId: ALB_SG,
          egress: true,
          protocol: 'tcp',
          fromPort: 8080,
          toPort: 8080,
          referencedGroupId: APP_SG,
        },
      ]);
    });

    it('keeps IPv4 and IPv6 CIDR rules apart, with -1 meaning all ports', () => {
      const app = byId(normalizeEc2(ec2AccountRaw(), REGION).securityGroups, APP_SG);
      expect(app.rules.filter((r) => r.egress)).toStrictEqual([
        {
          id: 'sgr-0a1b2c3d4e5f60004',
          groupId: APP_SG,
          egress: true,
          protocol: '-1',
          fromPort: -1,
          toPort: -1,
          cidrIpv4: '0.0.0.0/0',
        },
        {
          id: 'sgr-0a1b2c3d4e5f60005',
          groupId: APP_SG,
          egress: true,
          protocol: '-1',
          fromPort: -1,
          toPort: -1,
          cidrIpv6: '::/0',
        },
      ]);
    });

    it('gives a group with no rule in DescribeSecurityGroupRules an empty rule list', () => {
      const groups = normalizeSecurityGroups(describeSecurityGroups.SecurityGroups ?? [], REGION, []);
      expect(groups.map((g) => g.rules)).toEqual([[], []]);
    });

    it('expands IpPermissions into one rule per source when DescribeSecurityGroupRules is absent', () => {
      const [alb, app] = normalizeSecurityGroups(describeSecurityGroups.SecurityGroups ?? [], REGION);
      expect(alb?.rules).toEqual([
        {
          id: `${ALB_SG}:ingress:0`,
          groupId: ALB_SG,
          egress: false,
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          prefixListId: CLOUDFRONT_PREFIX_LIST,
          description: 'CloudFront origin-facing',
        },
        {
          id: `${ALB_SG}:egress:1`,
          groupId: ALB_SG,
          egress: true,
          protocol: 'tcp',
          fromPort: 8080,
          toPort: 8080,
          referencedGroupId: APP_SG,
        },
      ]);
      expect(app?.rules.map((r) => r.cidrIpv4 ?? r.cidrIpv6 ?? r.referencedGroupId)).toEqual([
        ALB_SG,
        '0.0.0.0/0',
        '::/0',
      ]);
    });
  });

  it('keeps AWS-managed prefix lists so the CloudFront origin-facing list is found by name', () => {
    const lists = normalizeEc2(ec2AccountRaw(), REGION).prefixLists;
    const cloudFront = lists.find((l) => l.prefixListName === CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST);
    expect(cloudFront).toMatchObject({ id: CLOUDFRONT_PREFIX_LIST, ownerId: 'AWS', addressFamily: 'IPv4' });
    expect(lists).toHaveLength(3);
  });

  it('keeps live VPC endpoints with a lowercase state and drops deleted ones', () => {
    const endpoints = normalizeEc2(ec2AccountRaw(), REGION).vpcEndpoints;
    expect(endpoints.map((e) => e.id)).toEqual([EXECUTE_API_ENDPOINT, S3_ENDPOINT]);
    expect(byId(endpoints, EXECUTE_API_ENDPOINT)).toStrictEqual({
      id: EXECUTE_API_ENDPOINT,
      region: REGION,
      name: 'prod-execute-api',
      tags: { Name: 'prod-execute-api' },
      vpcId: VPC_ID,
      serviceName: 'com.amazonaws.ap-northeast-1.execute-api',
      endpointType: 'Interface',
      state: 'available',
      privateDnsEnabled: true,
      subnetIds: [APP_SUBNET_A, APP_SUBNET_C],
      securityGroupIds: [APP_SG],
    });
  });

  describe('network interfaces', () => {
    it('keeps the Elastic IP of a workload ENI with its allocation, instance and private IPs', () => {
      const eni = byId(normalizeEc2(ec2AccountRaw(), REGION).networkInterfaces, 'eni-0a1b2c3d4e5f60001');
      expect(eni).toStrictEqual({
        id: 'eni-0a1b2c3d4e5f60001',
        region: REGION,
        name: 'app-1',
        tags: { Name: 'app-1' },
        vpcId: VPC_ID,
        subnetId: APP_SUBNET_A,
        availabilityZone: 'ap-northeast-1a',
        interfaceType: 'interface',
        description: '',
        requesterManaged: false,
        instanceId: 'i-0a1b2c3d4e5f60002',
        privateIps: ['10.0.10.15', '10.0.10.16'],
        publicIp: '18.183.5.10',
        allocationId: 'eipalloc-0a1b2c3d4e5f60009',
        securityGroupIds: [APP_SG],
      });
    });

    it('marks a NAT gateway ENI as requester-managed', () => {
      const eni = byId(normalizeEc2(ec2AccountRaw(), REGION).networkInterfaces, 'eni-0a1b2c3d4e5f60002');
      expect(eni).toMatchObject({
        interfaceType: 'nat_gateway',
        requesterManaged: true,
        publicIp: '13.112.10.21',
      });
    });

    it('finds an Elastic IP that sits on a secondary private IP only', () => {
      const eni: AwsNetworkInterface = {
        NetworkInterfaceId: 'eni-0a1b2c3d4e5f60008',
        SubnetId: APP_SUBNET_A,
        VpcId: VPC_ID,
        PrivateIpAddress: '10.0.10.30',
        PrivateIpAddresses: [
          { Primary: true, PrivateIpAddress: '10.0.10.30' },
          {
            Primary: false,
            PrivateIpAddress: '10.0.10.31',
            Association: {
              AllocationId: 'eipalloc-0a1b2c3d4e5f6000a',
              PublicIp: '3.112.0.9',
              IpOwnerId: '123456789012',
            },
          },
        ],
      };
      expect(normalizeNetworkInterface(eni, REGION)).toMatchObject({
        publicIp: '3.112.0.9',
        allocationId: 'eipalloc-0a1b2c3d4e5f6000a',
      });
    });

    it('leaves publicIp and allocationId unset for an ENI without a public IP', () => {
      const eni = normalizeNetworkInterface(
        { NetworkInterfaceId: 'eni-0a1b2c3d4e5f6000b', PrivateIpAddress: '10.0.11.5' },
        REGION,
      );
      expect(eni).not.toHaveProperty('publicIp');
      expect(eni).not.toHaveProperty('allocationId');
    });

    it('collects the IPv6 addresses of a dual-stack ENI', () => {
      const eni = normalizeNetworkInterface(
        {
          NetworkInterfaceId: 'eni-0a1b2c3d4e5f6000c',
          PrivateIpAddress: '10.0.11.6',
          Ipv6Addresses: [
            { Ipv6Address: '2406:da14:7f3:1a00:5c2b:91e4:aa10:3f2d', IsPrimaryIpv6: true },
            { Ipv6Address: '2406:da14:7f3:1a00:8e1:4b7:c0de:12' },
          ],
        },
        REGION,
      );
      expect(eni.ipv6Addresses).toEqual([
        '2406:da14:7f3:1a00:5c2b:91e4:aa10:3f2d',
        '2406:da14:7f3:1a00:8e1:4b7:c0de:12',
      ]);
    });

    it('leaves ipv6Addresses unset for an IPv4-only ENI', () => {
      const eni = normalizeNetworkInterface(
        { NetworkInterfaceId: 'eni-0a1b2c3d4e5f6000d', PrivateIpAddress: '10.0.11.7', Ipv6Addresses: [] },
        REGION,
      );
      expect(eni).not.toHaveProperty('ipv6Addresses');
    });
  });

  it('turns an empty account into empty lists', () => {
    expect(Object.values(normalizeEc2(emptyEc2Raw(), REGION)).every((list) => list.length === 0)).toBe(true);
  });
});

// ------------------------------------------------------------------------------- peer corpus

interface PeerCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly response?: Record<string, unknown[] | undefined>;
  readonly error?: unknown;
}
interface PeerCase {
  readonly id: string;
  readonly family: string;
  readonly directly_comparable: boolean;
  readonly input: { readonly api_calls: readonly PeerCall[] };
  readonly expected: {
    readonly verdict: string;
    readonly results: readonly { readonly verdict: string; readonly resource_id?: string }[];
  };
}

/** Where each normalized operation's list sits in its response and in Ec2Raw. */
const RAW_FIELDS: Readonly<Record<string, readonly [keyof Ec2Raw, string]>> = {
  DescribeVpcs: ['vpcs', 'Vpcs'],
  DescribeSubnets: ['subnets', 'Subnets'],
  DescribeRouteTables: ['routeTables', 'RouteTables'],
  DescribeInternetGateways: ['internetGateways', 'InternetGateways'],
  DescribeEgressOnlyInternetGateways: ['egressOnlyInternetGateways', 'EgressOnlyInternetGateways'],
  DescribeNatGateways: ['natGateways', 'NatGateways'],
  DescribeSecurityGroups: ['securityGroups', 'SecurityGroups'],
  DescribeNetworkInterfaces: ['networkInterfaces', 'NetworkInterfaces'],
};

/**
 * Builds an Ec2Raw from a case's successful EC2 calls. Peers call some operations once per
 * resource with filters, so lists are concatenated. No DescribeSecurityGroupRules exists in the
 * corpus: rules come from IpPermissions.
 */
const rawOf = (peerCase: PeerCase): Ec2Raw => {
  const { securityGroupRules: _absent, prefixListEntries: _noEntries, ...lists } = emptyEc2Raw();
  const raw: Record<string, readonly unknown[]> = lists;
  for (const call of peerCase.input.api_calls) {
    const fields = RAW_FIELDS[call.operation];
    if (call.service !== 'ec2' || !fields || !call.response) continue;
    const [rawKey, responseKey] = fields;
    raw[rawKey] = [...(raw[rawKey] ?? []), ...(call.response[responseKey] ?? [])];
  }
  return raw as unknown as Ec2Raw;
};

const hasCorpus = sharedPresent(PEER_CORPUS, 'normalizeEc2 on the peer corpus');

describe.skipIf(!hasCorpus)('normalizeEc2 on the peer corpus', () => {
  const cases = peerCases<PeerCase>();
  const comparable = cases.filter((c) => c.directly_comparable);
  const ec2Cases = comparable.filter((c) =>
    c.input.api_calls.some((call) => call.service === 'ec2' && call.response && RAW_FIELDS[call.operation]),
  );

  it('normalizes every directly comparable EC2 case into plain JSON without throwing', () => {
    expect(ec2Cases.length).toBeGreaterThan(200);
    for (const peerCase of ec2Cases) {
      const ec2 = normalizeEc2(rawOf(peerCase), 'us-east-1');
      expect(JSON.parse(JSON.stringify(ec2)), peerCase.id).toStrictEqual(ec2);
    }
  });

  it('normalizes every DescribeSecurityGroups response, one rule per IpPermissions source', () => {
    const groups = comparable.flatMap((c) =>
      c.input.api_calls
        .filter((call) => call.operation === 'DescribeSecurityGroups' && call.response)
        .flatMap((call) => (call.response?.SecurityGroups ?? []) as AwsSecurityGroup[])
        .map((group) => ({ caseId: c.id, group })),
    );
    expect(groups.length).toBeGreaterThan(250);
    for (const { caseId, group } of groups) {
      const [normalized] = normalizeSecurityGroups([group], 'us-east-1');
      const sources = [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])].reduce(
        (n, p) =>
          n +
          (p.IpRanges?.length ?? 0) +
          (p.Ipv6Ranges?.length ?? 0) +
          (p.PrefixListIds?.length ?? 0) +
          (p.UserIdGroupPairs?.length ?? 0),
        0,
      );
      expect(normalized?.id, caseId).toBe(group.GroupId);
      expect(normalized?.rules, caseId).toHaveLength(sources);
      // A world-open ingress range stays visible as a world-open rule (what every peer checks for).
      const worldOpen = (group.IpPermissions ?? []).some((p) =>
        p.IpRanges?.some((r) => r.CidrIp === '0.0.0.0/0'),
      );
      const worldRule = normalized?.rules.some((r) => !r.egress && r.cidrIpv4 === '0.0.0.0/0');
      expect(worldRule, caseId).toBe(worldOpen);
    }
  });

  it("agrees with the peers on which internet gateways are attached ('available' counts)", () => {
    const igwCases = comparable.filter((c) => c.family === 'igw-not-attached');
    expect(igwCases.length).toBeGreaterThanOrEqual(2);
    for (const peerCase of igwCases) {
      const igws = normalizeEc2(rawOf(peerCase), 'us-east-1').internetGateways;
      const allAttached = igws.every((g) => g.attachedVpcIds.length > 0);
      expect(allAttached, peerCase.id).toBe(peerCase.expected.verdict === 'compliant');
    }
  });

  it('keeps MapPublicIpOnLaunch on every subnet a peer flags for it', () => {
    const subnetCases = comparable.filter((c) => c.family === 'subnet-map-public-ip-on-launch');
    expect(subnetCases.length).toBeGreaterThanOrEqual(1);
    let flagged = 0;
    for (const peerCase of subnetCases) {
      const subnets = normalizeEc2(rawOf(peerCase), 'us-east-1').subnets;
      for (const result of peerCase.expected.results.filter((r) => r.verdict === 'non-compliant')) {
        flagged += 1;
        expect(subnets.find((s) => s.id === result.resource_id)?.mapPublicIpOnLaunch, peerCase.id).toBe(true);
      }
    }
    // Without a single flagged subnet the loop above would assert nothing.
    expect(flagged).toBeGreaterThanOrEqual(1);
  });
});
