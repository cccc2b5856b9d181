import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  GetObjectCommand,
  PutObjectCommand,
  type PutObjectCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKS } from '../../checks/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import type { IntentInput } from '../../intent/schema.ts';
import type { Inventory } from '../../inventory/types.ts';
import type { Finding } from '../../model/finding.ts';
import type { Report } from '../../model/report.ts';
import { StateConflictError, StateStoreError } from '../../notify/errors.ts';
import {
  type AlertState,
  advanceState,
  announcedIn,
  diffAgainstState,
  FileStateStore,
  onlyAnnouncing,
  S3StateStore,
  stateBeforeAlerts,
} from '../../notify/state.ts';
import {
  accessDenied,
  conditionalRequestConflict,
  noSuchKey,
  preconditionFailed,
  storedObject,
} from '../fixtures/aws-answers.ts';
import { anIntent } from '../fixtures/intent.ts';
import { anInventory, aSecurityGroup, aVpc } from '../fixtures/inventory.ts';
import {
  aFinding,
  anIncompleteReport,
  aReport,
  criticalFinding,
  highFinding,
  later,
  lowFinding,
  mediumFinding,
  NOW,
  REGION,
} from './fixtures.ts';

const DAY = { remindAfterHours: 24 };

/** The state after a first run that alerted `report`'s findings at NOW. */
const stateAfterFirstRun = (report = aReport([criticalFinding, highFinding, mediumFinding])): AlertState =>
  diffAgainstState(report, undefined, { now: NOW, ...DAY }).nextState;

