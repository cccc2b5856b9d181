import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/main.ts';
import { runCli } from '../fixtures/cli.ts';

/**
 * A first-time user's command lines: a flag that would be ignored, a value that would only fail at
 * AWS, or a publish target that is wrong is refused (exit 2, naming the flag and what it needs) before
 * anything is collected or printed; the same flags in their proper company are honoured.
 */

const sts = mockClient(STSClient);
const org = mockClient(OrganizationsClient);
const ROLE = ['--role-name', 'arch-auditor-readonly'];
let dir: string;
const savedTopic = process.env.ALERT_TOPIC_ARN;

const denied = () =>
  sts
    .on(AssumeRoleCommand)
    .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: {} }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arch-auditor-flags-'));
});
beforeEach(() => {
  sts.reset();
  org.reset();
  delete process.env.ALERT_TOPIC_ARN;
});
afterEach(() => {
  if (savedTopic === undefined) delete process.env.ALERT_TOPIC_ARN;
  else process.env.ALERT_TOPIC_ARN = savedTopic;
});

const intentFile = async (name: string, body = ''): Promise<string> => {
  const file = join(dir, name);
  await writeFile(file, `version: 1\nprofile: private-backend\nregions: [ap-northeast-1]\n${body}`);
  return file;
};

/** A usage error: exit 2, the flag named, nothing printed on stdout and no AWS call made. */
const expectRefused = (result: { code: number; out: string; err: string }, ...words: string[]) => {
  expect(result.code).toBe(EXIT.usage);
  for (const word of words) expect(result.err).toContain(word);
  expect(result.out).toBe('');
  expect(sts).not.toHaveReceivedAnyCommand();
  expect(org).not.toHaveReceivedAnyCommand();
};

describe('flags that mean nothing alone are refused, and honoured beside what they need', () => {
  it('--intents needs --account or --org', async () => {
    const file = await intentFile('intents-alone.yaml');
    expectRefused(await runCli('audit', '--intents', file, '--demo'), '--intents', '--account or --org');
    denied();
    const honoured = await runCli('audit', '--account', '111122223333', ...ROLE, '--intents', file);
    expect(honoured.code).toBe(EXIT.findings);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('--role-name needs --account or --org', async () => {
    expectRefused(await runCli('audit', ...ROLE, '--region', 'ap-northeast-1'), '--role-name', 'needs');
  });

  it('--external-id needs --role-name', async () => {
    expectRefused(
      await runCli('audit', '--account', '111122223333', '--external-id', 'x', '--region', 'ap-northeast-1'),
      '--external-id',
      '--role-name',
    );
    denied();
    const honoured = await runCli(
      'audit',
      '--account',
      '111122223333',
      ...ROLE,
      '--external-id',
      'ext-1234',
      '--region',
      'ap-northeast-1',
    );
    expect(honoured.code).toBe(EXIT.findings);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { ExternalId: 'ext-1234' });
  });

  it('--org-ou needs --org, and must be an OU or root id', async () => {
    expectRefused(
      await runCli('audit', '--org-ou', 'ou-ab12-11111111', ...ROLE, '--account', '111122223333'),
      '--org-ou',
      'needs --org',
    );
    expectRefused(await runCli('audit', '--org', '--org-ou', 'foo', ...ROLE), '--org-ou', 'foo', 'OU id');
  });

  it('--org-ou names an OU the organization does not have, instead of "no active account"', async () => {
    org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12' }] });
    org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
    org
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-11111111' }] });
    org.on(ListAccountsForParentCommand).resolves({ Accounts: [] });
    org
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' })
      .resolves({ Accounts: [{ Id: '111122223333', State: 'ACTIVE' }] });
    const args = ['audit', '--org', ...ROLE, '--region', 'ap-northeast-1', '--org-ou'];
    const unknown = await runCli(...args, 'ou-ab12-99999999');
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toContain('--org-ou');
    expect(unknown.err).toContain('ou-ab12-99999999 is not in this organization');
    expect(sts).not.toHaveReceivedAnyCommand();
    denied();
    const known = await runCli(...args, 'ou-ab12-11111111');
    expect(known.code).toBe(EXIT.findings);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::111122223333:role/arch-auditor-readonly',
    });
  });

  it('--state needs --publish', async () => {
    expectRefused(
      await runCli('audit', '--demo', '--state', join(dir, 'state.json')),
      '--state',
      '--publish',
    );
  });

  it('--security-hub-state needs --security-hub', async () => {
    expectRefused(
      await runCli('audit', '--demo', '--security-hub-state', join(dir, 'securityhub.json')),
      '--security-hub-state',
      '--security-hub',
    );
  });

  it('--region beside --snapshot or --demo would be ignored: refused', async () => {
    expectRefused(await runCli('audit', '--demo', '--region', 'us-east-1'), '--region', '--demo');
    expectRefused(
      await runCli('render', '--snapshot', 'demo/snapshot.json', '--region', 'us-east-1'),
      '--region',
      '--snapshot',
    );
    expectRefused(
      await runCli('audit', '--demo', '--snapshot', 'demo/snapshot.json'),
      '--demo',
      '--snapshot',
    );
  });

  it('--progress or --no-progress beside --snapshot or --demo would be ignored: refused', async () => {
    expectRefused(await runCli('audit', '--demo', '--progress'), '--progress', '--demo');
    expectRefused(
      await runCli(
        'snapshot',
        '--snapshot',
        'demo/snapshot.json',
        '--out',
        join(dir, 's.json'),
        '--no-progress',
      ),
      '--no-progress',
      '--snapshot',
    );
    expect((await runCli('audit', '--demo', '--fail-on', 'none')).code).toBe(EXIT.clean);
  });

  it('--all-regions beside --region is refused', async () => {
    expectRefused(
      await runCli('audit', '--all-regions', '--region', 'ap-northeast-1'),
      '--all-regions',
      '--region',
    );
  });
});

