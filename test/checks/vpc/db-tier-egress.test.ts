import { describe, expect, it } from 'vitest';
import { vpcDbTierEgress } from '../../../checks/vpc/db-tier-egress.ts';
import type { Route } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aRoute } from '../../fixtures/inventory.ts';
import {
  aDefaultRoute,
  patch,
  SEED_001,
  seed001Intent,
  seed001Inventory,
  seed001VpcIntent,
} from '../../fixtures/vpc.ts';

/** Seed 001 with the DB route table's routes replaced. */
const withDbRoutes = (routes: Route[]) => {
  const inventory = seed001Inventory();
  return {
    ...inventory,
    ec2: {
      ...inventory.ec2,
      routeTables: patch(inventory.ec2.routeTables, SEED_001.dbTableId, {
        routes,
      }),
    },
  };
};

describe('vpc.db-tier-egress', () => {
  it('reports every DB subnet whose route table sends 0.0.0.0/0 to the NAT gateway', () => {
    // Prepare
    const inventory = withDbRoutes([aRoute(), aDefaultRoute(SEED_001.natId)]);
    // Act
    const violations = run(vpcDbTierEgress, inventory, seed001Intent());
    // Assess
    expect(violations.map((v) => v.resource.id)).toEqual(SEED_001.subnets.db);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::Subnet' },
      actual: `${SEED_001.dbTableId}: 0.0.0.0/0 → ${SEED_001.natId}`,
      fact: `${SEED_001.dbTableId}:0.0.0.0/0:${SEED_001.natId}`,
    });
    expect(violations[0]?.message).toContain('「db」');
    expect(violations[0]?.message).toContain('NAT ゲートウェイ');
  });

  it('passes the twin DB table that keeps only local and the S3 gateway endpoint', () => {
    expect(run(vpcDbTierEgress, seed001Inventory(), seed001Intent())).toEqual([]);
  });

  it.each([
    ['an internet gateway', aDefaultRoute('igw-0a1b2c3d4e5f60001')],
    ['a NAT instance', aDefaultRoute('i-0a1b2c3d4e5f60042')],
    ['a NAT instance ENI', aDefaultRoute('eni-0a1b2c3d4e5f60042')],
    [
      'an egress-only internet gateway',
      aDefaultRoute('eigw-0a1b2c3d4e5f60001', { destination: '::/0', destinationKind: 'ipv6' }),
    ],
    [
      'a NAT gateway, for one public block only',
      aDefaultRoute(SEED_001.natId, { destination: '8.8.8.0/24' }),
    ],
    [
      'a NAT gateway, for the NAT64 prefix of an IPv6-only subnet',
      aDefaultRoute(SEED_001.natId, { destination: '64:ff9b::/96', destinationKind: 'ipv6' }),
    ],
    [
      'a NAT gateway, for a block that starts private and ends public',
      aDefaultRoute(SEED_001.natId, { destination: '0.0.0.0/1' }),
    ],
    [
      'an internet gateway, for a customer-managed prefix list',
      aDefaultRoute('igw-0a1b2c3d4e5f60001', {
        destination: 'pl-0a1b2c3d4e5f60077',
        destinationKind: 'prefix-list',
      }),
    ],
  ])('reports a DB route to %s', (_, route) => {
    const violations = run(vpcDbTierEgress, withDbRoutes([aRoute(), route]), seed001Intent());
    expect(violations).toHaveLength(3);
  });

  it.each([
    ['a blackhole default route', aDefaultRoute(SEED_001.natId, { state: 'blackhole' })],
    ['a private block through the NAT', aDefaultRoute(SEED_001.natId, { destination: '192.168.0.0/16' })],
    ['a transit gateway route', aDefaultRoute('tgw-0a1b2c3d4e5f60001', { targetKind: 'transit-gateway' })],
    [
      'an on-premises prefix list through an appliance ENI',
      aDefaultRoute('eni-0a1b2c3d4e5f60042', {
        destination: 'pl-0a1b2c3d4e5f60078',
        destinationKind: 'prefix-list',
      }),
    ],
    // Not the internet per the IANA special-purpose registries: shared (CGNAT) space behind a private
    // NAT gateway, and link-local ranges (the same definition the exposure model uses).
    [
      'CGNAT shared space 100.64.0.0/10 through a private NAT',
      aDefaultRoute(SEED_001.natId, { destination: '100.64.0.0/10' }),
    ],
    [
      'link-local 169.254.0.0/16 through an appliance ENI',
      aDefaultRoute('eni-0a1b2c3d4e5f60042', { destination: '169.254.0.0/16' }),
    ],
    [
      'link-local fe80::/10 through an appliance ENI',
      aDefaultRoute('eni-0a1b2c3d4e5f60042', { destination: 'fe80::/10', destinationKind: 'ipv6' }),
    ],
  ])('passes %s, which reaches no internet from the DB tier', (_, route) => {
    expect(run(vpcDbTierEgress, withDbRoutes([aRoute(), route]), seed001Intent())).toEqual([]);
  });

  it('reports DB subnets that inherit an internet route from the main route table', () => {
    // Prepare: the DB table lost its associations, the main table routes to the NAT.
    const base = seed001Inventory();
    let routeTables = patch(base.ec2.routeTables, SEED_001.dbTableId, { subnetIds: [] });
    routeTables = patch(routeTables, SEED_001.mainTableId, {
      routes: [aRoute(), aDefaultRoute(SEED_001.natId)],
    });
    const inventory = { ...base, ec2: { ...base.ec2, routeTables } };
    // Act
    const violations = run(vpcDbTierEgress, inventory, seed001Intent());
    // Assess
    expect(violations).toHaveLength(3);
    expect(violations[0]?.message).toContain('メインルートテーブル');
    expect(violations[0]?.fact).toBe(`${SEED_001.mainTableId}:0.0.0.0/0:${SEED_001.natId}`);
  });

  it('does not apply when no tier is closed', () => {
    const inventory = withDbRoutes([aRoute(), aDefaultRoute(SEED_001.natId)]);
    const intent = anIntent({
      vpcs: [
        seed001VpcIntent({
          tiers: [{ name: 'db', tag: { key: 'Tier', value: 'db' }, closed: false }],
        }),
      ],
    });
    expect(run(vpcDbTierEgress, inventory, intent)).toEqual([]);
  });

  it('finds closed-tier subnets listed by id as well as by tag', () => {
    const inventory = withDbRoutes([aRoute(), aDefaultRoute(SEED_001.natId)]);
    const intent = anIntent({
      vpcs: [
        seed001VpcIntent({ tiers: [{ name: 'db', subnetIds: [SEED_001.subnets.db[1]!], closed: true }] }),
      ],
    });
    expect(run(vpcDbTierEgress, inventory, intent).map((v) => v.resource.id)).toEqual([
      SEED_001.subnets.db[1],
    ]);
  });

  it('holds the closed tier under the classic profile too', () => {
    const inventory = withDbRoutes([aRoute(), aDefaultRoute(SEED_001.natId)]);
    expect(run(vpcDbTierEgress, inventory, seed001Intent({ profile: 'classic' }))).toHaveLength(3);
  });
});
