import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  InvalidAccessException,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SuppressedFinding } from '../../model/finding.ts';
import {
  ASFF_LIMITS,
  activeFinding,
  asffResourceType,
  cutText,
  defaultProductArn,
  importFindings,
  resourceId,
  SecurityHubImportError,
  syncSecurityHub,
} from '../../notify/securityhub.ts';
import { alertStateSchema, FileStateStore } from '../../notify/state.ts';
import {
  ACCOUNT,
  aFinding,
  anIncompleteReport,
  aReport,
  criticalFinding,
  highFinding,
  later,
  lowFinding,
  manyFindings,
  mediumFinding,
  NOW,
  REGION,
  sshWorldFinding,
} from './fixtures.ts';

const hubMock = mockClient(SecurityHubClient);
const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;
const context = { productArn: PRODUCT_ARN, now: NOW };

/** What BatchImportFindings answers when it took every finding of the request. */
const allImported = (input: { Findings?: AwsSecurityFinding[] }) => ({
  $metadata: { httpStatusCode: 200 },
  FailedCount: 0,
  SuccessCount: input.Findings?.length ?? 0,
  FailedFindings: [],
});

/** The findings of every BatchImportFindings call, in order. */
const importedBatches = (): AwsSecurityFinding[][] =>
  hubMock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings ?? []);
const imported = () => importedBatches().flat();

