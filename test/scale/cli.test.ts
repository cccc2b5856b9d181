import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/main.ts';
import { runCli } from '../fixtures/cli.ts';

const sts = mockClient(STSClient);
beforeEach(() => sts.reset());

describe('CLI: several accounts', () => {
  it('exits 2 naming --role-name when accounts are given without a role', async () => {
    const { code, err } = await runCli('audit', '--account', '111122223333', '--region', 'ap-northeast-1');
    expect(code).toBe(EXIT.usage);
    expect(err).toContain('--role-name');
  });

  it('exits 2 for an account id that is not 12 digits', async () => {
    const { code, err } = await runCli('audit', '--account', 'prod', '--role-name', 'arch-auditor-readonly');
    expect(code).toBe(EXIT.usage);
    expect(err).toContain('prod');
  });

  it('reports an account whose role cannot be assumed as incomplete and exits 1', async () => {
    sts.on(AssumeRoleCommand).rejects(
      Object.assign(new Error('not authorized to perform sts:AssumeRole'), {
        name: 'AccessDenied',
        $metadata: {},
      }),
    );
    const { code, out } = await runCli(
      'audit',
      '--account',
      '111122223333',
      '444455556666',
      '--role-name',
      'arch-auditor-readonly',
      '--external-id',
      'ext-1234',
      '--region',
      'ap-northeast-1',
      '--format',
      'json',
    );
    expect(code).toBe(EXIT.findings);
    const report = JSON.parse(out);
    expect(report.complete).toBe(false);
    expect(report.account).toBeUndefined();
    expect(report.accounts).toEqual([{ id: '111122223333' }, { id: '444455556666' }]);
    expect(new Set(report.findings.map((f: { account: { id: string } }) => f.account.id))).toEqual(
      new Set(['111122223333', '444455556666']),
    );
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });
});
