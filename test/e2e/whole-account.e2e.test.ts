import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import type { IntentInput } from '../../intent/schema.ts';
import type { Report } from '../../model/report.ts';
import { runCli } from '../fixtures/cli.ts';
import { buildCatalogueAccount, REGION } from './account.ts';
import { type Moto, startMoto } from './moto.ts';

/**
 * The whole account is the attack surface, end to end against moto through the real SDK: a debug
 * instance launched into the default VPC as the console wizard does it, an empty default VPC, a VPC the
 * intent excludes, and a two-account organization (moto's Organizations and cross-account AssumeRole)
 * whose member holds the drift.
 *
 * moto gives every region a default VPC with default subnets (MapPublicIpOnLaunch on) and a default
 * group, but no internet gateway and no 0.0.0.0/0 route; real AWS creates both. `asAwsCreatesIt` adds
 * them, so the default VPC here is the one a real account has.
 */

vi.mock('../../collect/pacing.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../collect/pacing.ts')>();
  const unlimited = new original.Pacer({});
  return {
    ...original,
    pacingPlugin: (target: Parameters<typeof original.pacingPlugin>[0]) =>
      original.pacingPlugin({ ...target, pacer: unlimited }),
  };
});

const ROLE_NAME = 'arch-auditor-readonly';

/** The moto gap documented in audit.e2e.test.ts: GetExport has no oas30 export. */
const isMotoExportGap = (f: Report['findings'][number]) =>
  f.checkId === 'audit.incomplete' && f.message.includes('GetExport');

const pairsOf = (report: Report): string[] =>
  [
    ...new Set(
      report.findings.filter((f) => !isMotoExportGap(f)).map((f) => `${f.checkId} ${f.resource.id}`),
    ),
  ].sort();

const pairs = (expected: Record<string, readonly string[]>): string[] =>
  Object.entries(expected)
    .flatMap(([checkId, ids]) => ids.map((id) => `${checkId} ${id}`))
    .sort();

interface DefaultVpc {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly defaultSgId: string;
  readonly mainRouteTableId: string;
}

/** The region's default VPC completed as AWS creates it: an internet gateway and the main table's route to it. */
const asAwsCreatesIt = async (ec2: EC2Client): Promise<DefaultVpc> => {
  const vpcId = (
    await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))
  ).Vpcs?.[0]?.VpcId as string;
  const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway
    ?.InternetGatewayId as string;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  const mainRouteTableId = (
    await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'association.main', Values: ['true'] },
        ],
      }),
    )
  ).RouteTables?.[0]?.RouteTableId as string;
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: mainRouteTableId,
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: igwId,
    }),
  );
  const subnetIds = (
    (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })))
      .Subnets ?? []
  ).map((s) => s.SubnetId as string);
  const defaultSgId = (
    await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    )
  ).SecurityGroups?.[0]?.GroupId as string;
  return { vpcId, subnetIds, defaultSgId, mainRouteTableId };
};

/** The console's launch wizard: a launch-wizard-1 group open on tcp/22 to the world, then an EIP on the instance. */
const launchWizardInstance = async (ec2: EC2Client, vpc: DefaultVpc) => {
  const groupId = (
    await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'launch-wizard-1',
        Description: 'launch-wizard-1 created 2026-11-21T09:00:00.000Z',
        VpcId: vpc.vpcId,
      }),
    )
  ).GroupId as string;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  const instance = (
    await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: vpc.subnetIds[0],
        SecurityGroupIds: [groupId],
      }),
    )
  ).Instances?.[0];
  const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
  await ec2.send(
    new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instance?.InstanceId }),
  );
  return { groupId, eniId: instance?.NetworkInterfaces?.[0]?.NetworkInterfaceId as string };
};

