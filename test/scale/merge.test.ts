import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditInventory } from '../../app/audit.ts';
import { accountInventories, type FanOutItem, partKey, planItems } from '../../app/fanout.ts';
import { defaultIntent } from '../../app/intent-file.ts';
import { failedInventory, mergeInventories, mergeReports } from '../../app/merge.ts';
import { emptyInventory } from '../../inventory/types.ts';
import { aDistribution, anInventory, aSecurityGroup } from '../fixtures/inventory.ts';
import { aGroupWith, ECS_SG, seed001Groups, seed001Inventory, tcp } from '../fixtures/sg.ts';

const PROD = { id: '111122223333', parents: ['r-ab12', 'ou-ab12-11111111'], tags: {} };
const STG = { id: '444455556666', parents: ['r-ab12', 'ou-ab12-22222222'], tags: {} };

/** A run of the plan; the run key's ciphertext is opaque here. */
const RUN = { runId: 'run-1', bucket: 'bucket', encryptedRunKey: 'AQICAHh0ZXN0LWNpcGhlcnRleHQ=' };

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const body = (value: unknown) =>
  ({ transformToString: async () => JSON.stringify(value) }) as unknown as never;

describe('fan-out plan', () => {
  it('makes one item per account and region plus one global item per account', () => {
    const items = planItems(RUN, [
      { account: PROD, regions: ['ap-northeast-1', 'us-east-1'] },
      { account: STG, regions: ['ap-northeast-1', 'ap-northeast-1'] },
    ]);
    expect(items.map((i) => `${i.account?.id}/${i.region}`)).toEqual([
      '111122223333/ap-northeast-1',
      '111122223333/us-east-1',
      '111122223333/global',
      '444455556666/ap-northeast-1',
      '444455556666/global',
    ]);
    expect(new Set(items.map(partKey)).size).toBe(items.length);
  });
});

