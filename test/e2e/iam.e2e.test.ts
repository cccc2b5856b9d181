import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Report } from '../../model/report.ts';
import { renderText } from '../../report/text.ts';
import { runCli } from '../fixtures/cli.ts';
import {
  buildCatalogueAccount,
  buildPrivateBackendAccount,
  type CatalogueAccount,
  REGION,
} from './account.ts';
import { type Moto, startMotoForSdk } from './moto.ts';
import { actionsOf, forMoto, type Statement } from './moto-iam.ts';
import { type RegionDenyingScp, startRegionDenyingScp } from './scp.ts';

/**
 * End to end with IAM enforced: moto_server checks every request's signature and the caller's IAM
 * policies once INITIAL_NO_AUTH_ACTION_COUNT requests have gone through. The auditor runs as a user
 * whose policy is the Lambda role's read-only statements from serverless.yml minus one action; the
 * audit must report that one operation incomplete, denied, and still run every other check.
 */

const MISSING = 'ec2:DescribeRouteTables';
/** The unauthenticated requests: two users, each created, given its policy and an access key. */
const SETUP_REQUESTS = 6;

/** The read-only statements of the Lambda role (the collectors' calls), exactly as deployed. */
const readOnlyStatements = async (): Promise<Statement[]> => {
  const text = await readFile(new URL('../../serverless.yml', import.meta.url), 'utf8');
  // CloudFormation tags (!Ref ...) are kept as plain values: only the read-only statements are used.
  const doc = parse(text, { logLevel: 'silent' }) as {
    provider: { iam: { role: { statements: Statement[] } } };
  };
  return doc.provider.iam.role.statements.filter((s) =>
    actionsOf(s).every((a) =>
      /^(ec2|elasticloadbalancing|cloudfront|sts):(Describe|List|Get)\w+$|^apigateway:GET$/.test(a),
    ),
  );
};

const ALLOW_EVERYTHING = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** Creates an IAM user with an inline policy and returns its access key (moto counts 3 requests). */
const createUser = async (name: string, policy: object) => {
  const iam = new IAMClient({ region: 'us-east-1' });
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(
    new PutUserPolicyCommand({ UserName: name, PolicyName: name, PolicyDocument: JSON.stringify(policy) }),
  );
  return (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey ?? {};
};

const useKeys = (keys: { AccessKeyId?: string; SecretAccessKey?: string }) => {
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: keys.AccessKeyId ?? '',
    AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey ?? '',
  });
};

describe('arch-auditor against moto with IAM enforced (a role missing one permission)', () => {
  let moto: Moto;
  let statements: Statement[];

  beforeAll(async () => {
    moto = await startMotoForSdk({ env: { INITIAL_NO_AUTH_ACTION_COUNT: String(SETUP_REQUESTS) } });
    statements = await readOnlyStatements();

    const builder = await createUser('account-builder', ALLOW_EVERYTHING);
    const auditor = await createUser('auditor-missing-one', {
      Version: '2012-10-17',
      Statement: statements
        .map(forMoto)
        .map((s) => ({ ...s, Action: actionsOf(s).filter((a) => a !== MISSING) })),
    });
    // From here on moto enforces IAM: the account is built by a user allowed everything.
    useKeys(builder);
    await buildPrivateBackendAccount();
    useKeys(auditor);
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('the policy is the deployed read-only statements, which grant the missing action', () => {
    expect(statements.flatMap(actionsOf)).toContain(MISSING);
    expect(statements.flatMap(actionsOf)).toContain('ec2:DescribeVpcs');
  });

  it('reports exactly the denied operation as incomplete and still runs every other check', async () => {
    const { code, out, err } = await runCli(
      'audit',
      '--region',
      REGION,
      '--format',
      'json',
      '--fail-on',
      'none',
    );
    expect(code, err).toBe(1);
    const report = JSON.parse(out) as Report;
    expect(report.complete).toBe(false);
    // moto 5.2.1's GetExport gap (see audit.e2e.test.ts) is not a permission matter.
    const errors = report.errors.filter(
      (e) => !(e.operation === 'GetExport' && e.code === 'UnexpectedExportFormat'),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        service: 'ec2',
        operation: 'DescribeRouteTables',
        region: REGION,
        code: expect.stringMatching(/^(AccessDenied|UnauthorizedOperation)$/),
      }),
    ]);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        checkId: 'audit.incomplete',
        message: expect.stringContaining(`ec2 の DescribeRouteTables（${REGION}）が失敗しました`),
      }),
    );
    // Only checks that read route tables are blind, and only in this region: every check still runs.
    // The account id came through the allowed STS call.
    expect(report.account).not.toBe('unknown');
    expect(report.skippedChecks).toEqual([]);
    const blind = report.unseen.filter((u) => u.resourceId === undefined);
    expect(blind.map((u) => u.checkId)).toEqual(
      expect.arrayContaining(['vpc.public-subnet', 'vpc.db-tier-egress', 'drift.route-table']),
    );
    expect(new Set(blind.map((u) => u.region))).toEqual(new Set([REGION]));
  });
});