describe('diffAgainstState', () => {
  it('alerts every finding as new on the first run and records when it was seen and alerted', () => {
    // Prepare
    const report = aReport([criticalFinding, highFinding]);
    // Act
    const diff = diffAgainstState(report, undefined, { now: NOW, ...DAY });
    // Assess
    expect(diff.newFindings).toEqual([criticalFinding, highFinding]);
    expect(diff.changed).toEqual([]);
    expect(diff.reminders).toEqual([]);
    expect(diff.recovered).toEqual([]);
    expect(diff.nextState).toEqual({
      version: 1,
      updatedAt: NOW.toISOString(),
      findings: {
        [criticalFinding.fingerprint]: {
          checkId: 'elb.internet-facing',
          severity: 'critical',
          resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          resourceId: criticalFinding.resource.id,
          resourceName: 'prod-alb',
          region: 'ap-northeast-1',
          accountId: '123456789012',
          title: criticalFinding.title,
          firstSeen: NOW.toISOString(),
          lastAlerted: NOW.toISOString(),
        },
        [highFinding.fingerprint]: expect.objectContaining({
          checkId: 'vpc.public-subnet',
          severity: 'high',
        }),
      },
    });
  });

  it('alerts nothing when the same findings come back before the reminder cadence', () => {
    // Prepare
    const previous = stateAfterFirstRun();
    // Act
    const diff = diffAgainstState(aReport([criticalFinding, highFinding, mediumFinding]), previous, {
      now: later(6),
      ...DAY,
    });
    // Assess
    expect(diff.newFindings).toEqual([]);
    expect(diff.changed).toEqual([]);
    expect(diff.reminders).toEqual([]);
    expect(diff.recovered).toEqual([]);
    expect(diff.nextState.findings[highFinding.fingerprint]?.lastAlerted).toBe(NOW.toISOString());
  });

  it('alerts only the finding that is new since the last run', () => {
    const diff = diffAgainstState(
      aReport([criticalFinding, highFinding, mediumFinding, lowFinding]),
      stateAfterFirstRun(),
      {
        now: later(6),
        ...DAY,
      },
    );
    expect(diff.newFindings).toEqual([lowFinding]);
  });

  it('reports a finding gone from a complete audit as recovered and drops it from the state', () => {
    // Act
    const diff = diffAgainstState(aReport([criticalFinding, mediumFinding]), stateAfterFirstRun(), {
      now: later(6),
      ...DAY,
    });
    // Assess
    expect(diff.recovered).toEqual([
      expect.objectContaining({
        fingerprint: highFinding.fingerprint,
        checkId: 'vpc.public-subnet',
        severity: 'high',
        resourceId: 'subnet-0a1b2c3d4e5f60001',
        resourceName: 'prod-web-a',
        firstSeen: NOW.toISOString(),
      }),
    ]);
    expect(diff.nextState.findings[highFinding.fingerprint]).toBeUndefined();
  });

  it('never reports recovery from an incomplete audit, and keeps the unseen entries', () => {
    // Prepare: the route tables could not be read, so the public-subnet finding is simply unseen.
    const previous = stateAfterFirstRun();
    // Act
    const diff = diffAgainstState(anIncompleteReport([criticalFinding, mediumFinding]), previous, {
      now: later(6),
      ...DAY,
    });
    // Assess
    expect(diff.recovered).toEqual([]);
    expect(diff.nextState.findings[highFinding.fingerprint]).toEqual(
      previous.findings[highFinding.fingerprint],
    );
    expect(diff.newFindings.map((f) => f.checkId)).toEqual(['audit.incomplete']);
  });

  describe('recovery is withheld only inside what the incomplete audit did not see', () => {
    const OTHER_REGION = 'eu-west-1';
    const elsewhere = aFinding({
      resource: { ...highFinding.resource, id: 'subnet-0b1b2c3d4e5f60001', region: OTHER_REGION },
      fact: '0.0.0.0/0->igw-0b1b2c3d4e5f60001',
    });
    const stage = (apiId: string) =>
      aFinding({
        checkId: 'apigw.waf-missing',
        resource: { type: 'AWS::ApiGateway::Stage', id: `${apiId}/prod`, region: REGION },
        fact: 'no-web-acl',
      });
    /** The audit whose DescribeRouteTables was denied, over both regions, blind where `unseen` says. */
    const incomplete = (findings: readonly Finding[], unseen: Report['unseen']): Report => ({
      ...anIncompleteReport(findings),
      regions: [REGION, OTHER_REGION],
      unseen,
    });

    it('a gone finding of another region, or of a check that was not blinded, recovers', () => {
      const previous = stateAfterFirstRun(
        aReport([highFinding, elsewhere, lowFinding], { regions: [REGION, OTHER_REGION] }),
      );
      const diff = diffAgainstState(
        incomplete([], [{ checkId: 'vpc.public-subnet', region: REGION }]),
        previous,
        { now: later(6), ...DAY },
      );
      expect(diff.recovered.map((r) => r.fingerprint).sort()).toEqual(
        [elsewhere.fingerprint, lowFinding.fingerprint].sort(),
      );
      // The one inside the blind spot stays open and known.
      expect(diff.nextState.findings[highFinding.fingerprint]).toEqual(
        previous.findings[highFinding.fingerprint],
      );
    });

    it('one unreadable REST API withholds only that API’s findings', () => {
      const previous = stateAfterFirstRun(aReport([stage('a1b2c3d4e5'), stage('f6g7h8i9j0')]));
      const diff = diffAgainstState(
        incomplete([], [{ checkId: 'apigw.waf-missing', region: REGION, resourceId: 'f6g7h8i9j0' }]),
        previous,
        { now: later(6), ...DAY },
      );
      expect(diff.recovered.map((r) => r.resourceId)).toEqual(['a1b2c3d4e5/prod']);
      expect(diff.nextState.findings[stage('f6g7h8i9j0').fingerprint]).toBeDefined();
    });

    it('in a multi-account run, a scope unseen in one account withholds recovery in that account only', () => {
      const MEMBER = { id: '444455556666', name: 'staging' };
      const inMember = aFinding({
        account: MEMBER,
        resource: { ...highFinding.resource, id: 'subnet-0c1b2c3d4e5f60001' },
        fact: '0.0.0.0/0->igw-0c1b2c3d4e5f60001',
      });
      const previous = stateAfterFirstRun(aReport([highFinding, inMember]));
      const diff = diffAgainstState(
        incomplete([], [{ checkId: 'vpc.public-subnet', region: REGION, accountId: highFinding.account.id }]),
        previous,
        { now: later(6), ...DAY },
      );
      // The member's subnet was seen and its finding is gone: it recovers, naming its account.
      expect(diff.recovered.map((r) => [r.fingerprint, r.accountId, r.accountName])).toEqual([
        [inMember.fingerprint, MEMBER.id, MEMBER.name],
      ]);
      expect(diff.nextState.findings[highFinding.fingerprint]).toEqual(
        previous.findings[highFinding.fingerprint],
      );
      // The same scope without an account (a single-account report) withholds both.
      const unscoped = diffAgainstState(
        incomplete([], [{ checkId: 'vpc.public-subnet', region: REGION }]),
        previous,
        { now: later(6), ...DAY },
      );
      expect(unscoped.recovered).toEqual([]);
    });

    it('a region this run did not audit (declared denied, or not asked for) recovers nothing', () => {
      const previous = stateAfterFirstRun(
        aReport([highFinding, elsewhere], { regions: [REGION, OTHER_REGION] }),
      );
      const diff = diffAgainstState(
        aReport([highFinding], {
          regions: [REGION],
          skippedRegions: [{ region: OTHER_REGION, reason: 'denied-by-design', declaredBy: 'intent' }],
        }),
        previous,
        { now: later(6), ...DAY },
      );
      expect(diff.recovered).toEqual([]);
      expect(diff.nextState.findings[elsewhere.fingerprint]).toEqual(
        previous.findings[elsewhere.fingerprint],
      );
    });
  });

  it('does not re-alert a kept finding as new once the audit is complete again', () => {
    const afterIncomplete = diffAgainstState(
      anIncompleteReport([criticalFinding, mediumFinding]),
      stateAfterFirstRun(),
      {
        now: later(6),
        ...DAY,
      },
    ).nextState;
    const diff = diffAgainstState(aReport([criticalFinding, highFinding, mediumFinding]), afterIncomplete, {
      now: later(12),
      ...DAY,
    });
    expect(diff.newFindings).toEqual([]);
    expect(diff.recovered.map((r) => r.checkId)).toEqual(['audit.incomplete']);
  });

  it('reports a severity change with the previous severity, keeping the first-seen time', () => {
    // Prepare
    const raised = { ...mediumFinding, severity: 'high' as const };
    // Act
    const diff = diffAgainstState(aReport([criticalFinding, highFinding, raised]), stateAfterFirstRun(), {
      now: later(6),
      ...DAY,
    });
    // Assess
    expect(diff.changed).toEqual([{ finding: raised, previousSeverity: 'medium' }]);
    expect(diff.newFindings).toEqual([]);
    expect(diff.nextState.findings[raised.fingerprint]).toMatchObject({
      severity: 'high',
      firstSeen: NOW.toISOString(),
      lastAlerted: later(6).toISOString(),
    });
  });

  it('reminds of a finding still open once the cadence has passed, and restarts the cadence', () => {
    // Act
    const diff = diffAgainstState(
      aReport([criticalFinding, highFinding, mediumFinding]),
      stateAfterFirstRun(),
      {
        now: later(24),
        ...DAY,
      },
    );
    // Assess
    expect(diff.reminders).toEqual([criticalFinding, highFinding, mediumFinding]);
    expect(diff.nextState.findings[criticalFinding.fingerprint]).toMatchObject({
      firstSeen: NOW.toISOString(),
      lastAlerted: later(24).toISOString(),
    });
  });

  it('does not remind one hour before the cadence', () => {
    const diff = diffAgainstState(
      aReport([criticalFinding]),
      stateAfterFirstRun(aReport([criticalFinding])),
      {
        now: later(23),
        ...DAY,
      },
    );
    expect(diff.reminders).toEqual([]);
  });

  it('never reminds when the cadence is Infinity', () => {
    const diff = diffAgainstState(
      aReport([criticalFinding]),
      stateAfterFirstRun(aReport([criticalFinding])),
      {
        now: later(24 * 365),
        remindAfterHours: Number.POSITIVE_INFINITY,
      },
    );
    expect(diff.reminders).toEqual([]);
  });

  it('does not call a finding recovered when an exception now suppresses it, and forgets it', () => {
    // Prepare
    const suppressed = { ...highFinding, exception: { reason: '移行期間中のため', expires: '2026-12-31' } };
    // Act
    const diff = diffAgainstState(
      aReport([criticalFinding, mediumFinding], { suppressed: [suppressed] }),
      stateAfterFirstRun(),
      { now: later(6), ...DAY },
    );
    // Assess
    expect(diff.recovered).toEqual([]);
    expect(diff.nextState.findings[highFinding.fingerprint]).toBeUndefined();
  });

  it('recovers only findings of the checks a restricted run evaluated', () => {
    const diff = diffAgainstState(aReport([]), stateAfterFirstRun(), {
      now: later(6),
      ...DAY,
      checksRun: ['elb.internet-facing'],
    });
    expect(diff.recovered.map((r) => r.checkId)).toEqual(['elb.internet-facing']);
    expect(Object.keys(diff.nextState.findings).sort()).toEqual(
      [highFinding.fingerprint, mediumFinding.fingerprint].sort(),
    );
  });

  describe('an unused exception (audit.exception-unused) recovers when its entry is removed', () => {
    const GROUP = 'sg-0a1b2c3d4e5f6a1b0';
    const exception = { check: 'sg.world-ingress', resource: GROUP, reason: '公開 ALB' };
    // The approved group no longer opens anything to the world: the exception accepts nothing.
    const fixed = (errors: Inventory['errors'] = []): Inventory => ({
      ...anInventory({ ec2: { vpcs: [aVpc()], securityGroups: [aSecurityGroup({ id: GROUP, rules: [] })] } }),
      errors,
    });
    const auditWith = (inventory: Inventory, exceptions: IntentInput['exceptions']) =>
      evaluate({ inventory, intent: anIntent({ exceptions }), checks: CHECKS, now: later(1) });
    const alerted = () => {
      const first = diffAgainstState(auditWith(fixed(), [exception]), undefined, { now: NOW, ...DAY });
      expect(first.newFindings.map((f) => f.checkId)).toEqual(['audit.exception-unused']);
      return first.nextState;
    };

    it('recovers in a complete run once the entry is removed from the intent', () => {
      const diff = diffAgainstState(auditWith(fixed(), []), alerted(), { now: later(1), ...DAY });
      expect(diff.recovered.map((r) => [r.checkId, r.resourceId])).toEqual([
        ['audit.exception-unused', GROUP],
      ]);
      expect(diff.nextState.findings).toEqual({});
    });

    it('is kept, not recovered, by a run that could not look (its check blind there)', () => {
      const blind = fixed([
        {
          service: 'ec2',
          operation: 'DescribeSecurityGroups',
          region: REGION,
          code: 'UnauthorizedOperation',
          message: 'You are not authorized to perform this operation.',
          slices: ['ec2.securityGroups'],
        },
      ]);
      const report = auditWith(blind, [exception]);
      expect(report.findings.some((f) => f.checkId === 'audit.exception-unused')).toBe(false);
      const diff = diffAgainstState(report, alerted(), { now: later(1), ...DAY });
      expect(diff.recovered.filter((r) => r.checkId === 'audit.exception-unused')).toEqual([]);
      expect(Object.values(diff.nextState.findings).map((e) => e.checkId)).toContain(
        'audit.exception-unused',
      );
    });

    it("is kept by a complete run that could not judge it: a '*' entry while a region the intent lists was not audited", () => {
      const everyDefaultVpc = { check: 'vpc.default-vpc', resource: '*', reason: '削除予定' };
      const intentRegions = { regions: [REGION, 'us-east-1'] };
      const audited = (regions: readonly string[]) =>
        evaluate({
          inventory: { ...anInventory(), regions: [...regions] },
          intent: anIntent({ exceptions: [everyDefaultVpc], ...intentRegions }),
          checks: CHECKS,
          now: later(1),
        });
      const first = diffAgainstState(audited([REGION, 'us-east-1']), undefined, { now: NOW, ...DAY });
      expect(first.newFindings.map((f) => [f.checkId, f.resource.id])).toEqual([
        ['audit.exception-unused', '*'],
      ]);
      // A later run over one region only (--region): complete, but the entry was not judged.
      const narrower = audited([REGION]);
      expect(narrower.complete).toBe(true);
      expect(narrower.exceptionUse?.map((u) => u.status)).toEqual(['unseen']);
      const diff = diffAgainstState(narrower, first.nextState, { now: later(1), ...DAY });
      expect(diff.recovered).toEqual([]);
      expect(Object.values(diff.nextState.findings).map((e) => e.resourceId)).toEqual(['*']);
    });

    it('is kept by a run restricted to some checks, which did not judge every exception', () => {
      const diff = diffAgainstState(auditWith(fixed(), []), alerted(), {
        now: later(1),
        ...DAY,
        checksRun: ['sg.world-ingress'],
      });
      expect(diff.recovered).toEqual([]);
    });
  });

  it('alerts two findings with one fingerprint once', () => {
    const diff = diffAgainstState(aReport([highFinding, { ...highFinding }]), undefined, {
      now: NOW,
      ...DAY,
    });
    expect(diff.newFindings).toHaveLength(1);
  });
});

