import { describe, expect, it } from 'vitest';
import { deployedTargets, readLambdaConfig } from '../../app/config.ts';
import { InputValidationError } from '../../errors.ts';

const FUNCTION_ARN = 'arn:aws:lambda:ap-northeast-1:123456789012:function:arch-auditor-prod-audit';

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
  it('completes the topic and state bucket names from the function ARN', () => {
    const config = readLambdaConfig({
      ALERT_TOPIC_NAME: 'arch-auditor-prod-alerts',
      STATE_BUCKET_PREFIX: 'arch-auditor-prod-state',
    });
    expect(deployedTargets(config, FUNCTION_ARN)).toEqual({
      topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:arch-auditor-prod-alerts',
      state: {
        bucket: 'arch-auditor-prod-state-123456789012-ap-northeast-1',
        key: 'arch-auditor/state.json',
      },
    });
  });

  it('takes an explicit topic ARN and state location as they are', () => {
    const config = readLambdaConfig({
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:210987654321:alerts',
      STATE_LOCATION: 's3://my-bucket/audit/state.json',
    });
    expect(deployedTargets(config, FUNCTION_ARN)).toEqual({
      topicArn: 'arn:aws:sns:us-east-1:210987654321:alerts',
      state: { bucket: 'my-bucket', key: 'audit/state.json' },
    });
  });

  it('refuses a missing topic with the variable named', () => {
    expect(() => deployedTargets(readLambdaConfig({}), FUNCTION_ARN)).toThrow(InputValidationError);
    expect(() => deployedTargets(readLambdaConfig({}), FUNCTION_ARN)).toThrow(/ALERT_TOPIC_NAME/);
  });
});
