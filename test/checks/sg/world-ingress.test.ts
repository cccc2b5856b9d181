import { describe, expect, it } from 'vitest';
import { sgWorldIngress } from '../../../checks/sg/world-ingress.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aCustomerPrefixList, anInventory, aVpc } from '../../fixtures/inventory.ts';
import {
  ALB_SG,
  aGroupWith,
  ECS_SG,
  OFFICE_PL,
  seed001Groups,
  seed001Inventory,
  seed002Groups,
  seed002Inventory,
  tcp,
  withPrefixList,
} from '../../fixtures/sg.ts';

const withRule = (rule: Parameters<typeof tcp>[1]) =>
  seed001Inventory(seed001Groups({ ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', [rule]) }));

describe('sg.world-ingress', () => {
  it('reports tcp/22 open to 0.0.0.0/0 as critical', () => {
    // Prepare
    const inventory = withRule(tcp(22, { cidrIpv4: '0.0.0.0/0' }));
    // Act
    const violations = run(sgWorldIngress, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toMatchObject({ type: 'AWS::EC2::SecurityGroup', id: ECS_SG });
    expect(violations[0]?.severity).toBe('critical');
    expect(violations[0]?.fact).toBe('tcp/22 from 0.0.0.0/0');
    expect(violations[0]?.message).toContain('prod-ecs-sg');
    // 22 is SSH, a remote administration port; it is not called a database port.
    expect(violations[0]?.message).toContain('リモート管理用のポート（SSH 22）を含みます。');
    expect(violations[0]?.message).not.toContain('データベース');
  });

  it('passes the twin whose tcp/22 source is a single office CIDR', () => {
    const inventory = withRule(tcp(22, { cidrIpv4: '203.0.113.10/32' }));
    expect(run(sgWorldIngress, inventory)).toEqual([]);
  });

  it('reports a non-admin port open to ::/0 at the default severity', () => {
    const violations = run(sgWorldIngress, withRule(tcp(8080, { cidrIpv6: '::/0' })));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.severity).toBeUndefined();
    expect(violations[0]?.actual).toBe('::/0 から tcp/8080');
    expect(violations[0]?.message).not.toContain('ポート（');
  });

  it('reports all traffic (protocol -1) open to the world as critical', () => {
    const violations = run(
      sgWorldIngress,
      withRule({ protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }),
    );
    expect(violations[0]?.severity).toBe('critical');
    expect(violations[0]?.message).toContain('0.0.0.0/0 からのすべてのトラフィック');
  });

  it('reports a port range that covers 3306 as critical', () => {
    const violations = run(
      sgWorldIngress,
      withRule({ protocol: 'tcp', fromPort: 3000, toPort: 3400, cidrIpv4: '0.0.0.0/0' }),
    );
    expect(violations[0]?.severity).toBe('critical');
    expect(violations[0]?.fact).toBe('tcp/3000-3400 from 0.0.0.0/0');
    expect(violations[0]?.message).toContain(
      'リモート管理用のポート（RDP 3389）とデータベースのポート（MySQL 3306）を含みます。',
    );
  });

  it('keeps the default severity for the twin range that stops below 3306', () => {
    const violations = run(
      sgWorldIngress,
      withRule({ protocol: 'tcp', fromPort: 3000, toPort: 3100, cidrIpv4: '0.0.0.0/0' }),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.severity).toBeUndefined();
  });

  it('reports ICMP open to the world at the default severity (ICMP has no ports)', () => {
    const violations = run(
      sgWorldIngress,
      withRule({ protocol: 'icmp', fromPort: 8, toPort: -1, cidrIpv4: '0.0.0.0/0' }),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.severity).toBeUndefined();
  });

  it('reports one violation per world-open rule across groups', () => {
    const inventory = seed001Inventory(
      seed001Groups({
        alb: aGroupWith(ALB_SG, 'prod-alb-sg', [
          tcp(443, { cidrIpv4: '0.0.0.0/0' }),
          tcp(443, { cidrIpv6: '::/0' }),
        ]),
        ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', [tcp(22, { cidrIpv4: '0.0.0.0/0' })]),
      }),
    );
    const violations = run(sgWorldIngress, inventory);
    expect(violations.map((v) => `${v.resource.id} ${v.fact}`)).toEqual([
      `${ALB_SG} tcp/443 from 0.0.0.0/0`,
      `${ALB_SG} tcp/443 from ::/0`,
      `${ECS_SG} tcp/22 from 0.0.0.0/0`,
    ]);
  });

  describe('a customer-managed prefix list stands for its entries', () => {
    const viaList = (entries: readonly string[]) =>
      withPrefixList(
        withRule(tcp(22, { prefixListId: OFFICE_PL })),
        aCustomerPrefixList({ entries: entries.map((cidr) => ({ cidr })) }),
      );

    it('reports tcp/22 through a list holding 0.0.0.0/0 as critical, naming the list', () => {
      const violations = run(sgWorldIngress, viaList(['198.51.100.0/24', '0.0.0.0/0']));
      expect(violations).toHaveLength(1);
      expect(violations[0]?.severity).toBe('critical');
      expect(violations[0]?.fact).toBe(`tcp/22 from 0.0.0.0/0 via ${OFFICE_PL}`);
      expect(violations[0]?.message).toContain(`プレフィックスリスト office-egress (${OFFICE_PL})`);
      expect(violations[0]?.actual).toBe(
        `0.0.0.0/0（プレフィックスリスト office-egress (${OFFICE_PL}) のエントリ） から tcp/22`,
      );
    });

    it('reports ::/0 in the list too', () => {
      expect(run(sgWorldIngress, viaList(['::/0'])).map((v) => v.fact)).toEqual([
        `tcp/22 from ::/0 via ${OFFICE_PL}`,
      ]);
    });

    it('passes the twin list that holds only the office range', () => {
      expect(run(sgWorldIngress, viaList(['198.51.100.0/24']))).toEqual([]);
    });

    it('keeps the CloudFront origin-facing list a CloudFront-only source', () => {
      const inventory = withRule(tcp(443, { prefixListId: 'pl-58a04531' }));
      expect(run(sgWorldIngress, inventory)).toEqual([]);
    });
  });

  it('ignores egress rules to 0.0.0.0/0', () => {
    expect(run(sgWorldIngress, seed001Inventory())).toEqual([]);
  });

  it('reports the seed 002 public ALB open on 80/443 under private-backend', () => {
    const violations = run(sgWorldIngress, seed002Inventory());
    expect(violations.map((v) => v.fact)).toEqual(['tcp/80 from 0.0.0.0/0', 'tcp/443 from 0.0.0.0/0']);
  });

  it('accepts 80/443 open to the world on the internet-facing ALB under classic', () => {
    expect(run(sgWorldIngress, seed002Inventory(), anIntent({ profile: 'classic' }))).toEqual([]);
  });

  it('still reports tcp/22 open to the world on the classic public ALB', () => {
    const inventory = seed002Inventory(
      seed002Groups({
        alb: aGroupWith(ALB_SG, 'prod-alb-sg', [
          tcp(443, { cidrIpv4: '0.0.0.0/0' }),
          tcp(22, { cidrIpv4: '0.0.0.0/0' }),
        ]),
      }),
    );
    const violations = run(sgWorldIngress, inventory, anIntent({ profile: 'classic' }));
    expect(violations.map((v) => v.fact)).toEqual(['tcp/22 from 0.0.0.0/0']);
  });

  it('reports 443 open to the world under classic on a group no internet-facing LB uses', () => {
    const inventory = seed002Inventory([
      ...seed002Groups(),
      aGroupWith('sg-0a1b2c3d4e5f60009', 'prod-bastion-sg', [tcp(443, { cidrIpv4: '0.0.0.0/0' })]),
    ]);
    const violations = run(sgWorldIngress, inventory, anIntent({ profile: 'classic' }));
    expect(violations.map((v) => v.resource.id)).toEqual(['sg-0a1b2c3d4e5f60009']);
  });

  it("reports the console wizard's launch-wizard-1 group in the default VPC, like in any other VPC", () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ isDefault: true })],
        securityGroups: [aGroupWith(ECS_SG, 'launch-wizard-1', [tcp(22, { cidrIpv4: '0.0.0.0/0' })])],
      },
    });
    expect(run(sgWorldIngress, inventory)).toMatchObject([
      { resource: { id: ECS_SG }, severity: 'critical' },
    ]);
  });

  it('ignores groups of a VPC the intent excludes', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ isDefault: true })],
        securityGroups: [aGroupWith(ECS_SG, 'launch-wizard-1', [tcp(22, { cidrIpv4: '0.0.0.0/0' })])],
      },
    });
    const intent = anIntent({ excludeVpcs: [{ id: aVpc().id, reason: 'sandbox, audited by its own team' }] });
    expect(run(sgWorldIngress, inventory, intent)).toEqual([]);
  });
});
