import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  type AwsSecurityFinding,
  EnableSecurityHubCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';
import { alertStateSchema } from '../../notify/state.ts';
import { runCli } from '../fixtures/cli.ts';
import { REGION } from './account.ts';
import { type Moto, startMotoForSdk } from './moto.ts';

/** moto's default account: the one STS names and whose default product receives the findings. */
const ACCOUNT = '123456789012';
const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;

/**
 * `audit --security-hub` end to end through moto's Security Hub, over the real SDK wire protocol: a
 * drifted account's findings appear (ASFF, our fingerprint as Id, Japanese title), and once the drift
 * is fixed they are re-imported archived and passed, decided from the record the run keeps, not from
 * GetFindings (which the auditor never calls; the test reads with it). The account is a VPC with a
 * private subnet and a security group chain, so the audit is complete (no REST API: moto's GetExport
 * gap would make it incomplete, and an incomplete audit rightly archives nothing it did not see).
 */
describe('Security Hub sink against moto', () => {
  let moto: Moto;
  let dir: string;
  let appSgId: string;
  let topicArn: string;
  const hub = () => new SecurityHubClient({ region: REGION });
  const ec2 = () => new EC2Client({ region: REGION });

  const findingsInHub = async (): Promise<AwsSecurityFinding[]> =>
    (await hub().send(new GetFindingsCommand({ MaxResults: 100 }))).Findings ?? [];

  const audit = (...extra: string[]) =>
    runCli(
      'audit',
      '--intent',
      join(dir, 'intent.yaml'),
      '--region',
      REGION,
      '--format',
      'json',
      '--security-hub-state',
      join(dir, 'securityhub.json'),
      ...extra,
    );

  beforeAll(async () => {
    moto = await startMotoForSdk();
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-securityhub-'));
    const vpc = await ec2().send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    const vpcId = vpc.Vpc?.VpcId as string;
    await ec2().send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24', AvailabilityZone: `${REGION}a` }),
    );
    const front = await ec2().send(
      new CreateSecurityGroupCommand({ GroupName: 'front-sg', Description: 'front', VpcId: vpcId }),
    );
    const app = await ec2().send(
      new CreateSecurityGroupCommand({ GroupName: 'app-sg', Description: 'app', VpcId: vpcId }),
    );
    appSgId = app.GroupId as string;
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: appSgId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: front.GroupId }] },
        ],
      }),
    );
    await hub().send(new EnableSecurityHubCommand({ EnableDefaultStandards: false }));
    topicArn =
      (await new SNSClient({ region: REGION }).send(new CreateTopicCommand({ Name: 'arch-auditor-alerts' })))
        .TopicArn ?? '';
    expect((await runCli('baseline', '--out', join(dir, 'intent.yaml'), '--region', REGION)).code).toBe(0);
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('imports nothing for the approved account, and records that', async () => {
    const result = await audit('--security-hub');
    const report = JSON.parse(result.out) as Report;
    expect(report.complete).toBe(true);
    expect(report.findings).toEqual([]);
    expect(result.code).toBe(0);
    expect(await findingsInHub()).toEqual([]);
  });

  it("a drifted account's findings appear in Security Hub as ASFF, with --publish beside it", async () => {
    // "Just for a test": SSH from anywhere on the application's group.
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: appSgId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    process.env.ALERT_TOPIC_ARN = topicArn;
    const result = await audit('--security-hub', '--publish', '--state', join(dir, 'state.json'));
    delete process.env.ALERT_TOPIC_ARN;
    const report = JSON.parse(result.out) as Report;
    expect(result.code).toBe(1);
    expect(result.err).toContain('published 1 alert message(s)');
    expect(result.err).toContain(`Security Hub: ${report.findings.length} finding(s) imported, 0 archived`);
    expect(report.findings.map((f) => f.checkId)).toContain('sg.world-ingress');

    const inHub = await findingsInHub();
    expect(inHub.map((f) => f.Id).sort()).toEqual(report.findings.map((f) => f.fingerprint).sort());
    const ssh = report.findings.find((f) => f.checkId === 'sg.world-ingress');
    const imported = inHub.find((f) => f.Id === ssh?.fingerprint);
    expect(imported).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: PRODUCT_ARN,
      GeneratorId: 'arch-auditor/sg.world-ingress',
      AwsAccountId: ACCOUNT,
      Severity: { Label: 'CRITICAL' },
      Title: ssh?.title,
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      Resources: [
        {
          Type: 'AwsEc2SecurityGroup',
          Id: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${appSgId}`,
          Region: REGION,
        },
      ],
    });
    expect(imported?.Description).toContain(ssh?.message);
    expect(imported?.Remediation?.Recommendation?.Text).toBe(ssh?.remediation);
    expect(imported).not.toHaveProperty('Resources.0.Tags');
    // The record holds exactly what was imported.
    const record = alertStateSchema.parse(JSON.parse(await readFile(join(dir, 'securityhub.json'), 'utf8')));
    expect(Object.keys(record.findings).sort()).toEqual(report.findings.map((f) => f.fingerprint).sort());
  });

  it('an unchanged drift is not imported again within a day', async () => {
    const result = await audit('--security-hub');
    expect(result.code).toBe(1);
    expect(result.err).toContain('Security Hub: 0 finding(s) imported, 0 archived');
    expect((await findingsInHub()).every((f) => f.RecordState === 'ACTIVE')).toBe(true);
  });

  it('once the drift is fixed, its findings are archived as passed', async () => {
    const before = await findingsInHub();
    await ec2().send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: appSgId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const result = await audit('--security-hub');
    const report = JSON.parse(result.out) as Report;
    expect(report.complete).toBe(true);
    expect(report.findings).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.err).toContain(`Security Hub: 0 finding(s) imported, ${before.length} archived`);
    const after = await findingsInHub();
    expect(after.map((f) => f.Id).sort()).toEqual(before.map((f) => f.Id).sort());
    for (const finding of after) {
      expect(finding).toMatchObject({ RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } });
    }
    const record = alertStateSchema.parse(JSON.parse(await readFile(join(dir, 'securityhub.json'), 'utf8')));
    expect(record.findings).toEqual({});
  });
  it('with --publish the text report marks what the alert announced, even when Security Hub then fails', async () => {
    // The SSH drift fixed above is still open in the alert state (only Security Hub heard of the fix).
    process.env.ALERT_TOPIC_ARN = topicArn;
    const failing = await audit(
      '--publish',
      '--state',
      join(dir, 'state.json'),
      '--security-hub',
      // A directory where the record file should be: Security Hub's sink fails, SNS's went through.
      '--security-hub-state',
      dir,
      '--format',
      'text',
    );
    delete process.env.ALERT_TOPIC_ARN;
    expect(failing.code).toBe(1);
    expect(failing.err).toContain('published 1 alert message(s)');
    expect(failing.err).toMatch(/^error: Security Hub: cannot read alert state from /m);
    // The SSH rule's own finding and its drift from the baseline both recovered.
    expect(failing.out).toContain('通知: 新規 0 件・復旧 2 件');
    expect(failing.out).toContain('[復旧] [緊急] sg.world-ingress');
    // Published once: a second run has nothing new to announce and nothing to mark.
    process.env.ALERT_TOPIC_ARN = topicArn;
    const again = await runCli(
      'audit',
      '--intent',
      join(dir, 'intent.yaml'),
      '--region',
      REGION,
      '--publish',
      '--state',
      join(dir, 'state.json'),
    );
    delete process.env.ALERT_TOPIC_ARN;
    expect(again.code).toBe(0);
    expect(again.out).toContain('通知: 新規 0 件・復旧 0 件');
    expect(again.out).not.toContain('[復旧]');
  });
});
