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
