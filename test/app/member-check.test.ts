import {
  APIGatewayClient,
  APIGatewayServiceException,
  GetRestApisCommand,
} from '@aws-sdk/client-api-gateway';
import { AccessDenied, CloudFrontClient, ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { DescribeVpcsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AssumeRoleCommand,
  ExpiredTokenException,
  STSClient as NestedSTSClient,
  STSServiceException,
} from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROLE_NAME } from '../../app/accounts.ts';
import { PROBES } from '../../app/member-check.ts';
import { EXIT } from '../../cli/main.ts';
import { loadYaml } from '../fixtures/cfn.ts';
import { runCli } from '../fixtures/cli.ts';

/**
 * `arch-auditor check-member` with the SDK mocked: the error shapes real AWS returns for a role that
 * cannot be assumed (missing, misnamed, untrusted or a wrong external id all answer AccessDenied) and
 * for a role missing one permission. test/e2e/check-member.e2e.test.ts drives the same command
 * against moto with IAM enforced.
 */

const MEMBER = '111122223333';
const AUDITOR = '210987654321';
const CALLER = `arn:aws:sts::${AUDITOR}:assumed-role/AWSReservedSSO_AuditOps_0a1b2c3d4e5f/alice`;
const ROLE_ARN = `arn:aws:iam::${MEMBER}:role/${DEFAULT_ROLE_NAME}`;

const assumeSts = mockClient(NestedSTSClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const apigateway = mockClient(APIGatewayClient);
const cloudfront = mockClient(CloudFrontClient);
const savedEnv = { ...process.env };

const denied = (action: string) =>
  `User: arn:aws:sts::${MEMBER}:assumed-role/${DEFAULT_ROLE_NAME}/arch-auditor-check is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;

/** A member role that can be assumed and reads everything. */
const healthyMember = () => {
  assumeSts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIA_EXAMPLEMEMBER000',
      SecretAccessKey: 'member-secret',
      SessionToken: 'member-token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
    AssumedRoleUser: {
      Arn: `arn:aws:sts::${MEMBER}:assumed-role/${DEFAULT_ROLE_NAME}/arch-auditor-check`,
      AssumedRoleId: 'AROAEXAMPLE:arch-auditor-check',
    },
  });
  sts
    .on(GetCallerIdentityCommand)
    .resolvesOnce({ Account: AUDITOR, Arn: CALLER, UserId: 'AROAEXAMPLE:alice' })
    .resolves({
      Account: MEMBER,
      Arn: `arn:aws:sts::${MEMBER}:assumed-role/${DEFAULT_ROLE_NAME}/arch-auditor-check`,
    });
  ec2
    .on(DescribeVpcsCommand)
    .resolves({ Vpcs: [{ VpcId: 'vpc-0a1b2c3d4e5f60718', CidrBlock: '10.0.0.0/16' }] });
  elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
  apigateway.on(GetRestApisCommand).resolves({ items: [] });
  cloudfront
    .on(ListDistributionsCommand)
    .resolves({ DistributionList: { Marker: '', MaxItems: 1, IsTruncated: false, Quantity: 0 } });
};

const accessDeniedOnAssume = () =>
  assumeSts.on(AssumeRoleCommand).rejects(
    new STSServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: `User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
    }),
  );

beforeEach(() => {
  for (const mock of [assumeSts, sts, ec2, elbv2, apigateway, cloudfront]) mock.reset();
  for (const key of ['AUDIT_ROLE_NAME', 'AUDIT_EXTERNAL_ID']) delete process.env[key];
  process.env.AWS_REGION = 'ap-northeast-1';
});
afterEach(() => {
  process.env = { ...savedEnv };
});

const check = (...args: string[]) => runCli('check-member', '--account', MEMBER, ...args);

