import { describe, expect, it } from 'vitest';
import { driftRouteTable } from '../../../checks/drift/route-table.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { anInventory, aRoute, aRouteTable } from '../../fixtures/inventory.ts';

const RTB = 'rtb-0a1b2c3d4e5f60001';
const natDefault = aRoute({
  destination: '0.0.0.0/0',
  targetKind: 'nat-gateway',
  targetId: 'nat-0a1b2c3d4e5f60001',
});
const intent = anIntent({
  baseline: {
    routeTables: {
      [RTB]: {
        name: 'prod-private-rt',
        region: 'ap-northeast-1',
        routes: ['0.0.0.0/0 -> nat-0a1b2c3d4e5f60001', '10.0.0.0/16 -> local'],
        associations: ['subnet-0a1b2c3d4e5f60001'],
      },
    },
  },
});
const table = (o: Parameters<typeof aRouteTable>[0] = {}) =>
  aRouteTable({ routes: [aRoute(), natDefault], ...o });

describe('drift.route-table', () => {
  it('passes a table whose routes and associations are the baselined ones', () => {
    expect(run(driftRouteTable, anInventory({ ec2: { routeTables: [table()] } }), intent)).toEqual([]);
  });

  it('reports a default route moved from the NAT gateway to an internet gateway', () => {
    // Prepare
    const igwDefault = {
      ...natDefault,
      targetKind: 'internet-gateway' as const,
      targetId: 'igw-0a1b2c3d4e5f60001',
    };
    const inventory = anInventory({ ec2: { routeTables: [table({ routes: [aRoute(), igwDefault] })] } });
    // Act
    const violations = run(driftRouteTable, inventory, intent);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::RouteTable', id: RTB },
      actual: '+ 0.0.0.0/0 -> igw-0a1b2c3d4e5f60001; - 0.0.0.0/0 -> nat-0a1b2c3d4e5f60001',
    });
  });

  describe('routes a VPN propagates', () => {
    const onPremises = aRoute({
      destination: '172.16.8.0/22',
      targetKind: 'virtual-private-gateway',
      targetId: 'vgw-0a1b2c3d4e5f60001',
    });

    it('ignores a prefix the on-premises side started advertising over BGP', () => {
      const inventory = anInventory({
        ec2: {
          routeTables: [table({ routes: [aRoute(), natDefault, { ...onPremises, propagated: true }] })],
        },
      });
      expect(run(driftRouteTable, inventory, intent)).toEqual([]);
    });

    it('reports the twin route someone added by hand (CreateRoute)', () => {
      const inventory = anInventory({
        ec2: { routeTables: [table({ routes: [aRoute(), natDefault, onPremises] })] },
      });
      expect(run(driftRouteTable, inventory, intent)[0]?.actual).toBe(
        '+ 172.16.8.0/22 -> vgw-0a1b2c3d4e5f60001',
      );
    });
  });

  it('reports a route that became a blackhole because its NAT gateway is gone', () => {
    const inventory = anInventory({
      ec2: { routeTables: [table({ routes: [aRoute(), { ...natDefault, state: 'blackhole' }] })] },
    });
    expect(run(driftRouteTable, inventory, intent)[0]?.actual).toContain(
      '+ 0.0.0.0/0 -> nat-0a1b2c3d4e5f60001 blackhole',
    );
  });

  it('reports a subnet associated with the table after the baseline, as its own finding', () => {
    const inventory = anInventory({
      ec2: { routeTables: [table({ subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f6dba0'] })] },
    });
    const violations = run(driftRouteTable, inventory, intent);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      actual: '+ subnet-0a1b2c3d4e5f6dba0',
      fact: 'associations:+ subnet-0a1b2c3d4e5f6dba0',
    });
  });

  it('reports a table that became the main route table', () => {
    const inventory = anInventory({ ec2: { routeTables: [table({ isMain: true })] } });
    expect(run(driftRouteTable, inventory, intent)[0]?.actual).toBe('+ main');
  });

  it('reports a baselined table that was deleted', () => {
    expect(run(driftRouteTable, anInventory(), intent)[0]).toMatchObject({
      resource: { id: RTB, region: 'ap-northeast-1', name: 'prod-private-rt' },
      fact: 'deleted',
    });
  });

  it('does not judge a table in a region that was not audited', () => {
    const elsewhere = anIntent({
      baseline: { routeTables: { [RTB]: { region: 'eu-west-1', routes: [], associations: [] } } },
    });
    expect(run(driftRouteTable, anInventory(), elsewhere)).toEqual([]);
  });
});
