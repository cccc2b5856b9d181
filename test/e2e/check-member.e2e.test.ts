import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROLE_NAME } from '../../app/accounts.ts';
import { EXIT } from '../../cli/main.ts';
import { evaluate, loadYaml } from '../fixtures/cfn.ts';
import { runCli } from '../fixtures/cli.ts';
import { type Moto, startMotoForSdk } from './moto.ts';
import { actionsOf, forMoto, type Statement } from './moto-iam.ts';

/**
 * `check-member` against moto with IAM enforced, through the real SDK wire protocol. The auditor is a
 * user holding the Lambda role's own sts:AssumeRole and sts:GetCallerIdentity statements from
 * serverless.yml; each member account's role carries infra/member-role.yml's policy (one account's
 * minus cloudfront:ListDistributions). moto evaluates the caller's policies but not a role's trust
 * policy, and lets a role that does not exist be assumed: a missing role's real shape (AccessDenied
 * on AssumeRole, as for a misnamed one) is covered in test/app/member-check.test.ts.
 */

const READY = '111122223333';
const NO_CLOUDFRONT = '444455556666';
const EXTERNAL_ID = 'e2e-check-member-external-id';
const DENIED_ACTION = 'cloudfront:ListDistributions';
/** Unauthenticated setup requests: the auditor user (3), then a role and its policy in two accounts (4). */
const SETUP_REQUESTS = 7;

/** The Lambda role's statements the check needs, exactly as deployed (the role name param at its default). */
const auditorStatements = async (): Promise<Statement[]> => {
  const sls = await loadYaml('serverless.yml');
  const roleName = sls.params.default.auditRoleName as string;
  return (sls.provider.iam.role.statements as Statement[])
    .filter((s) => actionsOf(s).some((a) => a === 'sts:AssumeRole' || a === 'sts:GetCallerIdentity'))
    .map((s) => ({
      Effect: s.Effect,
      Action: actionsOf(s).filter((a) => a.startsWith('sts:')),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: osls variable syntax
      Resource: JSON.parse(JSON.stringify(s.Resource).replaceAll('${param:auditRoleName}', roleName)),
    }));
};

/** The member role as infra/member-role.yml creates it: its trust and read policy. */
const memberRole = async () => {
  const template = await loadYaml('infra/member-role.yml');
  const refs = {
    'AWS::Partition': 'aws',
    AuditorAccountId: '123456789012',
    AuditorStage: 'prod',
    AuditorRegion: 'ap-northeast-1',
    ExternalId: EXTERNAL_ID,
    OperatorPrincipalArn: '',
    RoleName: template.Parameters.RoleName.Default,
  };
  const role = evaluate(template.Resources.AuditRole.Properties, refs, template) as {
    RoleName: string;
    AssumeRolePolicyDocument: object;
    Policies: { PolicyDocument: { Statement: Statement[] } }[];
  };
  return {
    name: role.RoleName,
    trust: role.AssumeRolePolicyDocument,
    statements: role.Policies.flatMap((p) => p.PolicyDocument.Statement).map(forMoto),
  };
};

/** An IAM client acting in another moto account (its `x-moto-account-id` header), for the setup only. */
const iamIn = (account?: string): IAMClient => {
  const client = new IAMClient({ region: 'us-east-1' });
  if (account) {
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
        return next(args);
      },
      { step: 'build', name: 'motoAccount' },
    );
  }
  return client;
};

describe('check-member against moto with IAM enforced', () => {
  let moto: Moto;

  beforeAll(async () => {
    moto = await startMotoForSdk({
      env: { INITIAL_NO_AUTH_ACTION_COUNT: String(SETUP_REQUESTS) },
      unset: ['AUDIT_ROLE_NAME', 'AUDIT_EXTERNAL_ID'],
    });

    const iam = iamIn();
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'auditor',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: await auditorStatements() }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey;

    const role = await memberRole();
    for (const [account, statements] of [
      [READY, role.statements],
      [
        NO_CLOUDFRONT,
        role.statements.map((s) => ({ ...s, Action: actionsOf(s).filter((a) => a !== DENIED_ACTION) })),
      ],
    ] as const) {
      const member = iamIn(account);
      await member.send(
        new CreateRoleCommand({ RoleName: role.name, AssumeRolePolicyDocument: JSON.stringify(role.trust) }),
      );
      await member.send(
        new PutRolePolicyCommand({
          RoleName: role.name,
          PolicyName: 'arch-auditor-read',
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        }),
      );
    }
    // From here on moto enforces IAM, and every call is the auditor's.
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: key?.AccessKeyId ?? '',
      AWS_SECRET_ACCESS_KEY: key?.SecretAccessKey ?? '',
    });
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('passes a member role deployed from infra/member-role.yml, under the default name', async () => {
    const { code, out, err } = await runCli('check-member', '--account', READY, '--external-id', EXTERNAL_ID);
    expect(err).toBe('');
    expect(out).toContain(`OK  sts:AssumeRole: arn:aws:iam::${READY}:role/${DEFAULT_ROLE_NAME}`);
    expect(out).toContain('結果: 問題ありません');
    expect(out).not.toContain('NG');
    expect(code).toBe(EXIT.clean);
  });

  it('reports a misnamed role: the auditor may assume only the configured name', async () => {
    const { code, out } = await runCli(
      'check-member',
      '--account',
      READY,
      '--role-name',
      'arch-auditor-member',
      '--external-id',
      EXTERNAL_ID,
    );
    expect(out).toContain(
      `NG  sts:AssumeRole: arn:aws:iam::${READY}:role/arch-auditor-member を引き受けられません（AccessDenied）`,
    );
    expect(out).toContain('このアカウントにロール arch-auditor-member があるか');
    expect(out).toContain('実行元: arn:aws:iam::123456789012:user/auditor');
    expect(code).toBe(EXIT.findings);
  });

  it('names the one permission a member role lacks and passes the rest', async () => {
    const { code, out } = await runCli(
      'check-member',
      '--account',
      NO_CLOUDFRONT,
      '--external-id',
      EXTERNAL_ID,
    );
    expect(out).toContain(`NG  ${DENIED_ACTION}: 権限がありません`);
    expect(out).toContain('OK  ec2:DescribeVpcs（ap-northeast-1）');
    expect(out).toContain('OK  elasticloadbalancing:DescribeLoadBalancers（ap-northeast-1）');
    expect(out).toContain('OK  apigateway:GET /restapis（ap-northeast-1）');
    expect(out).toContain('結果: 1 件の問題があり');
    expect(code).toBe(EXIT.findings);
  });
});