describe('stateBeforeAlerts and advanceState', () => {
  // One run with every kind of entry: the critical one is due for a reminder, the medium one became
  // high, the high one is fixed (recovery), the low one is new.
  const previous = stateAfterFirstRun();
  const raised = { ...mediumFinding, severity: 'high' as const };
  const diff = diffAgainstState(aReport([criticalFinding, raised, lowFinding]), previous, {
    now: later(24),
    ...DAY,
  });

  it('keeps every entry an alert is about as it was before the run', () => {
    // Act
    const before = stateBeforeAlerts(diff, previous);
    // Assess
    expect(diff.reminders).toEqual([criticalFinding]);
    expect(diff.changed.map((c) => c.finding)).toEqual([raised]);
    expect(diff.recovered.map((r) => r.fingerprint)).toEqual([highFinding.fingerprint]);
    expect(diff.newFindings).toEqual([lowFinding]);
    expect(before.findings).toEqual(previous.findings);
  });

  it('advances only the named fingerprints, and reaches the next state once all are applied', () => {
    // Act
    const afterRecovery = advanceState(stateBeforeAlerts(diff, previous), diff, [highFinding.fingerprint]);
    const afterAll = advanceState(afterRecovery, diff, [
      criticalFinding.fingerprint,
      raised.fingerprint,
      lowFinding.fingerprint,
    ]);
    // Assess
    expect(afterRecovery.findings[highFinding.fingerprint]).toBeUndefined();
    expect(afterRecovery.findings[raised.fingerprint]?.severity).toBe('medium');
    expect(afterRecovery.findings[lowFinding.fingerprint]).toBeUndefined();
    expect(afterAll).toEqual(diff.nextState);
  });
});

