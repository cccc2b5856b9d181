import type { ConsoleSignIn } from '../notify/console.ts';
import { DEFAULT_SECURITY_HUB_STATE_KEY } from '../notify/securityhub.ts';
import { InputValidationError } from '../support/errors.ts';
import { topicArnSchema } from '../support/validate.ts';
import type { RegionChoice } from './audit.ts';
import { htmlReportEnabled } from './html-report.ts';

/** Reads an environment variable or throws naming it. */
export const requireEnv = (key: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[key];
  if (!value) throw new InputValidationError('environment', [{ path: key, message: 'is not set' }]);
  return value;
};

/** The Lambda's configuration, read once at cold start. */
export interface LambdaConfig {
  /** SNS topic for alerts: its ARN, or its name in the function's own account and region. */
  readonly alertTopic?: string;
  /** The variable `alertTopic` was read from, to name it when it is wrong. */
  readonly alertTopicVariable?: 'ALERT_TOPIC_ARN' | 'ALERT_TOPIC_NAME';
  /** Where the intent comes from: 's3://bucket/key' or a path inside the deployment package; unset = defaults. */
  readonly intentLocation?: string;
  /** Regions audited when the event names none (comma-separated AUDIT_REGIONS, or 'all' enabled ones). */
  readonly regions: RegionChoice;
  /** Alert state object: s3://bucket/key, or a bucket prefix completed with account and region. */
  readonly stateBucketPrefix?: string;
  readonly stateLocation?: string;
  readonly stateKey: string;
  /** The last complete inventory, in the state bucket (change-triggered audits start from it). */
  readonly inventoryKey: string;
  /**
   * Resources a run may look up in CloudTrail's event history to name who changed them (new findings
   * not attributed by a change event); 0 looks nothing up. The stack sets 20 (ATTRIBUTION_LOOKUPS).
   */
  readonly attributionLookups: number;
  /** The stack's change rules are enabled (CHANGE_EVENTS=ENABLED): each run checks they can fire. */
  readonly changeEvents: boolean;
  /** Hours between reminders about still-open findings. */
  readonly remindAfterHours: number;
  /** Import the findings into Security Hub too (SECURITY_HUB=true). */
  readonly securityHub: boolean;
  /** Where, in the state bucket, the record of what Security Hub was given lives. */
  readonly securityHubStateKey: string;
  /** Write the HTML report beside the state and link it from the alert (HTML_REPORT=true). */
  readonly htmlReport: boolean;
  /** Console links in alerts open in the finding's account through this access portal. */
  readonly consoleSignIn?: ConsoleSignIn;
  /**
   * The deployment's fan-out audits other accounts with the same intent (AUDIT_ACCOUNTS is set): the
   * one-account runs (schedule, on-demand, changes) leave to it whether an entry they do not own is unused.
   */
  readonly intentSharedWithOtherAccounts: boolean;
}

/** A comma-separated environment value as its non-empty, trimmed entries. */
export const envList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** 'all' or a comma-separated list of region names. */
export const regionChoice = (value: string | undefined): RegionChoice => {
  const regions = envList(value);
  return regions.length === 1 && regions[0] === 'all' ? 'all' : regions;
};

/** Hours between reminders about still-open findings (REMIND_AFTER_HOURS, default a day). */
export const remindAfterHours = (env: NodeJS.ProcessEnv = process.env): number => {
  const remind = Number(env.REMIND_AFTER_HOURS ?? '24');
  if (!Number.isFinite(remind) || remind <= 0) {
    throw new InputValidationError('environment', [
      { path: 'REMIND_AFTER_HOURS', message: 'must be a positive number' },
    ]);
  }
  return remind;
};

/** ATTRIBUTION_LOOKUPS: a whole number from 0 (none) to 100; unset: `unset` (the CLI passes its own default). */
export const attributionLookups = (env: NodeJS.ProcessEnv = process.env, unset = 0): number => {
  const value = Number(env.ATTRIBUTION_LOOKUPS ?? unset);
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    throw new InputValidationError('environment', [
      { path: 'ATTRIBUTION_LOOKUPS', message: 'must be a whole number from 0 to 100' },
    ]);
  }
  return value;
};

