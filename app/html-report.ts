import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Report } from '../model/report.ts';
import { s3ObjectConsoleUrl } from '../notify/console.ts';
import { type HtmlOptions, renderHtml } from '../report/html.ts';
import { InputValidationError } from '../support/errors.ts';

/**
 * The Lambda's HTML report (optional, HTML_REPORT=true): the `--format html` page written next to the
 * alert state, under its own prefix of the state bucket (the role may only PutObject there), and
 * linked from the alert. The link is the S3 console's page for the object: opening it needs the
 * reader's own AWS sign-in, where a presigned URL in Slack would be a read credential for anyone who
 * sees the message.
 */
export const REPORTS_PREFIX = 'arch-auditor/reports/';

/** HTML_REPORT: 'true' writes the report, 'false' or unset does not; anything else is refused. */
export const htmlReportEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => {
  const value = (env.HTML_REPORT ?? '').trim().toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new InputValidationError('environment', [
    { path: 'HTML_REPORT', message: "must be 'true' or 'false'" },
  ]);
};

/**
 * `arch-auditor/reports/<account>/<finishedAt>.html`: one object per run, sorted by time. A run over
 * several accounts (the fan-out's merged report, which has no single account) goes under `accounts/`.
 */
export const htmlReportKey = (report: Report): string =>
  `${REPORTS_PREFIX}${report.account ?? 'accounts'}/${report.finishedAt.replace(/[:.]/g, '-')}.html`;

export interface StoredHtmlReport {
  readonly bucket: string;
  readonly key: string;
  /** The S3 console's page for the object (sign-in required), for the alert. */
  readonly url: string;
}

/** Writes the report's HTML page to the bucket; throws when S3 refuses it. */
export const storeHtmlReport = async (
  s3: S3Client,
  target: { readonly bucket: string; readonly region: string },
  report: Report,
  options: HtmlOptions = {},
): Promise<StoredHtmlReport> => {
  const key = htmlReportKey(report);
  await s3.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: key,
      Body: renderHtml(report, options),
      ContentType: 'text/html; charset=utf-8',
    }),
  );
  return { bucket: target.bucket, key, url: s3ObjectConsoleUrl(target.bucket, key, target.region) };
};
