import { describe, expect, it } from 'vitest';
import { vpcPublicSubnet } from '../../../checks/vpc/public-subnet.ts';
import type { NetworkInterface } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  aNetworkInterface,
  anInventory,
  aRoute,
  aRouteTable,
  aSubnet,
  aVpc,
  REGION,
} from '../../fixtures/inventory.ts';

const igwDefault = aRoute({
  destination: '0.0.0.0/0',
  targetKind: 'internet-gateway',
  targetId: 'igw-0a1b2c3d4e5f60001',
});
const natDefault = aRoute({
  destination: '0.0.0.0/0',
  targetKind: 'nat-gateway',
  targetId: 'nat-0a1b2c3d4e5f60001',
});

describe('vpc.public-subnet', () => {
  it('reports a subnet whose explicit route table sends 0.0.0.0/0 to an internet gateway', () => {
    // Prepare
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        subnets: [aSubnet()],
        routeTables: [aRouteTable({ routes: [aRoute(), igwDefault] })],
      },
    });
    // Act
    const violations = run(vpcPublicSubnet, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe('subnet-0a1b2c3d4e5f60001');
    expect(violations[0]?.message).toContain('igw-0a1b2c3d4e5f60001');
  });

  it('passes the twin whose default route goes to a NAT gateway', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        subnets: [aSubnet()],
        routeTables: [aRouteTable({ routes: [aRoute(), natDefault] })],
      },
    });
    expect(run(vpcPublicSubnet, inventory)).toEqual([]);
  });

  it('reports a subnet that inherits an IGW route from the main route table', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        subnets: [aSubnet()],
        routeTables: [
          aRouteTable({
            isMain: true,
            subnetIds: [],
            routes: [aRoute(), { ...igwDefault, destination: '::/0', destinationKind: 'ipv6' }],
          }),
        ],
      },
    });
    const violations = run(vpcPublicSubnet, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('メインルートテーブル');
  });

  it('passes the regional NAT gateway own route table that routes to the IGW but serves no subnet', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        subnets: [aSubnet()],
        routeTables: [
          aRouteTable({ routes: [aRoute(), natDefault] }),
          aRouteTable({ id: 'rtb-0a1b2c3d4e5f6nat1', subnetIds: [], routes: [aRoute(), igwDefault] }),
        ],
      },
    });
    expect(run(vpcPublicSubnet, inventory)).toEqual([]);
  });

  it('allows public subnets under the classic profile', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        subnets: [aSubnet()],
        routeTables: [aRouteTable({ routes: [aRoute(), igwDefault] })],
      },
    });
    expect(run(vpcPublicSubnet, inventory, anIntent({ profile: 'classic' }))).toEqual([]);
  });

  describe('default VPC', () => {
    const defaultVpc = (networkInterfaces: readonly NetworkInterface[]) =>
      anInventory({
        ec2: {
          vpcs: [aVpc({ isDefault: true, cidrBlocks: ['172.31.0.0/16'] })],
          subnets: [aSubnet({ mapPublicIpOnLaunch: true })],
          routeTables: [aRouteTable({ isMain: true, subnetIds: [], routes: [aRoute(), igwDefault] })],
          networkInterfaces,
        },
      });

    it('reports its public subnets once something runs in it', () => {
      const inventory = defaultVpc([aNetworkInterface({ instanceId: 'i-0a1b2c3d4e5f60001' })]);
      expect(run(vpcPublicSubnet, inventory).map((v) => v.resource.id)).toEqual(['subnet-0a1b2c3d4e5f60001']);
    });

    it('leaves the subnets of an empty one to vpc.default-vpc', () => {
      expect(run(vpcPublicSubnet, defaultVpc([]))).toEqual([]);
    });

    it('reports them when network interfaces could not be read (emptiness unknown)', () => {
      const inventory = {
        ...defaultVpc([]),
        errors: [
          {
            service: 'ec2',
            operation: 'DescribeNetworkInterfaces',
            region: REGION,
            code: 'UnauthorizedOperation',
            message: 'You are not authorized to perform this operation.',
            slices: ['ec2.networkInterfaces' as const],
          },
        ],
      };
      expect(run(vpcPublicSubnet, inventory)).toHaveLength(1);
    });
  });

  it('ignores subnets of a VPC the intent excludes by tag', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ tags: { Name: 'prod-vpc', Audit: 'skip' } })],
        subnets: [aSubnet()],
        routeTables: [aRouteTable({ routes: [aRoute(), igwDefault] })],
      },
    });
    const intent = anIntent({
      excludeVpcs: [{ tag: { key: 'Audit', value: 'skip' }, reason: 'sandbox, audited by its own team' }],
    });
    expect(run(vpcPublicSubnet, inventory, intent)).toEqual([]);
  });
});
