import { describe, expect, it } from 'vitest';
import { vpcPublicSubnet } from '../../../checks/vpc/public-subnet.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { anInventory, aRoute, aRouteTable, aSubnet, aVpc } from '../../fixtures/inventory.ts';

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

  it('ignores subnets of the default VPC when no VPC is listed in the intent', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ isDefault: true })],
        subnets: [aSubnet()],
        routeTables: [aRouteTable({ routes: [aRoute(), igwDefault] })],
      },
    });
    expect(run(vpcPublicSubnet, inventory)).toEqual([]);
  });
});
