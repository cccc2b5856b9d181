import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../app/audit.ts';
import { baselineToYaml, buildBaseline } from '../../app/baseline.ts';
import { defaultIntent, parseIntent } from '../../app/intent-file.ts';
import { CHECKS } from '../../checks/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { displayName, label, prefixListLabel, refOf } from '../../inventory/derive.ts';
import type { Inventory } from '../../inventory/types.ts';
import { renderAlerts } from '../../notify/render.ts';
import { diffAgainstState } from '../../notify/state.ts';
import { renderText } from '../../report/text.ts';
import { NOW } from '../fixtures/evaluate.ts';
import {
  aCustomerPrefixList,
  aDistribution,
  aLoadBalancer,
  anInventory,
  aRestApi,
  aRule,
  aSecurityGroup,
  aVpc,
} from '../fixtures/inventory.ts';
import { demoInventory } from '../fixtures/reports.ts';

/** A group as DescribeSecurityGroups returns one made by the console wizard or a tool: no Name tag. */
const untagged = (groupName: string, id: string) => withoutName(aSecurityGroup({ id, groupName, tags: {} }));

const withoutName = <T extends { name?: string }>(r: T): T => {
  const { name: _, ...rest } = r;
  return rest as T;
};

describe('names people know (inventory/derive.ts label)', () => {
  it('names a security group by its Name tag, else by its group name, else by its id', () => {
    expect(label(aSecurityGroup({ id: 'sg-0aaa', name: 'prod-alb-sg', groupName: 'alb' }))).toBe(
      'prod-alb-sg (sg-0aaa)',
    );
    expect(label(withoutName(aSecurityGroup({ id: 'sg-0bbb', groupName: 'launch-wizard-3' })))).toBe(
      'launch-wizard-3 (sg-0bbb)',
    );
    expect(label(withoutName(aSecurityGroup({ id: 'sg-0ccc', groupName: 'default' })))).toBe(
      'default (sg-0ccc)',
    );
    // A VPC has no name of its own: without a Name tag it is its id.
    expect(label(withoutName(aVpc({ id: 'vpc-0ddd' })))).toBe('vpc-0ddd');
  });

  it('applies the same rule to load balancers, REST APIs and distributions', () => {
    const lb = aLoadBalancer();
    expect(label(withoutName(lb))).toBe(`${lb.loadBalancerName} (${lb.id})`);
    expect(label(withoutName(aRestApi({ id: 'a1b2c3', apiName: 'orders-api' })))).toBe('orders-api (a1b2c3)');
    expect(label(aDistribution({ id: 'E2QW', aliases: ['www.example.jp', 'example.jp'] }))).toBe(
      'www.example.jp (E2QW)',
    );
    expect(label(aDistribution({ id: 'E2QW', aliases: [] }))).toBe('E2QW');
    // A prefix list, as the rules and exposure hops that cite it name it.
    const list = aCustomerPrefixList({ id: 'pl-0eee', prefixListName: 'office-egress' });
    expect(prefixListLabel(list)).toBe('office-egress (pl-0eee)');
    expect(prefixListLabel({ ...list, name: 'Tokyo office' })).toBe('Tokyo office (pl-0eee)');
    expect(prefixListLabel({ ...list, prefixListName: '' })).toBe('pl-0eee');
    expect(displayName(aDistribution({ aliases: [] }))).toBeUndefined();
  });

  it('puts the same name in the finding reference, so reports and alerts agree', () => {
    const sg = withoutName(aSecurityGroup({ id: 'sg-0bbb', groupName: 'launch-wizard-3' }));
    expect(refOf('AWS::EC2::SecurityGroup', sg)).toMatchObject({ id: 'sg-0bbb', name: 'launch-wizard-3' });
    expect(refOf('AWS::EC2::VPC', withoutName(aVpc({ id: 'vpc-0ddd' })))).not.toHaveProperty('name');
  });

  it('shows a wizard-made group by name in the terminal report and the alert', () => {
    const group = untagged('launch-wizard-3', 'sg-0d51e2f3a4b5c6d7e');
    const open = {
      ...group,
      rules: [aRule({ groupId: group.id, cidrIpv4: '0.0.0.0/0', fromPort: 22, toPort: 22 })],
    };
    const report = evaluate({
      inventory: anInventory({ ec2: { vpcs: [aVpc()], securityGroups: [open] } }),
      intent: defaultIntent(),
      checks: CHECKS.filter((c) => c.id === 'sg.world-ingress'),
      now: NOW,
    });
    expect(report.findings).toHaveLength(1);
    expect(renderText(report)).toContain('launch-wizard-3 (sg-0d51e2f3a4b5c6d7e)');
    const diff = diffAgainstState(report, undefined, { now: NOW, remindAfterHours: 24 });
    const [message] = renderAlerts({ report, diff });
    expect(message?.text).toContain('launch-wizard-3 (sg-0d51e2f3a4b5c6d7e)');
    expect(JSON.stringify(message?.chatbot)).toContain('launch-wizard-3 (sg-0d51e2f3a4b5c6d7e)');
  });
});

describe('names feed labels only', () => {
  /** The demo account with every Name tag gone, as an account whose groups nobody tagged. */
  const untaggedDemo = (inventory: Inventory): Inventory => ({
    ...inventory,
    ec2: {
      ...inventory.ec2,
      securityGroups: inventory.ec2.securityGroups.map((g) => ({ ...withoutName(g), tags: {} })),
      subnets: inventory.ec2.subnets.map((s) => ({ ...withoutName(s), tags: {} })),
      networkInterfaces: inventory.ec2.networkInterfaces.map((e) => ({ ...withoutName(e), tags: {} })),
    },
  });

  it('keeps every fingerprint when names change, while the messages name the resources differently', () => {
    const tagged = demoInventory();
    const intent = defaultIntent();
    const before = auditInventory(tagged, intent, { now: NOW });
    const after = auditInventory(untaggedDemo(tagged), intent, { now: NOW });
    expect(before.findings.length).toBeGreaterThan(0);
    expect(after.findings.map((f) => f.fingerprint).sort()).toEqual(
      before.findings.map((f) => f.fingerprint).sort(),
    );
    // The untagged groups are now named by their group names, not by their Name tags.
    expect(after.findings.map((f) => f.message).join('\n')).not.toEqual(
      before.findings.map((f) => f.message).join('\n'),
    );
  });

  it('raises no drift when only names change against a baseline', () => {
    const tagged = demoInventory();
    const baseline = parseIntent(baselineToYaml(buildBaseline(tagged, { now: NOW })), 'baseline.yaml');
    const drift = (inventory: Inventory) =>
      auditInventory(inventory, baseline, { now: NOW }).findings.filter((f) =>
        f.checkId.startsWith('drift.'),
      );
    expect(drift(tagged)).toEqual([]);
    expect(drift(untaggedDemo(tagged))).toEqual([]);
  });
});
