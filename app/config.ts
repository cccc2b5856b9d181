import { InputValidationError } from '../errors.ts';

/** Reads an environment variable or throws naming it. */
export const requireEnv = (key: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[key];
  if (!value) throw new InputValidationError('environment', [{ path: key, message: 'is not set' }]);
  return value;
};

/** The Lambda's configuration, read once at cold start. */
export interface LambdaConfig {
  /** SNS topic for alerts. */
  readonly alertTopicArn?: string;
  /** Where the intent comes from: 's3://bucket/key' or a path inside the deployment package; unset = defaults. */
  readonly intentLocation?: string;
  /** Regions audited when the event names none (comma-separated AUDIT_REGIONS). */
  readonly regions: readonly string[];
  /** Alert state object: s3://bucket/key. */
  readonly stateLocation?: string;
  /** Hours between reminders about still-open findings. */
  readonly remindAfterHours: number;
}

export const readLambdaConfig = (env: NodeJS.ProcessEnv = process.env): LambdaConfig => {
  const remind = Number(env.REMIND_AFTER_HOURS ?? '24');
  if (!Number.isFinite(remind) || remind <= 0) {
    throw new InputValidationError('environment', [
      { path: 'REMIND_AFTER_HOURS', message: 'must be a positive number' },
    ]);
  }
  return {
    ...(env.ALERT_TOPIC_ARN ? { alertTopicArn: env.ALERT_TOPIC_ARN } : {}),
    ...(env.INTENT_LOCATION ? { intentLocation: env.INTENT_LOCATION } : {}),
    ...(env.STATE_LOCATION ? { stateLocation: env.STATE_LOCATION } : {}),
    regions: (env.AUDIT_REGIONS ?? env.AWS_REGION ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
    remindAfterHours: remind,
  };
};

/** Splits 's3://bucket/key' into its parts, or returns undefined for anything else. */
export const parseS3Url = (url: string): { bucket: string; key: string } | undefined => {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
};