describe('onlyAnnouncing', () => {
  const previous = stateAfterFirstRun();
  const raised = { ...mediumFinding, severity: 'high' as const };
  const diff = diffAgainstState(aReport([criticalFinding, raised, lowFinding]), previous, {
    now: later(24),
    ...DAY,
  });

  it('keeps the allowed announcements and leaves every other entry as it was', () => {
    // Act: the recovery and the new finding only.
    const narrowed = onlyAnnouncing(
      diff,
      previous,
      new Set([highFinding.fingerprint, lowFinding.fingerprint]),
    );
    // Assess
    expect(announcedIn(narrowed).sort()).toEqual([highFinding.fingerprint, lowFinding.fingerprint].sort());
    expect(narrowed.nextState.findings).toEqual({
      [criticalFinding.fingerprint]: previous.findings[criticalFinding.fingerprint],
      [mediumFinding.fingerprint]: previous.findings[mediumFinding.fingerprint],
      [lowFinding.fingerprint]: diff.nextState.findings[lowFinding.fingerprint],
    });
  });

  it('changes nothing when every announcement is allowed', () => {
    expect(onlyAnnouncing(diff, previous, new Set(announcedIn(diff)))).toEqual(diff);
  });
});

const s3Mock = mockClient(S3Client);
const bucket = 'arch-auditor-state-123456789012';

