import { describe, expect, it, vi } from 'vitest';
import { deployedTargets, locateFunction, readLambdaConfig } from '../../app/config.ts';
import { InputValidationError } from '../../support/errors.ts';

const FUNCTION_ARN = 'arn:aws:lambda:ap-northeast-1:123456789012:function:arch-auditor-prod-audit';
const deployed = () =>
  locateFunction(FUNCTION_ARN, () => Promise.reject(new Error('STS is not asked when deployed')));

describe('readLambdaConfig', () => {
  it('reads a comma-separated region list', () => {
    expect(readLambdaConfig({ AUDIT_REGIONS: 'ap-northeast-1, us-east-1' }).regions).toEqual([
      'ap-northeast-1',
      'us-east-1',
    ]);
  });

  it('reads AUDIT_REGIONS=all as every enabled region', () => {
    expect(readLambdaConfig({ AUDIT_REGIONS: 'all' }).regions).toBe('all');
  });

  it('shares the intent with other accounts when the deployment fans out (AUDIT_ACCOUNTS set)', () => {
    expect(readLambdaConfig({}).intentSharedWithOtherAccounts).toBe(false);
    expect(readLambdaConfig({ AUDIT_ACCOUNTS: ' ' }).intentSharedWithOtherAccounts).toBe(false);
    expect(readLambdaConfig({ AUDIT_ACCOUNTS: 'org' }).intentSharedWithOtherAccounts).toBe(true);
    expect(readLambdaConfig({ AUDIT_ACCOUNTS: '111122223333' }).intentSharedWithOtherAccounts).toBe(true);
  });

  it('refuses a non-positive reminder cadence, naming the variable', () => {
    expect(() => readLambdaConfig({ REMIND_AFTER_HOURS: '0' })).toThrow(/REMIND_AFTER_HOURS/);
  });

  it('reads the access portal console links open accounts through', () => {
    expect(
      readLambdaConfig({
        CONSOLE_PORTAL_URL: 'https://d-9067aaaaaa.awsapps.com/start',
        CONSOLE_ROLE_NAME: 'ReadOnlyAccess',
      }).consoleSignIn,
    ).toEqual({ portalUrl: 'https://d-9067aaaaaa.awsapps.com/start', roleName: 'ReadOnlyAccess' });
    expect(readLambdaConfig({}).consoleSignIn).toBeUndefined();
  });

  it.each([
    [{ CONSOLE_PORTAL_URL: 'https://d-9067aaaaaa.awsapps.com/start' }, 'CONSOLE_ROLE_NAME'],
    [{ CONSOLE_ROLE_NAME: 'ReadOnlyAccess' }, 'CONSOLE_PORTAL_URL'],
    [
      { CONSOLE_PORTAL_URL: 'http://portal.example.com/start', CONSOLE_ROLE_NAME: 'ReadOnlyAccess' },
      'CONSOLE_PORTAL_URL',
    ],
  ])('refuses a half or wrong console sign-in (%o), naming %s', (env, name) => {
    expect(() => readLambdaConfig(env)).toThrow(InputValidationError);
    expect(() => readLambdaConfig(env)).toThrow(name);
  });
});

describe('deployedTargets', () => {
  it('completes the topic and state bucket names from the function ARN', async () => {
    const config = readLambdaConfig({
      ALERT_TOPIC_NAME: 'arch-auditor-prod-alerts',
      STATE_BUCKET_PREFIX: 'arch-auditor-prod-state',
    });
    await expect(deployedTargets(config, deployed)).resolves.toEqual({
      topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:arch-auditor-prod-alerts',
      state: {
        bucket: 'arch-auditor-prod-state-123456789012-ap-northeast-1',
        key: 'arch-auditor/state.json',
      },
    });
  });

  it('takes an explicit topic ARN and state location as they are, without locating the function', async () => {
    const config = readLambdaConfig({
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:210987654321:alerts',
      STATE_LOCATION: 's3://my-bucket/audit/state.json',
    });
    const locate = vi.fn(deployed);
    await expect(deployedTargets(config, locate)).resolves.toEqual({
      topicArn: 'arn:aws:sns:us-east-1:210987654321:alerts',
      state: { bucket: 'my-bucket', key: 'audit/state.json' },
    });
    expect(locate).not.toHaveBeenCalled();
  });

  it('refuses a missing topic with the variable named', async () => {
    await expect(deployedTargets(readLambdaConfig({}), deployed)).rejects.toThrow(InputValidationError);
    await expect(deployedTargets(readLambdaConfig({}), deployed)).rejects.toThrow(/ALERT_TOPIC_NAME/);
  });
});

/** What `serverless invoke local` passes: a context without invokedFunctionArn. */
describe('locateFunction without a function ARN (serverless invoke local)', () => {
  const identity = {
    UserId: 'AIDAEXAMPLEUSERID0001',
    Account: '123456789012',
    Arn: 'arn:aws:iam::123456789012:user/ops',
  };

  it('takes the account and partition from the credentials and the region from AWS_REGION', async () => {
    const config = readLambdaConfig({
      ALERT_TOPIC_NAME: 'arch-auditor-prod-alerts',
      STATE_BUCKET_PREFIX: 'arch-auditor-prod-state',
    });
    const locate = () => locateFunction(undefined, async () => identity, { AWS_REGION: 'ap-northeast-1' });
    await expect(deployedTargets(config, locate)).resolves.toEqual({
      topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:arch-auditor-prod-alerts',
      state: {
        bucket: 'arch-auditor-prod-state-123456789012-ap-northeast-1',
        key: 'arch-auditor/state.json',
      },
    });
  });

  it('reads the partition from the caller ARN (China regions)', async () => {
    const location = await locateFunction(
      undefined,
      async () => ({ ...identity, Arn: 'arn:aws-cn:iam::123456789012:user/ops' }),
      { AWS_REGION: 'cn-north-1' },
    );
    expect(location).toEqual({ partition: 'aws-cn', region: 'cn-north-1', account: '123456789012' });
  });

  it('fails naming AWS_REGION when no region is configured', async () => {
    const located = locateFunction(undefined, async () => identity, {});
    await expect(located).rejects.toThrow(InputValidationError);
    await expect(locateFunction(undefined, async () => identity, {})).rejects.toThrow(/AWS_REGION/);
  });

  it('fails naming what to set when the credentials cannot be read, never with a TypeError', async () => {
    const denied = Object.assign(new Error('The security token included in the request is invalid.'), {
      name: 'InvalidClientTokenId',
    });
    const located = locateFunction(undefined, () => Promise.reject(denied), { AWS_REGION: 'ap-northeast-1' });
    await expect(located).rejects.toThrow(InputValidationError);
    await expect(located).rejects.toThrow(/InvalidClientTokenId.*ALERT_TOPIC_ARN and STATE_LOCATION/s);
  });

  it('refuses an ARN that is not a function ARN, naming the field', async () => {
    await expect(locateFunction('not-an-arn', async () => identity)).rejects.toThrow(/invokedFunctionArn/);
  });
});
