import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../../app/audit.ts';
import type { Baseline, BaselineStore, LoadedBaseline } from '../../../app/changes/baseline-store.ts';
import { type ChangeEvent, parseChangeBatch } from '../../../app/changes/events.ts';
import { runChangeAudit, saveScheduledBaseline } from '../../../app/changes/run.ts';
import { loadIntentFile } from '../../../app/intent-file.ts';
import { ALL_REGIONAL_PARTS, type RegionalPart } from '../../../collect/index.ts';
import type { Inventory } from '../../../inventory/types.ts';
import type { Finding } from '../../../model/finding.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const demo = (): Inventory => JSON.parse(readFileSync(`${ROOT}demo/snapshot.json`, 'utf8'));
const intent = await loadIntentFile(`${ROOT}demo/intent.yaml`);
const ALB_GROUP = 'sg-0d3m0alb000000001';

/** The baseline store the functions use, kept in memory (its contract: app/changes/baseline-store.ts). */
class MemoryStore implements BaselineStore {
  saved: Baseline[] = [];
  constructor(public stored?: Baseline) {}
  async load(): Promise<LoadedBaseline> {
    return this.stored ? { baseline: this.stored, version: String(this.saved.length) } : {};
  }
  async save(baseline: Baseline): Promise<boolean> {
    this.saved.push(baseline);
    this.stored = baseline;
    return true;
  }
}

/** The account after a console user opened SSH on the ALB group to the world. */
const changedAccount = (): Inventory => {
  const live = demo();
  const groups = live.ec2.securityGroups.map((g) =>
    g.id === ALB_GROUP
      ? {
          ...g,
          rules: [
            ...g.rules,
            {
              id: 'sgr-0ssh000000000001',
              groupId: ALB_GROUP,
              egress: false,
              protocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: '0.0.0.0/0',
            },
          ],
        }
      : g,
  );
  return { ...live, ec2: { ...live.ec2, securityGroups: groups } };
};

/** A live account read as collectAccount reads it: only the parts asked for, CloudFront always. */
const collector = (live: Inventory) => {
  const asked: (readonly RegionalPart[] | 'all')[] = [];
  const collect = async (partsIn?: (region: string) => readonly RegionalPart[]): Promise<Inventory> => {
    const parts = partsIn?.(live.regions[0] as string) ?? ALL_REGIONAL_PARTS;
    asked.push(partsIn ? parts : 'all');
    const none = <T extends object>(section: T): T =>
      Object.fromEntries(Object.keys(section).map((k) => [k, []])) as T;
    return {
      ...live,
      ec2: parts.includes('ec2') ? live.ec2 : none(live.ec2),
      elbv2: parts.includes('elbv2') ? live.elbv2 : none(live.elbv2),
      apigateway: parts.includes('apigateway')
        ? live.apigateway
        : {
            ...none(live.apigateway),
            apiKeys: parts.includes('apigateway.apiKeys') ? live.apigateway.apiKeys : [],
          },
    };
  };
  return { collect, asked };
};

/** The console sample event, made about the demo account's ALB group. */
const consoleChange = (): ChangeEvent[] => {
  const [event] = parseChangeBatch(JSON.parse(readFileSync(`${ROOT}events/change-batch.json`, 'utf8'))) as [
    ChangeEvent,
  ];
  const text = JSON.stringify(event)
    .replaceAll('sg-0a1b2c3d4e5f60001', ALB_GROUP)
    .replaceAll('123456789012', '210987654321');
  return [JSON.parse(text)];
};

const verdicts = (findings: readonly Finding[]) => findings.map(({ changedBy: _, ...f }) => f);

