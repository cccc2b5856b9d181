import {
  type ManagedPrefixList as AwsManagedPrefixList,
  type PrefixListEntry as AwsPrefixListEntry,
  type EC2Client,
  type EC2PaginationConfiguration,
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
  paginateGetManagedPrefixListEntries,
} from '@aws-sdk/client-ec2';
import {
  type CollectionError,
  type Ec2Inventory,
  emptyEc2Inventory,
  SLICES,
  type SliceName,
} from '../inventory/types.ts';
import { mapLimit } from './concurrency.ts';
import { EC2_REQUIRED, normalizeEc2, prefixListsNeedingEntries } from './normalize/ec2.ts';
import {
  type CallSite,
  type CollectContext,
  callOptions,
  collectSlice,
  drain,
  errorsOf,
  normalizing,
  pagingGuard,
  type SliceResult,
} from './slice.ts';

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
  GetManagedPrefixListEntries: 100,
  DescribeVpcEndpoints: 1000,
  DescribeNetworkInterfaces: 1000,
} as const;

type Ec2Operation = keyof typeof EC2_PAGE_SIZES;

/** Entries are one call per customer-managed list: a few at a time, under the region's EC2 pacing. */
const PREFIX_LIST_CONCURRENCY = 4;

const items = <T>(result: SliceResult<T[]>): T[] => (result.ok ? result.items : []);

/** Every slice of the EC2 inventory: a failure of the normalizer leaves them all unknown. */
const EC2_SLICES: readonly SliceName[] = SLICES.filter((slice) => slice.startsWith('ec2.'));

/**
 * Collects one region's EC2 inventory: every Describe* list once, all pages, concurrently, then joins
 * in memory. A failed call empties only its own slice and is reported in `errors`; every other slice
 * is still returned.
 */
