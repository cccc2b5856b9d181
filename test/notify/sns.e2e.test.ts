import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';
import { type SendAlertsResult, sendAlerts } from '../../notify/index.ts';
import { alertStateSchema, S3StateStore } from '../../notify/state.ts';
import { type AlertInbox, createBucket, type SnsEnvelope, topicWithInbox } from '../e2e/alert-inbox.ts';
import { type Moto, startMotoForSdk } from '../e2e/moto.ts';
import {
  ACCOUNT,
  anIncompleteReport,
  aReport,
  criticalFinding,
  highFinding,
  later,
  NOW,
  REGION,
  sshWorldFinding,
} from './fixtures.ts';

/**
 * The alert path end to end through moto's SNS, SQS and S3 over the real SDK wire protocol: sendAlerts
 * publishes to a topic, an SQS queue subscribed to it receives what any non-chat subscriber gets (the
 * `default` plain text), and the alert state lives in an S3 object between runs. The cases run in
 * order against one topic, queue and state object, as consecutive scheduled runs would.
 */
describe('alerts through SNS to an SQS subscriber (moto)', () => {
  let moto: Moto;
  let sns: SNSClient;
  let s3: S3Client;
  let inbox: AlertInbox;
  const bucket = `arch-auditor-state-${ACCOUNT}`;

  beforeAll(async () => {
    moto = await startMotoForSdk();
    sns = new SNSClient({ region: REGION });
    // The endpoint is an IP address: virtual-hosted bucket names cannot resolve there.
    s3 = new S3Client({ region: REGION, forcePathStyle: true });
    inbox = await topicWithInbox('arch-auditor-alerts');
    await createBucket(s3, bucket);
  });

  afterAll(async () => {
    await moto?.stop();
  });

  const run = (report: Report, now: Date): Promise<SendAlertsResult> =>
    sendAlerts({
      report,
      store: new S3StateStore(s3, bucket),
      sns,
      topicArn: inbox.topicArn,
      now,
      remindAfterHours: 24,
    });

  // A drifted account: a public debug ALB, SSH open to the world, a subnet routed to the IGW.
  const drifted = aReport([criticalFinding, highFinding, sshWorldFinding]);

  it('delivers one well-formed Japanese message for a drifted account, and keeps the state in S3', async () => {
    // Act
    const result = await run(drifted, NOW);
    const received = await inbox.drain();
    // Assess
    expect(received).toHaveLength(1);
    const [envelope] = received as [SnsEnvelope];
    expect(envelope).toMatchObject({
      Type: 'Notification',
      TopicArn: inbox.topicArn,
      MessageId: result.messageIds[0],
      Subject: 'arch-auditor: 3 new (critical 2, high 1) | account 123456789012 | ap-northeast-1',
    });
    // MessageStructure json: an SQS subscriber gets the `default` key, the plain Japanese text.
    const text = envelope.Message;
    expect(text).toBe(result.messages[0]?.text);
    expect(text.split('\n')[0]).toBe(
      '🔴 [arch-auditor] 新しい検出 3 件（緊急 2・高 1）— 123456789012 ap-northeast-1',
    );
    for (const expected of [
      'アカウント: 123456789012',
      '🔴 緊急 2 件',
      '🟠 高 1 件',
      '■ [新規] ロードバランサーがインターネットに公開されています（internet-facing）',
      'リソース: prod-alb (app/prod-alb/50dc6c495c0c9188)',
      '期待する状態: internal',
      '現在の状態: internet-facing',
      '影響: CloudFront と WAF を経由せずに',
      '対処: internal スキームのロードバランサーを作り直し',
      'コンソール: https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1#LoadBalancer:',
      'リソース: prod-app-sg (sg-0a1b2c3d4e5f60002)',
      'リソース: prod-web-a (subnet-0a1b2c3d4e5f60001)',
    ]) {
      expect(text).toContain(expected);
    }
    // Most severe first.
    expect(text.indexOf('🔴 緊急 2 件')).toBeLessThan(text.indexOf('🟠 高 1 件'));
    const state = alertStateSchema.parse(
      JSON.parse(
        (await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'arch-auditor/state.json' }))
        ).Body?.transformToString()) ?? '',
      ),
    );
    expect(Object.keys(state.findings).sort()).toEqual(drifted.findings.map((f) => f.fingerprint).sort());
  });

  it('delivers nothing for a second identical run', async () => {
    const result = await run(drifted, later(1));
    expect(result.messages).toEqual([]);
    expect(await inbox.drain()).toEqual([]);
  });

  it('delivers one recovery message once the drift is fixed', async () => {
    // Act: SSH from the world was removed.
    const result = await run(aReport([criticalFinding, highFinding]), later(2));
    const received = await inbox.drain();
    // Assess
    expect(received).toHaveLength(1);
    const text = received[0]?.Message ?? '';
    expect(text.split('\n')[0]).toBe('✅ [arch-auditor] 復旧 1 件（緊急 1）— 123456789012 ap-northeast-1');
    expect(text).toContain('リソース: prod-app-sg (sg-0a1b2c3d4e5f60002)');
    expect(received[0]?.Subject).toBe(
      'arch-auditor: 1 recovered (critical 1) | account 123456789012 | ap-northeast-1',
    );
    expect(result.diff.recovered.map((r) => r.fingerprint)).toEqual([sshWorldFinding.fingerprint]);
  });

  it('delivers no recovery from an incomplete audit, only the warning that it was incomplete', async () => {
    // Act: DescribeRouteTables was denied, so the subnet finding is missing: unknown, not fixed.
    const result = await run(anIncompleteReport([criticalFinding]), later(3));
    const received = await inbox.drain();
    // Assess
    expect(received).toHaveLength(1);
    const text = received[0]?.Message ?? '';
    expect(result.messages.map((m) => m.kind)).toEqual(['findings']);
    expect(text).not.toMatch(/^✅/);
    expect(text).not.toContain('prod-web-a');
    expect(text.split('\n')[0]).toContain('監査不完全');
    expect(text).toContain('⚠️ 監査が不完全です');
    expect(text).toContain('ec2 の DescribeRouteTables');
    expect(result.diff.recovered).toEqual([]);

    // The next complete audit still sees the subnet route: no alert for it, the audit gap recovers.
    const complete = await run(aReport([criticalFinding, highFinding]), later(4));
    const after = await inbox.drain();
    expect(complete.diff.newFindings).toEqual([]);
    expect(after).toHaveLength(1);
    expect(after[0]?.Message.split('\n')[0]).toBe(
      '✅ [arch-auditor] 復旧 1 件（高 1）— 123456789012 ap-northeast-1',
    );
  });
});
