import { describe, expect, it } from 'vitest';
import { ipv4CidrsOverlap, vpcCidr } from '../../../checks/vpc/cidr.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { anInventory, aVpc } from '../../fixtures/inventory.ts';

const PROD = 'vpc-0a1b2c3d4e5f60001';
const STG = 'vpc-0a1b2c3d4e5f60002';

describe('vpc.cidr', () => {
  it('reports a VPC whose CIDR is not the intended one', () => {
    // Prepare
    const inventory = anInventory({ ec2: { vpcs: [aVpc({ cidrBlocks: ['10.10.0.0/16'] })] } });
    const intent = anIntent({ vpcs: [{ id: PROD, cidr: '10.0.0.0/16' }] });
    // Act
    const violations = run(vpcCidr, inventory, intent);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::VPC', id: PROD },
      expected: '10.0.0.0/16',
      actual: '10.10.0.0/16',
      fact: 'cidr:10.0.0.0/16',
    });
    expect(violations[0]?.message).toContain('prod-vpc');
  });

  it('passes the twin VPC that has the intended CIDR', () => {
    const inventory = anInventory({ ec2: { vpcs: [aVpc({ cidrBlocks: ['10.0.0.0/16'] })] } });
    const intent = anIntent({ vpcs: [{ id: PROD, cidr: '10.0.0.0/16' }] });
    expect(run(vpcCidr, inventory, intent)).toEqual([]);
  });

  it('accepts the intended block among secondary CIDRs, however its host bits are written', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc({ cidrBlocks: ['10.0.0.0/16', '100.64.0.0/16'] })] },
    });
    const intent = anIntent({ vpcs: [{ id: PROD, cidr: '10.0.5.0/16' }] });
    expect(run(vpcCidr, inventory, intent)).toEqual([]);
  });

  it('does not compare a CIDR the intent leaves unset', () => {
    const inventory = anInventory({ ec2: { vpcs: [aVpc({ cidrBlocks: ['10.10.0.0/16'] })] } });
    expect(run(vpcCidr, inventory, anIntent({ vpcs: [{ id: PROD }] }))).toEqual([]);
  });

  it('reports both VPCs of an overlapping pair, each naming the other', () => {
    // Prepare: staging 10.0.128.0/17 sits inside production 10.0.0.0/16.
    const inventory = anInventory({
      ec2: {
        vpcs: [
          aVpc(),
          aVpc({ id: STG, name: 'stg-vpc', tags: { Name: 'stg-vpc' }, cidrBlocks: ['10.0.128.0/17'] }),
        ],
      },
    });
    // Act
    const violations = run(vpcCidr, inventory);
    // Assess
    expect(violations.map((v) => [v.resource.id, v.fact])).toEqual([
      [PROD, `overlap:10.0.0.0/16:${STG}:10.0.128.0/17`],
      [STG, `overlap:10.0.128.0/17:${PROD}:10.0.0.0/16`],
    ]);
    expect(violations[0]?.message).toContain('stg-vpc');
  });

  it('passes the twin pair whose CIDRs are adjacent but disjoint', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc(), aVpc({ id: STG, cidrBlocks: ['10.1.0.0/16'] })] },
    });
    expect(run(vpcCidr, inventory)).toEqual([]);
  });

  it('compares a VPC the intent does not describe too: every VPC is audited', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc(), aVpc({ id: STG, cidrBlocks: ['10.0.0.0/16'] })] },
    });
    expect(run(vpcCidr, inventory, anIntent({ vpcs: [{ id: PROD }] }))).toHaveLength(2);
  });

  it('ignores an overlap with a VPC the intent excludes', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc(), aVpc({ id: STG, cidrBlocks: ['10.0.0.0/16'] })] },
    });
    expect(
      run(
        vpcCidr,
        inventory,
        anIntent({ excludeVpcs: [{ id: STG, reason: 'sandbox, audited by its own team' }] }),
      ),
    ).toEqual([]);
  });

  it('ignores default VPCs, which share 172.31.0.0/16 in every region', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [
          aVpc({ id: 'vpc-0d0d0d0d0d0d00001', isDefault: true, cidrBlocks: ['172.31.0.0/16'] }),
          aVpc({
            id: 'vpc-0d0d0d0d0d0d00002',
            isDefault: true,
            region: 'us-east-1',
            cidrBlocks: ['172.31.0.0/16'],
          }),
        ],
      },
    });
    expect(run(vpcCidr, inventory)).toEqual([]);
  });
});

describe('ipv4CidrsOverlap', () => {
  it.each([
    ['10.0.0.0/16', '10.0.255.0/24', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['10.0.0.0/8', '172.16.0.0/12', false],
    ['10.0.0.0/16', 'not-a-cidr', false],
    ['10.0.0.0/16', '2406:da14::/56', false],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect(ipv4CidrsOverlap(a, b)).toBe(expected);
  });
});
