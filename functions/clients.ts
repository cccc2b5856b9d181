import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { cloudTrailClients } from '../app/changes/lookup.ts';

/**
 * The AWS clients of the audit and changes Lambdas (alerts, state and intent objects, CloudTrail
 * history), built once per container and reused across invocations; S3 on first use.
 */
export const sns = new SNSClient({});
export const cloudTrail = cloudTrailClients();
let s3: S3Client | undefined;
export const s3Client = (): S3Client => {
  s3 ??= new S3Client({});
  return s3;
};
