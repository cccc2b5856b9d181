import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';
import { installAccount, REGION, serviceError } from '../faults/account.ts';
import { type Handler, importHandler, lambdaContext } from '../fixtures/lambda.ts';
import { recordedAccountWithLogs } from './recorded-account.ts';

/** The audit Lambda's structured logs: JSON lines, the run id on each, one line per phase, errors with cause. */

const { sns, logs } = recordedAccountWithLogs();
const REQUEST_ID = '5f0c2a7e-3b1d-4c8e-9a6f-0d2e4b6c8a1f';
const context = lambdaContext({ requestId: REQUEST_ID });

let handler: Handler<Report>;
beforeAll(async () => {
  handler = await importHandler('audit');
});

describe('structured logs of the audit Lambda', () => {
  it('writes one JSON line per phase with counts and duration, each carrying the run id', async () => {
    await handler({ trigger: 'schedule' }, context);
    const phases = logs().filter((l) => l.phase);
    expect(phases.map((l) => l.phase)).toEqual(['collect', 'evaluate', 'notify']);
    for (const line of phases) {
      expect(line).toMatchObject({
        level: 'INFO',
        service: 'arch-auditor',
        function: 'audit',
        runId: REQUEST_ID,
        function_request_id: REQUEST_ID,
        durationMs: expect.any(Number),
      });
      expect(typeof line.timestamp).toBe('string');
    }
    expect(phases[0]).toMatchObject({ account: '123456789012', vpcs: 1, collectionErrors: 0 });
    expect(phases[1]).toMatchObject({
      complete: true,
      findings: expect.any(Number),
      checksRun: expect.any(Number),
    });
    expect(phases[2]).toMatchObject({ messages: expect.any(Number), stateUnavailable: false });
  });

  it('logs each failed call as a warning naming it', async () => {
    installAccount({
      DescribeNatGateways: () => Promise.reject(serviceError('ec2', 'UnauthorizedOperation', 403, 'denied')),
    });
    await handler({ trigger: 'schedule' }, context);
    expect(logs().filter((l) => l.level === 'WARN')).toEqual([
      expect.objectContaining({
        message: 'collection error',
        runId: REQUEST_ID,
        awsService: 'ec2',
        operation: 'DescribeNatGateways',
        region: REGION,
        code: 'UnauthorizedOperation',
      }),
    ]);
  });

  it('logs a failed phase and the failed invocation with the error and its cause', async () => {
    sns
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException', $metadata: {} }),
      );
    await expect(handler({ trigger: 'schedule' }, context)).rejects.toThrow();
    const errors = logs().filter((l) => l.level === 'ERROR');
    expect(errors.map((l) => l.message)).toEqual(['notify failed', 'invocation failed']);
    for (const line of errors) {
      expect(line).toMatchObject({
        runId: REQUEST_ID,
        error: { name: 'PublishError', cause: expect.objectContaining({ name: 'NotFoundException' }) },
      });
    }
  });

  it('logs a refused payload with the request id', async () => {
    await expect(handler({ dryrun: true }, context)).rejects.toThrow();
    expect(logs().filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'invocation failed', function_request_id: REQUEST_ID }),
    ]);
  });
});
