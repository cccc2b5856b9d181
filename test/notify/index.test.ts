import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  PutObjectCommand,
  type PutObjectCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  PublishCommand,
  type PublishCommandOutput,
  SNSClient,
  SNSServiceException,
} from '@aws-sdk/client-sns';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateConflictError, StateStoreError } from '../../notify/errors.ts';
import { MAX_STATE_CONFLICTS, type SendAlertsInput, sendAlerts } from '../../notify/index.ts';
import {
  type AlertState,
  alertStateSchema,
  diffAgainstState,
  FileStateStore,
  S3StateStore,
  type StateStore,
} from '../../notify/state.ts';
import { PublishError } from '../../support/errors.ts';
import {
  accessDenied,
  conditionalRequestConflict,
  noSuchKey,
  preconditionFailed,
  snsThrottled,
  storedObject,
} from '../fixtures/aws-answers.ts';
import {
  anIncompleteReport,
  aReport,
  criticalFinding,
  highFinding,
  later,
  manyFindings,
  NOW,
  sshWorldFinding,
  TOPIC_ARN,
} from './fixtures.ts';

const snsMock = mockClient(SNSClient);
const s3Mock = mockClient(S3Client);
const bucket = 'arch-auditor-state-123456789012';

const published: PublishCommandOutput = {
  $metadata: { httpStatusCode: 200 },
  MessageId: 'b1946ac9-2be1-5bf4-a1a8-ff7e5b3f6a01',
};
/** PutObject's answer: the new ETag of the state object. */
const savedAt = (etag: string): PutObjectCommandOutput => ({
  $metadata: { httpStatusCode: 200 },
  ETag: etag,
});
const put = savedAt('"etag"');

/** A store that keeps the state in memory, to follow runs across time; versions count the saves. */
class MemoryStore implements StateStore {
  state: AlertState | undefined;
  saves = 0;
  async load() {
    return { state: this.state, version: this.state ? String(this.saves) : undefined };
  }
  async save(state: AlertState, version: string | undefined) {
    if (version !== (this.state ? String(this.saves) : undefined)) {
      throw new StateConflictError('memory state was changed by another run');
    }
    this.state = state;
    this.saves += 1;
    return String(this.saves);
  }
}

const base = { sns: new SNSClient({}), topicArn: TOPIC_ARN, remindAfterHours: 24 };

/** sendAlerts with the alert state in the (mocked) S3 bucket. */
const alertWithS3State = (input: Pick<SendAlertsInput, 'report' | 'now' | 'checksRun' | 'maxMessageBytes'>) =>
  sendAlerts({ ...base, store: new S3StateStore(new S3Client({}), bucket), ...input });

/** The finding ids in the plain text SNS actually accepted (every item ends with "（ID: …）"). */
const publishedIds = (calls = snsMock.commandCalls(PublishCommand)) =>
  calls.flatMap((call) => {
    const body = JSON.parse(call.args[0].input.Message ?? '{}') as { default: string };
    return [...body.default.matchAll(/（ID: ([0-9a-f]+)）/g)].map((m) => m[1]);
  });

/** 40 findings that render as 3 parts at this message size. */
const threeParts = { report: aReport(manyFindings(40)), maxMessageBytes: 80_000 };

