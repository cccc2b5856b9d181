import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it, vi } from 'vitest';
import { htmlReportEnabled, REPORTS_PREFIX } from '../../app/html-report.ts';
import type { Report } from '../../model/report.ts';
import { InputValidationError } from '../../support/errors.ts';
import { REGION } from '../faults/account.ts';
import { type Handler, importHandler, lambdaContext, stubEnv } from '../fixtures/lambda.ts';
import { recordedAccountWithLogs } from './recorded-account.ts';

/** The audit Lambda's HTML report (HTML_REPORT=true) and its progress log lines. */

const { sns, s3, logs } = recordedAccountWithLogs();
const ACCOUNT = '123456789012';
const BUCKET = `arch-auditor-prod-state-${ACCOUNT}-${REGION}`;
const context = lambdaContext();

/** The handler as a cold start with this HTML_REPORT reads it. */
const coldStart = async (htmlReport: string | undefined): Promise<Handler<Report>> => {
  stubEnv({ HTML_REPORT: htmlReport });
  vi.resetModules();
  return importHandler('audit');
};

const reportPuts = () =>
  s3.commandCalls(PutObjectCommand).filter((c) => c.args[0].input.Key?.startsWith(REPORTS_PREFIX));
const published = () => sns.commandCalls(PublishCommand).map((c) => String(c.args[0].input.Message));

describe('the HTML report of the audit Lambda', () => {
  it('writes the page under arch-auditor/reports/ and links it from the alert as an S3 console page', async () => {
    const handler = await coldStart('true');
    const report = await handler({}, context);
    const [put] = reportPuts();
    expect(put?.args[0].input).toMatchObject({
      Bucket: BUCKET,
      Key: `${REPORTS_PREFIX}${ACCOUNT}/${report.finishedAt.replace(/[:.]/g, '-')}.html`,
      ContentType: 'text/html; charset=utf-8',
    });
    expect(String(put?.args[0].input.Body)).toMatch(/^<!doctype html>\n<html lang="ja">/);
    const link = `https://${REGION}.console.aws.amazon.com/s3/object/${BUCKET}?region=${REGION}&bucketType=general&prefix=${encodeURIComponent(put?.args[0].input.Key ?? '')}`;
    expect(published().length).toBeGreaterThan(0);
    for (const message of published()) {
      expect(message).toContain('レポート');
      expect(message).toContain(link);
      // A console page (sign-in required), never a presigned URL that anyone in the channel could open.
      expect(message).not.toMatch(/X-Amz-Signature|X-Amz-Credential/);
    }
    expect(logs().find((l) => l.phase === 'write')).toMatchObject({ htmlReportKey: put?.args[0].input.Key });
  });

  it('still alerts, without the link, when the page cannot be written, and logs the failure', async () => {
    const handler = await coldStart('true');
    s3.on(PutObjectCommand).callsFake((input: { Key?: string }) => {
      if (input.Key?.startsWith(REPORTS_PREFIX))
        throw new S3ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'Access Denied',
        });
      return { ETag: '"e1"' };
    });
    await handler({}, context);
    expect(reportPuts()).toHaveLength(1);
    expect(published().length).toBeGreaterThan(0);
    for (const message of published()) expect(message).not.toContain('s3/object/');
    expect(logs().find((l) => l.phase === 'write')).toMatchObject({
      level: 'ERROR',
      message: 'write failed',
    });
  });

  it('writes no page and no link when HTML_REPORT is off, and refuses a value it does not know', async () => {
    const handler = await coldStart(undefined);
    await handler({}, context);
    expect(reportPuts()).toHaveLength(0);
    for (const message of published()) expect(message).not.toContain('s3/object/');
    expect(htmlReportEnabled({ HTML_REPORT: 'false' })).toBe(false);
    expect(() => htmlReportEnabled({ HTML_REPORT: 'yes' })).toThrow(InputValidationError);
  });
});

describe('progress log lines of the audit Lambda', () => {
  it('logs the regions it will collect and each one collected, with counts of this run', async () => {
    const handler = await coldStart(undefined);
    await handler({}, context);
    const progress = logs().filter((l) => l.message === 'progress');
    expect(progress).toHaveLength(3);
    expect(progress[0]).toMatchObject({ progress: 'regions-listed', regionsDone: 0, regionsTotal: 2 });
    expect(progress.slice(1).map((l) => [l.progress, l.region])).toEqual(
      expect.arrayContaining([
        ['region-collected', REGION],
        ['region-collected', 'global'],
      ]),
    );
    expect(progress.at(-1)).toMatchObject({ regionsDone: 2, regionsTotal: 2, level: 'INFO' });
    for (const line of progress) {
      expect(line).toMatchObject({
        account: 'self',
        calls: expect.any(Number),
        rateLimitWaitMs: expect.any(Number),
      });
      expect(line.runId).toBe(context.awsRequestId);
    }
  });
});
