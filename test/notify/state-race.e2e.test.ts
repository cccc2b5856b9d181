import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';
import { type SendAlertsResult, StateConflictError, sendAlerts } from '../../notify/index.ts';
import { alertStateSchema, S3StateStore } from '../../notify/state.ts';
import { type AlertInbox, createBucket, topicWithInbox } from '../e2e/alert-inbox.ts';
import { type Moto, startMotoForSdk } from '../e2e/moto.ts';
import { ACCOUNT, aReport, highFinding, later, NOW, REGION, sshWorldFinding } from './fixtures.ts';

/** Any SDK v3 client: the middleware hooks below only need its stack. */
interface WithStack {
  readonly middlewareStack: S3Client['middlewareStack'] | SNSClient['middlewareStack'];
}

/**
 * Resolves once a `commandName` call of `client` has been answered (or refused: a missing state object
 * is a NoSuchKey error). A middleware on the real client: the call itself still goes to moto.
 */
const whenDone = (client: WithStack, commandName: string): Promise<void> =>
  new Promise((resolve) => {
    (client.middlewareStack as S3Client['middlewareStack']).add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } finally {
          if (context.commandName === commandName) resolve();
        }
      },
      { step: 'initialize' },
    );
  });

/** Holds each `commandName` call of `client` until `gate` resolves: how two runs are made to overlap. */
const holdUntil = (client: WithStack, commandName: string, gate: Promise<void>): void => {
  (client.middlewareStack as S3Client['middlewareStack']).add(
    (next, context) => async (args) => {
      if (context.commandName === commandName) await gate;
      return next(args);
    },
    { step: 'initialize' },
  );
};

/**
 * Two runs at once against one alert state object in moto's S3 (which honours If-Match and
 * If-None-Match on PutObject, answering 412 PreconditionFailed like S3): the scheduled run and an
 * on-demand run, each with its own real SDK clients. SDK middleware holds one run's call until the
 * other has reached a given point, so the overlap is the same every time.
 */