/** SECURITY_HUB: 'true' imports the findings into Security Hub; unset, '' or 'false' does not. */
export const securityHubEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => {
  const value = (env.SECURITY_HUB ?? '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new InputValidationError('environment', [
    { path: 'SECURITY_HUB', message: `must be true or false, not "${value}"` },
  ]);
};

/**
 * CONSOLE_PORTAL_URL (the IAM Identity Center access portal, https://…/start) and CONSOLE_ROLE_NAME (the
 * permission set people open the audited accounts with): both or neither, so console links in alerts
 * open in the finding's own account. Unset, links open in whatever account the browser is signed in to.
 */
export const consoleSignIn = (env: NodeJS.ProcessEnv = process.env): ConsoleSignIn | undefined => {
  const portalUrl = env.CONSOLE_PORTAL_URL?.trim() ?? '';
  const roleName = env.CONSOLE_ROLE_NAME?.trim() ?? '';
  if (portalUrl === '' && roleName === '') return undefined;
  const issues = [
    ...(portalUrl === ''
      ? [{ path: 'CONSOLE_PORTAL_URL', message: 'must be set with CONSOLE_ROLE_NAME' }]
      : []),
    ...(portalUrl !== '' && !/^https:\/\/[^\s/]+(\/\S*)?$/.test(portalUrl)
      ? [{ path: 'CONSOLE_PORTAL_URL', message: 'must be an https:// URL (the AWS access portal)' }]
      : []),
    ...(roleName === ''
      ? [{ path: 'CONSOLE_ROLE_NAME', message: 'must be set with CONSOLE_PORTAL_URL' }]
      : []),
  ];
  if (issues.length > 0) throw new InputValidationError('environment', issues);
  return { portalUrl, roleName };
};

export const readLambdaConfig = (env: NodeJS.ProcessEnv = process.env): LambdaConfig => {
  const remind = remindAfterHours(env);
  const signIn = consoleSignIn(env);
  return {
    ...(signIn ? { consoleSignIn: signIn } : {}),
    ...(env.ALERT_TOPIC_ARN
      ? { alertTopic: env.ALERT_TOPIC_ARN, alertTopicVariable: 'ALERT_TOPIC_ARN' as const }
      : env.ALERT_TOPIC_NAME
        ? { alertTopic: env.ALERT_TOPIC_NAME, alertTopicVariable: 'ALERT_TOPIC_NAME' as const }
        : {}),
    ...(env.INTENT_LOCATION ? { intentLocation: env.INTENT_LOCATION } : {}),
    ...(env.STATE_LOCATION ? { stateLocation: env.STATE_LOCATION } : {}),
    ...(env.STATE_BUCKET_PREFIX ? { stateBucketPrefix: env.STATE_BUCKET_PREFIX } : {}),
    stateKey: env.STATE_KEY ?? 'arch-auditor/state.json',
    inventoryKey: env.INVENTORY_KEY ?? 'arch-auditor/inventory.json',
    attributionLookups: attributionLookups(env),
    changeEvents: env.CHANGE_EVENTS === 'ENABLED',
    regions: regionChoice(env.AUDIT_REGIONS ?? env.AWS_REGION),
    remindAfterHours: remind,
    securityHub: securityHubEnabled(env),
    securityHubStateKey: env.SECURITY_HUB_STATE_KEY || DEFAULT_SECURITY_HUB_STATE_KEY,
    htmlReport: htmlReportEnabled(env),
    intentSharedWithOtherAccounts: envList(env.AUDIT_ACCOUNTS).length > 0,
  };
};

/** Splits 's3://bucket/key' into its parts, or returns undefined for anything else. */
export const parseS3Url = (url: string): { bucket: string; key: string } | undefined => {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
};

