import { describe, expect, it } from 'vitest';
import { baselineToYaml, buildBaseline } from '../../app/baseline.ts';
import { parseIntent } from '../../app/intent-file.ts';
import { mergeInventories } from '../../app/merge.ts';
import { CHECKS } from '../../checks/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { chooseProfile } from '../../intent/profile.ts';
import { resolveIntent } from '../../intent/resolve.ts';
import { type IntentInput, intentSchema } from '../../intent/schema.ts';
import type { Inventory } from '../../inventory/types.ts';
import { DEFAULT_VPC, withEmptyDefaultVpc } from '../fixtures/default-vpc.ts';
import {
  ALB_ARN,
  ALB_SG,
  API_ID,
  DB_SG,
  DISTRIBUTION_ID,
  driftedAccount,
  ECS_SG,
  NAT_ID,
  PRIVATE_API_POLICY,
  PRIVATE_RT,
  privateApi,
  seed001Account,
  subnetId,
  VPC_ID,
  VPCE_ID,
} from '../fixtures/drift.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { aTargetGroup, SEED_002_ALB_ARN } from '../fixtures/exposure.ts';
import {
  aBehavior,
  aNatGateway,
  aNetworkInterface,
  aRoute,
  aRule,
  aSecurityGroup,
  aVpcOrigin,
} from '../fixtures/inventory.ts';
import { seed002Account } from '../fixtures/seeds.ts';
import {
  ALB_SG as SEED_002_ALB_SG,
  DB_SG as SEED_002_DB_SG,
  ECS_SG as SEED_002_ECS_SG,
} from '../fixtures/sg.ts';
import { SEED_002 } from '../fixtures/vpc.ts';

/** The inventory with some lists of one service replaced; everything else stays as it was. */
const withChanges = <S extends 'ec2' | 'elbv2' | 'cloudfront' | 'apigateway'>(
  inventory: Inventory,
  service: S,
  changes: Partial<Inventory[S]>,
): Inventory => ({ ...inventory, [service]: { ...inventory[service], ...changes } });

/** Audits an inventory with an intent exactly as the CLI would after reading the YAML back. */
const audit = (inventory: Inventory, intent: IntentInput) =>
  evaluate({ inventory, intent: parseIntent(baselineToYaml(intent)), checks: CHECKS, now: NOW });

const driftOf = (inventory: Inventory, intent: IntentInput) =>
  audit(inventory, intent)
    .findings.filter((f) => f.checkId.startsWith('drift.'))
    .map((f) => ({ checkId: f.checkId, resource: f.resource.id }));

