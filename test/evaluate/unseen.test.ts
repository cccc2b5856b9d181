import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../checks/define.ts';
import { CHECKS } from '../../checks/index.ts';
import { vpcPublicSubnet } from '../../checks/vpc/public-subnet.ts';
import { evaluate } from '../../engine/evaluate.ts';
import type { CollectionError, Inventory, RestApi, SliceName } from '../../inventory/types.ts';
import { diffAgainstState } from '../../notify/state.ts';
import {
  aPrivateApi,
  aPrivateApiInventory,
  PRIVATE_API_ID,
  seed003Policy,
  seed004Policy,
} from '../fixtures/apigw.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anIntent } from '../fixtures/intent.ts';
import {
  aDistribution,
  anInventory,
  aRestApi,
  aRoute,
  aRouteTable,
  aSecurityGroup,
  aStage,
  aSubnet,
  aVpc,
} from '../fixtures/inventory.ts';

/**
 * Incompleteness is scoped to what could not be read (issue 10): an organization SCP that denies one
 * region must not silence the findings of the regions that were read.
 */

const TOKYO = 'ap-northeast-1';
const IRELAND = 'eu-west-1';

/** A VPC in `region` whose subnet routes to the IGW (a public subnet) and whose DB group is open to the world. */
const driftedVpc = (region: string, n: string) => {
  const vpcId = `vpc-0${n}00000000000001`;
  const subnetId = `subnet-0${n}0000000000001`;
  const sgId = `sg-0${n}db000000000001`;
  return {
    vpc: aVpc({ id: vpcId, region }),
    subnet: aSubnet({ id: subnetId, region, vpcId, availabilityZone: `${region}a` }),
    routeTable: aRouteTable({
      id: `rtb-0${n}0000000000001`,
      region,
      vpcId,
      subnetIds: [subnetId],
      routes: [
        aRoute(),
        aRoute({
          destination: '0.0.0.0/0',
          targetKind: 'internet-gateway',
          targetId: `igw-0${n}000000000001`,
        }),
      ],
    }),
    securityGroup: aSecurityGroup({
      id: sgId,
      region,
      vpcId,
      name: 'prod-db-sg',
      groupName: 'prod-db-sg',
      rules: [
        {
          id: `sgr-0${n}db00000000001`,
          groupId: sgId,
          egress: false,
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          cidrIpv4: '0.0.0.0/0',
        },
      ],
    }),
  };
};

const inventoryOf = (
  regions: readonly string[],
  parts: readonly ReturnType<typeof driftedVpc>[],
  errors: readonly CollectionError[],
): Inventory =>
  anInventory({
    regions,
    ec2: {
      vpcs: parts.map((p) => p.vpc),
      subnets: parts.map((p) => p.subnet),
      routeTables: parts.map((p) => p.routeTable),
      securityGroups: parts.map((p) => p.securityGroup),
    },
    errors,
  });

/** What an SCP denying every action in `region` (aws:RequestedRegion) leaves: every list call refused. */
const deniedRegionErrors = (region: string): CollectionError[] =>
  (
    [
      ['ec2', 'DescribeVpcs', 'UnauthorizedOperation', ['ec2.vpcs']],
      ['ec2', 'DescribeSubnets', 'UnauthorizedOperation', ['ec2.subnets']],
      ['ec2', 'DescribeRouteTables', 'UnauthorizedOperation', ['ec2.routeTables']],
      ['ec2', 'DescribeSecurityGroups', 'UnauthorizedOperation', ['ec2.securityGroups']],
      ['elbv2', 'DescribeLoadBalancers', 'AccessDenied', ['elbv2.loadBalancers', 'elbv2.listeners']],
      ['apigateway', 'GetRestApis', 'AccessDeniedException', ['apigateway.restApis']],
      ['apigateway', 'GetVpcLinks', 'AccessDeniedException', ['apigateway.vpcLinks']],
    ] as const
  ).map(([service, operation, code, slices]) => ({
    service,
    operation,
    region,
    code,
    message: `User: arn:aws:sts::123456789012:assumed-role/arch-auditor-readonly/arch-auditor is not authorized to perform: ${service}:${operation} with an explicit deny in a service control policy`,
    slices: slices as readonly SliceName[],
  }));