/** Partition, region and account the function runs in: where its topic and state bucket live. */
export interface FunctionLocation {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** Partition, region and account of a Lambda function ARN (`context.invokedFunctionArn`). */
const functionArnParts = (functionArn: string): FunctionLocation => {
  const [, partition, , region, account] = functionArn.split(':');
  if (!partition || !region || !account) {
    throw new InputValidationError('context', [
      { path: 'invokedFunctionArn', message: `is not a function ARN: ${functionArn}` },
    ]);
  }
  return { partition, region, account };
};

/**
 * Where the function runs. A deployed Lambda knows from its own ARN; `serverless invoke local` gives no
 * ARN, so the region comes from AWS_REGION and the partition and account from the credentials
 * (`callerIdentity`: STS GetCallerIdentity). Fails naming what to set, never with a TypeError.
 */
export const locateFunction = async (
  functionArn: string | undefined,
  callerIdentity: () => Promise<{ Arn?: string | undefined; Account?: string | undefined }>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FunctionLocation> => {
  if (functionArn) return functionArnParts(functionArn);
  const unlocated = (message: string, cause?: unknown) =>
    new InputValidationError(
      'context',
      [
        {
          path: 'invokedFunctionArn',
          message: `is missing (not a deployed Lambda, e.g. serverless invoke local) and ${message}; or set ALERT_TOPIC_ARN and STATE_LOCATION (s3://bucket/key)`,
        },
      ],
      cause ? { cause } : undefined,
    );
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region)
    throw unlocated('AWS_REGION is not set: set it to the region of the alert topic and state bucket');
  let identity: { Arn?: string | undefined; Account?: string | undefined };
  try {
    identity = await callerIdentity();
  } catch (error) {
    const code = (error as { name?: string }).name ?? 'Error';
    throw unlocated(
      `the account could not be read from the credentials (sts:GetCallerIdentity: ${code})`,
      error,
    );
  }
  const partition = identity.Arn?.split(':')[1];
  if (!partition || !identity.Account) {
    throw unlocated('sts:GetCallerIdentity returned no Account or Arn');
  }
  return { partition, region, account: identity.Account };
};

/**
 * Where the Lambda publishes and keeps its state: an explicit topic ARN and state location as they are,
 * names completed with the partition, region and account of `locate` (asked only when needed).
 */
export const deployedTargets = async (
  config: LambdaConfig,
  locate: () => Promise<FunctionLocation>,
): Promise<{ topicArn: string; state: { bucket: string; key: string } }> => {
  if (!config.alertTopic)
    throw new InputValidationError('environment', [{ path: 'ALERT_TOPIC_NAME', message: 'is not set' }]);
  const topicIsArn = config.alertTopic.startsWith('arn:');
  // A malformed topic would only fail at SNS, after the whole audit: refuse it up front.
  const checkedTopic = (topicArn: string): string => {
    if (topicArnSchema.safeParse(topicArn).success) return topicArn;
    throw new InputValidationError('environment', [
      {
        path: config.alertTopicVariable ?? 'ALERT_TOPIC_NAME',
        message: `is not an SNS topic ARN or topic name: ${config.alertTopic}`,
      },
    ]);
  };
  if (topicIsArn) checkedTopic(config.alertTopic);
  const explicit = config.stateLocation ? parseS3Url(config.stateLocation) : undefined;
  if (config.stateLocation && !explicit) {
    throw new InputValidationError('environment', [
      { path: 'STATE_LOCATION', message: 'must be s3://bucket/key' },
    ]);
  }
  if (!explicit && !config.stateBucketPrefix)
    throw new InputValidationError('environment', [{ path: 'STATE_BUCKET_PREFIX', message: 'is not set' }]);
  if (topicIsArn && explicit) return { topicArn: config.alertTopic, state: explicit };
  const { partition, region, account } = await locate();
  return {
    topicArn: topicIsArn
      ? config.alertTopic
      : checkedTopic(`arn:${partition}:sns:${region}:${account}:${config.alertTopic}`),
    state: explicit ?? { bucket: `${config.stateBucketPrefix}-${account}-${region}`, key: config.stateKey },
  };
};