describe('check-member', () => {
  it('passes a member role that can be assumed and read everything, with the configured name and external id', async () => {
    healthyMember();
    const { code, out } = await check('--external-id', 'contract-test-external-id');
    expect(code).toBe(EXIT.clean);
    expect(assumeSts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ROLE_ARN,
      ExternalId: 'contract-test-external-id',
    });
    expect(out).toContain(
      `メンバーアカウント ${MEMBER} の確認（ロール ${DEFAULT_ROLE_NAME}、外部 ID あり、リージョン ap-northeast-1）`,
    );
    for (const probe of PROBES) expect(out).toContain(`OK  ${probe.action}`);
    expect(out).toContain('結果: 問題ありません');
    expect(out).not.toContain('NG');
  });

  it("takes the role name and external id from the Lambda's variables when no flag gives them", async () => {
    healthyMember();
    Object.assign(process.env, {
      AUDIT_ROLE_NAME: 'audit-reader',
      AUDIT_EXTERNAL_ID: 'from-the-environment-0001',
    });
    const { code } = await check();
    expect(code).toBe(EXIT.clean);
    expect(assumeSts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/audit-reader`,
      ExternalId: 'from-the-environment-0001',
    });
  });

  it('reports a role that cannot be assumed (missing, misnamed, untrusted, wrong external id) with what to check', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: AUDITOR, Arn: CALLER });
    accessDeniedOnAssume();
    const { code, out } = await check('--role-name', 'arch-auditor-member');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain(
      `NG  sts:AssumeRole: arn:aws:iam::${MEMBER}:role/arch-auditor-member を引き受けられません（AccessDenied）`,
    );
    expect(out).toContain('このアカウントにロール arch-auditor-member があるか');
    expect(out).toContain(`実行元: ${CALLER}`);
    // No external id given: the likeliest cause is named.
    expect(out).toContain('外部 ID を指定していません');
    expect(out).toContain('各サービスの読み取りは未確認です');
    expect(out).toContain('このアカウントの監査は毎回「不完全」になります');
    // Nothing was read with credentials it does not have.
    expect(ec2).not.toHaveReceivedCommand(DescribeVpcsCommand);
    expect(cloudfront).not.toHaveReceivedCommand(ListDistributionsCommand);
  });

  it('with an external id given, points at its value instead', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: AUDITOR, Arn: CALLER });
    accessDeniedOnAssume();
    const { code, out } = await check('--external-id', 'not-the-stack-external-id');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain('外部 ID がスタックの ExternalId と同じか');
    expect(out).not.toContain('外部 ID を指定していません');
  });

  it("reports the caller's own credentials, not the member role, when STS refuses them", async () => {
    assumeSts.on(AssumeRoleCommand).rejects(
      new ExpiredTokenException({
        $metadata: { httpStatusCode: 400 },
        message: 'The security token included in the request is expired',
      }),
    );
    sts.on(GetCallerIdentityCommand).rejects(new Error('expired'));
    const { code, out } = await check('--external-id', 'contract-test-external-id');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain('（ExpiredTokenException: The security token included in the request is expired）');
    expect(out).toContain('実行元の認証情報');
  });

  it('names each read the role is denied, with the action to grant, and the ones that work', async () => {
    healthyMember();
    ec2.on(DescribeVpcsCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: `You are not authorized to perform this operation. ${denied('ec2:DescribeVpcs')}`,
      }),
    );
    cloudfront.on(ListDistributionsCommand).rejects(
      new AccessDenied({
        $metadata: { httpStatusCode: 403 },
        message: denied('cloudfront:ListDistributions'),
      }),
    );
    apigateway.on(GetRestApisCommand).rejects(
      new APIGatewayServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: denied('apigateway:GET'),
      }),
    );
    const { code, out } = await check('--external-id', 'contract-test-external-id', '--region', 'eu-west-1');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain(
      'NG  ec2:DescribeVpcs（eu-west-1）: 権限がありません（UnauthorizedOperation）。ロールのポリシーに ec2:DescribeVpcs を追加してください',
    );
    expect(out).toContain('NG  cloudfront:ListDistributions: 権限がありません（AccessDenied）');
    expect(out).toContain(
      'NG  apigateway:GET /restapis（eu-west-1）: 権限がありません（AccessDeniedException）',
    );
    expect(out).toContain('OK  elasticloadbalancing:DescribeLoadBalancers（eu-west-1）');
    expect(out).toContain('OK  sts:GetCallerIdentity');
    expect(out).toContain(
      '結果: 3 件の問題があり、このアカウントの監査は「不完全」になります。権限の不足は infra/member-role.yml の最新版でロールを更新すると直ります',
    );
  });

  it('tells a read that failed for another reason from a missing permission', async () => {
    healthyMember();
    elbv2.on(DescribeLoadBalancersCommand).rejects(
      new ElasticLoadBalancingV2ServiceException({
        name: 'ServiceUnavailable',
        $fault: 'server',
        $metadata: { httpStatusCode: 503 },
        message: 'Service is unavailable. Please try again later.',
      }),
    );
    const { code, out } = await check('--external-id', 'contract-test-external-id');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain(
      'NG  elasticloadbalancing:DescribeLoadBalancers（ap-northeast-1）: 読み取れませんでした（ServiceUnavailable',
    );
    expect(out).toContain('権限以外の理由です');
    expect(out).toContain('結果: 1 件の問題があり、このアカウントの監査は「不完全」になります。\n');
  });

  it('fails a role whose credentials are of another account (a role of that name elsewhere)', async () => {
    healthyMember();
    sts
      .on(GetCallerIdentityCommand)
      .resolvesOnce({ Account: AUDITOR, Arn: CALLER })
      .resolves({
        Account: '444455556666',
        Arn: `arn:aws:sts::444455556666:assumed-role/${DEFAULT_ROLE_NAME}/x`,
      });
    const { code, out } = await check('--external-id', 'contract-test-external-id');
    expect(code).toBe(EXIT.findings);
    expect(out).toContain(
      "ロールの認証情報が別のアカウントのものです（the role's credentials belong to account 444455556666）",
    );
  });

  it('checks each account given and fails when any is not ready', async () => {
    healthyMember();
    assumeSts
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::444455556666:role/${DEFAULT_ROLE_NAME}` })
      .rejects(
        new STSServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'denied',
        }),
      );
    const { code, out } = await runCli(
      'check-member',
      '--account',
      MEMBER,
      '444455556666',
      '--external-id',
      'contract-test-external-id',
    );
    expect(code).toBe(EXIT.findings);
    expect(out).toContain(`メンバーアカウント ${MEMBER} の確認`);
    expect(out).toContain('結果: 問題ありません');
    expect(out).toContain('メンバーアカウント 444455556666 の確認');
    expect(out).toContain('を引き受けられません（AccessDenied）');
  });

  it('refuses bad flags naming them, before calling AWS', async () => {
    const badAccount = await runCli('check-member', '--account', '1111-2222-3333');
    expect(badAccount.code).toBe(EXIT.usage);
    expect(badAccount.err).toContain('--account');
    const badRegion = await check('--region', 'tokyo');
    expect(badRegion.code).toBe(EXIT.usage);
    expect(badRegion.err).toContain('--region');
    const noAccount = await runCli('check-member');
    expect(noAccount.code).toBe(EXIT.usage);
    expect(noAccount.err).toContain('--account');
    expect(assumeSts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it('reads every service the member role grants: a new service in the policy needs its read here', async () => {
    const template = await loadYaml('infra/member-role.yml');
    const granted = (
      template.Resources.AuditRole.Properties.Policies as {
        PolicyDocument: { Statement: { Action: string | string[] }[] };
      }[]
    )
      .flatMap((p) => p.PolicyDocument.Statement)
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    const services = (actions: readonly string[]) => [...new Set(actions.map((a) => a.split(':')[0]))].sort();
    expect(services(PROBES.map((p) => p.action))).toEqual(services(granted));
    // Each read is one the role is granted (apigateway: GET on /restapis).
    for (const probe of PROBES) expect(granted).toContain(probe.action.split(' ')[0]);
  });
});