const keyOf = (f: { checkId: string; resource: { id: string; region: string } }) =>
  `${f.checkId} ${f.resource.region} ${f.resource.id}`;

describe('a region denied by an SCP', () => {
  const tokyo = driftedVpc(TOKYO, 'a');
  const inventory = inventoryOf([TOKYO, IRELAND], [tokyo], deniedRegionErrors(IRELAND));

  it('still reports the world-open group and the IGW route of the region that was read', () => {
    const report = evaluate({ inventory, intent: anIntent(), checks: CHECKS, now: NOW });
    expect(report.findings.map(keyOf)).toEqual(
      expect.arrayContaining([
        `sg.world-ingress ${TOKYO} ${tokyo.securityGroup.id}`,
        `vpc.public-subnet ${TOKYO} ${tokyo.subnet.id}`,
      ]),
    );
    expect(report.skippedChecks).toEqual([]);
    expect(report.complete).toBe(false);
  });

  it('names the denied region once, as what looks like an SCP, and how to declare it', () => {
    const report = evaluate({ inventory, intent: anIntent(), checks: CHECKS, now: NOW });
    const incomplete = report.findings.filter((f) => f.checkId === 'audit.incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]?.resource.region).toBe(IRELAND);
    expect(incomplete[0]?.message).toContain('SCP');
    expect(incomplete[0]?.message).toContain(`deniedRegions に ${IRELAND}`);
    expect(incomplete[0]?.message).toContain(`--skip-region ${IRELAND}`);
    // Exactly what was not seen: every check that reads what was refused, in that region only.
    expect(report.unseen).toContainEqual({ checkId: 'sg.world-ingress', region: IRELAND });
    expect(report.unseen).toContainEqual({ checkId: 'vpc.public-subnet', region: IRELAND });
    expect(report.unseen.filter((u) => u.region === TOKYO)).toEqual([]);
    expect(report.errors).toHaveLength(7);
  });

  it('a region that failed on some calls but not all is reported call by call, not as denied', () => {
    const report = evaluate({
      inventory: inventoryOf([TOKYO, IRELAND], [tokyo], deniedRegionErrors(IRELAND).slice(0, 4)),
      intent: anIntent(),
      checks: CHECKS,
      now: NOW,
    });
    const incomplete = report.findings.filter((f) => f.checkId === 'audit.incomplete');
    expect(incomplete).toHaveLength(4);
    expect(incomplete.map((f) => f.message).join('\n')).not.toContain('SCP');
  });

  it('is neither audited nor incomplete once declared in the intent, and the report says it was skipped', () => {
    const report = evaluate({
      inventory,
      intent: anIntent({ deniedRegions: [IRELAND] }),
      checks: CHECKS,
      now: NOW,
    });
    expect(report.complete).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.unseen).toEqual([]);
    expect(report.regions).toEqual([TOKYO]);
    expect(report.skippedRegions).toEqual([
      { region: IRELAND, reason: 'denied-by-design', declaredBy: 'intent' },
    ]);
    expect(report.findings.map(keyOf)).toContain(`sg.world-ingress ${TOKYO} ${tokyo.securityGroup.id}`);
    expect(report.findings.some((f) => f.checkId === 'audit.incomplete')).toBe(false);
  });

  it('is declared on the command line as well (--skip-region), and its data is left out too', () => {
    const ireland = driftedVpc(IRELAND, 'b');
    const report = evaluate({
      inventory: inventoryOf([TOKYO, IRELAND], [tokyo, ireland], []),
      intent: anIntent(),
      checks: CHECKS,
      now: NOW,
      skipRegions: [IRELAND],
    });
    expect(report.complete).toBe(true);
    expect(report.skippedRegions).toEqual([
      { region: IRELAND, reason: 'denied-by-design', declaredBy: 'flag' },
    ]);
    expect(report.findings.filter((f) => f.resource.region === IRELAND)).toEqual([]);
  });

  it('refuses an intent that both audits and denies a region, naming the field', () => {
    expect(() => anIntent({ regions: [IRELAND], deniedRegions: [IRELAND] })).toThrow(/deniedRegions\[0\]/);
    expect(() => anIntent({ deniedRegions: ['ireland'] })).toThrow(/deniedRegions\[0\].*region name/);
  });
});

