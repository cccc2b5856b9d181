import { describe, expect, it } from 'vitest';
import { sgChainBroken } from '../../../checks/sg/chain-broken.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  ALB_SG,
  aGroupWith,
  DB_SG,
  ECS_SG,
  seed001Chain,
  seed001Groups,
  seed001Inventory,
  seed002Inventory,
  tcp,
} from '../../fixtures/sg.ts';

const chainIntent = anIntent({ securityGroups: { chain: seed001Chain } });
const withEcsRules = (rules: Parameters<typeof aGroupWith>[2]) =>
  seed001Inventory(seed001Groups({ ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', rules) }));

describe('sg.chain-broken', () => {
  it('passes the seed 001 chain CloudFront → ALB:443 → ECS:8080 → Aurora:5432', () => {
    expect(run(sgChainBroken, seed001Inventory(), chainIntent)).toEqual([]);
  });

  it('reports an extra ingress path into the ECS group from the VPC CIDR', () => {
    // Prepare
    const inventory = withEcsRules([
      tcp(8080, { referencedGroupId: ALB_SG }),
      tcp(8080, { cidrIpv4: '10.0.0.0/16', id: 'sgr-0ecs0000cidr' }),
    ]);
    // Act
    const violations = run(sgChainBroken, inventory, chainIntent);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe(ECS_SG);
    expect(violations[0]?.fact).toBe('extra:tcp/8080 from 10.0.0.0/16');
    expect(violations[0]?.message).toContain('sgr-0ecs0000cidr');
  });

  it('reports the twin rule that admits every port from the ALB group as extra, not missing', () => {
    const inventory = withEcsRules([
      { protocol: 'tcp', fromPort: 0, toPort: 65535, referencedGroupId: ALB_SG },
    ]);
    const violations = run(sgChainBroken, inventory, chainIntent);
    expect(violations.map((v) => v.fact)).toEqual([`extra:tcp/0-65535 from ${ALB_SG}`]);
  });

  it('reports a missing link when Aurora admits 5432 from the wrong group', () => {
    const inventory = seed001Inventory(
      seed001Groups({ db: aGroupWith(DB_SG, 'prod-aurora-sg', [tcp(5432, { referencedGroupId: ALB_SG })]) }),
    );
    const violations = run(sgChainBroken, inventory, chainIntent);
    expect(violations.map((v) => v.fact)).toEqual([`extra:tcp/5432 from ${ALB_SG}`, 'missing:ecs:tcp/5432']);
    expect(violations[1]?.message).toContain(`ecs (${ECS_SG}) から tcp/5432`);
  });

  it('names the source the way expected names it: by link name, not a bare group id', () => {
    const inventory = seed001Inventory(
      seed001Groups({ db: aGroupWith(DB_SG, 'prod-aurora-sg', [tcp(5432, { referencedGroupId: ALB_SG })]) }),
    );
    const [extra] = run(sgChainBroken, inventory, chainIntent);
    expect(extra?.expected).toBe(`ecs (${ECS_SG}) から tcp/5432 のみ`);
    expect(extra?.actual).toBe(`alb (${ALB_SG}) から tcp/5432`);
    // A group outside the chain is named by its Name tag, as the console shows it.
    const outside = seed001Inventory([
      ...seed001Groups({
        db: aGroupWith(DB_SG, 'prod-aurora-sg', [tcp(5432, { referencedGroupId: 'sg-0bastion000000001' })]),
      }),
      aGroupWith('sg-0bastion000000001', 'bastion-sg', []),
    ]);
    expect(run(sgChainBroken, outside, chainIntent)[0]?.actual).toBe(
      'bastion-sg (sg-0bastion000000001) から tcp/5432',
    );
  });

  it('names a link once when it is named after its group, and both when they differ', () => {
    const named = anIntent({
      securityGroups: {
        chain: seed001Chain.map((l) => (l.name === 'ecs' ? { ...l, name: 'prod-ecs-sg' } : l)),
      },
    });
    const rules = [tcp(8080, { referencedGroupId: ALB_SG }), tcp(22, { cidrIpv4: '0.0.0.0/0' })];
    const [same] = run(sgChainBroken, withEcsRules(rules), named);
    expect(same?.message).toMatch(/^チェーンのリンク prod-ecs-sg \(sg-[0-9a-z]+\) のインバウンドルール/);
    expect(same?.message.match(/prod-ecs-sg/g)).toHaveLength(1);
    const [differ] = run(sgChainBroken, withEcsRules(rules), chainIntent);
    expect(differ?.message).toMatch(/^チェーンのリンク ecs のセキュリティグループ prod-ecs-sg \(sg-/);
  });

  it('reports the front link missing its CloudFront rule but leaves its extras to the front check', () => {
    const inventory = seed001Inventory(
      seed001Groups({ alb: aGroupWith(ALB_SG, 'prod-alb-sg', [tcp(443, { cidrIpv4: '0.0.0.0/0' })]) }),
    );
    const violations = run(sgChainBroken, inventory, chainIntent);
    expect(violations.map((v) => `${v.resource.id} ${v.fact}`)).toEqual([
      `${ALB_SG} missing:cloudfront:tcp/443`,
    ]);
  });

  it('treats the prefix list as missing when it is not the CloudFront origin-facing list', () => {
    const inventory = seed001Inventory(
      seed001Groups({
        alb: aGroupWith(ALB_SG, 'prod-alb-sg', [tcp(443, { prefixListId: 'pl-0123456789abcdef0' })]),
      }),
    );
    expect(run(sgChainBroken, inventory, chainIntent).map((v) => v.fact)).toEqual([
      'missing:cloudfront:tcp/443',
    ]);
  });

  it('reports a chain group that no longer exists', () => {
    const inventory = seed001Inventory(seed001Groups().filter((g) => g.id !== DB_SG));
    const violations = run(sgChainBroken, inventory, chainIntent);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toEqual({
      type: 'AWS::EC2::SecurityGroup',
      id: DB_SG,
      region: 'ap-northeast-1',
    });
    expect(violations[0]?.fact).toBe('group-missing');
  });

  it('matches a cidr: source for targets behind an NLB without security groups', () => {
    const inventory = withEcsRules([tcp(8080, { cidrIpv4: '10.0.0.0/24' })]);
    const intent = anIntent({
      securityGroups: {
        chain: [{ name: 'ecs', groupId: ECS_SG, ports: [8080], from: ['cidr:10.0.0.0/24'] }],
      },
    });
    expect(run(sgChainBroken, inventory, intent)).toEqual([]);
  });

  it('reports a missing link and an extra path for the twin whose NLB subnet CIDR differs', () => {
    const inventory = withEcsRules([tcp(8080, { cidrIpv4: '10.0.1.0/24' })]);
    const intent = anIntent({
      securityGroups: {
        chain: [{ name: 'ecs', groupId: ECS_SG, ports: [8080], from: ['cidr:10.0.0.0/24'] }],
      },
    });
    expect(run(sgChainBroken, inventory, intent).map((v) => v.fact)).toEqual([
      'extra:tcp/8080 from 10.0.1.0/24',
      'missing:cidr:10.0.0.0/24:tcp/8080',
    ]);
  });

  it('reports each missing port of a multi-port link', () => {
    const inventory = withEcsRules([tcp(80, { referencedGroupId: ALB_SG })]);
    const intent = anIntent({
      securityGroups: { chain: [{ name: 'ecs', groupId: ECS_SG, ports: [80, 3000], from: [ALB_SG] }] },
    });
    expect(run(sgChainBroken, inventory, intent).map((v) => v.fact)).toEqual([`missing:${ALB_SG}:tcp/3000`]);
  });

  it('reports a source that names no link and can never be matched', () => {
    const intent = anIntent({
      securityGroups: { chain: [{ name: 'ecs', groupId: ECS_SG, ports: [8080], from: ['albb'] }] },
    });
    const violations = run(sgChainBroken, seed001Inventory(), intent);
    expect(violations.map((v) => v.fact)).toEqual([`extra:tcp/8080 from ${ALB_SG}`, 'missing:albb:tcp/8080']);
    expect(violations[1]?.message).toContain('albb');
  });

  it('passes the classic seed 002 chain with the public ALB open to 0.0.0.0/0', () => {
    const intent = anIntent({
      profile: 'classic',
      securityGroups: {
        chain: [
          { name: 'alb', groupId: ALB_SG, ports: [80, 443], from: ['cidr:0.0.0.0/0'] },
          { name: 'ecs', groupId: ECS_SG, ports: [80, 3000], from: ['alb'] },
          { name: 'rds', groupId: DB_SG, ports: [5432], from: ['ecs'] },
        ],
      },
    });
    expect(run(sgChainBroken, seed002Inventory(), intent)).toEqual([]);
  });

  it('does not apply when the intent has no chain', () => {
    const inventory = withEcsRules([tcp(22, { cidrIpv4: '0.0.0.0/0' })]);
    expect(run(sgChainBroken, inventory)).toEqual([]);
  });

  it('ignores egress rules', () => {
    const inventory = seed001Inventory();
    expect(inventory.ec2.securityGroups.every((g) => g.rules.some((r) => r.egress))).toBe(true);
    expect(run(sgChainBroken, inventory, chainIntent)).toEqual([]);
  });
});