describe('--publish checks its topic before collecting anything', () => {
  it('refuses a missing ALERT_TOPIC_ARN before printing a report', async () => {
    expectRefused(await runCli('audit', '--demo', '--publish'), 'ALERT_TOPIC_ARN', 'is not set');
  });

  it('refuses an ALERT_TOPIC_ARN that is not a topic ARN', async () => {
    process.env.ALERT_TOPIC_ARN = 'arch-auditor-alerts';
    expectRefused(await runCli('audit', '--demo', '--publish'), 'ALERT_TOPIC_ARN', 'SNS topic ARN');
    process.env.ALERT_TOPIC_ARN = 'arn:aws:sqs:ap-northeast-1:123456789012:alerts';
    expectRefused(await runCli('audit', '--demo', '--publish'), 'ALERT_TOPIC_ARN');
  });
});

describe('--security-hub checks its region before collecting anything', () => {
  it('refuses a run without AWS_REGION before printing a report', async () => {
    const saved = { region: process.env.AWS_REGION, defaultRegion: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      expectRefused(await runCli('audit', '--demo', '--security-hub'), '--security-hub', 'AWS_REGION');
    } finally {
      if (saved.region !== undefined) process.env.AWS_REGION = saved.region;
      if (saved.defaultRegion !== undefined) process.env.AWS_DEFAULT_REGION = saved.defaultRegion;
    }
  });
});

describe('two intents that apply to the same account are refused, naming both files', () => {
  it('refuses two intents without appliesTo, whichever comes first', async () => {
    const a = await intentFile('default-a.yaml');
    const b = await intentFile('default-b.yaml', 'securityGroups: { requireReferences: false }\n');
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const result = await runCli('audit', '--account', '111122223333', ...ROLE, '--intents', ...order);
      expectRefused(result, a, b, 'no appliesTo');
    }
  });

  it('refuses two intents claiming the same OU, and accepts intents that claim different ones', async () => {
    const team = await intentFile('team.yaml', 'appliesTo: { organizationalUnits: [ou-ab12-11111111] }\n');
    const same = await intentFile('same.yaml', 'appliesTo: { organizationalUnits: [ou-ab12-11111111] }\n');
    const other = await intentFile('other.yaml', 'appliesTo: { organizationalUnits: [ou-ab12-22222222] }\n');
    const base = ['audit', '--account', '111122223333', ...ROLE, '--intents'];
    expectRefused(await runCli(...base, team, same), team, same, 'OU ou-ab12-11111111');
    denied();
    expect((await runCli(...base, team, other)).code).toBe(EXIT.findings);
  });

  it('refuses intents listing different regions when --region does not decide', async () => {
    const tokyo = await intentFile('tokyo.yaml', 'appliesTo: { accounts: ["111122223333"] }\n');
    const osaka = join(dir, 'osaka.yaml');
    await writeFile(osaka, 'version: 1\nprofile: private-backend\nregions: [ap-northeast-3]\n');
    const base = ['audit', '--account', '111122223333', ...ROLE, '--intents', tokyo, osaka];
    expectRefused(await runCli(...base), '--region', 'ap-northeast-1 / ap-northeast-3');
    denied();
    expect((await runCli(...base, '--region', 'ap-northeast-1')).code).toBe(EXIT.findings);
  });
});