describe('the whole account against moto: default VPCs, excluded VPCs, several accounts', () => {
  let moto: Moto;
  let dir: string;
  let cases = 0;
  const savedEnv = { ...process.env };
  const ec2 = (credentials?: AwsCredentialIdentity) =>
    new EC2Client({ region: REGION, ...(credentials ? { credentials } : {}) });

  beforeAll(async () => {
    moto = await startMoto();
    for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete process.env[key];
    Object.assign(process.env, moto.env);
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-whole-account-'));
  });

  afterAll(async () => {
    process.env = savedEnv;
    await moto?.stop();
  });

  const auditJson = async (...args: string[]): Promise<Report> => {
    const result = await runCli('audit', '--region', REGION, '--format', 'json', ...args);
    expect(result.err).toBe('');
    return JSON.parse(result.out) as Report;
  };

  /** A fresh hardened account with AWS's default VPC beside it, and the baseline intent of both. */
  const approvedAccount = async (edit?: (intent: IntentInput) => void) => {
    await moto.reset();
    const account = await buildCatalogueAccount();
    const defaultVpc = await asAwsCreatesIt(ec2());
    const intentPath = join(dir, `intent-${++cases}.yaml`);
    expect((await runCli('baseline', '--out', intentPath, '--region', REGION)).code).toBe(0);
    if (edit) {
      const intent = parse(await readFile(intentPath, 'utf8')) as IntentInput;
      edit(intent);
      await writeFile(intentPath, stringify(intent));
    }
    return { account, defaultVpc, intentPath };
  };

  it('reports an empty default VPC as one low finding, and nothing on its public subnets or group', async () => {
    await moto.reset();
    const vpc = await asAwsCreatesIt(ec2());
    const report = await auditJson();
    expect(pairsOf(report)).toEqual(pairs({ 'vpc.default-vpc': [vpc.vpcId] }));
    expect(report.findings[0]?.severity).toBe('low');
  });

  it('audits the approved account clean after baseline, its empty default VPC accepted in one line', async () => {
    const { defaultVpc, intentPath } = await approvedAccount();
    const intent = parse(await readFile(intentPath, 'utf8')) as IntentInput;
    expect(intent.vpcs?.map((v) => v.id)).toContain(defaultVpc.vpcId);
    expect(intent.exceptions?.filter((e) => e.resource === defaultVpc.vpcId)).toEqual([
      {
        check: 'vpc.default-vpc',
        resource: defaultVpc.vpcId,
        facts: ['unused-default-vpc'],
        reason: expect.stringContaining('baseline'),
      },
    ]);
    expect(pairsOf(await auditJson('--intent', intentPath))).toEqual([]);
  });

  it('reports a console-wizard debug instance in the default VPC on every resource and its path', async () => {
    const { defaultVpc, intentPath } = await approvedAccount();
    const { groupId, eniId } = await launchWizardInstance(ec2(), defaultVpc);
    const report = await auditJson('--intent', intentPath);
    expect(pairsOf(report)).toEqual(
      pairs({
        // The way in: internet → IGW → the default subnet's main route table → NACL → launch-wizard-1 → EIP.
        'exposure.unintended-entry': [eniId],
        'vpc.public-eni': [eniId],
        'sg.world-ingress': [groupId],
        // The default VPC is no longer empty: AWS's defaults are now findings of their own, like anywhere.
        'vpc.public-subnet': [...defaultVpc.subnetIds],
        'vpc.auto-public-ip': [...defaultVpc.subnetIds],
        'sg.default-has-rules': [defaultVpc.defaultSgId],
        // The exception that accepted it as an empty default VPC accepts nothing now.
        'audit.exception-unused': [defaultVpc.vpcId],
      }),
    );
    const entry = report.findings.find((f) => f.checkId === 'exposure.unintended-entry');
    expect(entry?.severity).toBe('critical');
    const hops = ((entry?.details?.hops ?? []) as { label: string }[]).map((h) => h.label).join(' → ');
    for (const id of [defaultVpc.mainRouteTableId, groupId, eniId]) expect(hops).toContain(id);
    // Without any intent too: the default VPC is in scope for the built-in principles.
    const bare = pairsOf(await auditJson());
    for (const pair of [
      `exposure.unintended-entry ${eniId}`,
      `vpc.public-eni ${eniId}`,
      `sg.world-ingress ${groupId}`,
    ])
      expect(bare).toContain(pair);
  });

  it('leaves out a VPC the intent excludes by tag, and lists it in the report', async () => {
    await moto.reset();
    const sandbox = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.99.0.0/16' }))).Vpc
      ?.VpcId as string;
    await ec2().send(
      new CreateTagsCommand({ Resources: [sandbox], Tags: [{ Key: 'arch-auditor', Value: 'skip' }] }),
    );
    const openGroup = (
      await ec2().send(
        new CreateSecurityGroupCommand({ GroupName: 'sandbox-ssh', Description: 'ssh', VpcId: sandbox }),
      )
    ).GroupId as string;
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: openGroup,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const intentPath = join(dir, `intent-${++cases}.yaml`);
    // The twin first: without the exclusion the sandbox is audited like every other VPC.
    expect(pairsOf(await auditJson())).toContain(`sg.world-ingress ${openGroup}`);
    await writeFile(
      intentPath,
      stringify({
        version: 1,
        profile: 'private-backend',
        excludeVpcs: [
          { tag: { key: 'arch-auditor', value: 'skip' }, reason: 'サンドボックス。本番データなし' },
        ],
      }),
    );
    const report = await auditJson('--intent', intentPath);
    expect(pairsOf(report).filter((p) => p.endsWith(openGroup) || p.endsWith(sandbox))).toEqual([]);
    expect(report.excludedVpcs).toEqual([
      { account: report.account, id: sandbox, region: REGION, reason: 'サンドボックス。本番データなし' },
    ]);
    const text = await runCli('audit', '--region', REGION, '--intent', intentPath);
    expect(text.out).toContain(`${sandbox} (${REGION}): サンドボックス。本番データなし`);
  });

  it('names the member account that holds the drift in the JSON, the text report and the alert', async () => {
    await moto.reset();
    const org = new OrganizationsClient({ region: REGION });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    await org.send(new CreateAccountCommand({ AccountName: 'workload-prod', Email: 'prod@example.com' }));
    const accounts = (await org.send(new ListAccountsCommand({}))).Accounts ?? [];
    const management = accounts.find((a) => a.Name !== 'workload-prod')?.Id as string;
    const member = accounts.find((a) => a.Name === 'workload-prod')?.Id as string;
    // The drift, in the member: SSH open to the world on a group of its (still empty) default VPC.
    const issued = (
      await new STSClient({ region: REGION }).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${member}:role/${ROLE_NAME}`,
          RoleSessionName: 'setup',
        }),
      )
    ).Credentials;
    const asMember = {
      accessKeyId: issued?.AccessKeyId as string,
      secretAccessKey: issued?.SecretAccessKey as string,
      sessionToken: issued?.SessionToken as string,
    };
    const memberVpc = await asAwsCreatesIt(ec2(asMember));
    const managementVpc = await asAwsCreatesIt(ec2());
    const groupId = (
      await ec2(asMember).send(
        new CreateSecurityGroupCommand({
          GroupName: 'debug-ssh',
          Description: 'debug',
          VpcId: memberVpc.vpcId,
        }),
      )
    ).GroupId as string;
    await ec2(asMember).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const orgFlags = ['--org', '--role-name', ROLE_NAME];

    const report = await auditJson(...orgFlags);
    expect(report.account).toBeUndefined();
    // In id order; moto draws the member's id at random, so either may come first.
    expect(report.accounts).toEqual(
      [
        { id: management, name: expect.any(String) },
        { id: member, name: 'workload-prod' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const byAccount = (id: string) =>
      pairsOf({ ...report, findings: report.findings.filter((f) => f.account.id === id) });
    expect(byAccount(member)).toEqual(
      pairs({ 'sg.world-ingress': [groupId], 'vpc.default-vpc': [memberVpc.vpcId] }),
    );
    expect(byAccount(management)).toEqual(pairs({ 'vpc.default-vpc': [managementVpc.vpcId] }));
    expect(report.findings.find((f) => f.checkId === 'sg.world-ingress')?.account).toEqual({
      id: member,
      name: 'workload-prod',
    });

    const text = await runCli('audit', '--region', REGION, ...orgFlags);
    expect(text.out).toContain(
      // The group has no Name tag: it is named by its group name (one label rule, inventory/derive.ts).
      `対象: AWS::EC2::SecurityGroup debug-ssh (${groupId}) (アカウント workload-prod (${member}) / ${REGION})`,
    );

    // The alert, as an email / SQS subscriber of the topic receives it, with console links into the member.
    const sns = new SNSClient({ region: REGION });
    const sqs = new SQSClient({ region: REGION });
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'arch-auditor-alerts' })))
      .TopicArn as string;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts-inbox' })))
      .QueueUrl as string;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    Object.assign(process.env, {
      ALERT_TOPIC_ARN: topicArn,
      CONSOLE_PORTAL_URL: 'https://d-9067aaaaaa.awsapps.com/start',
      CONSOLE_ROLE_NAME: 'ReadOnlyAccess',
    });
    try {
      const published = await runCli(
        'audit',
        '--region',
        REGION,
        ...orgFlags,
        '--publish',
        '--state',
        join(dir, 'state.json'),
      );
      expect(published.err).toContain('published 1 alert message');
    } finally {
      for (const key of ['ALERT_TOPIC_ARN', 'CONSOLE_PORTAL_URL', 'CONSOLE_ROLE_NAME'])
        delete process.env[key];
    }
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages).toHaveLength(1);
    const alert = (JSON.parse(Messages[0]?.Body ?? '{}') as { Message: string }).Message;
    expect(alert).toContain(`/ アカウント workload-prod (${member}) / ${REGION}`);
    expect(alert).toContain(`account_id=${member}&role_name=ReadOnlyAccess`);
  });
});
