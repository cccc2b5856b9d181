import { describe, expect, it } from 'vitest';
import { vpcAutoPublicIp } from '../../../checks/vpc/auto-public-ip.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aNetworkInterface, anInventory, aSubnet, aVpc } from '../../fixtures/inventory.ts';

const withSubnet = (o: Parameters<typeof aSubnet>[0]) =>
  anInventory({ ec2: { vpcs: [aVpc()], subnets: [aSubnet(o)] } });

describe('vpc.auto-public-ip', () => {
  it('reports a subnet that maps a public IPv4 address on launch', () => {
    // Prepare
    const inventory = withSubnet({ mapPublicIpOnLaunch: true });
    // Act
    const violations = run(vpcAutoPublicIp, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::Subnet', id: 'subnet-0a1b2c3d4e5f60001' },
      expected: 'MapPublicIpOnLaunch: false',
      actual: 'MapPublicIpOnLaunch: true',
      fact: 'MapPublicIpOnLaunch',
    });
    expect(violations[0]?.message).toContain('prod-private-ingress-1a (subnet-0a1b2c3d4e5f60001)');
  });

  it('passes the twin subnet with both auto-assign attributes off', () => {
    expect(run(vpcAutoPublicIp, withSubnet({ mapPublicIpOnLaunch: false }))).toEqual([]);
  });

  it('reports IPv6 auto-assign as its own fact', () => {
    const violations = run(vpcAutoPublicIp, withSubnet({ assignIpv6AddressOnCreation: true }));
    expect(violations.map((v) => v.fact)).toEqual(['AssignIpv6AddressOnCreation']);
  });

  it('reports one finding per attribute and per subnet', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        subnets: [
          aSubnet({ mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: true }),
          aSubnet({ id: 'subnet-0a1b2c3d4e5f60002', mapPublicIpOnLaunch: true }),
          aSubnet({ id: 'subnet-0a1b2c3d4e5f60003' }),
        ],
      },
    });
    const violations = run(vpcAutoPublicIp, inventory);
    expect(violations.map((v) => `${v.resource.id}:${v.fact}`)).toEqual([
      'subnet-0a1b2c3d4e5f60001:MapPublicIpOnLaunch',
      'subnet-0a1b2c3d4e5f60001:AssignIpv6AddressOnCreation',
      'subnet-0a1b2c3d4e5f60002:MapPublicIpOnLaunch',
    ]);
  });

  it('allows auto-assigned public IPs under the classic profile', () => {
    const inventory = withSubnet({ mapPublicIpOnLaunch: true });
    expect(run(vpcAutoPublicIp, inventory, anIntent({ profile: 'classic' }))).toEqual([]);
  });

  it('holds a classic intent that explicitly forbids public subnets', () => {
    const inventory = withSubnet({ mapPublicIpOnLaunch: true });
    const intent = anIntent({ profile: 'classic', network: { allowPublicSubnets: false } });
    expect(run(vpcAutoPublicIp, inventory, intent)).toHaveLength(1);
  });

  it('leaves the default subnets of an empty default VPC to vpc.default-vpc', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc({ isDefault: true })], subnets: [aSubnet({ mapPublicIpOnLaunch: true })] },
    });
    expect(run(vpcAutoPublicIp, inventory)).toEqual([]);
  });

  it('reports the default subnets once the default VPC holds a workload', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ isDefault: true })],
        subnets: [aSubnet({ mapPublicIpOnLaunch: true })],
        networkInterfaces: [aNetworkInterface()],
      },
    });
    expect(run(vpcAutoPublicIp, inventory)).toHaveLength(1);
  });

  it('reports a subnet of a VPC the intent does not describe: every VPC is audited', () => {
    const inventory = withSubnet({ mapPublicIpOnLaunch: true });
    const intent = anIntent({ vpcs: [{ id: 'vpc-0ffffffffffff0009' }] });
    expect(run(vpcAutoPublicIp, inventory, intent)).toHaveLength(1);
  });

  it('ignores subnets of a VPC the intent excludes', () => {
    const inventory = withSubnet({ mapPublicIpOnLaunch: true });
    const intent = anIntent({
      excludeVpcs: [{ id: 'vpc-0a1b2c3d4e5f60001', reason: 'sandbox, audited by its own team' }],
    });
    expect(run(vpcAutoPublicIp, inventory, intent)).toEqual([]);
  });
});