describe('two overlapping runs share one alert state (moto)', () => {
  let moto: Moto;
  let s3: S3Client;
  let inbox: AlertInbox;
  const bucket = `arch-auditor-state-${ACCOUNT}`;

  beforeAll(async () => {
    moto = await startMotoForSdk();
    s3 = new S3Client({ region: REGION, forcePathStyle: true });
    inbox = await topicWithInbox('arch-auditor-alerts');
    await createBucket(s3, bucket);
  });

  afterAll(async () => {
    await moto?.stop();
  });

  /** The first line (title) of every message waiting in the queue, which is emptied. */
  const drainTitles = async (): Promise<string[]> =>
    (await inbox.drain()).map((envelope) => envelope.Message.split('\n')[0] ?? '').sort();

  /** One run with clients of its own, so the test can hold its calls. */
  const aRun = (key: string) => {
    const clients = {
      s3: new S3Client({ region: REGION, forcePathStyle: true }),
      sns: new SNSClient({ region: REGION }),
    };
    const send = (report: Report, now: Date, checksRun?: readonly string[]): Promise<SendAlertsResult> =>
      sendAlerts({
        report,
        store: new S3StateStore(clients.s3, bucket, key),
        sns: clients.sns,
        topicArn: inbox.topicArn,
        now,
        remindAfterHours: 24,
        ...(checksRun ? { checksRun } : {}),
      });
    return { ...clients, send };
  };

  const storedFingerprints = async (key: string): Promise<string[]> => {
    const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const state = alertStateSchema.parse(JSON.parse((await output.Body?.transformToString()) ?? ''));
    return Object.keys(state.findings).sort();
  };

  it('refuses a stale save the way S3 does: 412 PreconditionFailed, for If-Match and If-None-Match', async () => {
    // Prepare: two stores read the same object; one of them replaces it.
    const key = 'cas/state.json';
    const state = alertStateSchema.parse({ version: 1, updatedAt: NOW.toISOString(), findings: {} });
    const created = await new S3StateStore(s3, bucket, key).save(state, undefined);
    const read = await new S3StateStore(s3, bucket, key).load();
    const newer = { ...state, updatedAt: later(1).toISOString() };
    const replaced = await new S3StateStore(s3, bucket, key).save(newer, read.version);
    // Act
    const stale = await new S3StateStore(s3, bucket, key).save(state, read.version).catch((e: unknown) => e);
    const recreate = await new S3StateStore(s3, bucket, key).save(state, undefined).catch((e: unknown) => e);
    // Assess
    expect(read.version).toBe(created);
    expect(replaced).toMatch(/^"[0-9a-f]{32}"$/);
    expect(replaced).not.toBe(created);
    for (const error of [stale, recreate]) {
      expect(error).toBeInstanceOf(StateConflictError);
      expect((error as Error).cause).toMatchObject({
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      });
    }
  });

  const NEW_SSH = '🔴 [arch-auditor] 新しい検出 1 件（緊急 1）— 123456789012 ap-northeast-1';
  const RECOVERED_SUBNET = '✅ [arch-auditor] 復旧 1 件（高 1）— 123456789012 ap-northeast-1';
  const RECOVERED_SSH = '✅ [arch-auditor] 復旧 1 件（緊急 1）— 123456789012 ap-northeast-1';

  it('keeps what the scheduled run announced when an on-demand run read the state before it and saves after it', async () => {
    // Prepare: nothing stored yet. The scheduled run finds SSH open to the world; an on-demand run
    // restricted to the load balancer check finds nothing and has nothing to announce. The on-demand
    // run reads the state first and saves last.
    const key = 'race-1/state.json';
    const scheduled = aRun(key);
    const onDemand = aRun(key);
    holdUntil(scheduled.sns, 'PublishCommand', whenDone(onDemand.s3, 'GetObjectCommand'));
    holdUntil(onDemand.s3, 'PutObjectCommand', whenDone(scheduled.s3, 'PutObjectCommand'));
    // Act
    const [first, second] = await Promise.all([
      scheduled.send(aReport([sshWorldFinding]), NOW),
      onDemand.send(aReport([]), NOW, ['elb.internet-facing']),
    ]);
    // Assess: moto refused the on-demand run's create (If-None-Match: *), so it read the state again.
    expect([first.stateConflicts, second.stateConflicts]).toEqual([0, 1]);
    // SSH was announced once and is in the state, so it is neither announced again while open nor left
    // without a recovery once fixed.
    expect(await drainTitles()).toEqual([NEW_SSH]);
    expect(await storedFingerprints(key)).toEqual([sshWorldFinding.fingerprint]);
    const stillOpen = await aRun(key).send(aReport([sshWorldFinding]), later(1));
    expect(stillOpen.messages).toEqual([]);
    const fixed = await aRun(key).send(aReport([]), later(2));
    expect(fixed.messages.map((m) => m.kind)).toEqual(['recovery']);
    expect(await drainTitles()).toEqual([RECOVERED_SSH]);
  });

  it('announces a recovery once when both runs see it and one of them also has a new finding', async () => {
    // Prepare: the public subnet was announced. Both runs see it fixed; the on-demand run also sees SSH
    // opened. It publishes the new finding, then the scheduled run publishes the recovery and saves
    // before the on-demand run saves.
    const key = 'race-2/state.json';
    await aRun(key).send(aReport([highFinding]), NOW);
    await drainTitles();
    const scheduled = aRun(key);
    const onDemand = aRun(key);
    holdUntil(scheduled.sns, 'PublishCommand', whenDone(onDemand.s3, 'GetObjectCommand'));
    holdUntil(onDemand.s3, 'PutObjectCommand', whenDone(scheduled.s3, 'PutObjectCommand'));
    // Act
    const [first, second] = await Promise.all([
      scheduled.send(aReport([]), later(1)),
      onDemand.send(aReport([sshWorldFinding]), later(1)),
    ]);
    // Assess: moto refused the on-demand run's save (If-Match the ETag it read); it read the state
    // again and found the recovery already announced.
    expect([first.stateConflicts, second.stateConflicts]).toEqual([0, 1]);
    expect(await drainTitles()).toEqual([NEW_SSH, RECOVERED_SUBNET].sort());
    expect(second.messages.map((m) => m.kind)).toEqual(['findings']);
    expect(await storedFingerprints(key)).toEqual([sshWorldFinding.fingerprint]);
    const next = await aRun(key).send(aReport([sshWorldFinding]), later(2));
    expect(next.messages).toEqual([]);
  });
});