describe('merging', () => {
  it("joins an account's regional and global parts into one inventory", () => {
    const tokyo = anInventory({ ec2: { securityGroups: [aSecurityGroup()] } });
    const global = {
      ...emptyInventory(tokyo.account, [], tokyo.collectedAt),
      cloudfront: { distributions: [aDistribution()], vpcOrigins: [], responseHeadersPolicies: [] },
    };
    const merged = mergeInventories([tokyo, global]);
    expect(merged.regions).toEqual(['ap-northeast-1']);
    expect(merged.ec2.securityGroups).toEqual(tokyo.ec2.securityGroups);
    expect(merged.cloudfront.distributions).toHaveLength(1);
  });

  it('reports one failure seen by several items once', () => {
    const error = {
      service: 'sts',
      operation: 'AssumeRole',
      code: 'AccessDenied',
      message: 'not authorized',
    };
    const merged = mergeInventories([
      {
        ...failedInventory(PROD.id, 'ap-northeast-1', error),
        errors: [{ ...error, region: 'global', slices: [] }],
      },
      {
        ...failedInventory(PROD.id, 'us-east-1', error),
        errors: [{ ...error, region: 'global', slices: [] }],
      },
    ]);
    expect(merged.errors).toHaveLength(1);
  });

  it("keeps one account's failure in that account: the run is incomplete, the other account's findings stand", () => {
    const intent = defaultIntent();
    const inventory = seed001Inventory(
      seed001Groups({ ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', [tcp(22, { cidrIpv4: '0.0.0.0/0' })]) }),
    );
    const healthy = auditInventory({ ...inventory, account: STG.id }, intent, { accountName: 'staging' });
    const failed = auditInventory(
      failedInventory(PROD.id, 'ap-northeast-1', {
        service: 'sts',
        operation: 'AssumeRole',
        code: 'AccessDenied',
        message: 'denied',
      }),
      intent,
    );
    const report = mergeReports([failed, healthy]);
    expect(report.complete).toBe(false);
    expect(failed.complete).toBe(false);
    // The healthy account is audited in full and keeps every finding, tagged with its account.
    expect(healthy.complete).toBe(true);
    expect(healthy.findings.length).toBeGreaterThan(0);
    const merged = new Map(report.findings.map((f) => [f.fingerprint, f]));
    for (const f of healthy.findings)
      expect(merged.get(f.fingerprint)?.account).toEqual({ id: STG.id, name: 'staging' });
    const incomplete = report.findings.filter((f) => f.checkId === 'audit.incomplete');
    // The failed account is reported as incomplete (a check over no findings would pass vacuously).
    expect(incomplete).not.toHaveLength(0);
    expect(incomplete.every((f) => f.account.id === PROD.id)).toBe(true);
    expect(report.errors[0]?.message).toContain(PROD.id);
    // The accounts as a list, not a joined string; no single `account` to misname the others' findings.
    expect(report.accounts).toEqual([{ id: PROD.id }, { id: STG.id, name: 'staging' }]);
    expect(report.account).toBeUndefined();
    // What the failed account hid is unseen in that account only: the alert state withholds recovery
    // there and lets the healthy account's gone findings recover.
    expect(report.unseen).not.toHaveLength(0);
    expect(report.unseen.every((u) => u.accountId === PROD.id)).toBe(true);
  });
});

describe('summary input', () => {
  it("reads each account from its parts and marks a missing part as that account's failure", async () => {
    const items: FanOutItem[] = planItems(RUN, [
      { account: PROD, regions: ['ap-northeast-1'] },
      { account: STG, regions: ['ap-northeast-1'] },
    ]);
    const tokyo = { ...anInventory(), account: PROD.id };
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'missing', $metadata: {} }));
    s3.on(GetObjectCommand, { Key: partKey(items[0] as FanOutItem) }).resolves({ Body: body(tokyo) });
    s3.on(GetObjectCommand, { Key: partKey(items[1] as FanOutItem) }).resolves({
      Body: body(emptyInventory(PROD.id, [], tokyo.collectedAt)),
    });
    const seen = [];
    for await (const entry of accountInventories(new S3Client({}), items)) seen.push(entry);
    expect(seen.map((s) => s.account?.id)).toEqual([PROD.id, STG.id]);
    expect(seen[0]?.inventory.errors).toEqual([]);
    expect(seen[1]?.inventory.errors.map((e) => `${e.operation}:${e.code}:${e.region}`).sort()).toEqual([
      'AuditItem:ItemFailed:ap-northeast-1',
      'AuditItem:ItemFailed:global',
    ]);
  });

  it("refuses a part that holds another account's inventory, naming the part", async () => {
    const [tokyo, global] = planItems(RUN, [{ account: PROD, regions: ['ap-northeast-1'] }]) as [
      FanOutItem,
      FanOutItem,
    ];
    s3.on(GetObjectCommand, { Key: partKey(tokyo) }).resolves({
      Body: body({ ...anInventory({ ec2: { securityGroups: [aSecurityGroup()] } }), account: STG.id }),
    });
    s3.on(GetObjectCommand, { Key: partKey(global) }).resolves({
      Body: body(emptyInventory(PROD.id, [], '2026-11-21T00:00:00.000Z')),
    });
    const seen = [];
    for await (const entry of accountInventories(new S3Client({}), [tokyo, global])) seen.push(entry);
    const inventory = seen[0]?.inventory;
    expect(inventory?.account).toBe(PROD.id);
    expect(inventory?.ec2.securityGroups).toEqual([]);
    expect(inventory?.errors).toEqual([
      expect.objectContaining({
        code: 'InvalidPart',
        region: 'ap-northeast-1',
        message: expect.stringContaining(`s3://bucket/${partKey(tokyo)}`),
      }),
    ]);
    expect(inventory?.errors[0]?.message).toContain(
      `account: is ${STG.id}, not the item's account ${PROD.id}`,
    );
  });
});