/**
 * Issue 10: an organization SCP that denies one region (the common landing-zone set-up) must not
 * silence the regions that were read. The auditor holds the deployed read-only statements (moto checks
 * them); the SCP refuses every action signed for eu-west-1 (scp.ts, since moto ignores
 * aws:RequestedRegion). ap-northeast-1 holds a world-open DB group and a DB route to the IGW.
 */
describe('arch-auditor against moto with an SCP that denies one region', () => {
  const DENIED = 'eu-west-1';
  let moto: Moto;
  let scp: RegionDenyingScp;
  let account: CatalogueAccount;
  let deniedSgId: string;
  let dir: string;

  beforeAll(async () => {
    moto = await startMotoForSdk({ env: { INITIAL_NO_AUTH_ACTION_COUNT: String(SETUP_REQUESTS) } });
    const builder = await createUser('account-builder', ALLOW_EVERYTHING);
    const auditor = await createUser('auditor', {
      Version: '2012-10-17',
      Statement: (await readOnlyStatements()).map(forMoto),
    });
    useKeys(builder);
    account = await buildCatalogueAccount();
    const tokyo = new EC2Client({ region: REGION });
    await tokyo.send(
      new CreateRouteCommand({
        RouteTableId: account.dbRouteTableId,
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: account.igwId,
      }),
    );
    await tokyo.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: account.dbSgId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    // The denied region has its own drift, which the auditor must neither see nor report.
    const ireland = new EC2Client({ region: DENIED });
    const vpcId = (await ireland.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId;
    deniedSgId = (
      await ireland.send(
        new CreateSecurityGroupCommand({ GroupName: 'open', Description: 'open', VpcId: vpcId }),
      )
    ).GroupId as string;
    await ireland.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: deniedSgId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    scp = await startRegionDenyingScp(moto.endpoint, [DENIED]);
    process.env.AWS_ENDPOINT_URL = scp.endpoint;
    useKeys(auditor);
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-scp-'));
  });

  afterAll(async () => {
    await scp?.stop();
    await moto?.stop();
  });

  const audit = async (...args: string[]) => {
    const result = await runCli('audit', '--format', 'json', '--fail-on', 'none', ...args);
    return { ...result, report: JSON.parse(result.out) as Report };
  };
  const pairs = (report: Report) =>
    report.findings.map((f) => `${f.checkId} ${f.resource.region} ${f.resource.id}`);
  const deniedCalls = () => scp.requestsByRegion.get(DENIED) ?? 0;
  /** moto 5.2.1's GetExport gap (audit.e2e.test.ts): one stage's export, not a permission matter. */
  const isExportGap = (e: { operation: string; code: string }) =>
    e.operation === 'GetExport' && e.code === 'UnexpectedExportFormat';

  it('reports the readable region in full and names the denied one as incomplete, looking SCP-denied', async () => {
    const { code, err, report } = await audit('--region', REGION, '--region', DENIED);
    expect(code, err).toBe(1);
    expect(report.complete).toBe(false);
    // The drift of the region that was read is reported, as in a clean run.
    expect(pairs(report)).toEqual(
      expect.arrayContaining([
        `sg.world-ingress ${REGION} ${account.dbSgId}`,
        `vpc.public-subnet ${REGION} ${account.dbSubnetId}`,
      ]),
    );
    expect(report.skippedChecks).toEqual([]);
    // Every call in the denied region was refused the way an SCP refuses it, and nothing else failed.
    const denied = report.errors.filter((e) => e.region === DENIED);
    expect(denied.length).toBeGreaterThan(5);
    expect(new Set(denied.map((e) => e.code))).toEqual(
      new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']),
    );
    expect(report.errors.filter((e) => e.region !== DENIED && !isExportGap(e))).toEqual([]);
    // Nothing is reported from the denied region but the one incompleteness naming it.
    const there = report.findings.filter((f) => f.resource.region === DENIED);
    expect(there.map((f) => f.checkId)).toEqual(['audit.incomplete']);
    expect(there[0]?.message).toContain('SCP');
    expect(there[0]?.message).toContain(`deniedRegions に ${DENIED}`);
    expect(pairs(report).some((p) => p.includes(deniedSgId))).toBe(false);
    // Unseen: the denied region (and CloudFront for checks that read it), and the export gap's one stage.
    expect(report.unseen).toContainEqual({ checkId: 'sg.world-ingress', region: DENIED });
    expect(
      report.unseen.filter((u) => u.region === REGION).map((u) => `${u.checkId} ${u.resourceId}`),
    ).toEqual([
      `apigw.resource-policy ${account.apiId}/prod`,
      `apigw.stale-deployment ${account.apiId}/prod`,
      `exposure.unintended-entry ${account.apiId}/prod`,
    ]);
  });

  it('--skip-region: the denied region is not called, not incomplete, and listed as skipped', async () => {
    const before = deniedCalls();
    const { code, err, report } = await audit(
      '--region',
      REGION,
      '--region',
      DENIED,
      '--skip-region',
      DENIED,
    );
    expect(code, err).toBe(1);
    expect(deniedCalls()).toBe(before);
    expect(report.skippedRegions).toEqual([
      { region: DENIED, reason: 'denied-by-design', declaredBy: 'flag' },
    ]);
    expect(report.regions).toEqual([REGION]);
    expect(report.errors.filter((e) => !isExportGap(e))).toEqual([]);
    expect(report.unseen.map((u) => u.region)).not.toContain(DENIED);
    expect(pairs(report)).toEqual(
      expect.arrayContaining([
        `sg.world-ingress ${REGION} ${account.dbSgId}`,
        `vpc.public-subnet ${REGION} ${account.dbSubnetId}`,
      ]),
    );
  });

  it('--all-regions with deniedRegions in the intent: every other enabled region is audited, the denied one skipped', {
    timeout: 240_000,
  }, async () => {
    const intentPath = join(dir, 'intent.yaml');
    await writeFile(intentPath, `version: 1\nprofile: private-backend\ndeniedRegions: [${DENIED}]\n`);
    const before = deniedCalls();
    const { code, err, report } = await audit('--all-regions', '--intent', intentPath);
    expect(code, err).toBe(1);
    expect(deniedCalls()).toBe(before);
    expect(report.regions).toContain(REGION);
    expect(report.regions).toContain('us-east-1');
    expect(report.regions).not.toContain(DENIED);
    expect(report.skippedRegions).toEqual([
      { region: DENIED, reason: 'denied-by-design', declaredBy: 'intent' },
    ]);
    // moto 5.2.1's DescribeRegions also lists the aws-cn and aws-us-gov regions, which AWS never lists
    // to an account of the aws partition; moto refuses our key there. Every other region reads clean.
    const otherPartition = (region: string) => /^(cn|us-gov)-/.test(region);
    expect(report.errors.filter((e) => !isExportGap(e) && !otherPartition(e.region))).toEqual([]);
    expect(pairs(report)).toContain(`sg.world-ingress ${REGION} ${account.dbSgId}`);
    expect(renderText(report)).toContain(
      `拒否を宣言済みのため監査対象外のリージョン: ${DENIED}（設計定義ファイルの deniedRegions）`,
    );
  });
});
