import { readFile } from 'node:fs/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ResolvedIntent } from '../intent/resolve.ts';
import { parseS3Url } from './config.ts';
import { defaultIntent, parseIntent } from './intent-file.ts';

/**
 * Loads the intent from 's3://bucket/key' or a file in the deployment package. No location means the
 * built-in private-backend principles. A location that cannot be read fails the run: auditing against
 * the wrong intent would be a silent pass.
 */
export const loadIntentFrom = async (
  location: string | undefined,
  s3: () => S3Client,
): Promise<ResolvedIntent> => {
  if (!location) return defaultIntent();
  const s3Url = parseS3Url(location);
  if (!s3Url) return parseIntent(await readFile(location, 'utf8'), location);
  const object = await s3().send(new GetObjectCommand({ Bucket: s3Url.bucket, Key: s3Url.key }));
  return parseIntent((await object.Body?.transformToString('utf8')) ?? '', location);
};
