import { describe, expect, it } from 'vitest';
import { sgDefaultHasRules } from '../../../checks/sg/default-has-rules.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aNetworkInterface, anEgressRule, anInventory, aVpc } from '../../fixtures/inventory.ts';
import { aDefaultGroup, DEFAULT_SG, seed001Groups, VPC_ID } from '../../fixtures/sg.ts';

describe('sg.default-has-rules', () => {
  it('reports the default group with the rules AWS creates it with', () => {
    // Prepare
    const inventory = anInventory({ ec2: { vpcs: [aVpc()], securityGroups: [aDefaultGroup()] } });
    // Act
    const violations = run(sgDefaultHasRules, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe(DEFAULT_SG);
    expect(violations[0]?.actual).toBe('インバウンド 1 件・アウトバウンド 1 件');
    expect(violations[0]?.message).toContain(VPC_ID);
  });

  it('passes the twin whose default group has no rules', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc()], securityGroups: [aDefaultGroup({ rules: [] })] },
    });
    expect(run(sgDefaultHasRules, inventory)).toEqual([]);
  });

  it('reports a default group that only keeps its outbound rule', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc()], securityGroups: [aDefaultGroup({ rules: [anEgressRule(DEFAULT_SG)] })] },
    });
    expect(run(sgDefaultHasRules, inventory)[0]?.actual).toBe('インバウンド 0 件・アウトバウンド 1 件');
  });

  it('ignores non-default groups with rules', () => {
    const inventory = anInventory({ ec2: { vpcs: [aVpc()], securityGroups: seed001Groups() } });
    expect(run(sgDefaultHasRules, inventory)).toEqual([]);
  });

  it('reports the default group of each audited VPC', () => {
    const other = 'vpc-0a1b2c3d4e5f60002';
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc(), aVpc({ id: other, name: 'stg-vpc', cidrBlocks: ['10.1.0.0/16'] })],
        securityGroups: [aDefaultGroup(), aDefaultGroup({ id: 'sg-0a1b2c3d4e5f6dfl2', vpcId: other })],
      },
    });
    expect(run(sgDefaultHasRules, inventory).map((v) => v.resource.id)).toEqual([
      DEFAULT_SG,
      'sg-0a1b2c3d4e5f6dfl2',
    ]);
  });

  it('leaves the default group of an empty default VPC to vpc.default-vpc', () => {
    const inventory = anInventory({
      ec2: { vpcs: [aVpc({ isDefault: true })], securityGroups: [aDefaultGroup()] },
    });
    expect(run(sgDefaultHasRules, inventory)).toEqual([]);
  });

  it('reports the default group of a default VPC that holds a workload', () => {
    const inventory = anInventory({
      ec2: {
        vpcs: [aVpc({ isDefault: true })],
        securityGroups: [aDefaultGroup()],
        networkInterfaces: [aNetworkInterface()],
      },
    });
    expect(run(sgDefaultHasRules, inventory)).toHaveLength(1);
  });

  it('audits a VPC the intent does not describe: every VPC is audited', () => {
    const inventory = anInventory({ ec2: { vpcs: [aVpc()], securityGroups: [aDefaultGroup()] } });
    const intent = anIntent({ vpcs: [{ id: 'vpc-0a1b2c3d4e5f60002' }] });
    expect(run(sgDefaultHasRules, inventory, intent)).toHaveLength(1);
  });

  it('ignores a VPC the intent excludes', () => {
    const inventory = anInventory({ ec2: { vpcs: [aVpc()], securityGroups: [aDefaultGroup()] } });
    const intent = anIntent({ excludeVpcs: [{ id: VPC_ID, reason: 'sandbox, audited by its own team' }] });
    expect(run(sgDefaultHasRules, inventory, intent)).toEqual([]);
  });

  it('applies under classic too', () => {
    const inventory = anInventory({ ec2: { vpcs: [aVpc()], securityGroups: [aDefaultGroup()] } });
    expect(run(sgDefaultHasRules, inventory, anIntent({ profile: 'classic' }))).toHaveLength(1);
  });
});