describe('a slice that failed in one region', () => {
  const tokyo = driftedVpc(TOKYO, 'a');
  const ireland = driftedVpc(IRELAND, 'b');
  // A partial route-table listing in Ireland: what was read there may be a made-up finding or miss one.
  const partial: CollectionError = {
    service: 'ec2',
    operation: 'DescribeRouteTables',
    region: IRELAND,
    code: 'MalformedResponse',
    message: 'Dropped malformed items: 1 × item without RouteTableId',
    slices: ['ec2.routeTables'],
  };
  const report = evaluate({
    inventory: inventoryOf([TOKYO, IRELAND], [tokyo, ireland], [partial]),
    intent: anIntent(),
    checks: CHECKS,
    now: NOW,
  });

  it('drops its checks’ findings in that region only and lists the blind spot', () => {
    const keys = report.findings.map(keyOf);
    expect(keys).toContain(`vpc.public-subnet ${TOKYO} ${tokyo.subnet.id}`);
    expect(keys).not.toContain(`vpc.public-subnet ${IRELAND} ${ireland.subnet.id}`);
    expect(report.unseen).toContainEqual({ checkId: 'vpc.public-subnet', region: IRELAND });
  });

  it('leaves the checks that do not read the failed slice whole, in every region', () => {
    const keys = report.findings.map(keyOf);
    expect(keys).toContain(`sg.world-ingress ${IRELAND} ${ireland.securityGroup.id}`);
    expect(report.unseen.some((u) => u.checkId === 'sg.world-ingress')).toBe(false);
  });
});

describe('a failure scoped to one resource or to CloudFront', () => {
  const open = aRestApi({ id: 'a1b2c3d4e5', stages: [aStage({ webAclArn: undefined })] });
  const unreadable = aRestApi({ id: 'f6g7h8i9j0', stages: [aStage({ webAclArn: undefined })] });
  const getStages: CollectionError = {
    service: 'apigateway',
    operation: 'GetStages',
    region: TOKYO,
    code: 'TooManyRequestsException',
    message: 'Too Many Requests',
    slices: ['apigateway.restApis'],
    resourceId: unreadable.id,
  };

  it('one REST API unreadable: only that API is unseen; the other API of the region is judged', () => {
    const report = evaluate({
      inventory: anInventory({ apigateway: { restApis: [open, unreadable] }, errors: [getStages] }),
      intent: anIntent(),
      checks: CHECKS,
      now: NOW,
    });
    const waf = report.findings.filter((f) => f.checkId === 'apigw.waf-missing').map((f) => f.resource.id);
    expect(waf).toEqual([`${open.id}/prod`]);
    expect(report.unseen).toContainEqual({
      checkId: 'apigw.waf-missing',
      region: TOKYO,
      resourceId: unreadable.id,
    });
    expect(report.errors[0]?.resourceId).toBe(unreadable.id);
    // A check that also reads CloudFront: a distribution's finding may hang on that API.
    expect(report.unseen).toContainEqual({ checkId: 'cloudfront.api-stage-path', region: 'global' });
    const incomplete = report.findings.find((f) => f.checkId === 'audit.incomplete');
    expect(incomplete?.message).toContain(
      `${TOKYO} の ${unreadable.id} について apigateway.restApis を確認できていません`,
    );
  });

  it('CloudFront unreadable: its checks cannot be judged anywhere and are not run', () => {
    const report = evaluate({
      inventory: anInventory({
        ec2: { vpcs: [aVpc()], subnets: [aSubnet()], routeTables: [driftedVpc(TOKYO, 'a').routeTable] },
        cloudfront: { distributions: [aDistribution()] },
        errors: [
          {
            service: 'cloudfront',
            operation: 'ListDistributions',
            region: 'global',
            code: 'AccessDenied',
            message: 'Access denied',
            slices: ['cloudfront.distributions'],
          },
        ],
      }),
      intent: anIntent(),
      checks: CHECKS,
      now: NOW,
    });
    expect(report.skippedChecks).toContain('cloudfront.waf-missing');
    expect(report.skippedChecks).toContain('apigw.api-key-not-required');
    expect(report.skippedChecks).not.toContain('vpc.public-subnet');
    expect(report.unseen).toEqual([]);
  });

  it('a check that throws is unseen everywhere, so none of its findings recovers', () => {
    const broken = defineCheck({
      ...vpcPublicSubnet,
      id: 'vpc.broken',
      evaluate: () => {
        throw new Error('boom');
      },
    });
    const report = evaluate({
      inventory: anInventory({ regions: [TOKYO, IRELAND] }),
      intent: anIntent(),
      checks: [...CHECKS, broken],
      now: NOW,
    });
    expect(report.unseen.filter((u) => u.checkId === 'vpc.broken').map((u) => u.region)).toEqual([
      TOKYO,
      IRELAND,
      'global',
    ]);
  });
});

