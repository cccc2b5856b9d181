import { describe, expect, it } from 'vitest';
import { driftSecurityGroup } from '../../../checks/drift/security-group.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { anInventory, aRule, aSecurityGroup } from '../../fixtures/inventory.ts';

const SG = 'sg-0a1b2c3d4e5f60001';
const intent = anIntent({
  baseline: {
    securityGroups: {
      [SG]: {
        name: 'prod-alb-sg',
        region: 'ap-northeast-1',
        rules: ['in tcp 443 from pl-58a04531', 'out -1 all to 0.0.0.0/0'],
      },
    },
  },
});
const worldSsh = aRule({
  id: 'sgr-0f0e0d0c0b0a00022',
  fromPort: 22,
  toPort: 22,
  prefixListId: undefined,
  cidrIpv4: '0.0.0.0/0',
});

describe('drift.security-group', () => {
  it('passes a group whose rules are the baselined ones, whatever their rule ids', () => {
    const group = aSecurityGroup();
    const renumbered = {
      ...group,
      rules: group.rules.map((r, i) => ({ ...r, id: `sgr-0ffffffffffff000${i}` })),
    };
    expect(run(driftSecurityGroup, anInventory({ ec2: { securityGroups: [renumbered] } }), intent)).toEqual(
      [],
    );
  });

  it('reports a rule added to a baselined group with the added rule as the diff', () => {
    // Prepare
    const group = aSecurityGroup();
    const inventory = anInventory({
      ec2: { securityGroups: [{ ...group, rules: [...group.rules, worldSsh] }] },
    });
    // Act
    const violations = run(driftSecurityGroup, inventory, intent);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::SecurityGroup', id: SG, region: 'ap-northeast-1', name: 'prod-alb-sg' },
      // In Japanese for people; the fact keeps the canonical form, so the fingerprint is stable.
      actual: '追加: 0.0.0.0/0 から tcp 22 への受信',
      fact: 'rules:+ in tcp 22 from 0.0.0.0/0',
    });
    expect(violations[0]?.message).toContain('prod-alb-sg (sg-0a1b2c3d4e5f60001)');
  });

  it('reports a rule removed from a baselined group', () => {
    const group = aSecurityGroup();
    const inventory = anInventory({
      ec2: { securityGroups: [{ ...group, rules: group.rules.filter((r) => r.egress) }] },
    });
    expect(run(driftSecurityGroup, inventory, intent)[0]?.actual).toBe(
      '削除: pl-58a04531 から tcp 443 への受信',
    );
  });

  it('gives the same fact for the same change on the next run, even with new rule ids', () => {
    const group = aSecurityGroup();
    const first = anInventory({ ec2: { securityGroups: [{ ...group, rules: [...group.rules, worldSsh] }] } });
    const second = anInventory({
      ec2: {
        securityGroups: [{ ...group, rules: [{ ...worldSsh, id: 'sgr-0aaaaaaaaaaaa0001' }, ...group.rules] }],
      },
    });
    expect(run(driftSecurityGroup, second, intent)[0]?.fact).toBe(
      run(driftSecurityGroup, first, intent)[0]?.fact,
    );
  });

  it('reads the same rule written another way (protocol 6, ports -1) as no change', () => {
    const allTcp = anIntent({
      baseline: { securityGroups: { [SG]: { rules: ['in tcp all from sg-0a1b2c3d4e5f60009'] } } },
    });
    const group = aSecurityGroup({
      rules: [
        aRule({
          protocol: '6',
          fromPort: -1,
          toPort: -1,
          prefixListId: undefined,
          referencedGroupId: 'sg-0a1b2c3d4e5f60009',
        }),
      ],
    });
    expect(run(driftSecurityGroup, anInventory({ ec2: { securityGroups: [group] } }), allTcp)).toEqual([]);
  });

  it('reports a baselined group that was deleted', () => {
    const violations = run(driftSecurityGroup, anInventory(), intent);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { id: SG, region: 'ap-northeast-1', name: 'prod-alb-sg' },
      fact: 'deleted',
    });
  });

  it('does not call a group deleted when its region was not audited', () => {
    const elsewhere = anIntent({
      baseline: { securityGroups: { [SG]: { region: 'us-east-1', rules: ['in tcp 443 from pl-3b927c52'] } } },
    });
    expect(run(driftSecurityGroup, anInventory(), elsewhere)).toEqual([]);
  });

  it('ignores groups that are not in the baseline, and applies only when there is a baseline', () => {
    const other = aSecurityGroup({ id: 'sg-0a1b2c3d4e5f60077', rules: [worldSsh] });
    const inventory = anInventory({ ec2: { securityGroups: [aSecurityGroup(), other] } });
    expect(run(driftSecurityGroup, inventory, intent)).toEqual([]);
    expect(run(driftSecurityGroup, anInventory(), anIntent())).toEqual([]);
  });
});
