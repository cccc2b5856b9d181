import { describe, expect, it } from 'vitest';
import { vpcNatMode } from '../../../checks/vpc/nat-mode.ts';
import type { Inventory } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aNatGateway, aRoute } from '../../fixtures/inventory.ts';
import {
  aDefaultRoute,
  patch,
  SEED_001,
  SEED_002,
  seed001Intent,
  seed001Inventory,
  seed001VpcIntent,
  seed002Intent,
  seed002Inventory,
  seed002VpcIntent,
} from '../../fixtures/vpc.ts';

type Ec2 = Inventory['ec2'];
const withEc2 = (inventory: Inventory, change: (ec2: Ec2) => Partial<Ec2>): Inventory => ({
  ...inventory,
  ec2: { ...inventory.ec2, ...change(inventory.ec2) },
});

const NAT_INSTANCE = 'i-0a1b2c3d4e5f60042';
const summary = (inventory: Inventory, intent = seed001Intent()) =>
  run(vpcNatMode, inventory, intent).map((v) => `${v.resource.type}|${v.resource.id}|${v.fact}`);

describe('vpc.nat-mode', () => {
  describe('regional (seed 001, production)', () => {
    it('reports a zonal NAT gateway where a Regional NAT Gateway is intended', () => {
      // Prepare
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        natGateways: patch(ec2.natGateways, SEED_001.natId, { availabilityMode: 'zonal' }),
      }));
      // Act
      const violations = run(vpcNatMode, inventory, seed001Intent());
      // Assess
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({
        resource: { type: 'AWS::EC2::NatGateway', id: SEED_001.natId },
        fact: 'mode:zonal',
      });
      expect(violations[0]?.expected).toContain('regional');
      expect(violations[0]?.message).toContain('リージョナル NAT ゲートウェイ');
    });

    it('passes the twin Regional NAT Gateway with its own route table to the IGW', () => {
      expect(run(vpcNatMode, seed001Inventory(), seed001Intent())).toEqual([]);
    });

    it('reports a route table that uses a NAT instance where a Regional NAT Gateway is intended', () => {
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        natGateways: [],
        routeTables: patch(ec2.routeTables, SEED_001.privateTableId, {
          routes: [aRoute(), aDefaultRoute(NAT_INSTANCE)],
        }),
      }));
      expect(summary(inventory)).toEqual([
        `AWS::EC2::RouteTable|${SEED_001.privateTableId}|mode:instance:${NAT_INSTANCE}`,
      ]);
    });

    it('reports the egress tier route table that has no default route, without a second "no NAT" finding', () => {
      // Prepare
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        natGateways: [],
        routeTables: patch(ec2.routeTables, SEED_001.privateTableId, { routes: [aRoute()] }),
      }));
      // Act
      const violations = run(vpcNatMode, inventory, seed001Intent());
      // Assess
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({
        resource: { type: 'AWS::EC2::RouteTable', id: SEED_001.privateTableId },
        actual: '0.0.0.0/0 のルートなし',
        fact: 'egress:container',
      });
      expect(violations[0]?.message).toContain(SEED_001.subnets.container.join(', '));
      expect(violations[0]?.message).not.toContain(SEED_001.subnets.ingress[0]);
    });

    it('reports an egress tier whose NAT route is a blackhole', () => {
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        routeTables: patch(ec2.routeTables, SEED_001.privateTableId, {
          routes: [aRoute(), aDefaultRoute(SEED_001.natId, { state: 'blackhole' })],
        }),
      }));
      expect(summary(inventory)).toEqual([
        `AWS::EC2::RouteTable|${SEED_001.privateTableId}|egress:container`,
      ]);
    });

    it('reports an egress tier routed to a private NAT gateway, which gives no internet egress', () => {
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        natGateways: patch(ec2.natGateways, SEED_001.natId, { connectivityType: 'private' }),
      }));
      // The private NAT is outside the mode comparison, so the VPC has no internet NAT at all.
      expect(summary(inventory)).toEqual([
        `AWS::EC2::RouteTable|${SEED_001.privateTableId}|egress:container`,
      ]);
    });

    it('says once, on the main table, that a VPC without egress tiers has no NAT', () => {
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        natGateways: [],
        routeTables: patch(ec2.routeTables, SEED_001.privateTableId, { routes: [aRoute()] }),
      }));
      const intent = anIntent({ vpcs: [seed001VpcIntent({ tiers: [] })] });
      expect(summary(inventory, intent)).toEqual([`AWS::EC2::RouteTable|${SEED_001.mainTableId}|mode:none`]);
    });

    it('leaves a private NAT gateway for on-premises traffic out of the mode comparison', () => {
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        natGateways: [
          ...ec2.natGateways,
          aNatGateway({
            id: 'nat-0a1b2c3d4e5f6p001',
            availabilityMode: 'zonal',
            connectivityType: 'private',
            subnetId: SEED_001.subnets.container[0]!,
            availabilityZone: 'ap-northeast-1a',
            routeTableId: undefined,
            publicIps: [],
          }),
        ],
      }));
      expect(run(vpcNatMode, inventory, seed001Intent())).toEqual([]);
    });

    it('ignores a deleted zonal NAT gateway left in the listing', () => {
      const inventory = withEc2(seed001Inventory(), (ec2) => ({
        natGateways: [
          ...ec2.natGateways,
          aNatGateway({ id: 'nat-0a1b2c3d4e5f6d001', availabilityMode: 'zonal', state: 'deleted' }),
        ],
      }));
      expect(run(vpcNatMode, inventory, seed001Intent())).toEqual([]);
    });
  });

  describe('zonal (seed 002, classic)', () => {
    it('reports a private route table that points at the NAT gateway of another AZ', () => {
      // Prepare
      const inventory = withEc2(seed002Inventory(), (ec2) => ({
        routeTables: patch(ec2.routeTables, SEED_002.privateTableIds[1], {
          routes: [aRoute({ destination: '10.1.0.0/16' }), aDefaultRoute(SEED_002.natIds[0])],
        }),
      }));
      // Act
      const violations = run(vpcNatMode, inventory, seed002Intent());
      // Assess
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({
        resource: { type: 'AWS::EC2::RouteTable', id: SEED_002.privateTableIds[1] },
        actual: `0.0.0.0/0 → ${SEED_002.natIds[0]} (ap-northeast-1a)`,
        fact: `cross-az:ap-northeast-1c:${SEED_002.natIds[0]}`,
      });
      expect(violations[0]?.message).toContain('ap-northeast-1a の障害');
    });

    it('passes the twin where each private route table uses the NAT gateway of its own AZ', () => {
      expect(run(vpcNatMode, seed002Inventory(), seed002Intent())).toEqual([]);
    });

    it('reports an AZ with NAT-using subnets but no NAT gateway of its own', () => {
      // Prepare: 1c's NAT is gone and its table falls back to 1a's NAT.
      const inventory = withEc2(seed002Inventory(), (ec2) => ({
        natGateways: ec2.natGateways.filter((n) => n.id !== SEED_002.natIds[1]),
        routeTables: patch(ec2.routeTables, SEED_002.privateTableIds[1], {
          routes: [aRoute({ destination: '10.1.0.0/16' }), aDefaultRoute(SEED_002.natIds[0])],
        }),
      }));
      // Act
      const violations = run(vpcNatMode, inventory, seed002Intent());
      // Assess: one finding, not a second "cross-AZ" one for the forced fallback.
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({
        resource: { id: SEED_002.privateTableIds[1] },
        fact: 'zonal-missing:ap-northeast-1c',
      });
      expect(violations[0]?.message).toContain(SEED_002.natIds[0]);
    });

    it('reports a shared private route table only for the subnets of the other AZ', () => {
      // Prepare: the cheap layout, one private table for both AZs through 1a's NAT.
      const inventory = withEc2(seed002Inventory(), (ec2) => ({
        routeTables: [
          ...patch(ec2.routeTables, SEED_002.privateTableIds[0], { subnetIds: [...SEED_002.privateSubnets] }),
        ].filter((t) => t.id !== SEED_002.privateTableIds[1]),
      }));
      // Act
      const violations = run(vpcNatMode, inventory, seed002Intent());
      // Assess
      expect(violations.map((v) => v.fact)).toEqual([`cross-az:ap-northeast-1c:${SEED_002.natIds[0]}`]);
      expect(violations[0]?.message).toContain(SEED_002.privateSubnets[1]);
      expect(violations[0]?.message).not.toContain(SEED_002.privateSubnets[0]);
    });

    it('derives the NAT AZ from its subnet when the API gives none', () => {
      const inventory = withEc2(seed002Inventory(), (ec2) => ({
        natGateways: ec2.natGateways.map((n) => ({ ...n, availabilityZone: undefined })),
      }));
      expect(run(vpcNatMode, inventory, seed002Intent())).toEqual([]);
    });

    it('reports a Regional NAT Gateway and every uncovered AZ where zonal NAT is intended', () => {
      const intent = anIntent({ vpcs: [seed001VpcIntent({ natMode: 'zonal' })] });
      expect(summary(seed001Inventory(), intent)).toEqual([
        `AWS::EC2::NatGateway|${SEED_001.natId}|mode:regional`,
        `AWS::EC2::RouteTable|${SEED_001.privateTableId}|zonal-missing:ap-northeast-1a`,
        `AWS::EC2::RouteTable|${SEED_001.privateTableId}|zonal-missing:ap-northeast-1c`,
        `AWS::EC2::RouteTable|${SEED_001.privateTableId}|zonal-missing:ap-northeast-1d`,
      ]);
    });
  });

  describe('instance (seed 001, staging)', () => {
    const staging = () =>
      withEc2(seed001Inventory(), (ec2) => ({
        natGateways: [],
        routeTables: patch(ec2.routeTables, SEED_001.privateTableId, {
          routes: [aRoute(), aDefaultRoute(NAT_INSTANCE)],
        }),
      }));
    const intent = () => anIntent({ vpcs: [seed001VpcIntent({ natMode: 'instance' })] });

    it('passes private route tables that send 0.0.0.0/0 to the NAT instance', () => {
      expect(run(vpcNatMode, staging(), intent())).toEqual([]);
    });

    it('reports a NAT gateway where a NAT instance is intended', () => {
      const inventory = withEc2(staging(), () => ({ natGateways: [aNatGateway()] }));
      expect(summary(inventory, intent())).toEqual([`AWS::EC2::NatGateway|${SEED_001.natId}|mode:regional`]);
    });
  });

  describe('none (seed 002 with enable_nat_gateway = false)', () => {
    const noNat = () =>
      withEc2(seed002Inventory(), (ec2) => ({
        natGateways: [],
        routeTables: ec2.routeTables.map((t) =>
          (SEED_002.privateTableIds as readonly string[]).includes(t.id)
            ? { ...t, routes: [aRoute({ destination: '10.1.0.0/16' })] }
            : t,
        ),
      }));
    const intent = () => seed002Intent({ vpcs: [seed002VpcIntent({ natMode: 'none' })] });

    it('passes a VPC with no NAT, even with a tier marked egress', () => {
      expect(run(vpcNatMode, noNat(), intent())).toEqual([]);
    });

    it('reports every NAT gateway where no NAT is intended', () => {
      expect(summary(seed002Inventory(), intent())).toEqual(
        SEED_002.natIds.map((id) => `AWS::EC2::NatGateway|${id}|mode:zonal`),
      );
    });

    it('reports a NAT instance route where no NAT is intended', () => {
      const inventory = withEc2(noNat(), (ec2) => ({
        routeTables: patch(ec2.routeTables, SEED_002.privateTableIds[0], {
          routes: [aRoute({ destination: '10.1.0.0/16' }), aDefaultRoute('eni-0f9e8d7c6b5a40042')],
        }),
      }));
      expect(summary(inventory, intent())).toEqual([
        `AWS::EC2::RouteTable|${SEED_002.privateTableIds[0]}|mode:instance:eni-0f9e8d7c6b5a40042`,
      ]);
    });
  });

  describe('applicability', () => {
    const zonalInSeed001 = () =>
      withEc2(seed001Inventory(), (ec2) => ({
        natGateways: patch(ec2.natGateways, SEED_001.natId, { availabilityMode: 'zonal' }),
      }));

    it.each([
      ['unset', undefined],
      ['any', 'any' as const],
    ])('does not apply when natMode is %s', (_, natMode) => {
      const intent = anIntent({ vpcs: [seed001VpcIntent({ natMode })] });
      expect(run(vpcNatMode, zonalInSeed001(), intent)).toEqual([]);
    });

    it('does not apply when the intent lists no VPC', () => {
      expect(run(vpcNatMode, zonalInSeed001(), anIntent())).toEqual([]);
    });

    it('skips an intended VPC that is not in the audited regions', () => {
      const intent = anIntent({ vpcs: [seed001VpcIntent({ id: 'vpc-0ffffffffffff0009' })] });
      expect(run(vpcNatMode, seed001Inventory(), intent)).toEqual([]);
    });

    it('judges each intended VPC by its own mode', () => {
      // Prepare: both seeds in one account; only the seed-002 VPC's intent (regional) is broken.
      const one = seed001Inventory();
      const two = seed002Inventory();
      const inventory = withEc2(one, (ec2) => ({
        vpcs: [...ec2.vpcs, ...two.ec2.vpcs],
        subnets: [...ec2.subnets, ...two.ec2.subnets],
        routeTables: [...ec2.routeTables, ...two.ec2.routeTables],
        natGateways: [...ec2.natGateways, ...two.ec2.natGateways],
      }));
      const intent = anIntent({ vpcs: [seed001VpcIntent(), seed002VpcIntent({ natMode: 'regional' })] });
      // Act & Assess
      expect(summary(inventory, intent)).toEqual(
        SEED_002.natIds.map((id) => `AWS::EC2::NatGateway|${id}|mode:zonal`),
      );
    });
  });
});
