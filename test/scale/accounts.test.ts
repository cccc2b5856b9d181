import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { explicitAccounts, organizationAccounts, selectIntent } from '../../app/accounts.ts';
import { auditAccounts } from '../../app/audit.ts';
import { parseIntent } from '../../app/intent-file.ts';

const org = mockClient(OrganizationsClient);
// fromTemporaryCredentials calls AssumeRole through the SDK's nested STS client.
const sts = mockClient(STSClient);

beforeEach(() => {
  org.reset();
  sts.reset();
});

const intentFor = (appliesTo: string, profile = 'private-backend') =>
  parseIntent(`version: 1\nprofile: ${profile}\n${appliesTo}`, 'test intent');

describe('accounts', () => {
  it('lists the ACTIVE accounts of the organization', async () => {
    org.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '444455556666', Name: 'stg', State: 'ACTIVE' },
        { Id: '111122223333', Name: 'prod', State: 'ACTIVE' },
        { Id: '777788889999', Name: 'closed', State: 'SUSPENDED' },
      ],
    });
    const accounts = await organizationAccounts(new OrganizationsClient({}));
    expect(accounts.map((a) => a.id)).toEqual(['111122223333', '444455556666']);
  });

  it('walks the OU tree to select accounts under an OU, with their OU path and tags', async () => {
    org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12' }] });
    org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
    org.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12' }).resolves({
      OrganizationalUnits: [{ Id: 'ou-ab12-11111111' }, { Id: 'ou-ab12-22222222' }],
    });
    org.on(ListAccountsForParentCommand).resolves({ Accounts: [] });
    org
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' })
      .resolves({ Accounts: [{ Id: '111122223333', Name: 'prod', State: 'ACTIVE' }] });
    org
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-22222222' })
      .resolves({ Accounts: [{ Id: '444455556666', Name: 'stg', State: 'ACTIVE' }] });
    org.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'env', Value: 'prod' }] });
    const accounts = await organizationAccounts(new OrganizationsClient({}), {
      organizationalUnits: ['ou-ab12-11111111'],
      withTags: true,
    });
    expect(accounts).toEqual([
      { id: '111122223333', name: 'prod', parents: ['r-ab12', 'ou-ab12-11111111'], tags: { env: 'prod' } },
    ]);
    expect(org).not.toHaveReceivedCommand(ListAccountsCommand);
  });

  it('refuses an account id that is not 12 digits, naming it', () => {
    expect(() => explicitAccounts(['11112222333'])).toThrow(/11112222333/);
  });

  it("chooses each account's intent by id, then the deepest OU, then tag, then the default", () => {
    const byDefault = intentFor('');
    const byTag = intentFor('appliesTo:\n  tags: [{ key: env, value: dev }]\n');
    const byOu = intentFor('appliesTo:\n  organizationalUnits: [ou-ab12-11111111]\n', 'classic');
    const byDeepOu = intentFor('appliesTo:\n  organizationalUnits: [ou-ab12-33333333]\n');
    const byId = intentFor('appliesTo:\n  accounts: ["111122223333"]\n');
    const intents = [byDefault, byTag, byOu, byDeepOu, byId];
    const account = (id: string, parents: string[], tags: Record<string, string> = {}) => ({
      id,
      parents,
      tags,
    });
    expect(selectIntent(intents, account('111122223333', ['r-ab12', 'ou-ab12-11111111']))).toBe(byId);
    expect(
      selectIntent(intents, account('222233334444', ['r-ab12', 'ou-ab12-11111111', 'ou-ab12-33333333'])),
    ).toBe(byDeepOu);
    expect(
      selectIntent(intents, account('222233334444', ['r-ab12', 'ou-ab12-11111111'], { env: 'dev' })),
    ).toBe(byOu);
    expect(selectIntent(intents, account('222233334444', ['r-ab12'], { env: 'dev' }))).toBe(byTag);
    expect(selectIntent(intents, account('222233334444', ['r-ab12']))).toBe(byDefault);
    expect(selectIntent([byId], account('222233334444', []))).toBeUndefined();
  });

  it("makes a refused AssumeRole that account's incomplete audit, not the run's failure", async () => {
    sts.on(AssumeRoleCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const { report, reports } = await auditAccounts({
      accounts: explicitAccounts(['111122223333']),
      role: { roleName: 'arch-auditor-readonly', externalId: 'ext-1234' },
      regions: ['ap-northeast-1'],
      intents: [intentFor('')],
    });
    expect(reports).toHaveLength(1);
    expect(report.complete).toBe(false);
    expect(report.account).toBe('111122223333');
    expect(report.errors).toEqual([
      expect.objectContaining({ service: 'sts', operation: 'AssumeRole', code: 'AccessDenied' }),
    ]);
    expect(report.findings.map((f) => f.checkId)).toEqual(['audit.incomplete']);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::111122223333:role/arch-auditor-readonly',
      ExternalId: 'ext-1234',
    });
  });
});
