import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandOutput,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  PublishCommand,
  type PublishCommandOutput,
  SNSClient,
  SNSServiceException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../errors.ts';
import { StateStoreError } from '../../notify/errors.ts';
import { sendAlerts } from '../../notify/index.ts';
import { type AlertState, S3StateStore, type StateStore } from '../../notify/state.ts';
import {
  anIncompleteReport,
  aReport,
  criticalFinding,
  highFinding,
  later,
  manyFindings,
  NOW,
  TOPIC_ARN,
} from './fixtures.ts';

const snsMock = mockClient(SNSClient);
const s3Mock = mockClient(S3Client);
const bucket = 'arch-auditor-state-123456789012';

const published: PublishCommandOutput = {
  $metadata: { httpStatusCode: 200 },
  MessageId: 'b1946ac9-2be1-5bf4-a1a8-ff7e5b3f6a01',
};
const put: PutObjectCommandOutput = { $metadata: { httpStatusCode: 200 }, ETag: '"etag"' };
const noSuchKey = () =>
  new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
const denied = () =>
  new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'Access Denied',
    $metadata: { httpStatusCode: 403 },
  });

/** A store that keeps the state in memory, to follow runs across time. */
class MemoryStore implements StateStore {
  state: AlertState | undefined;
  saves = 0;
  async load() {
    return this.state;
  }
  async save(state: AlertState) {
    this.state = state;
    this.saves += 1;
  }
}

const base = { sns: new SNSClient({}), topicArn: TOPIC_ARN, remindAfterHours: 24 };

const throttled = () =>
  new SNSServiceException({
    name: 'Throttling',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

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
    const result = await sendAlerts({
      ...base,
      report: aReport([criticalFinding, highFinding]),
      store: new S3StateStore(new S3Client({}), bucket),
      now: NOW,
    });
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
    const run = sendAlerts({
      ...base,
      report: aReport([criticalFinding]),
      store: new S3StateStore(new S3Client({}), bucket),
      now: NOW,
    });
    // Assess
    await expect(run).rejects.toBeInstanceOf(PublishError);
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('alerts every open finding, saying why, when the state cannot be read', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(denied());
    s3Mock.on(PutObjectCommand).resolves(put);
    snsMock.on(PublishCommand).resolves(published);
    // Act
    const result = await sendAlerts({
      ...base,
      report: aReport([criticalFinding]),
      store: new S3StateStore(new S3Client({}), bucket),
      now: NOW,
    });
    // Assess
    expect(result.stateUnavailable).toBe(true);
    expect(result.messages[0]?.text).toContain('前回の通知状態を読み込めませんでした');
    expect(result.messages[0]?.text).toContain('AccessDenied');
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('rejects with StateStoreError after sending when the state cannot be saved', async () => {
    s3Mock.on(GetObjectCommand).rejects(noSuchKey());
    s3Mock.on(PutObjectCommand).rejects(denied());
    snsMock.on(PublishCommand).resolves(published);
    const run = sendAlerts({
      ...base,
      report: aReport([criticalFinding]),
      store: new S3StateStore(new S3Client({}), bucket),
      now: NOW,
    });
    await expect(run).rejects.toBeInstanceOf(StateStoreError);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('on a retry after part 2 of 3 failed, sends exactly the findings of parts 2 and 3, none twice', async () => {
    // Prepare
    const store = new MemoryStore();
    snsMock.on(PublishCommand).resolvesOnce(published).rejectsOnce(throttled()).resolves(published);
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
    snsMock.on(PublishCommand).resolvesOnce(published).rejectsOnce(throttled()).resolves(published);
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
    s3Mock.on(PutObjectCommand).rejects(denied());
    snsMock.on(PublishCommand).resolves(published);
    // Act
    const run = sendAlerts({
      ...base,
      ...threeParts,
      store: new S3StateStore(new S3Client({}), bucket),
      now: NOW,
    });
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
