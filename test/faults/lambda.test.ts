import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { sdkStreamMixin } from '@smithy/util-stream';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deadlineMargin } from '../../app/deadline.ts';
import type { Report } from '../../model/report.ts';
import { installAccount, REGION } from './account.ts';

/**
 * The audit Lambda under faults it cannot collect its way out of: the invocation's own timeout, and a
 * state store or topic that fails while publishing.
 */

const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

const contextWith = (remainingMs: number): Context => {
  const end = Date.now() + remainingMs;
  return {
    functionName: 'arch-auditor-prod-audit',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:arch-auditor-prod-audit`,
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    getRemainingTimeInMillis: () => end - Date.now(),
  } as unknown as Context;
};

type Handler = (event: unknown, context: Context) => Promise<Report>;
let handler: Handler;

/** An S3 bucket in memory: what PutObject stored, GetObject returns. */
const stateBucket = () => {
  const objects = new Map<string, string>();
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (body === undefined) {
      return Promise.reject(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    }
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(body, 'utf8')])) };
  });
  const put = (input: { Key: string; Body: string }) => {
    objects.set(input.Key, String(input.Body));
    return {};
  };
  s3.on(PutObjectCommand).callsFake(put);
  return { objects, put };
};

let published: string[] = [];

beforeAll(async () => {
  process.env.ALERT_TOPIC_NAME = 'arch-auditor-prod-alerts';
  process.env.STATE_BUCKET_PREFIX = 'arch-auditor-prod-state';
  process.env.AUDIT_REGIONS = REGION;
  process.env.AWS_REGION = REGION;
  delete process.env.INTENT_LOCATION;
  ({ handler } = (await import('../../functions/audit.ts')) as unknown as { handler: Handler });
});

beforeEach(() => {
  installAccount();
  sns.reset();
  s3.reset();
  published = [];
  sns.on(PublishCommand).callsFake((input: { Message: string }) => {
    published.push(input.Message);
    return { MessageId: `b1e7a1f4-0000-4000-8000-${String(published.length).padStart(12, '0')}` };
  });
});

describe('Lambda deadline', () => {
  it('keeps a quarter of a short remaining time, and at most 60 s, for evaluating and publishing', () => {
    expect(deadlineMargin(300_000)).toBe(60_000);
    expect(deadlineMargin(120_000)).toBe(30_000);
    expect(deadlineMargin(2_000)).toBe(500);
  });

  it('stops collecting at the deadline, reports the calls not finished, and still publishes', async () => {
    // Prepare: route tables never answer (the call honours nothing), everything else does.
    stateBucket();
    installAccount({ DescribeRouteTables: () => new Promise(() => undefined) });
    const started = Date.now();
    // Act: 2 s left, so collection must stop after 1.5 s.
    const report = await handler({ trigger: 'schedule' }, contextWith(2_000));
    // Assess
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report.complete).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({
        service: 'ec2',
        operation: 'DescribeRouteTables',
        region: REGION,
        code: 'DeadlineExceeded',
      }),
    ]);
    // What was collected is evaluated: findings of other services are there.
    expect(report.findings.some((f) => f.checkId.startsWith('cloudfront.'))).toBe(true);
    expect(report.findings.some((f) => f.checkId.startsWith('apigw.'))).toBe(true);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        checkId: 'audit.incomplete',
        message: expect.stringContaining(
          'DescribeRouteTables（ap-northeast-1）が失敗しました: DeadlineExceeded',
        ),
      }),
    );
    // And published, saying the audit is incomplete.
    expect(published.length).toBeGreaterThan(0);
    expect(published.join('\n')).toContain('監査が不完全');
    expect(s3).toHaveReceivedCommand(PutObjectCommand);
  });

  it('names every operation not finished, once per operation, when several hang', async () => {
    stateBucket();
    const hang = () => new Promise<object>(() => undefined);
    installAccount({ GetResources: hang, DescribeListeners: hang, GetVpcOrigin: hang });
    const report = await handler({ trigger: 'schedule' }, contextWith(2_000));
    expect(report.errors.map((e) => `${e.service}:${e.operation}:${e.region}:${e.code}`).sort()).toEqual([
      // An API's calls run one after another: those after the hung one were never made, and say so.
      'apigateway:GetResources:ap-northeast-1:DeadlineExceeded',
      'apigateway:GetStages:ap-northeast-1:DeadlineExceeded',
      'cloudfront:GetVpcOrigin:global:DeadlineExceeded',
      'elbv2:DescribeListeners:ap-northeast-1:DeadlineExceeded',
    ]);
    expect(published.join('\n')).toContain('監査が不完全');
  });
});

describe('publish failures', () => {
  it('a state-store write failure fails the invocation; the retry repeats at most that message, then nothing', async () => {
    // Prepare: the first write of the state fails, as S3 would with a 503.
    const bucket = stateBucket();
    s3.on(PutObjectCommand)
      .rejectsOnce(
        Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: {} }),
      )
      .callsFake(bucket.put);
    // Act 1: the invocation fails after its first message went out.
    await expect(handler({ trigger: 'schedule' }, contextWith(300_000))).rejects.toThrow(
      /cannot write alert state/,
    );
    const firstRun = [...published];
    expect(firstRun).toHaveLength(1);
    expect(bucket.objects.size).toBe(0);
    // Act 2: Lambda's retry. Nothing was recorded, so everything is sent: the one message already out
    // is the only duplicate, and nothing is lost.
    published = [];
    await handler({ trigger: 'schedule' }, contextWith(300_000));
    const retry = [...published];
    expect(retry.length).toBeGreaterThanOrEqual(1);
    expect(retry[0]).toBe(firstRun[0]);
    // The alert state, and the inventory change-triggered audits start from.
    expect([...bucket.objects.keys()].sort()).toEqual([
      'arch-auditor/inventory.json',
      'arch-auditor/state.json',
    ]);
    // Act 3: the next scheduled run has nothing new to say.
    published = [];
    await handler({ trigger: 'schedule' }, contextWith(300_000));
    expect(published).toEqual([]);
  });

  it('an SNS failure fails the invocation before any state is written; the retry sends everything once', async () => {
    const bucket = stateBucket();
    sns.reset();
    sns
      .on(PublishCommand)
      .rejectsOnce(
        Object.assign(new Error('Internal Error'), { name: 'InternalErrorException', $metadata: {} }),
      )
      .callsFake((input: { Message: string }) => {
        published.push(input.Message);
        return { MessageId: 'b1e7a1f4-0000-4000-8000-000000000009' };
      });
    await expect(handler({ trigger: 'schedule' }, contextWith(300_000))).rejects.toThrow();
    expect(published).toEqual([]);
    expect(bucket.objects.size).toBe(0);
    await handler({ trigger: 'schedule' }, contextWith(300_000));
    const sent = published.length;
    expect(sent).toBeGreaterThan(0);
    published = [];
    await handler({ trigger: 'schedule' }, contextWith(300_000));
    expect(published).toEqual([]);
  });
});