describe('runChangeAudit', () => {
  it('reads only what changed and reaches a full audit’s verdicts, naming who made the change', async () => {
    const live = changedAccount();
    const store = new MemoryStore({ inventory: demo(), seenEventIds: [] });
    const { collect, asked } = collector(live);
    const run = await runChangeAudit({
      events: consoleChange(),
      regions: ['ap-northeast-1'],
      intent,
      store,
      collect,
    });

    expect(run.mode).toBe('scoped');
    expect(asked).toEqual([['ec2', 'apigateway.apiKeys']]);
    const full = auditInventory(live, intent);
    expect(verdicts(run.report?.findings ?? [])).toEqual(verdicts(full.findings));
    expect(run.report?.complete).toBe(true);
    const opened = run.report?.findings.find(
      (f) => f.checkId === 'sg.world-ingress' && f.fact.includes('tcp/22'),
    );
    expect(opened?.changedBy?.map((c) => [c.name, c.tool])).toEqual([['Mateo', 'console']]);
    // Findings on resources the change did not touch carry no actor.
    expect(run.report?.findings.filter((f) => f.resource.id !== ALB_GROUP && f.changedBy)).toEqual([]);
  });

  describe('an accepted rule the change closes: audit.exception-unused as a full audit says it', () => {
    const SSH = 'tcp/22 from 0.0.0.0/0';
    const accepting: typeof intent = {
      ...intent,
      exceptions: [
        ...intent.exceptions,
        { check: 'sg.world-ingress', resource: ALB_GROUP, facts: [SSH], reason: '一時的な調査用' },
      ],
    };
    const unused = (findings: readonly Finding[] = []) =>
      findings.filter((f) => f.checkId === 'audit.exception-unused').map((f) => f.fact);
    const scopedRun = (stored: Inventory, live: Inventory) =>
      runChangeAudit({
        events: consoleChange(),
        regions: ['ap-northeast-1'],
        intent: accepting,
        store: new MemoryStore({ inventory: stored, seenEventIds: [] }),
        collect: collector(live).collect,
      });

    it('the rule closed since the stored inventory: the scoped run reports the entry, as the full one does', async () => {
      const run = await scopedRun(changedAccount(), demo());
      expect(run.mode).toBe('scoped');
      const full = auditInventory(demo(), accepting);
      expect(verdicts(run.report?.findings ?? [])).toEqual(verdicts(full.findings));
      expect(unused(run.report?.findings)).toEqual([`sg.world-ingress:${ALB_GROUP}:${SSH}`]);
    });

    it('the rule opened since the stored inventory: neither run reports it, both suppress the rule', async () => {
      const run = await scopedRun(demo(), changedAccount());
      const full = auditInventory(changedAccount(), accepting);
      expect(verdicts(run.report?.findings ?? [])).toEqual(verdicts(full.findings));
      expect(unused(run.report?.findings)).toEqual([]);
      expect(run.report?.suppressed.map((f) => [f.resource.id, f.fact])).toEqual([[ALB_GROUP, SSH]]);
    });
  });

  it('without the change the stored inventory would hide it: the scope is really read again', async () => {
    const store = new MemoryStore({ inventory: demo(), seenEventIds: [] });
    const stale = await runChangeAudit({
      events: consoleChange(),
      regions: ['ap-northeast-1'],
      intent,
      store,
      collect: collector(demo()).collect,
    });
    expect(
      stale.report?.findings.some(
        (f) => f.checkId === 'sg.world-ingress' && f.resource.id === ALB_GROUP && f.fact.includes('tcp/22'),
      ),
    ).toBe(false);
  });

  it('reads everything, and says why, without a stored inventory of this account and regions', async () => {
    const live = changedAccount();
    for (const [stored, because] of [
      [undefined, 'no complete inventory is stored yet'],
      [{ ...demo(), regions: ['us-west-2'] }, 'the stored inventory covers us-west-2'],
    ] as const) {
      const { collect, asked } = collector(live);
      const run = await runChangeAudit({
        events: consoleChange(),
        regions: ['ap-northeast-1'],
        intent,
        store: new MemoryStore(stored ? { inventory: stored as Inventory, seenEventIds: [] } : undefined),
        collect,
      });
      expect([run.mode, run.fullBecause]).toEqual(['full', because]);
      expect(asked).toEqual(['all']);
      expect(verdicts(run.report?.findings ?? [])).toEqual(verdicts(auditInventory(live, intent).findings));
    }
  });

  it('records the batch only when committed: a retried batch is audited again, a committed one is a repeat', async () => {
    const store = new MemoryStore({ inventory: demo(), seenEventIds: [] });
    const { collect } = collector(changedAccount());
    const first = await runChangeAudit({
      events: consoleChange(),
      regions: ['ap-northeast-1'],
      intent,
      store,
      collect,
    });
    expect(store.saved).toEqual([]);
    const retried = await runChangeAudit({
      events: consoleChange(),
      regions: ['ap-northeast-1'],
      intent,
      store,
      collect,
    });
    expect(retried.mode).toBe('scoped');
    await retried.commit();
    expect(store.stored?.seenEventIds).toEqual(['3f8e1b2a-6c4d-4e5f-8a9b-0c1d2e3f4a51']);
    expect(store.stored?.inventory?.ec2.securityGroups.find((g) => g.id === ALB_GROUP)?.rules).toHaveLength(
      (changedAccount().ec2.securityGroups.find((g) => g.id === ALB_GROUP)?.rules ?? []).length,
    );
    const again = await runChangeAudit({
      events: consoleChange(),
      regions: ['ap-northeast-1'],
      intent,
      store,
      collect,
    });
    expect([again.mode, again.report, again.changes.ignored.duplicate]).toEqual(['none', undefined, 1]);
    expect(first.mode).toBe('scoped');
  });

  it('what a run could not read stays unknown in the next one, until it is read again', async () => {
    const throttled = (operation: string, slices: string[]) => ({
      service: operation === 'GetStages' ? 'apigateway' : 'ec2',
      operation,
      region: 'ap-northeast-1',
      code: 'Throttling',
      message: 'Rate exceeded',
      slices,
    });
    const stored = {
      ...demo(),
      errors: [
        throttled('GetStages', ['apigateway.restApis']),
        throttled('DescribeSecurityGroups', ['ec2.securityGroups']),
      ],
    } as Inventory;
    const store = new MemoryStore({ inventory: stored, seenEventIds: [] });
    const { collect } = collector(changedAccount());
    const run = await runChangeAudit({
      events: consoleChange(),
      regions: ['ap-northeast-1'],
      intent,
      store,
      collect,
    });
    // EC2 was read again (its old error is gone); API Gateway was not (its error still stands).
    expect(run.mode).toBe('scoped');
    expect(run.report?.complete).toBe(false);
    expect(run.report?.errors.map((e) => e.operation)).toEqual(['GetStages']);
    await run.commit();
    expect(store.stored?.inventory?.errors.map((e) => e.operation)).toEqual(['GetStages']);
  });

  it('a scheduled audit becomes the baseline, keeping the audited event ids', async () => {
    const store = new MemoryStore({ seenEventIds: ['e1'] });
    expect(await saveScheduledBaseline(store, demo())).toBe(true);
    expect(store.stored).toEqual({ inventory: demo(), seenEventIds: ['e1'] });
  });
});