const getObjectOutput = (body: string) => storedObject(body, '"9b2cf535f27731c974343645a3985328"');

describe('Class: S3StateStore', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  describe('Method: load', () => {
    it('returns no state and no version on the first run, when the key does not exist', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).rejects(noSuchKey());
      const store = new S3StateStore(new S3Client({}), bucket);
      // Act
      const stored = await store.load();
      // Assess
      expect(stored).toEqual({ state: undefined, version: undefined });
      expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, {
        Bucket: bucket,
        Key: 'arch-auditor/state.json',
      });
    });

    it('returns the stored state and its ETag as the version', async () => {
      const stored = stateAfterFirstRun();
      s3Mock.on(GetObjectCommand).resolves(getObjectOutput(JSON.stringify(stored)));
      const store = new S3StateStore(new S3Client({}), bucket, 'prod/state.json');
      await expect(store.load()).resolves.toEqual({
        state: stored,
        version: '"9b2cf535f27731c974343645a3985328"',
      });
      expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: bucket, Key: 'prod/state.json' });
    });

    it('throws StateStoreError carrying the SDK error when access is denied', async () => {
      // Prepare
      const denied = accessDenied();
      s3Mock.on(GetObjectCommand).rejects(denied);
      const store = new S3StateStore(new S3Client({}), bucket);
      // Act
      const error = await store.load().catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(StateStoreError);
      expect(error).toMatchObject({ name: 'StateStoreError', cause: denied, version: undefined });
      expect((error as Error).message).toContain('AccessDenied');
    });

    it('throws StateStoreError naming the version when the stored object is not an alert state', async () => {
      s3Mock.on(GetObjectCommand).resolves(getObjectOutput('{"version":2,"findings":[]}'));
      const store = new S3StateStore(new S3Client({}), bucket);
      const error = await store.load().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateStoreError);
      expect(error).toMatchObject({ version: '"9b2cf535f27731c974343645a3985328"' });
    });
  });

  describe('Method: save', () => {
    const putOutput: PutObjectCommandOutput = {
      $metadata: { httpStatusCode: 200 },
      ETag: '"5d41402abc4b2a76b9719d911017c592"',
    };

    it('replaces the state only if its ETag is still the one read, and returns the new ETag', async () => {
      // Prepare
      s3Mock.on(PutObjectCommand).resolves(putOutput);
      const store = new S3StateStore(new S3Client({}), bucket);
      const state = stateAfterFirstRun();
      // Act
      const version = await store.save(state, '"9b2cf535f27731c974343645a3985328"');
      // Assess
      expect(version).toBe('"5d41402abc4b2a76b9719d911017c592"');
      expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
        Bucket: bucket,
        Key: 'arch-auditor/state.json',
        ContentType: 'application/json',
        Body: JSON.stringify(state),
        IfMatch: '"9b2cf535f27731c974343645a3985328"',
      });
      expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.IfNoneMatch).toBeUndefined();
    });

    it('creates the state only if none exists when nothing was stored', async () => {
      s3Mock.on(PutObjectCommand).resolves(putOutput);
      const store = new S3StateStore(new S3Client({}), bucket);
      await store.save(stateAfterFirstRun(), undefined);
      expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { IfNoneMatch: '*' });
      expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.IfMatch).toBeUndefined();
    });

    it.each([
      ['412 PreconditionFailed', preconditionFailed],
      ['409 ConditionalRequestConflict', conditionalRequestConflict],
      ['404 NoSuchKey (If-Match on a deleted object)', noSuchKey],
    ])('throws StateConflictError when S3 refuses the conditional put with %s', async (_, refusal) => {
      // Prepare
      const answer = refusal();
      s3Mock.on(PutObjectCommand).rejects(answer);
      const store = new S3StateStore(new S3Client({}), bucket);
      // Act
      const error = await store
        .save(stateAfterFirstRun(), '"9b2cf535f27731c974343645a3985328"')
        .catch((e) => e);
      // Assess
      expect(error).toBeInstanceOf(StateConflictError);
      expect(error).toMatchObject({ name: 'StateConflictError', cause: answer });
    });

    it('throws StateStoreError, not a conflict, when the put is denied', async () => {
      s3Mock.on(PutObjectCommand).rejects(accessDenied());
      const store = new S3StateStore(new S3Client({}), bucket);
      const error = await store.save(stateAfterFirstRun(), undefined).catch((e) => e);
      expect(error).toBeInstanceOf(StateStoreError);
      expect(error).not.toBeInstanceOf(StateConflictError);
    });
  });
});

