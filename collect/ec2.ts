import {
  type EC2Client,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeInternetGateways,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import type { CollectionError, Ec2Inventory, SliceName } from '../inventory/types.ts';
import { normalizeEc2 } from './normalize/ec2.ts';
import { type CallSite, collectSlice, drain, type SliceResult } from './slice.ts';

/**
 * The largest page each Describe* call accepts (EC2 API reference, MaxResults "Valid Range"), so a
 * large account costs as few calls as possible. DescribeVpcEndpoints documents no range but caps
 * pages at 1,000.
 */
export const EC2_PAGE_SIZES = {
  DescribeVpcs: 1000,
  DescribeSubnets: 1000,
  DescribeRouteTables: 100,
  DescribeInternetGateways: 1000,
  DescribeEgressOnlyInternetGateways: 255,
  DescribeNatGateways: 1000,
  DescribeNetworkAcls: 1000,
  DescribeSecurityGroups: 1000,
  DescribeSecurityGroupRules: 1000,
  DescribeManagedPrefixLists: 100,
  DescribeVpcEndpoints: 1000,
  DescribeNetworkInterfaces: 1000,
} as const;

type Ec2Operation = keyof typeof EC2_PAGE_SIZES;

const items = <T>(result: SliceResult<T[]>): T[] => (result.ok ? result.items : []);

/**
 * Collects one region's EC2 inventory: every Describe* list once, all pages, concurrently, then joins
 * in memory. A failed call empties only its own slice and is reported in `errors`; every other slice
 * is still returned.
 */
export const collectEc2 = async (
  client: EC2Client,
  region: string,
): Promise<{ ec2: Ec2Inventory; errors: CollectionError[] }> => {
  const site = (operation: Ec2Operation, slices: readonly SliceName[]): CallSite => ({
    service: 'ec2',
    operation,
    region,
    slices,
  });
  // Each call below gets its own input `{}`: the SDK paginator writes NextToken into that object.
  const paging = (operation: Ec2Operation) => ({ client, pageSize: EC2_PAGE_SIZES[operation] });

  const [
    vpcs,
    subnets,
    routeTables,
    internetGateways,
    egressOnlyInternetGateways,
    natGateways,
    networkAcls,
    securityGroups,
    securityGroupRules,
    prefixLists,
    vpcEndpoints,
    networkInterfaces,
  ] = await Promise.all([
    collectSlice(site('DescribeVpcs', ['ec2.vpcs']), () =>
      drain(paginateDescribeVpcs(paging('DescribeVpcs'), {}), (p) => p.Vpcs),
    ),
    collectSlice(site('DescribeSubnets', ['ec2.subnets']), () =>
      drain(paginateDescribeSubnets(paging('DescribeSubnets'), {}), (p) => p.Subnets),
    ),
    collectSlice(site('DescribeRouteTables', ['ec2.routeTables']), () =>
      drain(paginateDescribeRouteTables(paging('DescribeRouteTables'), {}), (p) => p.RouteTables),
    ),
    collectSlice(site('DescribeInternetGateways', ['ec2.internetGateways']), () =>
      drain(
        paginateDescribeInternetGateways(paging('DescribeInternetGateways'), {}),
        (p) => p.InternetGateways,
      ),
    ),
    collectSlice(site('DescribeEgressOnlyInternetGateways', ['ec2.egressOnlyInternetGateways']), () =>
      drain(
        paginateDescribeEgressOnlyInternetGateways(paging('DescribeEgressOnlyInternetGateways'), {}),
        (p) => p.EgressOnlyInternetGateways,
      ),
    ),
    collectSlice(site('DescribeNatGateways', ['ec2.natGateways']), () =>
      drain(paginateDescribeNatGateways(paging('DescribeNatGateways'), {}), (p) => p.NatGateways),
    ),
    collectSlice(site('DescribeNetworkAcls', ['ec2.networkAcls']), () =>
      drain(paginateDescribeNetworkAcls(paging('DescribeNetworkAcls'), {}), (p) => p.NetworkAcls),
    ),
    // Groups and their rules are two calls; the slice is whole only when both succeed.
    collectSlice(site('DescribeSecurityGroups', ['ec2.securityGroups']), () =>
      drain(paginateDescribeSecurityGroups(paging('DescribeSecurityGroups'), {}), (p) => p.SecurityGroups),
    ),
    collectSlice(site('DescribeSecurityGroupRules', ['ec2.securityGroups']), () =>
      drain(
        paginateDescribeSecurityGroupRules(paging('DescribeSecurityGroupRules'), {}),
        (p) => p.SecurityGroupRules,
      ),
    ),
    // No owner filter: the AWS-managed lists (e.g. the CloudFront origin-facing one, whose id differs
    // per region) must be found by name.
    collectSlice(site('DescribeManagedPrefixLists', ['ec2.prefixLists']), () =>
      drain(
        paginateDescribeManagedPrefixLists(paging('DescribeManagedPrefixLists'), {}),
        (p) => p.PrefixLists,
      ),
    ),
    collectSlice(site('DescribeVpcEndpoints', ['ec2.vpcEndpoints']), () =>
      drain(paginateDescribeVpcEndpoints(paging('DescribeVpcEndpoints'), {}), (p) => p.VpcEndpoints),
    ),
    collectSlice(site('DescribeNetworkInterfaces', ['ec2.networkInterfaces']), () =>
      drain(
        paginateDescribeNetworkInterfaces(paging('DescribeNetworkInterfaces'), {}),
        (p) => p.NetworkInterfaces,
      ),
    ),
  ]);

  const results = [
    vpcs,
    subnets,
    routeTables,
    internetGateways,
    egressOnlyInternetGateways,
    natGateways,
    networkAcls,
    securityGroups,
    securityGroupRules,
    prefixLists,
    vpcEndpoints,
    networkInterfaces,
  ];
  const errors = results.flatMap((r) => (r.ok ? [] : [r.error]));
  // Groups without their rules would look like groups that admit nothing: report neither.
  const groupsComplete = securityGroups.ok && securityGroupRules.ok;

  const ec2 = normalizeEc2(
    {
      vpcs: items(vpcs),
      subnets: items(subnets),
      routeTables: items(routeTables),
      internetGateways: items(internetGateways),
      egressOnlyInternetGateways: items(egressOnlyInternetGateways),
      natGateways: items(natGateways),
      networkAcls: items(networkAcls),
      securityGroups: groupsComplete ? items(securityGroups) : [],
      securityGroupRules: groupsComplete ? items(securityGroupRules) : [],
      prefixLists: items(prefixLists),
      vpcEndpoints: items(vpcEndpoints),
      networkInterfaces: items(networkInterfaces),
    },
    region,
  );
  return { ec2, errors };
};