describe('Function: sendAlerts', () => {
  beforeEach(() => {
    snsMock.reset();
    s3Mock.reset();
  });

  it('alerts everything on the first run (no state object yet) and then saves the state', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(noSuchKey());
    s3Mock.on(PutObjectCommand).resolves(put);
    snsMock.on(PublishCommand).resolves(published);
    // Act
    const result = await alertWithS3State({ report: aReport([criticalFinding, highFinding]), now: NOW });
    // Assess
    expect(result.stateUnavailable).toBe(false);
    expect(result.diff.newFindings).toHaveLength(2);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    const saved = JSON.parse(
      String(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.Body),
    ) as AlertState;
    expect(Object.keys(saved.findings).sort()).toEqual(
      [criticalFinding.fingerprint, highFinding.fingerprint].sort(),
    );
  });

  it('rejects with PublishError and leaves the state as it was when Publish fails', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(noSuchKey());
    snsMock.on(PublishCommand).rejects(
      new SNSServiceException({
        name: 'AuthorizationError',
        $fault: 'client',
        message: 'not authorized',
        $metadata: {},
      }),
    );
    // Act
    const run = alertWithS3State({ report: aReport([criticalFinding]), now: NOW });
    // Assess
    await expect(run).rejects.toBeInstanceOf(PublishError);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('alerts every open finding, saying why, when the state cannot be read', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(accessDenied());
    s3Mock.on(PutObjectCommand).resolves(put);
    snsMock.on(PublishCommand).resolves(published);
    // Act
    const result = await alertWithS3State({ report: aReport([criticalFinding]), now: NOW });
    // Assess
    expect(result.stateUnavailable).toBe(true);
    expect(result.messages[0]?.text).toContain('前回の通知状態を読み込めませんでした');
    expect(result.messages[0]?.text).toContain('AccessDenied');
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('rejects with StateStoreError after sending when the state cannot be saved', async () => {
    s3Mock.on(GetObjectCommand).rejects(noSuchKey());
    s3Mock.on(PutObjectCommand).rejects(accessDenied());
    snsMock.on(PublishCommand).resolves(published);
    const run = alertWithS3State({ report: aReport([criticalFinding]), now: NOW });
    await expect(run).rejects.toBeInstanceOf(StateStoreError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('on a retry after part 2 of 3 failed, sends exactly the findings of parts 2 and 3, none twice', async () => {
    // Prepare
    const store = new MemoryStore();
    snsMock.on(PublishCommand).resolvesOnce(published).rejectsOnce(snsThrottled()).resolves(published);
    // Act
    const first = sendAlerts({ ...base, ...threeParts, store, now: NOW });
    // Assess
    await expect(first).rejects.toBeInstanceOf(PublishError);
    const [sent, failed] = snsMock.commandCalls(PublishCommand);
    const delivered = publishedIds(sent ? [sent] : []);
    const notDelivered = threeParts.report.findings
      .map((f) => f.fingerprint)
      .filter((fp) => !delivered.includes(fp));
    expect(failed).toBeDefined();
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(store.saves).toBe(1);
    expect(Object.keys(store.state?.findings ?? {}).sort()).toEqual([...delivered].sort());

    // Act: the retry (Lambda's own retry, minutes later). reset, not resetHistory: the once-chain
    // counts calls from the last reset.
    snsMock.reset();
    snsMock.on(PublishCommand).resolves(published);
    const retry = await sendAlerts({ ...base, ...threeParts, store, now: later(0.1) });
    // Assess
    const resent = publishedIds();
    expect(resent.sort()).toEqual([...notDelivered].sort());
    expect(new Set(resent).size).toBe(resent.length);
    expect(retry.messages.every((m) => m.kind === 'findings')).toBe(true);
    expect(retry.messages[0]?.chatbot.content.title).toContain(`新しい検出 ${notDelivered.length} 件`);
    expect(store.state).toEqual(retry.diff.nextState);
  });

  it('on a retry after the recovery message failed, sends only the recovery', async () => {
    // Prepare: the subnet was alerted; now it is fixed and a new finding appears in the same run.
    const store = new MemoryStore();
    snsMock.on(PublishCommand).resolves(published);
    await sendAlerts({ ...base, report: aReport([highFinding]), store, now: NOW });
    snsMock.reset();
    snsMock.on(PublishCommand).resolvesOnce(published).rejectsOnce(snsThrottled()).resolves(published);
    // Act
    const failing = sendAlerts({ ...base, report: aReport([criticalFinding]), store, now: later(1) });
    await expect(failing).rejects.toBeInstanceOf(PublishError);
    snsMock.reset();
    snsMock.on(PublishCommand).resolves(published);
    const retry = await sendAlerts({ ...base, report: aReport([criticalFinding]), store, now: later(1.1) });
    // Assess
    expect(retry.messages.map((m) => m.kind)).toEqual(['recovery']);
    expect(publishedIds()).toEqual([highFinding.fingerprint]);
    expect(Object.keys(store.state?.findings ?? {})).toEqual([criticalFinding.fingerprint]);
  });

  it('stops after the first message whose state cannot be saved, so at most that one repeats', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(noSuchKey());
    s3Mock.on(PutObjectCommand).rejects(accessDenied());
    snsMock.on(PublishCommand).resolves(published);
    // Act
    const run = alertWithS3State({ ...threeParts, now: NOW });
    // Assess
    await expect(run).rejects.toBeInstanceOf(StateStoreError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('saves after each message, ending with the full next state', async () => {
    // Prepare
    const store = new MemoryStore();
    snsMock.on(PublishCommand).resolves(published);
    // Act
    const result = await sendAlerts({ ...base, ...threeParts, store, now: NOW });
    // Assess
    expect(result.messages).toHaveLength(3);
    expect(store.saves).toBe(3);
    expect(store.state).toEqual(result.diff.nextState);
    expect(publishedIds()).toHaveLength(40);
  });

  it('sends nothing for the same findings an hour later, a recovery once fixed, none while incomplete', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves(published);
    const store = new MemoryStore();
    await sendAlerts({ ...base, report: aReport([criticalFinding, highFinding]), store, now: NOW });
    snsMock.resetHistory();

    // Act + Assess: the same findings again.
    const same = await sendAlerts({
      ...base,
      report: aReport([criticalFinding, highFinding]),
      store,
      now: later(1),
    });
    expect(same.messages).toEqual([]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);

    // The subnet finding vanishes from an incomplete audit: no recovery, only the incomplete alert.
    const incomplete = await sendAlerts({
      ...base,
      report: anIncompleteReport([criticalFinding]),
      store,
      now: later(2),
    });
    expect(incomplete.messages.map((m) => m.kind)).toEqual(['findings']);
    expect(incomplete.diff.recovered).toEqual([]);

    // A complete audit without it: the subnet and the incomplete audit both recover.
    const fixed = await sendAlerts({ ...base, report: aReport([criticalFinding]), store, now: later(3) });
    expect(fixed.messages.map((m) => m.kind)).toEqual(['recovery']);
    expect(fixed.diff.recovered.map((r) => r.checkId).sort()).toEqual([
      'audit.incomplete',
      'vpc.public-subnet',
    ]);

    // Still open after the cadence: a reminder digest.
    const reminder = await sendAlerts({ ...base, report: aReport([criticalFinding]), store, now: later(24) });
    expect(reminder.messages.map((m) => m.kind)).toEqual(['reminders']);
    expect(store.saves).toBe(5);
  });
});

/** The state after a run that alerted `findings` at `now`. */
const stateWith = (findings: Parameters<typeof aReport>[0], now = NOW): AlertState =>
  diffAgainstState(aReport(findings), undefined, { now, remindAfterHours: 24 }).nextState;

/** GetObject's answer for a stored state, with the ETag a conditional put must match. */
const stateObject = (state: AlertState, etag: string) => storedObject(JSON.stringify(state), etag);

const savedBodies = () =>
  s3Mock
    .commandCalls(PutObjectCommand)
    .map((call) => alertStateSchema.parse(JSON.parse(String(call.args[0].input.Body))));

describe('Function: sendAlerts, when another run writes the state first', () => {
  const V1 = '"9b2cf535f27731c974343645a3985328"';
  const V2 = '"5d41402abc4b2a76b9719d911017c592"';
  const V3 = '"7d793037a0760186574b0282f2f435e7"';

  beforeEach(() => {
    snsMock.reset();
    s3Mock.reset();
    snsMock.on(PublishCommand).resolves(published);
  });

  it('re-reads after 412 PreconditionFailed and does not repeat the recovery the other run announced', async () => {
    // Prepare: the subnet was alerted (V1). This run sees it fixed and SSH opened; it publishes the new
    // finding, and meanwhile another run announced the recovery and saved (V2).
    s3Mock
      .on(GetObjectCommand)
      .resolvesOnce(stateObject(stateWith([highFinding]), V1))
      .resolves(stateObject(stateWith([], later(1)), V2));
    s3Mock.on(PutObjectCommand).rejectsOnce(preconditionFailed()).resolves(savedAt(V3));
    // Act
    const result = await alertWithS3State({ report: aReport([sshWorldFinding]), now: later(1) });
    // Assess: only the new finding went out; the state keeps it on top of the other run's state.
    expect(result.diff.recovered.map((r) => r.fingerprint)).toEqual([highFinding.fingerprint]);
    expect(result.messages.map((m) => m.kind)).toEqual(['findings']);
    expect(publishedIds()).toEqual([sshWorldFinding.fingerprint]);
    expect(result.stateConflicts).toBe(1);
    expect(s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.IfMatch)).toEqual([V1, V2]);
    expect(Object.keys(savedBodies()[1]?.findings ?? {})).toEqual([sshWorldFinding.fingerprint]);
  });

  it('keeps what the other run saved when this run had nothing to send (the lost-recovery race)', async () => {
    // Prepare: nothing stored when this on-demand run (restricted to one check) read; the scheduled run
    // then alerted SSH and created the state, so this run's create is refused.
    s3Mock
      .on(GetObjectCommand)
      .rejectsOnce(noSuchKey())
      .resolves(stateObject(stateWith([sshWorldFinding]), V2));
    s3Mock.on(PutObjectCommand).rejectsOnce(preconditionFailed()).resolves(savedAt(V3));
    // Act
    const result = await alertWithS3State({
      report: aReport([]),
      checksRun: ['elb.internet-facing'],
      now: NOW,
    });
    // Assess
    expect(result.messages).toEqual([]);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toMatchObject([
      { IfNoneMatch: '*' },
      { IfMatch: V2 },
    ]);
    expect(Object.keys(savedBodies()[1]?.findings ?? {})).toEqual([sshWorldFinding.fingerprint]);
  });

  it('retries after 409 ConditionalRequestConflict', async () => {
    // A new body each time: a stream is read once.
    s3Mock.on(GetObjectCommand).callsFake(() => stateObject(stateWith([highFinding]), V1));
    s3Mock.on(PutObjectCommand).rejectsOnce(conditionalRequestConflict()).resolves(savedAt(V2));
    const result = await alertWithS3State({ report: aReport([highFinding, criticalFinding]), now: later(1) });
    expect(result.stateConflicts).toBe(1);
    expect(publishedIds()).toEqual([criticalFinding.fingerprint]);
    expect(Object.keys(savedBodies()[1]?.findings ?? {}).sort()).toEqual(
      [criticalFinding.fingerprint, highFinding.fingerprint].sort(),
    );
  });

  it(`fails loudly after ${MAX_STATE_CONFLICTS} lost races, without publishing again while it retries`, async () => {
    // A new body each time: a stream is read once.
    s3Mock.on(GetObjectCommand).callsFake(() => stateObject(stateWith([highFinding]), V1));
    s3Mock.on(PutObjectCommand).rejects(preconditionFailed());
    const run = alertWithS3State({ report: aReport([highFinding, criticalFinding]), now: later(1) });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreError);
    expect(error).not.toBeInstanceOf(StateConflictError);
    expect((error as Error).message).toContain(`another run wrote it first ${MAX_STATE_CONFLICTS} times`);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, MAX_STATE_CONFLICTS);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('fails loudly when the state cannot be read again after a lost race', async () => {
    s3Mock
      .on(GetObjectCommand)
      .resolvesOnce(stateObject(stateWith([highFinding]), V1))
      .rejects(accessDenied());
    s3Mock.on(PutObjectCommand).rejects(preconditionFailed());
    const run = alertWithS3State({ report: aReport([highFinding, criticalFinding]), now: later(1) });
    await expect(run).rejects.toThrow(/cannot read alert state .*AccessDenied/);
  });

  it('when the state could not be read at first, creates it only if absent and otherwise merges into it', async () => {
    // Prepare: the first read fails; the object exists, so the create is refused and the run reads again.
    s3Mock
      .on(GetObjectCommand)
      .rejectsOnce(accessDenied())
      .resolves(stateObject(stateWith([criticalFinding]), V2));
    s3Mock.on(PutObjectCommand).rejectsOnce(preconditionFailed()).resolves(savedAt(V3));
    // Act
    const result = await alertWithS3State({ report: aReport([criticalFinding, highFinding]), now: later(1) });
    // Assess: everything open was re-sent once, saying why; the state now holds both.
    expect(result.stateUnavailable).toBe(true);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]?.text).toContain('前回の通知状態を読み込めませんでした');
    expect(s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toMatchObject([
      { IfNoneMatch: '*' },
      { IfMatch: V2 },
    ]);
    expect(Object.keys(savedBodies()[1]?.findings ?? {}).sort()).toEqual(
      [criticalFinding.fingerprint, highFinding.fingerprint].sort(),
    );
  });

  it('replaces a stored state that is not valid, at the version read', async () => {
    s3Mock.on(GetObjectCommand).resolves({
      ...stateObject(stateWith([]), V1),
      Body: sdkStreamMixin(Readable.from([Buffer.from('{ half')])),
    });
    s3Mock.on(PutObjectCommand).resolves(savedAt(V2));
    const result = await alertWithS3State({ report: aReport([criticalFinding]), now: NOW });
    expect(result.stateUnavailable).toBe(true);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { IfMatch: V1 });
  });
});

describe('Function: sendAlerts, two CLI runs at once on one state file', () => {
  let dir: string;
  beforeEach(async () => {
    snsMock.reset();
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-race-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('announces the recovery once when the other run announced it while this one was publishing', async () => {
    // Prepare: the subnet was alerted. Run B sees it fixed and SSH opened; while B's first message is
    // being published, run A (which also sees it fixed) announces the recovery and saves.
    const path = join(dir, 'state.json');
    snsMock.on(PublishCommand).resolves(published);
    await sendAlerts({ ...base, report: aReport([highFinding]), store: new FileStateStore(path), now: NOW });
    snsMock.reset();
    let atPublish!: () => void;
    const bPublishing = new Promise<void>((resolve) => {
      atPublish = resolve;
    });
    let release!: () => void;
    const aSaved = new Promise<void>((resolve) => {
      release = resolve;
    });
    snsMock.on(PublishCommand).callsFake(async (input: { Message: string }) => {
      if (input.Message.includes(sshWorldFinding.fingerprint)) {
        atPublish();
        await aSaved;
      }
      return published;
    });
    // Act
    const b = sendAlerts({
      ...base,
      report: aReport([sshWorldFinding]),
      store: new FileStateStore(path),
      now: later(1),
    });
    await bPublishing;
    const a = await sendAlerts({
      ...base,
      report: aReport([]),
      store: new FileStateStore(path),
      now: later(1),
    });
    release();
    const second = await b;
    // Assess
    expect(a.messages.map((m) => m.kind)).toEqual(['recovery']);
    expect(second.messages.map((m) => m.kind)).toEqual(['findings']);
    expect(second.stateConflicts).toBe(1);
    expect(publishedIds().sort()).toEqual([highFinding.fingerprint, sshWorldFinding.fingerprint].sort());
    const stored = alertStateSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    expect(Object.keys(stored.findings)).toEqual([sshWorldFinding.fingerprint]);
  });
});