export const collectEc2 = async (
  client: EC2Client,
  region: string,
  context: CollectContext = {},
): Promise<{ ec2: Ec2Inventory; errors: CollectionError[] }> => {
  const site = (operation: Ec2Operation, slices: readonly SliceName[]): CallSite => ({
    service: 'ec2',
    operation,
    region,
    slices,
  });
  // Each call below gets its own input `{}` (the SDK paginator writes NextToken into that object) and
  // its own loop guard.
  const paging = (operation: Ec2Operation) => pagingGuard({ client, pageSize: EC2_PAGE_SIZES[operation] });
  const call = callOptions(context);
  const list = <Item extends object>(
    operation: Ec2Operation,
    slices: readonly SliceName[],
    pages: () => Promise<readonly (Item | null | undefined)[]>,
    required: readonly (keyof Item & string)[],
  ) => collectSlice(site(operation, slices), async (s) => s.wellFormed(await pages(), required), context);
  /** A Describe* list of the region: every page of it, each item checked for the fields normalizing needs. */
  const describe = <Page, Item extends object>(
    operation: Ec2Operation & keyof typeof EC2_REQUIRED,
    slices: readonly SliceName[],
    paginate: (
      config: EC2PaginationConfiguration,
      input: Record<string, never>,
      options: ReturnType<typeof callOptions>,
    ) => AsyncIterable<Page>,
    itemsOf: (page: Page) => readonly Item[] | undefined,
  ) =>
    list<Item>(
      operation,
      slices,
      () => drain(paginate(paging(operation), {}, call), itemsOf),
      // Each operation's fields are checked against its item type where EC2_REQUIRED is declared.
      EC2_REQUIRED[operation] as unknown as readonly (keyof Item & string)[],
    );

  // A customer-managed list stands for its CIDRs: a rule referencing one holding 0.0.0.0/0 is world
  // ingress. Each list's entries are their own call, made as soon as the lists are in (not after the
  // region's other lists); one that fails leaves the entries slice incomplete.
  const entriesOf = (lists: SliceResult<AwsManagedPrefixList[]>) =>
    mapLimit(
      prefixListsNeedingEntries(items(lists)),
      PREFIX_LIST_CONCURRENCY,
      async (prefixListId) =>
        [
          prefixListId,
          await list<AwsPrefixListEntry>(
            'GetManagedPrefixListEntries',
            ['ec2.prefixListEntries'],
            () =>
              drain(
                paginateGetManagedPrefixListEntries(
                  paging('GetManagedPrefixListEntries'),
                  { PrefixListId: prefixListId },
                  call,
                ),
                (p) => p.Entries,
              ),
            EC2_REQUIRED.GetManagedPrefixListEntries,
          ),
        ] as const,
    );
  // No owner filter: the AWS-managed lists (e.g. the CloudFront origin-facing one, whose id differs
  // per region) must be found by name. Without the lists, no list's entries can be read either.
  const prefixListsAndEntries = describe(
    'DescribeManagedPrefixLists',
    ['ec2.prefixLists', 'ec2.prefixListEntries'],
    paginateDescribeManagedPrefixLists,
    (p) => p.PrefixLists,
  ).then(async (lists) => ({ lists, entries: await entriesOf(lists) }));

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
    { lists: prefixLists, entries: entryResults },
    vpcEndpoints,
    networkInterfaces,
  ] = await Promise.all([
    describe('DescribeVpcs', ['ec2.vpcs'], paginateDescribeVpcs, (p) => p.Vpcs),
    describe('DescribeSubnets', ['ec2.subnets'], paginateDescribeSubnets, (p) => p.Subnets),
    describe('DescribeRouteTables', ['ec2.routeTables'], paginateDescribeRouteTables, (p) => p.RouteTables),
    describe(
      'DescribeInternetGateways',
      ['ec2.internetGateways'],
      paginateDescribeInternetGateways,
      (p) => p.InternetGateways,
    ),
    describe(
      'DescribeEgressOnlyInternetGateways',
      ['ec2.egressOnlyInternetGateways'],
      paginateDescribeEgressOnlyInternetGateways,
      (p) => p.EgressOnlyInternetGateways,
    ),
    describe('DescribeNatGateways', ['ec2.natGateways'], paginateDescribeNatGateways, (p) => p.NatGateways),
    describe('DescribeNetworkAcls', ['ec2.networkAcls'], paginateDescribeNetworkAcls, (p) => p.NetworkAcls),
    // Groups and their rules are two calls; the slice is whole only when both succeed.
    describe(
      'DescribeSecurityGroups',
      ['ec2.securityGroups'],
      paginateDescribeSecurityGroups,
      (p) => p.SecurityGroups,
    ),
    describe(
      'DescribeSecurityGroupRules',
      ['ec2.securityGroups'],
      paginateDescribeSecurityGroupRules,
      (p) => p.SecurityGroupRules,
    ),
    prefixListsAndEntries,
    describe(
      'DescribeVpcEndpoints',
      ['ec2.vpcEndpoints'],
      paginateDescribeVpcEndpoints,
      (p) => p.VpcEndpoints,
    ),
    describe(
      'DescribeNetworkInterfaces',
      ['ec2.networkInterfaces'],
      paginateDescribeNetworkInterfaces,
      (p) => p.NetworkInterfaces,
    ),
  ]);

  const prefixListEntries = Object.fromEntries(
    entryResults.flatMap(([id, result]) => (result.ok ? [[id, result.items]] : [])),
  );

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
    ...entryResults.map(([, result]) => result),
    vpcEndpoints,
    networkInterfaces,
  ];
  const errors = errorsOf(results);
  // Groups without their rules would look like groups that admit nothing: report neither.
  const groupsComplete = securityGroups.ok && securityGroupRules.ok;

  // The join is pure, but a response shaped unlike any we know (a null deep inside an item) must not
  // crash the run: the whole region's EC2 data is then reported unknown instead.
  const normalized = await collectSlice(
    { service: 'ec2', operation: 'normalize', region, slices: EC2_SLICES },
    async () =>
      normalizing("Normalizing the region's EC2 responses failed", () =>
        normalizeEc2(
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
            prefixListEntries,
            vpcEndpoints: items(vpcEndpoints),
            networkInterfaces: items(networkInterfaces),
          },
          region,
        ),
      ),
  );
  if (!normalized.ok) {
    return { ec2: emptyEc2Inventory(), errors: [...errors, normalized.error] };
  }
  return { ec2: normalized.items, errors };
};
