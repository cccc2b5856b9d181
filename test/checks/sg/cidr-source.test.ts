import { describe, expect, it } from 'vitest';
import { sgCidrSource } from '../../../checks/sg/cidr-source.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aCustomerPrefixList } from '../../fixtures/inventory.ts';
import {
  ALB_SG,
  aGroupWith,
  DB_SG,
  ECS_SG,
  OFFICE_PL,
  seed001Chain,
  seed001Groups,
  seed001Inventory,
  seed002Inventory,
  tcp,
  withPrefixList,
} from '../../fixtures/sg.ts';

const withDbRule = (rule: Parameters<typeof tcp>[1]) =>
  seed001Inventory(seed001Groups({ db: aGroupWith(DB_SG, 'prod-aurora-sg', [tcp(5432, rule)]) }));

describe('sg.cidr-source', () => {
  it('reports tcp/5432 admitted from the VPC CIDR', () => {
    // Prepare
    const inventory = withDbRule({ cidrIpv4: '10.0.0.0/16' });
    // Act
    const violations = run(sgCidrSource, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe(DB_SG);
    expect(violations[0]?.fact).toBe('tcp/5432 from 10.0.0.0/16');
    expect(violations[0]?.message).toContain('prod-aurora-sg');
  });

  it('passes the twin that references the ECS security group', () => {
    expect(run(sgCidrSource, withDbRule({ referencedGroupId: ECS_SG }))).toEqual([]);
  });

  it('reports an IPv6 CIDR source', () => {
    const violations = run(sgCidrSource, withDbRule({ cidrIpv6: 'fd00:ec2::/56' }));
    expect(violations.map((v) => v.fact)).toEqual(['tcp/5432 from fd00:ec2::/56']);
  });

  it('leaves 0.0.0.0/0 to sg.world-ingress', () => {
    expect(run(sgCidrSource, withDbRule({ cidrIpv4: '0.0.0.0/0' }))).toEqual([]);
  });

  it('accepts a CIDR the chain names for its group (NLB without security groups)', () => {
    const inventory = seed001Inventory(
      seed001Groups({ ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', [tcp(8080, { cidrIpv4: '10.0.0.0/24' })]) }),
    );
    const intent = anIntent({
      securityGroups: {
        chain: [{ name: 'ecs', groupId: ECS_SG, ports: [8080], from: ['cidr:10.0.0.0/24'] }],
      },
    });
    expect(run(sgCidrSource, inventory, intent)).toEqual([]);
  });

  it('reports the twin whose chain names another group for that CIDR', () => {
    const inventory = seed001Inventory(
      seed001Groups({ ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', [tcp(8080, { cidrIpv4: '10.0.0.0/24' })]) }),
    );
    const intent = anIntent({
      securityGroups: {
        chain: [{ name: 'alb', groupId: ALB_SG, ports: [8080], from: ['cidr:10.0.0.0/24'] }],
      },
    });
    expect(run(sgCidrSource, inventory, intent)).toHaveLength(1);
  });

  it('reports every CIDR rule across groups', () => {
    const inventory = seed001Inventory(
      seed001Groups({
        ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', [tcp(8080, { cidrIpv4: '10.0.0.0/16' })]),
        db: aGroupWith(DB_SG, 'prod-aurora-sg', [tcp(5432, { cidrIpv4: '10.0.10.0/24' })]),
      }),
    );
    expect(run(sgCidrSource, inventory).map((v) => v.resource.id)).toEqual([ECS_SG, DB_SG]);
  });

  describe('a customer-managed prefix list is a bundle of CIDRs', () => {
    const onPrem = aCustomerPrefixList({
      prefixListName: 'onprem-dc',
      entries: [
        { cidr: '10.20.0.0/16', description: 'Osaka DC' },
        { cidr: '0.0.0.0/0', description: 'temporary' },
      ],
    });
    const viaList = withPrefixList(withDbRule({ prefixListId: OFFICE_PL }), onPrem);

    it('reports each entry as a CIDR source, naming the list, and leaves 0.0.0.0/0 to sg.world-ingress', () => {
      const violations = run(sgCidrSource, viaList);
      expect(violations.map((v) => v.fact)).toEqual([`tcp/5432 from 10.20.0.0/16 via ${OFFICE_PL}`]);
      expect(violations[0]?.message).toContain(`プレフィックスリスト onprem-dc (${OFFICE_PL})`);
    });

    it('accepts the list when the chain names it for the group', () => {
      const intent = anIntent({
        securityGroups: {
          chain: [{ name: 'aurora', groupId: DB_SG, ports: [5432], from: ['ecs', OFFICE_PL] }],
        },
      });
      expect(run(sgCidrSource, viaList, intent)).toEqual([]);
    });
  });

  it('does not apply under classic, where CIDR sources are accepted', () => {
    const inventory = withDbRule({ cidrIpv4: '10.0.0.0/16' });
    expect(run(sgCidrSource, inventory, anIntent({ profile: 'classic' }))).toEqual([]);
  });

  it('applies under classic when the intent requires references explicitly', () => {
    const inventory = withDbRule({ cidrIpv4: '10.0.0.0/16' });
    const intent = anIntent({ profile: 'classic', securityGroups: { requireReferences: true } });
    expect(run(sgCidrSource, inventory, intent)).toHaveLength(1);
  });

  it('finds nothing in the seed 001 chain, which uses only references and the prefix list', () => {
    expect(
      run(sgCidrSource, seed001Inventory(), anIntent({ securityGroups: { chain: seed001Chain } })),
    ).toEqual([]);
  });

  it('finds nothing in seed 002, whose only CIDRs are 0.0.0.0/0', () => {
    expect(run(sgCidrSource, seed002Inventory())).toEqual([]);
  });
});
