import {
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type GetManagedPrefixListEntriesCommandInput,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectEc2, EC2_PAGE_SIZES } from '../../collect/ec2.ts';
import {
  ALB_SG,
  APP_SUBNET_A,
  APP_SUBNET_C,
  CLOUDFRONT_PREFIX_LIST,
  describeSecurityGroupRulesPage1,
  describeSubnetsPage1,
  describeSubnetsPage2,
  ec2Error,
  INGRESS_SUBNET_A,
  mockEc2Account,
  OFFICE_PREFIX_LIST,
  officePrefixListEntriesPage1,
  REGION,
  REGIONAL_NAT,
  S3_PREFIX_LIST,
  VPC_ID,
  ZONAL_NAT,
} from '../fixtures/ec2-responses.ts';

const ec2Mock = mockClient(EC2Client);

const answerAll = () => mockEc2Account(ec2Mock);

const client = () => new EC2Client({ region: REGION });

describe('collectEc2', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('collects every slice of the region with no error', async () => {
    // Prepare
    answerAll();
    // Act
    const { ec2, errors } = await collectEc2(client(), REGION);
    // Assess
    expect(errors).toEqual([]);
    expect(ec2.vpcs.map((v) => v.id)).toEqual([VPC_ID]);
    expect(ec2.routeTables).toHaveLength(3);
    expect(ec2.internetGateways).toHaveLength(2);
    expect(ec2.egressOnlyInternetGateways).toHaveLength(1);
    expect(ec2.natGateways.map((n) => n.id)).toEqual([REGIONAL_NAT, ZONAL_NAT]);
    expect(ec2.networkAcls).toHaveLength(1);
    expect(ec2.prefixLists).toHaveLength(3);
    expect(ec2.vpcEndpoints).toHaveLength(2);
    expect(ec2.networkInterfaces).toHaveLength(2);
    expect(ec2.subnets.every((s) => s.region === REGION)).toBe(true);
  });

  it('follows NextToken to the second page of subnets and keeps both pages', async () => {
    // Prepare
    answerAll();
    // The SDK paginator reuses one input object for every page, so the mock's recorded inputs all
    // end up showing the last token; snapshot each input as it is sent, and answer by token.
    const sent: DescribeSubnetsCommandInput[] = [];
    ec2Mock.on(DescribeSubnetsCommand).callsFake((input: DescribeSubnetsCommandInput) => {
      sent.push({ ...input });
      return input.NextToken === describeSubnetsPage1.NextToken ? describeSubnetsPage2 : describeSubnetsPage1;
    });
    // Act
    const { ec2 } = await collectEc2(client(), REGION);
    // Assess
    expect(ec2.subnets.map((s) => s.id)).toEqual([INGRESS_SUBNET_A, APP_SUBNET_A, APP_SUBNET_C]);
    expect(sent).toEqual([
      { MaxResults: 1000, NextToken: undefined },
      { MaxResults: 1000, NextToken: describeSubnetsPage1.NextToken },
    ]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 2);
    expect(ec2Mock).toHaveReceivedNthCommandWith(DescribeSubnetsCommand, 2, {
      MaxResults: 1000,
      NextToken: describeSubnetsPage1.NextToken,
    });
  });

  it('joins both pages of security group rules to their groups', async () => {
    answerAll();
    const { ec2 } = await collectEc2(client(), REGION);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSecurityGroupRulesCommand, {
      NextToken: describeSecurityGroupRulesPage1.NextToken,
    });
    expect(ec2.securityGroups.map((g) => [g.id, g.rules.length])).toEqual([
      [ALB_SG, 2],
      ['sg-0a1b2c3d4e5f60002', 3],
    ]);
  });

  it('asks each list call for the largest page its API allows', async () => {
    answerAll();
    await collectEc2(client(), REGION);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeRouteTablesCommand, { MaxResults: 100 });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeManagedPrefixListsCommand, { MaxResults: 100 });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeEgressOnlyInternetGatewaysCommand, { MaxResults: 255 });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeNatGatewaysCommand, { MaxResults: 1000 });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, { MaxResults: 1000 });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, { MaxResults: 1000 });
    expect(ec2Mock).toHaveReceivedCommandWith(GetManagedPrefixListEntriesCommand, { MaxResults: 100 });
    expect(Object.keys(EC2_PAGE_SIZES)).toHaveLength(13);
  });

  it('fetches each list once per region, never per resource', async () => {
    answerAll();
    await collectEc2(client(), REGION);
    for (const command of [
      DescribeVpcsCommand,
      DescribeRouteTablesCommand,
      DescribeInternetGatewaysCommand,
      DescribeEgressOnlyInternetGatewaysCommand,
      DescribeNatGatewaysCommand,
      DescribeNetworkAclsCommand,
      DescribeSecurityGroupsCommand,
      DescribeManagedPrefixListsCommand,
      DescribeVpcEndpointsCommand,
      DescribeNetworkInterfacesCommand,
    ]) {
      expect(ec2Mock).toHaveReceivedCommandTimes(command, 1);
    }
    // Two pages each, not one call per group or subnet.
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 2);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 2);
    // The one per-resource call: the entries of the one customer-managed list, in two pages.
    expect(ec2Mock).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 2);
    expect(ec2Mock.calls()).toHaveLength(16);
  });

  it('reads every page of the entries of customer-managed prefix lists only', async () => {
    // Prepare: snapshot each input as sent (the paginator reuses one object).
    answerAll();
    const sent: GetManagedPrefixListEntriesCommandInput[] = [];
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand)
      .callsFake((input: GetManagedPrefixListEntriesCommandInput) => {
        sent.push({ ...input });
        return input.NextToken === officePrefixListEntriesPage1.NextToken
          ? { Entries: [{ Cidr: '203.0.113.0/28', Description: 'Osaka office' }] }
          : officePrefixListEntriesPage1;
      });
    // Act
    const { ec2, errors } = await collectEc2(client(), REGION);
    // Assess: the AWS-managed CloudFront and S3 lists keep their meaning as a service, no entries read.
    expect(errors).toEqual([]);
    expect(sent.map((i) => [i.PrefixListId, i.NextToken])).toEqual([
      [OFFICE_PREFIX_LIST, undefined],
      [OFFICE_PREFIX_LIST, officePrefixListEntriesPage1.NextToken],
    ]);
    const byId = new Map(ec2.prefixLists.map((p) => [p.id, p]));
    expect(byId.get(OFFICE_PREFIX_LIST)?.entries).toEqual([
      { cidr: '198.51.100.0/24', description: 'Tokyo office' },
      { cidr: '203.0.113.0/28', description: 'Osaka office' },
    ]);
    expect(byId.get(CLOUDFRONT_PREFIX_LIST)?.entries).toBeUndefined();
    expect(byId.get(S3_PREFIX_LIST)?.entries).toBeUndefined();
  });

  it('marks the entries slice failed, never empty, when a list cannot be read', async () => {
    answerAll();
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand)
      .rejects(ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const { ec2, errors } = await collectEc2(client(), REGION);
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'GetManagedPrefixListEntries',
        code: 'UnauthorizedOperation',
        slices: ['ec2.prefixListEntries'],
      }),
    ]);
    // The lists themselves are still known (the CloudFront list keeps the SG chain checks running).
    expect(ec2.prefixLists).toHaveLength(3);
    expect(ec2.prefixLists.find((p) => p.id === OFFICE_PREFIX_LIST)?.entries).toBeUndefined();
  });

  it('reads no entries when the lists cannot be listed, and says both are unknown', async () => {
    answerAll();
    ec2Mock.on(DescribeManagedPrefixListsCommand).rejects(ec2Error('UnauthorizedOperation'));
    const { errors } = await collectEc2(client(), REGION);
    expect(ec2Mock).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 0);
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'DescribeManagedPrefixLists',
        slices: ['ec2.prefixLists', 'ec2.prefixListEntries'],
      }),
    ]);
  });

  it('turns UnauthorizedOperation on DescribeNatGateways into a failed NAT slice and keeps the others', async () => {
    // Prepare
    answerAll();
    ec2Mock.on(DescribeNatGatewaysCommand).rejects(ec2Error('UnauthorizedOperation'));
    // Act
    const { ec2, errors } = await collectEc2(client(), REGION);
    // Assess
    expect(errors).toEqual([
      {
        service: 'ec2',
        operation: 'DescribeNatGateways',
        region: REGION,
        code: 'UnauthorizedOperation',
        message: expect.stringContaining('not authorized'),
        slices: ['ec2.natGateways'],
      },
    ]);
    expect(ec2.natGateways).toEqual([]);
    expect(ec2.subnets).toHaveLength(3);
    expect(ec2.routeTables).toHaveLength(3);
    expect(ec2.securityGroups).toHaveLength(2);
    expect(ec2.networkInterfaces).toHaveLength(2);
  });

  it('marks the security group slice failed when only DescribeSecurityGroupRules is denied', async () => {
    // Groups without their rules would pass for groups that admit nothing, so none are reported.
    answerAll();
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .rejects(ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const { ec2, errors } = await collectEc2(client(), REGION);
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'DescribeSecurityGroupRules',
        code: 'UnauthorizedOperation',
        slices: ['ec2.securityGroups'],
      }),
    ]);
    expect(ec2.securityGroups).toEqual([]);
    expect(ec2.vpcs).toHaveLength(1);
  });

  it('marks the security group slice failed when DescribeSecurityGroups is denied', async () => {
    answerAll();
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(ec2Error('AccessDenied', 'Access Denied'));
    const { ec2, errors } = await collectEc2(client(), REGION);
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'DescribeSecurityGroups',
        code: 'AccessDenied',
        slices: ['ec2.securityGroups'],
      }),
    ]);
    expect(ec2.securityGroups).toEqual([]);
  });

  it('drops a slice whose second page fails instead of returning half of it', async () => {
    answerAll();
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolvesOnce(describeSubnetsPage1)
      .rejects(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
    const { ec2, errors } = await collectEc2(client(), REGION);
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'DescribeSubnets',
        code: 'RequestLimitExceeded',
        slices: ['ec2.subnets'],
      }),
    ]);
    expect(ec2.subnets).toEqual([]);
    // The zonal NAT's AZ comes from its subnet: unknown now, but the NAT itself is still reported.
    expect(ec2.natGateways.find((n) => n.id === ZONAL_NAT)?.availabilityZone).toBeUndefined();
  });

  it('reports every failed call when several are denied', async () => {
    answerAll();
    ec2Mock.on(DescribeVpcsCommand).rejects(ec2Error('UnauthorizedOperation'));
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(ec2Error('UnauthorizedOperation'));
    const { ec2, errors } = await collectEc2(client(), REGION);
    expect(errors.map((e) => [e.operation, e.slices])).toEqual([
      ['DescribeVpcs', ['ec2.vpcs']],
      ['DescribeNetworkInterfaces', ['ec2.networkInterfaces']],
    ]);
    expect(ec2.vpcs).toEqual([]);
    expect(ec2.networkInterfaces).toEqual([]);
    expect(ec2.routeTables).toHaveLength(3);
  });
});
