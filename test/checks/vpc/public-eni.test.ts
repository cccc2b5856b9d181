import { describe, expect, it } from 'vitest';
import { vpcPublicEni } from '../../../checks/vpc/public-eni.ts';
import type { Route } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  aNatGateway,
  aNetworkInterface,
  anInventory,
  aRoute,
  aRouteTable,
  aSubnet,
  aVpc,
} from '../../fixtures/inventory.ts';
import { seed002Inventory } from '../../fixtures/vpc.ts';

const withEni = (o: Parameters<typeof aNetworkInterface>[0]) =>
  anInventory({ ec2: { vpcs: [aVpc()], networkInterfaces: [aNetworkInterface(o)] } });

describe('vpc.public-eni', () => {
  it('reports an ECS task ENI with an auto-assigned public IPv4 address', () => {
    // Prepare
    const inventory = withEni({ publicIp: '54.199.10.20' });
    // Act
    const violations = run(vpcPublicEni, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::NetworkInterface', id: 'eni-0a1b2c3d4e5f60001' },
      actual: '54.199.10.20',
      fact: 'public-ipv4',
    });
    expect(violations[0]?.message).toContain('arn:aws:ecs:ap-northeast-1:123456789012:attachment/');
    expect(violations[0]?.message).toContain('54.199.10.20');
  });

  it('passes the twin ECS task ENI without a public IP', () => {
    expect(run(vpcPublicEni, withEni({ publicIp: undefined }))).toEqual([]);
  });

  it('reports an instance ENI with an Elastic IP, keyed by the allocation', () => {
    const inventory = withEni({
      description: '',
      requesterManaged: false,
      requesterId: undefined,
      instanceId: 'i-0a1b2c3d4e5f60001',
      publicIp: '13.112.5.6',
      allocationId: 'eipalloc-0a1b2c3d4e5f60001',
    });
    const violations = run(vpcPublicEni, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.fact).toBe('eip:eipalloc-0a1b2c3d4e5f60001');
    expect(violations[0]?.message).toContain('i-0a1b2c3d4e5f60001');
    expect(violations[0]?.message).toContain('Elastic IP');
  });

  it('reports the public ENI of a publicly accessible RDS instance (a workload, though AWS-managed)', () => {
    const inventory = withEni({
      description: 'RDSNetworkInterface',
      requesterId: 'amazon-rds',
      publicIp: '52.68.1.2',
    });
    expect(run(vpcPublicEni, inventory)).toHaveLength(1);
  });

  it.each([
    ['nat_gateway', 'Interface for NAT Gateway nat-0a1b2c3d4e5f60001'],
    ['natGateway', 'Interface for NAT Gateway nat-0a1b2c3d4e5f60001'],
    ['network_load_balancer', 'ELB net/prod-nlb/7f1e2d3c4b5a6978'],
    ['global_accelerator_managed', 'GlobalAccelerator'],
    ['vpc_endpoint', 'VPC Endpoint Interface vpce-0a1b2c3d4e5f60001'],
  ])('skips the %s ENI AWS manages for a service', (interfaceType, description) => {
    const inventory = withEni({ interfaceType, description, publicIp: '18.176.1.1' });
    expect(run(vpcPublicEni, inventory)).toEqual([]);
  });

  it('skips an internet-facing ALB ENI: elb.internet-facing reports the load balancer', () => {
    const inventory = withEni({
      description: 'ELB app/prod-alb/50dc6c495c0c9188',
      requesterId: 'amazon-elb',
      publicIp: '18.176.2.2',
    });
    expect(run(vpcPublicEni, inventory)).toEqual([]);
  });

  it('reports an ENI whose own description mimics an ELB but that AWS does not manage', () => {
    const inventory = withEni({
      description: 'ELB app/prod-alb/50dc6c495c0c9188',
      requesterManaged: false,
      publicIp: '18.176.2.2',
    });
    expect(run(vpcPublicEni, inventory)).toHaveLength(1);
  });

  it('skips an ENI whose address is a NAT gateway EIP, whatever its interface type', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        natGateways: [aNatGateway({ publicIps: ['203.0.113.10'] })],
        networkInterfaces: [aNetworkInterface({ description: '', publicIp: '203.0.113.10' })],
      },
    });
    expect(run(vpcPublicEni, inventory)).toEqual([]);
  });

  it('reports each public workload ENI among private ones', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc()],
        networkInterfaces: [
          aNetworkInterface({ publicIp: '54.199.10.20' }),
          aNetworkInterface({ id: 'eni-0a1b2c3d4e5f60002' }),
          aNetworkInterface({ id: 'eni-0a1b2c3d4e5f60003', publicIp: '54.199.10.21' }),
        ],
      },
    });
    expect(run(vpcPublicEni, inventory).map((v) => v.resource.id)).toEqual([
      'eni-0a1b2c3d4e5f60001',
      'eni-0a1b2c3d4e5f60003',
    ]);
  });

  it('allows public IPs under the classic profile', () => {
    const inventory = withEni({ publicIp: '54.199.10.20' });
    expect(run(vpcPublicEni, inventory, anIntent({ profile: 'classic' }))).toEqual([]);
  });

  it('passes the seed-002 NAT and ALB ENIs even when the intent forbids public IPs', () => {
    const intent = anIntent({ profile: 'classic', network: { allowPublicIps: false } });
    expect(run(vpcPublicEni, seed002Inventory(), intent)).toEqual([]);
  });

  it('reports a debug instance launched into the default VPC, like in any other VPC', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ isDefault: true, cidrBlocks: ['172.31.0.0/16'] })],
        networkInterfaces: [
          aNetworkInterface({ publicIp: '54.199.10.20', instanceId: 'i-0a1b2c3d4e5f60001' }),
        ],
      },
    });
    expect(run(vpcPublicEni, inventory).map((v) => v.resource.id)).toEqual(['eni-0a1b2c3d4e5f60001']);
  });

  it('ignores ENIs of a VPC the intent excludes', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ isDefault: true })],
        networkInterfaces: [aNetworkInterface({ publicIp: '54.199.10.20' })],
      },
    });
    const intent = anIntent({
      excludeVpcs: [{ id: 'vpc-0a1b2c3d4e5f60001', reason: 'sandbox, audited by its own team' }],
    });
    expect(run(vpcPublicEni, inventory, intent)).toEqual([]);
  });

  describe('global IPv6 address', () => {
    const SUBNET = 'subnet-0a1b2c3d4e5f60002';
    const IPV6 = '2406:da14:7f3:1a01:9b3e:22c1:4d7a:e5f0';
    const v6Route = (targetId: string, o: Partial<Route> = {}): Route =>
      aRoute({
        destination: '::/0',
        destinationKind: 'ipv6',
        targetId,
        targetKind: targetId.startsWith('eigw-') ? 'egress-only-internet-gateway' : 'internet-gateway',
        ...o,
      });
    const dualStack = (route: Route | undefined, eni: Parameters<typeof aNetworkInterface>[0] = {}) =>
      anInventory({
        ec2: {
          vpcs: [aVpc({ ipv6CidrBlocks: ['2406:da14:7f3:1a00::/56'] })],
          subnets: [aSubnet({ id: SUBNET, ipv6CidrBlocks: ['2406:da14:7f3:1a01::/64'] })],
          routeTables: [
            aRouteTable({
              id: 'rtb-0a1b2c3d4e5f60002',
              name: 'prod-app-rt',
              subnetIds: [SUBNET],
              routes: [
                aRoute(),
                aRoute({ destination: '2406:da14:7f3:1a00::/56', destinationKind: 'ipv6' }),
                ...(route ? [route] : []),
              ],
            }),
          ],
          networkInterfaces: [aNetworkInterface({ ipv6Addresses: [IPV6], ...eni })],
        },
      });

    it('reports an ENI with a global IPv6 address in a subnet routing ::/0 to an internet gateway', () => {
      const violations = run(vpcPublicEni, dualStack(v6Route('igw-0a1b2c3d4e5f60001')));
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({
        resource: { type: 'AWS::EC2::NetworkInterface', id: 'eni-0a1b2c3d4e5f60001' },
        actual: `${IPV6}（::/0 → igw-0a1b2c3d4e5f60001）`,
        fact: 'public-ipv6',
      });
      expect(violations[0]?.message).toContain('prod-app-rt (rtb-0a1b2c3d4e5f60002)');
    });

    it('passes the twin whose ::/0 goes to an egress-only internet gateway', () => {
      expect(run(vpcPublicEni, dualStack(v6Route('eigw-0a1b2c3d4e5f60001')))).toEqual([]);
    });

    it('passes the twin whose subnet has no ::/0 route at all', () => {
      expect(run(vpcPublicEni, dualStack(undefined))).toEqual([]);
    });

    it('passes the twin whose ::/0 route to the internet gateway is a blackhole', () => {
      expect(run(vpcPublicEni, dualStack(v6Route('igw-0a1b2c3d4e5f60001', { state: 'blackhole' })))).toEqual(
        [],
      );
    });

    it('passes the twin ENI without an IPv6 address', () => {
      expect(run(vpcPublicEni, dualStack(v6Route('igw-0a1b2c3d4e5f60001'), { ipv6Addresses: [] }))).toEqual(
        [],
      );
    });

    it('passes the twin ENI with only a unique local address (fc00::/7)', () => {
      const inventory = dualStack(v6Route('igw-0a1b2c3d4e5f60001'), {
        ipv6Addresses: ['fd12:3456:789a:1::15'],
      });
      expect(run(vpcPublicEni, inventory)).toEqual([]);
    });

    it('reports a public IPv4 address and a public IPv6 address of one ENI as two facts', () => {
      const inventory = dualStack(v6Route('igw-0a1b2c3d4e5f60001'), { publicIp: '54.199.10.20' });
      expect(run(vpcPublicEni, inventory).map((v) => v.fact)).toEqual(['public-ipv4', 'public-ipv6']);
    });

    it('skips the IPv6 address of an internet-facing ALB ENI', () => {
      const inventory = dualStack(v6Route('igw-0a1b2c3d4e5f60001'), {
        description: 'ELB app/prod-alb/50dc6c495c0c9188',
        requesterId: 'amazon-elb',
      });
      expect(run(vpcPublicEni, inventory)).toEqual([]);
    });

    it('allows global IPv6 addresses under the classic profile', () => {
      const inventory = dualStack(v6Route('igw-0a1b2c3d4e5f60001'));
      expect(run(vpcPublicEni, inventory, anIntent({ profile: 'classic' }))).toEqual([]);
    });
  });
});