/** A lone UTF-16 surrogate: half a character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const noWait = { sleep: async () => {} };

describe('ASFF mapping', () => {
  it('names the default product of the account, in its partition and region', () => {
    expect(defaultProductArn({ partition: 'aws', region: REGION, account: ACCOUNT })).toBe(PRODUCT_ARN);
    expect(defaultProductArn({ partition: 'aws-cn', region: 'cn-north-1', account: ACCOUNT })).toBe(
      `arn:aws-cn:securityhub:cn-north-1:${ACCOUNT}:product/${ACCOUNT}/default`,
    );
  });

  it('maps an open finding: fingerprint as Id, check as generator, severity label, Japanese text, no Tags', () => {
    const asff = activeFinding(criticalFinding, aReport([criticalFinding]), NOW.toISOString(), context);
    expect(asff).toEqual({
      SchemaVersion: '2018-10-08',
      Id: criticalFinding.fingerprint,
      ProductArn: PRODUCT_ARN,
      ProductName: 'arch-auditor',
      CompanyName: 'arch-auditor',
      GeneratorId: 'arch-auditor/elb.internet-facing',
      AwsAccountId: ACCOUNT,
      Types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'],
      CreatedAt: NOW.toISOString(),
      UpdatedAt: NOW.toISOString(),
      FirstObservedAt: NOW.toISOString(),
      LastObservedAt: NOW.toISOString(),
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      FindingProviderFields: {
        Severity: { Label: 'CRITICAL', Original: 'critical' },
        Types: ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'],
      },
      Title: criticalFinding.title,
      Description: [
        criticalFinding.message,
        `影響: ${criticalFinding.impact}`,
        '期待: internal',
        '実際: internet-facing',
      ].join('\n'),
      Remediation: { Recommendation: { Text: criticalFinding.remediation } },
      ProductFields: {
        'arch-auditor/checkId': 'elb.internet-facing',
        'arch-auditor/fact': 'scheme:internet-facing',
        'arch-auditor/account': ACCOUNT,
        'arch-auditor/principle': 'P5',
      },
      Resources: [
        { Type: 'AwsElbv2LoadBalancer', Id: criticalFinding.resource.id, Partition: 'aws', Region: REGION },
      ],
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
    });
    expect(JSON.stringify(asff)).not.toContain('"Tags"');
  });

  it.each([
    [
      'AWS::EC2::SecurityGroup',
      'sg-0a1b2c3d4e5f60002',
      'AwsEc2SecurityGroup',
      `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0a1b2c3d4e5f60002`,
    ],
    [
      'AWS::EC2::Subnet',
      'subnet-0a1b2c3d4e5f60001',
      'AwsEc2Subnet',
      `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0a1b2c3d4e5f60001`,
    ],
    [
      'AWS::EC2::VPC',
      'vpc-0a1b2c3d4e5f60001',
      'AwsEc2Vpc',
      `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0a1b2c3d4e5f60001`,
    ],
    [
      'AWS::EC2::NetworkInterface',
      'eni-0a1b2c3d4e5f60001',
      'AwsEc2NetworkInterface',
      `arn:aws:ec2:${REGION}:${ACCOUNT}:network-interface/eni-0a1b2c3d4e5f60001`,
    ],
    [
      'AWS::EC2::RouteTable',
      'rtb-0a1b2c3d4e5f60001',
      'AwsEc2RouteTable',
      `arn:aws:ec2:${REGION}:${ACCOUNT}:route-table/rtb-0a1b2c3d4e5f60001`,
    ],
    [
      'AWS::CloudFront::Distribution',
      'E2QWRUHAPOMQZL',
      'AwsCloudFrontDistribution',
      `arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL`,
    ],
    [
      'AWS::ApiGateway::RestApi',
      'a1b2c3d4e5',
      'AwsApiGatewayRestApi',
      `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5`,
    ],
    [
      'AWS::ApiGateway::Stage',
      'a1b2c3d4e5/prod',
      'AwsApiGatewayStage',
      `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5/stages/prod`,
    ],
    // No ASFF type of their own: Other.
    [
      'AWS::EC2::NatGateway',
      'nat-0a1b2c3d4e5f60001',
      'Other',
      `arn:aws:ec2:${REGION}:${ACCOUNT}:natgateway/nat-0a1b2c3d4e5f60001`,
    ],
    ['AWS::ApiGateway::VpcLink', 'vl0a1b2c', 'Other', `arn:aws:apigateway:${REGION}::/vpclinks/vl0a1b2c`],
    ['AWS::Account', ACCOUNT, 'Other', `AWS::::Account:${ACCOUNT}`],
  ])('%s is %s, named %s', (type, id, asffType, arn) => {
    expect(asffResourceType(type)).toBe(asffType);
    expect(resourceId({ type, id, region: REGION }, ACCOUNT, 'aws')).toBe(arn);
  });

  it('says which CloudFormation type an Other resource is, and gives a global resource no region', () => {
    const nat = aFinding({
      checkId: 'vpc.nat-mode',
      resource: { type: 'AWS::EC2::NatGateway', id: 'nat-0a1b2c3d4e5f60001', region: REGION },
    });
    expect(activeFinding(nat, aReport([nat]), NOW.toISOString(), context).Resources).toEqual([
      {
        Type: 'Other',
        Id: `arn:aws:ec2:${REGION}:${ACCOUNT}:natgateway/nat-0a1b2c3d4e5f60001`,
        Partition: 'aws',
        Region: REGION,
        Details: { Other: { CloudFormationType: 'AWS::EC2::NatGateway' } },
      },
    ]);
    expect(
      activeFinding(mediumFinding, aReport([mediumFinding]), NOW.toISOString(), context).Resources?.[0],
    ).not.toHaveProperty('Region');
  });

  it("names the audited account of a multi-account run in the resource, the caller's in AwsAccountId", () => {
    const member = { ...sshWorldFinding, account: { id: '444455556666', name: 'workload-prod' } };
    const { account: _single, ...multiAccount } = aReport([member]);
    const asff = activeFinding(
      member,
      { ...multiAccount, accounts: [{ id: ACCOUNT }, member.account] },
      NOW.toISOString(),
      context,
    );
    expect(asff.AwsAccountId).toBe(ACCOUNT);
    expect(asff.Resources?.[0]?.Id).toBe(
      `arn:aws:ec2:${REGION}:444455556666:security-group/sg-0a1b2c3d4e5f60002`,
    );
    expect(asff.ProductFields?.['arch-auditor/account']).toBe('444455556666');
  });
});

describe('Function: cutText', () => {
  it('keeps a text that fits, whole', () => {
    expect(cutText('あ'.repeat(256), 256)).toBe('あ'.repeat(256));
  });

  it('cuts at the limit with an ellipsis', () => {
    const cut = cutText('あ'.repeat(300), 256);
    expect(cut).toBe(`${'あ'.repeat(255)}…`);
    expect(cut.length).toBe(256);
  });

  it('never splits a surrogate pair at the limit', () => {
    // '𠮷' is two UTF-16 units: at 254 units of 'あ' the next '𠮷' would straddle the cut.
    const text = `${'あ'.repeat(254)}${'𠮷'.repeat(10)}`;
    const cut = cutText(text, 256);
    expect(cut.length).toBeLessThanOrEqual(256);
    expect(cut).not.toMatch(LONE_SURROGATE);
    expect(cut).toBe(`${'あ'.repeat(254)}…`);
  });

  it.each([ASFF_LIMITS.title, ASFF_LIMITS.description, ASFF_LIMITS.recommendation])(
    'holds %i units for any offset of pairs',
    (limit) => {
      for (let offset = 0; offset < 4; offset += 1) {
        const cut = cutText(`${'a'.repeat(offset)}${'🔥'.repeat(limit)}`, limit);
        expect(cut.length).toBeLessThanOrEqual(limit);
        expect(cut).not.toMatch(LONE_SURROGATE);
      }
    },
  );

  it('keeps every field of an imported finding within its ASFF limit, cleanly', () => {
    const long = aFinding({
      title: `${'セキュリティグループ𠮷'.repeat(40)}`,
      message: '𠮷野家のルールが 0.0.0.0/0 を許可しています。'.repeat(80),
      remediation: '送信元を𠮷セキュリティグループ参照に置き換えてください。'.repeat(40),
    });
    const asff = activeFinding(long, aReport([long]), NOW.toISOString(), context);
    for (const [text, limit] of [
      [asff.Title, ASFF_LIMITS.title],
      [asff.Description, ASFF_LIMITS.description],
      [asff.Remediation?.Recommendation?.Text, ASFF_LIMITS.recommendation],
    ] as const) {
      expect(text?.length).toBeLessThanOrEqual(limit);
      expect(text?.length).toBeGreaterThan(limit - 3);
      expect(text).not.toMatch(LONE_SURROGATE);
      expect(text?.endsWith('…')).toBe(true);
    }
  });
});

describe('Function: importFindings', () => {
  beforeEach(() => {
    hubMock.reset();
  });

  const asffOf = (count: number) =>
    manyFindings(count).map((f) => activeFinding(f, aReport([f]), NOW.toISOString(), context));

  it('sends at most 100 findings per request', async () => {
    hubMock.on(BatchImportFindingsCommand).callsFake(allImported);
    const requests = await importFindings(new SecurityHubClient({}), asffOf(250), noWait);
    expect(requests).toBe(3);
    expect(importedBatches().map((b) => b.length)).toEqual([100, 100, 50]);
    expect(imported().map((f) => f.Id)).toEqual(asffOf(250).map((f) => f.Id));
  });

  it('starts requests at least 100 ms apart (10 per second)', async () => {
    hubMock.on(BatchImportFindingsCommand).callsFake(allImported);
    let clock = 0;
    const starts: number[] = [];
    hubMock.on(BatchImportFindingsCommand).callsFake((input) => {
      starts.push(clock);
      clock += 30; // a request takes 30 ms
      return allImported(input);
    });
    const waits: number[] = [];
    await importFindings(new SecurityHubClient({}), asffOf(1000), {
      clock: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(starts).toHaveLength(10);
    for (let i = 1; i < starts.length; i += 1) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(100);
    }
    expect(waits.every((ms) => ms === 70)).toBe(true);
  });

  it('reports refused findings, naming each with its check and resource, after trying every request', async () => {
    const findings = asffOf(150);
    const refused = findings[120] as AwsSecurityFinding;
    hubMock
      .on(BatchImportFindingsCommand)
      .callsFakeOnce(allImported)
      .callsFakeOnce(() => ({
        $metadata: { httpStatusCode: 200 },
        FailedCount: 1,
        SuccessCount: 49,
        FailedFindings: [
          { Id: refused.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' },
        ],
      }));
    const error = await importFindings(new SecurityHubClient({}), findings, noWait).catch((e) => e);
    expect(error).toBeInstanceOf(SecurityHubImportError);
    expect(error.failed).toEqual([
      { Id: refused.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' },
    ]);
    expect(error.message).toContain('refused 1 of 150 finding(s)');
    expect(error.message).toContain(
      `${refused.Id} (${refused.GeneratorId}, ${refused.Resources?.[0]?.Id}): InvalidInput: Finding does not adhere to ASFF`,
    );
    expect(hubMock.commandCalls(BatchImportFindingsCommand)).toHaveLength(2);
  });

  it('fails with the cause when Security Hub refuses the request (not enabled in the region)', async () => {
    hubMock.on(BatchImportFindingsCommand).rejects(
      new InvalidAccessException({
        message: `Account ${ACCOUNT} is not subscribed to AWS Security Hub`,
        $metadata: { httpStatusCode: 401 },
      }),
    );
    const error = await importFindings(new SecurityHubClient({}), asffOf(3), noWait).catch((e) => e);
    expect(error).toBeInstanceOf(SecurityHubImportError);
    expect(error.message).toBe(
      'Security Hub BatchImportFindings failed for findings 1-3 of 3: InvalidAccessException',
    );
    expect(error.cause).toBeInstanceOf(InvalidAccessException);
  });
});

describe('Function: syncSecurityHub', () => {
  let store: FileStateStore;
  let path: string;
  const client = new SecurityHubClient({});

  beforeEach(async () => {
    hubMock.reset();
    hubMock.on(BatchImportFindingsCommand).callsFake(allImported);
    path = join(await mkdtemp(join(tmpdir(), 'arch-auditor-sh-')), 'securityhub.json');
    store = new FileStateStore(path);
  });

  const sync = (report: Parameters<typeof syncSecurityHub>[0]['report'], now = NOW) =>
    syncSecurityHub({ report, store, client, productArn: PRODUCT_ARN, now, importOptions: noWait });
  const recorded = async () => alertStateSchema.parse(JSON.parse(await readFile(path, 'utf8'))).findings;
  const byId = (id: string) => imported().find((f) => f.Id === id);

  it('imports every open finding on the first run and records them', async () => {
    const result = await sync(aReport([criticalFinding, highFinding]));
    expect(result).toEqual({ active: 2, archived: 0, requests: 1, stateConflicts: 0 });
    expect(imported().map((f) => [f.Id, f.RecordState])).toEqual([
      [criticalFinding.fingerprint, 'ACTIVE'],
      [highFinding.fingerprint, 'ACTIVE'],
    ]);
    expect(Object.keys(await recorded()).sort()).toEqual(
      [criticalFinding.fingerprint, highFinding.fingerprint].sort(),
    );
  });

  it('does not re-import an unchanged finding within a day, and refreshes it after', async () => {
    await sync(aReport([criticalFinding]));
    hubMock.resetHistory();
    expect(await sync(aReport([criticalFinding]), later(1))).toMatchObject({ active: 0, requests: 0 });
    expect(await sync(aReport([criticalFinding]), later(25))).toMatchObject({ active: 1, requests: 1 });
    // Refreshed, it keeps when it was first seen.
    expect(byId(criticalFinding.fingerprint)).toMatchObject({
      CreatedAt: NOW.toISOString(),
      FirstObservedAt: NOW.toISOString(),
      UpdatedAt: later(25).toISOString(),
    });
  });

  it('re-imports a finding whose severity changed', async () => {
    await sync(aReport([highFinding]));
    hubMock.resetHistory();
    const raised = { ...highFinding, severity: 'critical' as const };
    await sync(aReport([raised]), later(1));
    expect(byId(highFinding.fingerprint)?.Severity?.Label).toBe('CRITICAL');
  });

  it('archives a resolved finding as passed, from the record, and forgets it', async () => {
    await sync(aReport([criticalFinding, lowFinding]));
    hubMock.resetHistory();
    const result = await sync(aReport([lowFinding]), later(1));
    expect(result).toMatchObject({ active: 0, archived: 1 });
    expect(imported()).toHaveLength(1);
    expect(byId(criticalFinding.fingerprint)).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
      GeneratorId: 'arch-auditor/elb.internet-facing',
      Severity: { Label: 'CRITICAL' },
      Title: criticalFinding.title,
      CreatedAt: NOW.toISOString(),
      Resources: [{ Type: 'AwsElbv2LoadBalancer', Id: criticalFinding.resource.id }],
    });
    expect(byId(criticalFinding.fingerprint)?.Description).toContain('検出されなくなりました');
    expect(Object.keys(await recorded())).toEqual([lowFinding.fingerprint]);
  });

  it("archives nothing in an incomplete audit's unseen scope, and what it did see as usual", async () => {
    await sync(aReport([highFinding, criticalFinding, lowFinding]));
    hubMock.resetHistory();
    // The route tables could not be read: vpc.public-subnet (highFinding) was blind in this region,
    // while the security groups were read, and the default group's rules are gone (lowFinding).
    await sync(anIncompleteReport([criticalFinding]), later(1));
    expect(
      imported()
        .filter((f) => f.RecordState === 'ARCHIVED')
        .map((f) => f.Id),
    ).toEqual([lowFinding.fingerprint]);
    expect(Object.keys(await recorded())).toContain(highFinding.fingerprint);
    // Seen again complete and fixed: archived then.
    await sync(aReport([criticalFinding]), later(2));
    expect(byId(highFinding.fingerprint)).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
    });
  });

  it('archives a finding an exception now accepts, still failed, saying why', async () => {
    await sync(aReport([sshWorldFinding]));
    hubMock.resetHistory();
    const accepted: SuppressedFinding = {
      ...sshWorldFinding,
      exception: { reason: '踏み台の移行期間中', expires: '2026-12-31' },
    };
    const result = await sync(aReport([], { suppressed: [accepted] }), later(1));
    expect(result).toMatchObject({ active: 0, archived: 1 });
    expect(byId(sshWorldFinding.fingerprint)).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'FAILED' },
    });
    expect(byId(sshWorldFinding.fingerprint)?.Description).toMatch(
      /^例外として承認されました（理由: 踏み台の移行期間中、期限: 2026-12-31）。/,
    );
    expect(await recorded()).toEqual({});
  });

  it('does not import an excepted finding it never imported', async () => {
    const accepted: SuppressedFinding = { ...sshWorldFinding, exception: { reason: '承認済み' } };
    expect(await sync(aReport([], { suppressed: [accepted] }))).toMatchObject({ archived: 0, requests: 0 });
  });

  it('records nothing when Security Hub refuses a finding, so the next run imports it again', async () => {
    hubMock.on(BatchImportFindingsCommand).callsFake((input: { Findings?: AwsSecurityFinding[] }) => ({
      $metadata: { httpStatusCode: 200 },
      FailedCount: 1,
      SuccessCount: (input.Findings?.length ?? 1) - 1,
      FailedFindings: [{ Id: criticalFinding.fingerprint, ErrorCode: 'InvalidInput', ErrorMessage: 'bad' }],
    }));
    await expect(sync(aReport([criticalFinding, highFinding]))).rejects.toThrow(SecurityHubImportError);
    await expect(readFile(path, 'utf8')).rejects.toThrow(/ENOENT/);
    hubMock.on(BatchImportFindingsCommand).callsFake(allImported);
    hubMock.resetHistory();
    await sync(aReport([criticalFinding, highFinding]), later(1));
    expect(
      imported()
        .map((f) => f.Id)
        .sort(),
    ).toEqual([criticalFinding.fingerprint, highFinding.fingerprint].sort());
  });
});
