import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROLE_NAME } from '../../app/accounts.ts';
import { changeRules } from '../../app/changes/watched.ts';
import { ruleLogicalId } from '../../scripts/change-rules.ts';
import { type Cfn, evaluate, iamMatches, loadYaml, ROOT } from '../fixtures/cfn.ts';

/**
 * The contract between the auditor stack (serverless.yml) and the member role (infra/member-role.yml,
 * deployed to an organization by infra/member-role-stackset.yml): the role name the Lambda assumes is
 * the one the member template creates, the Lambda role osls creates is the principal the member role
 * trusts, and the external id is required on both sides with the same constraints.
 *
 * The auditor side is read as osls really builds it, not as YAML: variables resolved by osls itself
 * and the Lambda role named by its packager. One `serverless package` (stage qa, region eu-west-1, the
 * documented multi-account params and an intent in S3: a non-default stage and region, so names that
 * only agree at the defaults fail here) plus two `serverless print` runs (the defaults; a deploy
 * missing its external id) run side by side, about 15 s. Re-implementing osls's variable resolution
 * and role naming in the test would prove the test's copy, not osls; CI's own `npm run package` comes
 * after the tests and with the defaults only.
 */

const SLS = join(ROOT, 'node_modules/osls/bin/serverless.js');
const AUDITOR = '210987654321';
const MEMBER = '111122223333';
const STAGE = 'qa';
const REGION = 'eu-west-1';
const EXTERNAL_ID = 'contract-test-external-id';
const INTENT = 's3://team-intents/prod/intent.yaml';

interface Run {
  readonly code: number | null;
  readonly output: string;
}

const osls = (...args: string[]): Promise<Run & { stdout: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLS, ...args], {
      cwd: ROOT,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, output }));
  });

interface DeployParams {
  readonly EXTERNAL_ID: RegExp;
  readonly ROLE_NAME: RegExp;
}
const deployParams = createRequire(import.meta.url)('../../infra/deploy-params.cjs') as DeployParams;

/** A CloudFormation string parameter's constraints, as CloudFormation checks a value against them. */
const accepts = (parameter: Cfn, value: string): boolean =>
  value.length >= (parameter.MinLength ?? 0) &&
  value.length <= (parameter.MaxLength ?? Number.POSITIVE_INFINITY) &&
  (parameter.AllowedPattern === undefined || new RegExp(parameter.AllowedPattern).test(value));

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).map(String);