describe('buildBaseline', () => {
  describe('an untouched account audits silently with its own baseline', () => {
    it.each([
      ['the seed 001 account', seed001Account],
      ['an account with a world-open, internet-facing ALB', driftedAccount],
    ])('reports no finding on %s', (_name, account) => {
      // Prepare
      const inventory = account();
      // Act
      const intent = buildBaseline(inventory, { now: NOW });
      const report = audit(inventory, intent);
      // Assess
      expect(report.findings).toEqual([]);
      expect(report.complete).toBe(true);
      // Every exception it wrote accepts something today: none is audit.exception-unused.
      expect((report.exceptionUse ?? []).filter((u) => u.status !== 'used')).toEqual([]);
      expect(report.exceptionUse?.length ?? 0).toBe(intent.exceptions?.length ?? 0);
    });
  });

  describe('default VPCs', () => {
    const account = () => withEmptyDefaultVpc(seed001Account(), 'ap-northeast-1');

    it('records the default VPC like the others and accepts the empty one in one exception', () => {
      const intent = buildBaseline(account(), { now: NOW });
      expect(intent.vpcs?.map((v) => v.id)).toEqual([VPC_ID, DEFAULT_VPC]);
      expect(intent.vpcs?.[1]).toEqual({
        id: DEFAULT_VPC,
        cidr: '172.31.0.0/16',
        natMode: 'none',
        tiers: [],
      });
      const onDefault = (intent.exceptions ?? []).filter(
        (e) =>
          e.resource === DEFAULT_VPC ||
          e.resource.startsWith('subnet-0d0d') ||
          e.resource.startsWith('sg-0d0d'),
      );
      expect(onDefault).toEqual([
        {
          check: 'vpc.default-vpc',
          resource: DEFAULT_VPC,
          facts: ['unused-default-vpc'],
          reason: expect.stringContaining('baseline'),
        },
      ]);
      expect(audit(account(), intent).findings).toEqual([]);
    });

    it('reports a debug instance launched into it after the baseline', () => {
      const intent = buildBaseline(account(), { now: NOW });
      const wizardSg = 'sg-0d0d0d0d0d0dwiz1';
      const launched = withChanges(account(), 'ec2', {
        securityGroups: [
          ...account().ec2.securityGroups,
          aSecurityGroup({
            id: wizardSg,
            groupName: 'launch-wizard-1',
            name: undefined,
            tags: {},
            vpcId: DEFAULT_VPC,
            rules: [
              aRule({
                groupId: wizardSg,
                prefixListId: undefined,
                cidrIpv4: '0.0.0.0/0',
                fromPort: 22,
                toPort: 22,
              }),
            ],
          }),
        ],
        networkInterfaces: [
          ...account().ec2.networkInterfaces,
          aNetworkInterface({
            id: 'eni-0d0d0d0d0d0d00001',
            vpcId: DEFAULT_VPC,
            subnetId: 'subnet-0d0d0d0d0d0d1000',
            instanceId: 'i-0d0d0d0d0d0d00001',
            description: '',
            requesterManaged: false,
            requesterId: undefined,
            publicIp: '54.199.10.20',
            allocationId: 'eipalloc-0d0d0d0d0d0d00001',
            securityGroupIds: [wizardSg],
          }),
        ],
      });
      const found = audit(launched, intent).findings.map((f) => `${f.checkId} ${f.resource.id}`);
      expect(found).toEqual(
        expect.arrayContaining([
          'vpc.public-eni eni-0d0d0d0d0d0d00001',
          `sg.world-ingress ${wizardSg}`,
          'vpc.public-subnet subnet-0d0d0d0d0d0d1000',
          'vpc.auto-public-ip subnet-0d0d0d0d0d0d1000',
        ]),
      );
    });
  });

  describe('the ingress tier of the load balancers', () => {
    it('records the tier that holds every load balancer, so a load balancer placed elsewhere is found', () => {
      // Prepare
      const inventory = seed001Account();
      // Act
      const intent = buildBaseline(inventory, { now: NOW });
      // Assess
      expect(intent.loadBalancers?.ingressTier).toBe('ingress');
      const moved = withChanges(inventory, 'elbv2', {
        loadBalancers: inventory.elbv2.loadBalancers.map((lb) => ({
          ...lb,
          subnetIds: [subnetId('container', 'a')],
        })),
      });
      expect(audit(moved, intent).findings.map((f) => f.checkId)).toContain('elb.outside-ingress-tier');
    });

    it('records none when the load balancers sit in no single tier', () => {
      const inventory = seed001Account();
      const spread = withChanges(inventory, 'elbv2', {
        loadBalancers: inventory.elbv2.loadBalancers.map((lb) => ({
          ...lb,
          subnetIds: [...lb.subnetIds, subnetId('container', 'a')],
        })),
      });
      expect(buildBaseline(spread, { now: NOW }).loadBalancers?.ingressTier).toBeUndefined();
    });
  });

  it('turns what the checks find today into exceptions of their facts with the approval date, never audit.*', () => {
    const intent = buildBaseline(driftedAccount(), { now: NOW });
    expect(intent.exceptions).toEqual(
      expect.arrayContaining([
        {
          check: 'sg.world-ingress',
          resource: ALB_SG,
          facts: ['tcp/443 from 0.0.0.0/0'],
          reason: 'baseline 時点で承認済み (2026-11-21)',
        },
        {
          check: 'elb.internet-facing',
          resource: ALB_ARN,
          facts: ['scheme:internet-facing'],
          reason: 'baseline 時点で承認済み (2026-11-21)',
        },
      ]),
    );
    expect(intent.exceptions?.every((e) => !e.check.startsWith('audit.') && e.expires === undefined)).toBe(
      true,
    );
  });

  it('refuses an inventory with collection errors and names them', () => {
    const inventory: Inventory = {
      ...seed001Account(),
      errors: [
        {
          service: 'ec2',
          operation: 'DescribeSecurityGroupRules',
          region: 'ap-northeast-1',
          code: 'UnauthorizedOperation',
          message: 'You are not authorized to perform this operation.',
          slices: ['ec2.securityGroups'],
        },
      ],
    };
    expect(() => buildBaseline(inventory, { now: NOW })).toThrow(
      /incomplete inventory.*ec2:DescribeSecurityGroupRules in ap-northeast-1: UnauthorizedOperation/,
    );
  });

  describe('an accepted resource still reports a new fact at its own severity', () => {
    // The approved account: the ALB group open to the world on 443, the ALB internet-facing.
    const approved = driftedAccount();
    const intent = buildBaseline(approved, { now: NOW });
    const worldOpen = (port: number) =>
      aRule({
        id: `sgr-0a1b2c3d4e5f6${port}`,
        groupId: ALB_SG,
        fromPort: port,
        toPort: port,
        prefixListId: undefined,
        cidrIpv4: '0.0.0.0/0',
      });
    const withAlbRule = (port: number) =>
      withChanges(approved, 'ec2', {
        securityGroups: approved.ec2.securityGroups.map((g) =>
          g.id === ALB_SG ? { ...g, rules: [...g.rules, worldOpen(port)] } : g,
        ),
      });
    const findingsOf = (inventory: Inventory) =>
      audit(inventory, intent).findings.map((f) => [f.checkId, f.resource.id, f.fact, f.severity]);

    it.each([
      [22, 'critical'],
      [8080, 'high'],
    ] as const)(
      'reports tcp/%i opened to the world later on the accepted ALB group (%s)',
      (port, severity) => {
        expect(findingsOf(withAlbRule(port))).toEqual(
          expect.arrayContaining([
            ['sg.world-ingress', ALB_SG, `tcp/${port} from 0.0.0.0/0`, severity],
            ['sg.front-not-cloudfront-only', ALB_SG, `tcp/${port} from 0.0.0.0/0`, 'high'],
          ]),
        );
        expect(
          audit(withAlbRule(port), intent)
            .findings.map((f) => f.checkId)
            .sort(),
        ).toEqual(['drift.security-group', 'sg.front-not-cloudfront-only', 'sg.world-ingress']);
      },
    );

    it('reports the exception once the accepted deviation is removed (audit.exception-unused)', () => {
      const closed = withChanges(approved, 'ec2', {
        securityGroups: approved.ec2.securityGroups.map((g) =>
          g.id === ALB_SG ? { ...g, rules: g.rules.filter((r) => r.egress || !r.cidrIpv4) } : g,
        ),
      });
      const unused = audit(closed, intent).findings.filter((f) => f.checkId === 'audit.exception-unused');
      expect(unused.map((f) => f.resource.id)).toContain(ALB_SG);
      expect(unused.find((f) => f.fact.startsWith(`sg.world-ingress:${ALB_SG}:`))?.message).toContain(
        'sg.world-ingress の例外',
      );
    });

    it('reports a new path through an approved internet-facing load balancer to another workload', () => {
      // Seed 002 held to private-backend: its public ALB path to the ECS target group is accepted.
      const classic = seed002Account();
      const held = buildBaseline(classic, { profile: 'private-backend', now: NOW });
      expect(held.exceptions).toContainEqual(
        expect.objectContaining({
          check: 'exposure.unintended-entry',
          resource: SEED_002_ALB_ARN,
          facts: [expect.stringMatching(/^load-balancer:.*targetgroup\/myapp-dev-ecs\/.*:tcp 80, 443$/)],
        }),
      );
      // Later the HTTPS listener also forwards to an admin service.
      const admin = aTargetGroup({
        arn: `${SEED_002_ALB_ARN.replace(':loadbalancer/app/myapp-dev-alb/', ':targetgroup/myapp-dev-admin/')}`,
        name: 'myapp-dev-admin',
        targetGroupName: 'myapp-dev-admin',
        port: 8000,
        vpcId: classic.elbv2.loadBalancers[0]!.vpcId,
        loadBalancerArns: [SEED_002_ALB_ARN],
      });
      const later = withChanges(classic, 'elbv2', {
        targetGroups: [...classic.elbv2.targetGroups, admin],
        listeners: classic.elbv2.listeners.map((l) =>
          l.port === 443 ? { ...l, targetGroupArns: [...l.targetGroupArns, admin.arn!] } : l,
        ),
      });
      expect(audit(later, held).findings.map((f) => [f.checkId, f.resource.id, f.fact, f.severity])).toEqual([
        ['exposure.unintended-entry', SEED_002_ALB_ARN, `load-balancer:${admin.arn}:tcp 443`, 'critical'],
      ]);
    });
  });

  describe('the profile is inferred from the account', () => {
    const classic = seed002Account();
    const choice = chooseProfile(classic);
    const intent = buildBaseline(classic, { now: NOW });

    it('writes classic for the seed 002 layout, with no exception for what the classic design intends', () => {
      expect(choice.profile).toBe('classic');
      expect(intent.profile).toBe('classic');
      expect(intent.exceptions).toEqual([]);
      expect(intent.network).toEqual({ allowPublicIps: false });
      const report = audit(classic, intent);
      expect(report.findings).toEqual([]);
      expect(report.suppressed).toEqual([]);
    });

    it('says in a comment above profile which facts led to it', () => {
      const yaml = baselineToYaml(intent, choice.why);
      const comment = yaml.split('\nprofile: classic')[0]!.split('\nversion: 1\n')[1]!;
      expect(comment).toContain('classic とした根拠 / why classic:');
      expect(comment).toContain(
        `internet-facing のロードバランサー myapp-dev-alb がパブリックサブネット ${SEED_002.publicSubnets.join(', ')}（0.0.0.0/0 → ${SEED_002.igwId}）`,
      );
      expect(comment).toContain(
        `NAT ゲートウェイ ${SEED_002.natIds.join(', ')} がパブリックサブネットにある`,
      );
      expect(comment).toContain(`プライベートサブネット ${SEED_002.privateSubnets.join(', ')}`);
      expect(parseIntent(yaml).profile).toBe('classic');
    });

    it.each([
      ['seed 001 (VPC origin → internal ALB, no public subnet)', seed001Account],
      ['an internet-facing ALB in subnets without an internet route', driftedAccount],
    ])('keeps private-backend for %s', (_, account) => {
      expect(chooseProfile(account()).profile).toBe('private-backend');
      expect(buildBaseline(account(), { now: NOW }).profile).toBe('private-backend');
    });

    it('keeps private-backend when CloudFront already enters the VPC privately, and says so', () => {
      const entered = withChanges(classic, 'cloudfront', {
        vpcOrigins: [aVpcOrigin({ targetArn: SEED_002_ALB_ARN })],
      });
      const inferred = chooseProfile(entered);
      expect(inferred.profile).toBe('private-backend');
      expect(inferred.why.join('\n')).toContain('CloudFront VPC オリジン vo_0a1b2c3d4e5f6 → myapp-dev-alb');
    });

    it('keeps private-backend for an account that also holds a private-backend VPC, and says why', () => {
      // seed 002's classic VPC beside seed 001's VPC that CloudFront enters through a VPC origin: the
      // classic profile would loosen every VPC of the account (public subnets, internet-facing LBs).
      const a = seed001Account();
      const mixed = mergeInventories([a, { ...classic, account: a.account }]);
      const inferred = chooseProfile(mixed);
      expect(inferred.profile).toBe('private-backend');
      expect(inferred.why.join('\n')).toContain('CloudFront VPC オリジン');
      expect(inferred.why.join('\n')).toContain('myapp-dev-alb');
      // What the classic VPC's design flags is written down as exceptions instead, visible for review.
      const held = buildBaseline(mixed, { now: NOW });
      expect(held.profile).toBe('private-backend');
      expect((held.exceptions ?? []).map((e) => e.check)).toContain('elb.internet-facing');
    });

    it('keeps the profile chosen on the command line and records the inferred one beside it', () => {
      const chosen = chooseProfile(classic, 'private-backend');
      expect(chosen.profile).toBe('private-backend');
      expect(chosen.why[0]).toBe('--profile private-backend で指定（アカウントからの推定は classic）');
    });

    describe('later changes on the approved classic account are still reported', () => {
      const ruleOn = (groupId: string, port: number) =>
        aRule({
          id: `sgr-0later${port}`,
          groupId,
          fromPort: port,
          toPort: port,
          prefixListId: undefined,
          cidrIpv4: '0.0.0.0/0',
        });
      const withRule = (groupId: string, port: number) =>
        withChanges(classic, 'ec2', {
          securityGroups: classic.ec2.securityGroups.map((g) =>
            g.id === groupId ? { ...g, rules: [...g.rules, ruleOn(groupId, port)] } : g,
          ),
        });
      const findingsOf = (inventory: Inventory) =>
        audit(inventory, intent)
          .findings.map((f) => `${f.checkId} ${f.resource.id} ${f.severity}`)
          .sort();

      it('a DB group opened to the world', () => {
        expect(findingsOf(withRule(SEED_002_DB_SG, 5432))).toEqual([
          `drift.security-group ${SEED_002_DB_SG} medium`,
          `sg.world-ingress ${SEED_002_DB_SG} critical`,
        ]);
      });

      it('SSH opened to the world on the public ALB group (only 80/443 are its design)', () => {
        expect(findingsOf(withRule(SEED_002_ALB_SG, 22))).toEqual([
          `drift.security-group ${SEED_002_ALB_SG} medium`,
          `sg.world-ingress ${SEED_002_ALB_SG} critical`,
        ]);
      });

      it('a workload given a public IP', () => {
        // An ECS task ENI in a private subnet.
        const eni = classic.ec2.networkInterfaces.find(
          (e) =>
            e.securityGroupIds.includes(SEED_002_ECS_SG) &&
            (SEED_002.privateSubnets as readonly string[]).includes(e.subnetId),
        )!;
        const exposed = withChanges(classic, 'ec2', {
          networkInterfaces: classic.ec2.networkInterfaces.map((e) =>
            e.id === eni.id ? { ...e, publicIp: '198.51.100.77' } : e,
          ),
        });
        expect(findingsOf(exposed)).toEqual([`vpc.public-eni ${eni.id} high`]);
      });
    });
  });

  describe('drift after the baseline is found on the changed resource', () => {
    const approved = seed001Account();
    const intent = buildBaseline(approved, { now: NOW });

    it('reports an SG rule added to the ECS group', () => {
      const inventory = withChanges(approved, 'ec2', {
        securityGroups: approved.ec2.securityGroups.map((g) =>
          g.id === ECS_SG
            ? {
                ...g,
                rules: [
                  ...g.rules,
                  aRule({
                    id: 'sgr-0new',
                    groupId: ECS_SG,
                    fromPort: 22,
                    toPort: 22,
                    prefixListId: undefined,
                    cidrIpv4: '10.0.0.0/8',
                  }),
                ],
              }
            : g,
        ),
      });
      expect(driftOf(inventory, intent)).toEqual([{ checkId: 'drift.security-group', resource: ECS_SG }]);
    });

    it('reports the ALB turned internet-facing', () => {
      const inventory = withChanges(approved, 'elbv2', {
        loadBalancers: approved.elbv2.loadBalancers.map((lb) => ({
          ...lb,
          scheme: 'internet-facing' as const,
        })),
      });
      expect(driftOf(inventory, intent)).toEqual([{ checkId: 'drift.load-balancer', resource: ALB_ARN }]);
    });

    it('reports a distribution behavior that now allows plain HTTP', () => {
      const inventory = withChanges(approved, 'cloudfront', {
        distributions: approved.cloudfront.distributions.map((d) => ({
          ...d,
          behaviors: [aBehavior({ viewerProtocolPolicy: 'allow-all' })],
        })),
      });
      expect(driftOf(inventory, intent)).toEqual([
        { checkId: 'drift.distribution', resource: DISTRIBUTION_ID },
      ]);
    });

    it('reports a resource policy whose Deny condition was dropped', () => {
      const policy = { ...PRIVATE_API_POLICY, Statement: [PRIVATE_API_POLICY.Statement[1]] };
      const inventory = withChanges(approved, 'apigateway', {
        restApis: [privateApi({ policy, policyText: JSON.stringify(policy) })],
      });
      expect(driftOf(inventory, intent)).toEqual([{ checkId: 'drift.rest-api', resource: API_ID }]);
    });

    it('does not report the same policy returned in the escaped form with other key order', () => {
      const reordered = JSON.stringify({ Statement: PRIVATE_API_POLICY.Statement, Version: '2012-10-17' });
      const inventory = withChanges(approved, 'apigateway', {
        restApis: [privateApi({ policy: undefined, policyText: reordered.replace(/"/g, '\\"') })],
      });
      expect(driftOf(inventory, intent)).toEqual([]);
    });

    it('reports a route table whose default route moved from the NAT to an internet gateway', () => {
      const inventory = withChanges(approved, 'ec2', {
        routeTables: approved.ec2.routeTables.map((t) =>
          t.id === PRIVATE_RT
            ? {
                ...t,
                routes: [
                  aRoute(),
                  aRoute({
                    destination: '0.0.0.0/0',
                    targetKind: 'internet-gateway',
                    targetId: 'igw-0a1b2c3d4e5f60001',
                  }),
                ],
              }
            : t,
        ),
      });
      expect(driftOf(inventory, intent)).toEqual([{ checkId: 'drift.route-table', resource: PRIVATE_RT }]);
    });
  });

  describe('derived intent', () => {
    const intent = buildBaseline(seed001Account(), { now: NOW });

    it('records the VPC with its CIDR, regional NAT and the Tier-tagged tiers, db closed', () => {
      expect(intent.vpcs).toEqual([
        {
          id: VPC_ID,
          cidr: '10.0.0.0/16',
          natMode: 'regional',
          tiers: [
            { name: 'container', tag: { key: 'Tier', value: 'container' }, closed: false, egress: true },
            { name: 'db', tag: { key: 'Tier', value: 'db' }, closed: true, egress: false },
            { name: 'ingress', tag: { key: 'Tier', value: 'ingress' }, closed: false, egress: true },
          ],
        },
      ]);
    });

    it('draws the chain CloudFront → ALB SG:443 → ECS SG:8080 → Aurora SG:5432 from the live rules', () => {
      expect(intent.securityGroups?.chain).toEqual(
        expect.arrayContaining([
          { name: 'prod-alb-sg', groupId: ALB_SG, front: true, ports: [443], from: ['cloudfront'] },
          { name: 'prod-ecs-sg', groupId: ECS_SG, ports: [8080], from: ['prod-alb-sg'] },
          { name: 'prod-aurora-sg', groupId: DB_SG, ports: [5432], from: ['prod-ecs-sg'] },
        ]),
      );
    });

    it('leaves a world-open CIDR out of the front link so it stays a visible exception', () => {
      const drifted = buildBaseline(driftedAccount(), { now: NOW });
      expect(drifted.securityGroups?.chain?.[0]).toEqual({
        name: 'prod-alb-sg',
        groupId: ALB_SG,
        front: true,
        ports: [443],
        from: ['cloudfront'],
      });
    });

    it('records front doors, endpoint types and the execute-api endpoints', () => {
      expect(intent.profile).toBe('private-backend');
      expect(intent.regions).toEqual(['ap-northeast-1']);
      expect(intent.cloudfront?.frontDoors).toEqual([DISTRIBUTION_ID]);
      expect(intent.apiGateway).toEqual({
        endpointTypes: { [API_ID]: 'PRIVATE' },
        vpcEndpointIds: [VPCE_ID],
      });
    });

    it('records every baselined kind in canonical form', () => {
      expect(intent.baseline?.securityGroups?.[ALB_SG]).toEqual({
        name: 'prod-alb-sg',
        region: 'ap-northeast-1',
        rules: ['in tcp 443 from pl-58a04531', 'out -1 all to 0.0.0.0/0'],
      });
      expect(intent.baseline?.routeTables?.[PRIVATE_RT]?.routes).toEqual([
        `0.0.0.0/0 -> ${NAT_ID}`,
        '10.0.0.0/16 -> local',
      ]);
      expect(intent.baseline?.loadBalancers?.[ALB_ARN]?.scheme).toBe('internal');
      expect(intent.baseline?.distributions?.[DISTRIBUTION_ID]?.behaviors).toEqual([
        '* -> alb-vpc-origin redirect-to-https rhp=67f7725c-6f97-4210-82d7-5512b31e9d03',
      ]);
      expect(intent.baseline?.restApis?.[API_ID]?.methods).toEqual(['GET /data key=true auth=NONE']);
      expect(intent.baseline?.recordedAt).toBe('2026-11-21T00:00:00.000Z');
      expect(intent.baseline?.loadBalancersComplete).toBe(true);
    });

    it('uses the profile it is given', () => {
      expect(buildBaseline(seed001Account(), { profile: 'classic', now: NOW }).profile).toBe('classic');
    });
  });

  describe('tiers without Tier tags', () => {
    const untagged = (nameOf: (tier: string) => string, dbRoutes = false): Inventory => {
      const base = seed001Account();
      return {
        ...base,
        ec2: {
          ...base.ec2,
          subnets: base.ec2.subnets.map((s) => {
            const tier = s.tags.Tier ?? '';
            return { ...s, name: nameOf(tier), tags: { Name: nameOf(tier) } };
          }),
          routeTables: dbRoutes
            ? base.ec2.routeTables.map((t) => ({
                ...t,
                subnetIds:
                  t.id === PRIVATE_RT
                    ? [...t.subnetIds, subnetId('db', 'a')]
                    : t.subnetIds.filter((s) => s !== subnetId('db', 'a')),
              }))
            : base.ec2.routeTables,
        },
      };
    };

    it('declares a closed db tier for db-named subnets without an internet route', () => {
      const intent = buildBaseline(
        untagged((t) => `prod-${t}-1a`),
        { now: NOW },
      );
      expect(intent.vpcs?.[0]?.tiers).toEqual([
        {
          name: 'db',
          subnetIds: [subnetId('db', 'a'), subnetId('db', 'c'), subnetId('db', 'd')],
          closed: true,
        },
      ]);
    });

    it('invents no tier when the subnets without an internet route do not say they are a database', () => {
      const intent = buildBaseline(
        untagged((t) => `prod-${t === 'db' ? 'backend' : t}-1a`),
        { now: NOW },
      );
      expect(intent.vpcs?.[0]?.tiers).toEqual([]);
    });

    it('leaves a db-named subnet that routes through the NAT out of the closed tier', () => {
      const intent = buildBaseline(
        untagged((t) => `prod-${t}-1a`, true),
        { now: NOW },
      );
      expect(intent.vpcs?.[0]?.tiers?.[0]?.subnetIds).toEqual([subnetId('db', 'c'), subnetId('db', 'd')]);
    });
  });

  describe('NAT mode', () => {
    const withNat = (patch: (i: Inventory) => Inventory) =>
      buildBaseline(patch(seed001Account()), { now: NOW });

    it('is zonal when the private routes point at zonal NAT gateways', () => {
      const intent = withNat((i) => ({
        ...i,
        ec2: {
          ...i.ec2,
          natGateways: [
            aNatGateway({
              id: NAT_ID,
              availabilityMode: 'zonal',
              subnetId: subnetId('ingress', 'a'),
              routeTableId: undefined,
            }),
          ],
        },
      }));
      expect(intent.vpcs?.[0]?.natMode).toBe('zonal');
    });

    it('is instance when the default route goes to a NAT instance', () => {
      const intent = withNat((i) => ({
        ...i,
        ec2: {
          ...i.ec2,
          natGateways: [],
          routeTables: i.ec2.routeTables.map((t) =>
            t.id === PRIVATE_RT
              ? {
                  ...t,
                  routes: [
                    aRoute(),
                    aRoute({
                      destination: '0.0.0.0/0',
                      targetKind: 'instance',
                      targetId: 'i-0a1b2c3d4e5f60001',
                    }),
                  ],
                }
              : t,
          ),
        },
      }));
      expect(intent.vpcs?.[0]?.natMode).toBe('instance');
    });

    it('is none when nothing routes out and no NAT gateway exists', () => {
      const intent = withNat((i) => ({
        ...i,
        ec2: {
          ...i.ec2,
          natGateways: [],
          routeTables: i.ec2.routeTables.map((t) => (t.id === PRIVATE_RT ? { ...t, routes: [aRoute()] } : t)),
        },
      }));
      expect(intent.vpcs?.[0]?.natMode).toBe('none');
    });
  });
});

describe('baselineToYaml', () => {
  it('writes YAML that reads back to the same intent, with a header saying what to review', () => {
    // Prepare
    const intent = buildBaseline(driftedAccount(), { now: NOW });
    // Act
    const yaml = baselineToYaml(intent);
    // Assess
    expect(yaml.startsWith('# arch-auditor intent')).toBe(true);
    for (const word of ['profile', 'tiers', 'chain', 'frontDoors', 'exceptions', '承認']) {
      expect(yaml.split('\nversion: 1')[0]).toContain(word);
    }
    expect(parseIntent(yaml)).toEqual({ ...resolveIntent(intentSchema.parse(intent)), source: 'intent' });
  });
});