describe('a stage whose export could not be read', () => {
  // The stage serves the policy of its deployment; the API's current policy (fixed, not deployed)
  // is only a stand-in when the export is not read. A recovery must not be announced from it.
  const asExported = (policy: unknown) =>
    JSON.parse(
      JSON.stringify(policy).replaceAll(
        'execute-api:/*',
        `arn:aws:execute-api:${TOKYO}:123456789012:${PRIVATE_API_ID}/*`,
      ),
    ) as unknown;
  const servingInverted = aPrivateApi({
    policy: seed004Policy(),
    stages: [aStage({ deployedMethods: [], deployedPolicy: { document: asExported(seed003Policy()) } })],
  });
  const exportFailed: CollectionError = {
    service: 'apigateway',
    operation: 'GetExport',
    region: TOKYO,
    code: 'TooManyRequestsException',
    message: 'Too Many Requests',
    slices: ['apigateway.stageExports'],
    resourceId: `${PRIVATE_API_ID}/prod`,
  };
  const audit = (api: RestApi, errors: CollectionError[] = []) =>
    evaluate({
      inventory: { ...aPrivateApiInventory(api), errors },
      intent: anIntent(),
      checks: CHECKS,
      now: NOW,
    });
  const policyFindings = (report: ReturnType<typeof audit>) =>
    report.findings.filter((f) => f.checkId === 'apigw.resource-policy');

  it('does not recover the policy finding the stage served: the policy in force is unseen', () => {
    // Prepare: the first run read the export and reported the inverted policy the stage serves.
    const first = audit(servingInverted);
    expect(policyFindings(first).map((f) => f.fact)).toEqual(['admits:other-vpc,no-endpoint']);
    const state = diffAgainstState(first, undefined, { now: NOW, remindAfterHours: 24 }).nextState;
    // Act: the export fails; only the (fixed, never deployed) current policy is known.
    const second = audit(aPrivateApi({ policy: seed004Policy(), stages: [aStage()] }), [exportFailed]);
    const diff = diffAgainstState(second, state, { now: NOW, remindAfterHours: 24 });
    // Assess
    expect(second.unseen).toContainEqual({
      checkId: 'apigw.resource-policy',
      region: TOKYO,
      resourceId: `${PRIVATE_API_ID}/prod`,
    });
    expect(diff.recovered.filter((r) => r.checkId === 'apigw.resource-policy')).toEqual([]);
  });

  it('recovers it once the export shows the fix deployed', () => {
    const state = diffAgainstState(audit(servingInverted), undefined, {
      now: NOW,
      remindAfterHours: 24,
    }).nextState;
    const fixed = aPrivateApi({
      policy: seed004Policy(),
      stages: [aStage({ deployedMethods: [], deployedPolicy: { document: asExported(seed004Policy()) } })],
    });
    const diff = diffAgainstState(audit(fixed), state, { now: NOW, remindAfterHours: 24 });
    expect(diff.recovered.map((r) => r.checkId)).toEqual(['apigw.resource-policy']);
  });

  it('still reports what the current policy admits while the export is unseen', () => {
    const report = audit(aPrivateApi({ policy: seed003Policy(), stages: [aStage()] }), [exportFailed]);
    expect(policyFindings(report).map((f) => f.fact)).toEqual(['admits:other-vpc,no-endpoint']);
  });
});