describe('one contract between the auditor stack and the member role', () => {
  let packageDir: string;
  /** The packaged template: stage qa, region eu-west-1, the documented multi-account params. */
  let packaged: Cfn;
  /** serverless.yml resolved by osls with no options: what a plain `serverless deploy` gets. */
  let defaults: Cfn;
  /** A multi-account deploy without its external id. */
  let refused: Run;
  let member: Cfn;
  let stackSet: Cfn;

  beforeAll(async () => {
    packageDir = await mkdtemp(join(tmpdir(), 'arch-auditor-package-'));
    const [pkg, print, refusal] = await Promise.all([
      osls(
        'package',
        '--package',
        packageDir,
        '--stage',
        STAGE,
        '--region',
        REGION,
        '--param',
        'auditAccounts=org',
        '--param',
        `auditExternalId=${EXTERNAL_ID}`,
        '--param',
        `intentLocation=${INTENT}`,
      ),
      osls('print', '--format', 'json'),
      osls('print', '--format', 'json', '--param', 'auditAccounts=org'),
    ]);
    if (pkg.code !== 0) throw new Error(`serverless package failed:\n${pkg.output}`);
    if (print.code !== 0) throw new Error(`serverless print failed:\n${print.output}`);
    packaged = JSON.parse(
      await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    defaults = JSON.parse(print.stdout);
    refused = refusal;
    member = await loadYaml('infra/member-role.yml');
    stackSet = await loadYaml('infra/member-role-stackset.yml');
  }, 240_000);

  afterAll(async () => {
    if (packageDir) await rm(packageDir, { recursive: true, force: true });
  });

  /** The member template's parameters with their defaults, overridden by `values`. */
  const memberParams = (values: Record<string, string>): Record<string, string> => ({
    ...Object.fromEntries(
      Object.entries(member.Parameters as Record<string, Cfn>)
        .filter(([, p]) => p.Default !== undefined)
        .map(([name, p]) => [name, String(p.Default)]),
    ),
    ...values,
    'AWS::Partition': 'aws',
  });

  /** The member role's trust statement as CloudFormation creates it for these parameter values. */
  /** The member stack's parameters as deployed for this auditor stage. */
  const DEPLOYED = {
    AuditorAccountId: AUDITOR,
    AuditorStage: STAGE,
    AuditorRegion: REGION,
    ExternalId: EXTERNAL_ID,
  };
  const trustFor = (values: Record<string, string>) => {
    const refs = memberParams(values);
    for (const [name, p] of Object.entries(member.Parameters as Record<string, Cfn>)) {
      if (name in refs && !accepts(p, refs[name] as string))
        throw new Error(`member template refuses ${name}`);
    }
    const [statement, ...others] = evaluate(
      member.Resources.AuditRole.Properties.AssumeRolePolicyDocument.Statement,
      refs,
      member,
    ) as Cfn[];
    expect(others).toEqual([]);
    return statement;
  };

  /** Whether the trust statement lets this principal assume the role with this external id. */
  const trusts = (statement: Cfn, principalArn: string, externalId: string | undefined): boolean => {
    const account = /^arn:aws:iam::(\d{12}):/.exec(principalArn)?.[1];
    return (
      statement.Effect === 'Allow' &&
      statement.Action === 'sts:AssumeRole' &&
      statement.Principal.AWS === `arn:aws:iam::${account}:root` &&
      Object.keys(statement.Condition).every((op) => ['StringEquals', 'ArnLike'].includes(op)) &&
      statement.Condition.StringEquals['sts:ExternalId'] === externalId &&
      asList(statement.Condition.ArnLike['aws:PrincipalArn']).some((p) => iamMatches(p, principalArn))
    );
  };

  const functions = () =>
    Object.values(packaged.Resources as Record<string, Cfn>).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
  const lambdaRole = () => packaged.Resources.IamRoleLambdaExecution;

  /** The ARN of the Lambda role osls created, as deployed to REGION in the auditor account. */
  const lambdaRoleArn = (): string => {
    const { RoleName, Path } = lambdaRole().Properties;
    return `arn:aws:iam::${AUDITOR}:role${Path}${evaluate(RoleName, { 'AWS::Region': REGION })}`;
  };

  it('every function runs with the one Lambda role osls creates', () => {
    // audit, changes, and the fan-out's plan, auditItem and summarize.
    expect(functions()).toHaveLength(5);
    for (const fn of functions())
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
  });

  it('packages the change-triggered audit: the rules from the watched list, the queue, its consumer and permissions', () => {
    const resources = packaged.Resources as Record<string, Cfn>;
    for (const rule of changeRules()) {
      const deployed = resources[ruleLogicalId('ChangeRule', rule)];
      expect(deployed?.Type).toBe('AWS::Events::Rule');
      // osls resolved the pattern from infra/change-rules.json: exactly the one the list generates.
      expect(deployed?.Properties.EventPattern).toEqual(rule.pattern);
      expect(JSON.stringify(deployed?.Properties.EventPattern).length).toBeLessThanOrEqual(2048);
      expect(deployed?.Properties.Targets).toEqual([
        { Id: 'change-queue', Arn: { 'Fn::GetAtt': ['ChangeEventQueue', 'Arn'] } },
      ]);
    }
    const mapping = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties.EventSourceArn).includes('ChangeEventQueue'),
    );
    expect(mapping?.Properties).toMatchObject({
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 20,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionName: { 'Fn::GetAtt': ['ChangesLambdaFunction', 'Arn'] },
    });
    // osls grants the consumer exactly the receive side of its own queue.
    const statements = lambdaRole().Properties.Policies.flatMap(
      (p: Cfn) => p.PolicyDocument.Statement,
    ) as Cfn[];
    const receive = statements.filter((st) => JSON.stringify(st.Action).includes('sqs:ReceiveMessage'));
    expect(receive).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: [{ 'Fn::GetAtt': ['ChangeEventQueue', 'Arn'] }],
      },
    ]);
    expect(resources.ChangeEventQueuePolicy?.Properties.PolicyDocument.Statement[0].Principal).toEqual({
      Service: 'events.amazonaws.com',
    });
  });

  describe('the role name', () => {
    it('is the same by default on both sides', () => {
      expect(defaults.params.default.auditRoleName).toBe(member.Parameters.RoleName.Default);
      // …and the CLI's (audit --account, check-member) when no --role-name is given.
      expect(DEFAULT_ROLE_NAME).toBe(member.Parameters.RoleName.Default);
      expect(defaults.provider.environment.AUDIT_ROLE_NAME).toBe(member.Parameters.RoleName.Default);
    });

    it('is the role the Lambda may assume and assumes in every member account', () => {
      const roleName = evaluate(member.Resources.AuditRole.Properties.RoleName, memberParams({}));
      const memberRoleArn = `arn:aws:iam::${MEMBER}:role/${roleName}`;
      const assume = (lambdaRole().Properties.Policies[0].PolicyDocument.Statement as Cfn[]).filter((s) =>
        asList(s.Action).includes('sts:AssumeRole'),
      );
      const resources = assume.flatMap((s) => asList(s.Resource));
      expect(resources.some((r) => iamMatches(r, memberRoleArn))).toBe(true);
      // …and no other: a role the member template does not create is not assumable.
      expect(resources.some((r) => iamMatches(r, `arn:aws:iam::${MEMBER}:role/arch-auditor-member`))).toBe(
        false,
      );
      for (const fn of functions())
        expect(fn.Properties.Environment.Variables.AUDIT_ROLE_NAME).toBe(roleName);
    });

    it('is validated alike: the member template accepts exactly what the deploy-time check accepts', () => {
      expect(member.Parameters.RoleName.AllowedPattern).toBe(deployParams.ROLE_NAME.source);
    });
  });

  describe('the trusted principal', () => {
    it('is the Lambda role osls names for the stage and region deployed', () => {
      // osls names it <service>-<stage>-<region>-lambdaRole at the root path.
      expect(lambdaRole().Properties.RoleName).toEqual({
        'Fn::Join': ['-', ['arch-auditor', STAGE, { Ref: 'AWS::Region' }, 'lambdaRole']],
      });
      expect(lambdaRole().Properties.Path).toBe('/');
      const trust = trustFor(DEPLOYED);
      expect(trusts(trust, lambdaRoleArn(), EXTERNAL_ID)).toBe(true);
    });

    it('does not trust the Lambda role of another stage, region or account', () => {
      for (const other of [
        { AuditorStage: 'prod' },
        { AuditorRegion: 'us-east-1' },
        { AuditorAccountId: MEMBER },
      ]) {
        expect(
          trusts(trustFor({ ...DEPLOYED, ...other }), lambdaRoleArn(), EXTERNAL_ID),
          JSON.stringify(other),
        ).toBe(false);
      }
    });

    it("defaults to the auditor's default stage and region", () => {
      expect(member.Parameters.AuditorStage.Default).toBe(defaults.provider.stage);
      expect(member.Parameters.AuditorRegion.Default).toBe(defaults.provider.region);
      // The service name in the member template is the auditor's.
      expect(defaults.service).toBe('arch-auditor');
    });

    it('adds an operator role only when one is named, and only of the auditor account', () => {
      const operator = `arn:aws:iam::${AUDITOR}:role/aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_AuditOps_0a1b2c3d4e5f`;
      const pattern = `arn:aws:iam::${AUDITOR}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AuditOps_*`;
      expect(trusts(trustFor(DEPLOYED), operator, EXTERNAL_ID)).toBe(false);
      const withOperator = trustFor({ ...DEPLOYED, OperatorPrincipalArn: pattern });
      expect(trusts(withOperator, operator, EXTERNAL_ID)).toBe(true);
      expect(trusts(withOperator, lambdaRoleArn(), EXTERNAL_ID)).toBe(true);
      expect(accepts(member.Parameters.OperatorPrincipalArn, 'arn:aws:iam::210987654321:user/alice')).toBe(
        false,
      );
      // A role of another account never matches: the principal is the auditor account itself.
      const elsewhere = trustFor({ ...DEPLOYED, OperatorPrincipalArn: `arn:aws:iam::${MEMBER}:role/*` });
      expect(trusts(elsewhere, `arn:aws:iam::${MEMBER}:role/admin`, EXTERNAL_ID)).toBe(false);
    });
  });

  describe('the external id', () => {
    it('is what the Lambda passes and what the member role requires', () => {
      for (const fn of functions())
        expect(fn.Properties.Environment.Variables.AUDIT_EXTERNAL_ID).toBe(EXTERNAL_ID);
      const trust = trustFor(DEPLOYED);
      expect(trusts(trust, lambdaRoleArn(), EXTERNAL_ID)).toBe(true);
      expect(trusts(trust, lambdaRoleArn(), undefined)).toBe(false);
      expect(trusts(trust, lambdaRoleArn(), `${EXTERNAL_ID}-other`)).toBe(false);
    });

    it('is required by the member template: no default, and an empty or short value is refused naming ExternalId', () => {
      const externalId = member.Parameters.ExternalId;
      expect(externalId).not.toHaveProperty('Default');
      expect(externalId.NoEcho).toBe(true);
      expect(accepts(externalId, '')).toBe(false);
      expect(accepts(externalId, 'fifteen-chars-x')).toBe(false);
      expect(accepts(externalId, EXTERNAL_ID)).toBe(true);
      expect(externalId.ConstraintDescription).toMatch(/^ExternalId is required/);
    });

    it('is required by the auditor stack as soon as it audits other accounts, refused at deploy naming auditExternalId', () => {
      expect(defaults.params.default.auditExternalId).toBe('');
      expect(defaults.params.default.auditAccounts).toBe('');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('param auditExternalId: is required when auditAccounts is set');
    });

    it('is validated alike on both sides', () => {
      expect(member.Parameters.ExternalId.AllowedPattern).toBe(deployParams.EXTERNAL_ID.source);
      expect(member.Parameters.ExternalId.MinLength).toBe(16);
    });
  });

  describe('the StackSet', () => {
    const properties = () => stackSet.Resources.MemberRoleStackSet.Properties;

    it('deploys the member template to every account of the target OUs, now and later', () => {
      expect(stackSet.Resources.MemberRoleStackSet.Type).toBe('AWS::CloudFormation::StackSet');
      expect(properties()).toMatchObject({
        PermissionModel: 'SERVICE_MANAGED',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        TemplateURL: { Ref: 'MemberRoleTemplateUrl' },
        StackInstancesGroup: [
          { DeploymentTargets: { OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' } } },
        ],
      });
    });

    it("passes every member parameter through unchanged, with the member template's constraints and defaults", () => {
      const names = Object.keys(member.Parameters);
      expect(properties().Parameters).toEqual(
        names.map((name) => ({ ParameterKey: name, ParameterValue: { Ref: name } })),
      );
      for (const name of names) expect(stackSet.Parameters[name], name).toEqual(member.Parameters[name]);
    });
  });

  describe('an intent in S3', () => {
    it('is readable by the Lambda role through exactly its own s3:GetObject grant', () => {
      expect(evaluate({ Condition: 'IntentInS3' }, {}, packaged)).toBe(true);
      const policy = packaged.Resources.IntentReadPolicy;
      expect(policy.Condition).toBe('IntentInS3');
      expect(policy.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::team-intents/prod/intent.yaml'] },
      ]);
      for (const fn of functions()) expect(fn.Properties.Environment.Variables.INTENT_LOCATION).toBe(INTENT);
    });

    it('gets no grant when there is none (the defaults)', () => {
      expect(defaults.provider.environment.INTENT_LOCATION).toBe('');
      expect(evaluate({ Condition: 'IntentInS3' }, {}, defaults.resources)).toBe(false);
    });
  });
});