describe('Class: FileStateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns no state and no version when the file does not exist', async () => {
    await expect(new FileStateStore(join(dir, 'state.json')).load()).resolves.toEqual({
      state: undefined,
      version: undefined,
    });
  });

  it('saves into a new directory and loads the same state back, at the version the save returned', async () => {
    // Prepare
    const path = join(dir, '.arch-auditor', 'state.json');
    const store = new FileStateStore(path);
    const state = stateAfterFirstRun();
    // Act
    const version = await store.save(state, undefined);
    // Assess
    await expect(store.load()).resolves.toEqual({ state, version });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(state);
    expect(await readdir(dirname(path))).toEqual(['state.json']);
  });

  it('refuses with StateConflictError, writing nothing, when the file changed since it was read', async () => {
    // Prepare: two runs read the same file; the first one saves.
    const path = join(dir, 'state.json');
    const first = stateAfterFirstRun();
    await new FileStateStore(path).save(first, undefined);
    const { version } = await new FileStateStore(path).load();
    const winner = stateAfterFirstRun(aReport([criticalFinding]));
    await new FileStateStore(path).save(winner, version);
    // Act: the second one saves against what it read.
    const error = await new FileStateStore(path).save(first, version).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(StateConflictError);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(winner);
  });

  it('refuses to create the file when another run created it first', async () => {
    const path = join(dir, 'state.json');
    await new FileStateStore(path).save(stateAfterFirstRun(), undefined);
    await expect(new FileStateStore(path).save(stateAfterFirstRun(), undefined)).rejects.toBeInstanceOf(
      StateConflictError,
    );
  });

  it('lets exactly one of two saves at the same moment from the same version win', async () => {
    // Prepare
    const path = join(dir, 'state.json');
    await new FileStateStore(path).save(stateAfterFirstRun(), undefined);
    const { version } = await new FileStateStore(path).load();
    const states = [aReport([criticalFinding]), aReport([lowFinding])].map((r) => stateAfterFirstRun(r));
    // Act
    const results = await Promise.allSettled(states.map((s) => new FileStateStore(path).save(s, version)));
    // Assess
    const won = results.findIndex((r) => r.status === 'fulfilled');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.status === 'rejected' && lost.reason).toBeInstanceOf(StateConflictError);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(states[won]);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('fails naming the lock file when another process holds it too long', async () => {
    // Prepare: a lock left behind by a process that died while saving.
    const path = join(dir, 'state.json');
    await writeFile(`${path}.lock`, '', 'utf8');
    // Act
    const error = await new FileStateStore(path, { lockWaitMs: 200 })
      .save(stateAfterFirstRun(), undefined)
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as Error).message).toContain(`${path}.lock`);
    await expect(readFile(path, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('throws StateStoreError naming the version for a file that is not JSON', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, '{ half a file', 'utf8');
    const error = await new FileStateStore(path).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as StateStoreError).version).toMatch(/^[0-9a-f]{64}$/);
  });
});
