import { describe, expect, it } from 'vitest';
import { EXPOSURE_CHECKS } from '../../../checks/exposure/index.ts';
import { exposureUnintendedEntry } from '../../../checks/exposure/unintended-entry.ts';
import { evaluate } from '../../../engine/evaluate.ts';
import type { Inventory, RestApi } from '../../../inventory/types.ts';
import { allowInvokeIf } from '../../fixtures/apigw.ts';
import { NOW, run } from '../../fixtures/evaluate.ts';
import {
  anAclEntry,
  anExposedApi,
  anExposedLoadBalancer,
  anExposedWorld,
  anOpenApi,
  CF_PL,
  SEED_002_ALB_ARN,
  seed000Account,
  seed001Account,
  seed002Account,
  seed003Account,
  seed004Account,
  W,
  worldAcl,
  worldAppSg,
  worldEni,
} from '../../fixtures/exposure.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  aCustomerPrefixList,
  type aMethod,
  anApiResource,
  aRoute,
  aStage,
} from '../../fixtures/inventory.ts';
import { aGroupWith, OFFICE_PL, tcp, withPrefixList } from '../../fixtures/sg.ts';
import { aDefaultRoute } from '../../fixtures/vpc.ts';

const hopsOf = (inventory: Inventory) => {
  const [v] = run(exposureUnintendedEntry, inventory);
  return (v?.details?.hops ?? []) as { kind: string; id: string; note?: string }[];
};

const local = aRoute({ destination: '10.20.0.0/16' });

describe('exposure.unintended-entry', () => {
  describe('public IP on a workload (IGW → route → subnet → NACL → ENI → SG)', () => {
    it('names every hop in order when the internet reaches tcp 8080 of an instance', () => {
      // Prepare
      const inventory = anExposedWorld();
      // Act
      const violations = run(exposureUnintendedEntry, inventory);
      // Assess
      expect(violations).toHaveLength(1);
      const v = violations[0]!;
      expect(v.resource).toMatchObject({ type: 'AWS::EC2::NetworkInterface', id: W.eniId });
      expect(v.message).toContain(
        `インターネット → legacy-igw (${W.igwId}) → legacy-public-rt (${W.tableId})（0.0.0.0/0） → legacy-public-1a (${W.subnetId}) → ${W.aclId}（受信ルール 100 で tcp 8080 を許可、戻りは送信ルール 100 で許可） → ${W.eniId}（${W.publicIp}） → legacy-app-sg (${W.appSg})（0.0.0.0/0 から tcp 8080 を許可）`,
      );
      expect(v.message).toContain('（tcp 8080）');
      expect(v.details?.ports).toBe('tcp 8080');
      expect(hopsOf(inventory).map((h) => h.kind)).toEqual([
        'internet',
        'internet-gateway',
        'route-table',
        'subnet',
        'network-acl',
        'network-interface',
        'security-group',
      ]);
    });

    it('is silent when the subnet has no route to the internet gateway', () => {
      expect(run(exposureUnintendedEntry, anExposedWorld({ routes: [local] }))).toEqual([]);
    });

    it('is silent when the default route goes to a NAT gateway, not the IGW', () => {
      const inventory = anExposedWorld({ routes: [local, aDefaultRoute(W.natId)] });
      expect(run(exposureUnintendedEntry, inventory)).toEqual([]);
    });

    it('is silent when the route points at an internet gateway not attached to the VPC', () => {
      expect(run(exposureUnintendedEntry, anExposedWorld({ igwAttached: false }))).toEqual([]);
    });

    it('follows main route table inheritance for a subnet without an explicit association', () => {
      const hops = hopsOf(anExposedWorld({ inheritMain: true }));
      expect(hops.find((h) => h.kind === 'route-table')).toMatchObject({
        id: W.mainTableId,
        note: '0.0.0.0/0、メインルートテーブルを継承',
      });
    });

    it('reaches through a narrower public prefix routed to the IGW', () => {
      const inventory = anExposedWorld({
        routes: [local, aDefaultRoute(W.igwId, { destination: '198.51.100.0/24' })],
      });
      expect(hopsOf(inventory).find((h) => h.kind === 'route-table')?.note).toBe('198.51.100.0/24');
    });

    it('is silent when the only admitted source answers through a more specific NAT route', () => {
      // Longest prefix match: replies to 198.51.100.0/24 leave by the NAT, which drops them.
      const groups = [worldAppSg([tcp(8080, { cidrIpv4: '198.51.100.0/24' })])];
      const routed = (nat: boolean) =>
        anExposedWorld({
          groups,
          routes: [
            local,
            aDefaultRoute(W.igwId),
            ...(nat ? [aDefaultRoute(W.natId, { destination: '198.51.100.0/24' })] : []),
          ],
        });
      expect(run(exposureUnintendedEntry, routed(false))).toHaveLength(1);
      expect(run(exposureUnintendedEntry, routed(true))).toEqual([]);
    });

    it('is silent when a lower-numbered NACL rule denies the port before the allow rule', () => {
      const acl = (denyRule: number) =>
        worldAcl([
          anAclEntry({ ruleNumber: denyRule, action: 'deny', protocol: '6', fromPort: 8080, toPort: 8080 }),
          anAclEntry({ ruleNumber: 100 }),
          anAclEntry({ ruleNumber: 100, egress: true }),
        ]);
      expect(run(exposureUnintendedEntry, anExposedWorld({ acl: acl(90) }))).toEqual([]);
      const after = run(exposureUnintendedEntry, anExposedWorld({ acl: acl(110) }));
      expect(after).toHaveLength(1);
      expect(after[0]?.message).toContain('受信ルール 100 で tcp 8080 を許可');
    });

    it('is silent when the NACL lets the request in but not the reply to ephemeral ports', () => {
      const acl = (outFrom: number, outTo: number) =>
        worldAcl([
          anAclEntry({ ruleNumber: 100, protocol: '6', fromPort: 8080, toPort: 8080 }),
          anAclEntry({ ruleNumber: 100, egress: true, protocol: '6', fromPort: outFrom, toPort: outTo }),
        ]);
      expect(run(exposureUnintendedEntry, anExposedWorld({ acl: acl(80, 443) }))).toEqual([]);
      expect(run(exposureUnintendedEntry, anExposedWorld({ acl: acl(1024, 65535) }))).toHaveLength(1);
    });

    it('is silent when the security group admits only the CloudFront prefix list', () => {
      const groups = [worldAppSg([tcp(8080, { prefixListId: CF_PL })])];
      expect(run(exposureUnintendedEntry, anExposedWorld({ groups }))).toEqual([]);
    });

    describe('through a customer-managed prefix list', () => {
      const viaList = (entries: readonly string[]) =>
        withPrefixList(
          anExposedWorld({ groups: [worldAppSg([tcp(8080, { prefixListId: OFFICE_PL })])] }),
          aCustomerPrefixList({ prefixListName: 'debug-access', entries: entries.map((cidr) => ({ cidr })) }),
        );

      it('reports the list entry 0.0.0.0/0 as internet ingress and names the list on the SG hop', () => {
        const [v, ...rest] = run(exposureUnintendedEntry, viaList(['10.0.0.0/8', '0.0.0.0/0']));
        expect(rest).toEqual([]);
        expect(v?.message).toContain(
          `legacy-app-sg (${W.appSg})（プレフィックスリスト debug-access (${OFFICE_PL}) のエントリ 0.0.0.0/0 から tcp 8080 を許可）`,
        );
        expect(v?.details?.ports).toBe('tcp 8080');
      });

      it('is silent when the list holds only private and shared (CGNAT) space', () => {
        expect(run(exposureUnintendedEntry, viaList(['10.0.0.0/8', '100.64.0.0/10']))).toEqual([]);
      });
    });

    it('is silent when the security group admits only private addresses', () => {
      const groups = [worldAppSg([tcp(8080, { cidrIpv4: '10.0.0.0/8' })])];
      expect(run(exposureUnintendedEntry, anExposedWorld({ groups }))).toEqual([]);
    });

    it('reports a security group that admits a public prefix on the port', () => {
      const groups = [worldAppSg([tcp(22, { cidrIpv4: '198.51.100.0/24' })])];
      const [v] = run(exposureUnintendedEntry, anExposedWorld({ groups }));
      expect(v?.message).toContain('198.51.100.0/24 から tcp 22 を許可');
      expect(v?.details?.ports).toBe('tcp 22');
    });

    it('is silent when the workload has no public IP', () => {
      const inventory = anExposedWorld({ enis: [worldEni({ publicIp: undefined })] });
      expect(run(exposureUnintendedEntry, inventory)).toEqual([]);
    });

    it('treats a NAT gateway ENI with an EIP as infrastructure, not a workload', () => {
      const nat = worldEni({
        interfaceType: 'nat_gateway',
        description: `Interface for NAT Gateway ${W.natId}`,
        requesterManaged: true,
        instanceId: undefined,
      });
      expect(run(exposureUnintendedEntry, anExposedWorld({ enis: [nat] }))).toEqual([]);
    });

    it('lists every port range that gets through, per protocol', () => {
      const groups = [
        worldAppSg([
          tcp(22, { cidrIpv4: '0.0.0.0/0' }),
          tcp(8080, { cidrIpv4: '0.0.0.0/0' }),
          { protocol: 'udp', fromPort: 53, toPort: 53, cidrIpv4: '0.0.0.0/0' },
        ]),
      ];
      const [v] = run(exposureUnintendedEntry, anExposedWorld({ groups }));
      expect(v?.details?.ports).toBe('tcp 22, 8080; udp 53');
    });

    it('is silent for an entry the intent declares, with its reason', () => {
      const intent = anIntent({
        exposure: { intendedEntries: [{ resource: W.instanceId, reason: '踏み台（期間限定）' }] },
      });
      expect(run(exposureUnintendedEntry, anExposedWorld(), intent)).toEqual([]);
    });
  });

  describe('internet-facing load balancer (→ listener → target group)', () => {
    it('reports an internet-facing ALB open to the world, ending at its target group', () => {
      const violations = run(exposureUnintendedEntry, anExposedLoadBalancer());
      expect(violations).toHaveLength(1);
      const v = violations[0]!;
      expect(v.resource).toMatchObject({ type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', id: W.lbArn });
      expect(v.message).toContain('legacy-alb（ALB、internet-facing） → legacy-alb-sg');
      expect(v.message).toContain(
        '（0.0.0.0/0 から tcp 443 を許可） → HTTPS:443（デフォルトアクションで転送） → legacy-app',
      );
      expect(v.details?.ports).toBe('tcp 443');
    });

    it('is silent for the internal twin', () => {
      const inventory = anExposedLoadBalancer({ lb: { scheme: 'internal' } });
      expect(run(exposureUnintendedEntry, inventory)).toEqual([]);
    });

    it('is silent when the load balancer SG admits only the CloudFront prefix list', () => {
      const sg = aGroupWith(W.lbSg, 'legacy-alb-sg', [tcp(443, { prefixListId: CF_PL })], { vpcId: W.vpcId });
      expect(run(exposureUnintendedEntry, anExposedLoadBalancer({ sg }))).toEqual([]);
    });

    it('is silent when the load balancer subnet has no route to the IGW', () => {
      expect(run(exposureUnintendedEntry, anExposedLoadBalancer({ routes: [local] }))).toEqual([]);
    });

    it('reports an NLB without security groups: nothing filters the source', () => {
      const inventory = anExposedLoadBalancer({
        lb: { type: 'network', securityGroupIds: [] },
        sg: aGroupWith(W.lbSg, 'unused-sg', [], { vpcId: W.vpcId }),
      });
      const [v] = run(exposureUnintendedEntry, inventory);
      expect(v?.message).toContain('セキュリティグループなし（NLB は送信元を制限しない）');
    });

    it('is silent for a load balancer the intent allows to be internet-facing', () => {
      const intent = anIntent({ loadBalancers: { allowInternetFacing: ['legacy-alb'] } });
      expect(run(exposureUnintendedEntry, anExposedLoadBalancer(), intent)).toEqual([]);
    });
  });

  describe('REST API without an API key (→ VPC link → NLB → target group)', () => {
    it('reports a REGIONAL API whose method needs no key, through the VPC link to the NLB', () => {
      const violations = run(exposureUnintendedEntry, anExposedApi());
      expect(violations).toHaveLength(1);
      const v = violations[0]!;
      expect(v.resource).toMatchObject({ type: 'AWS::ApiGateway::RestApi', id: W.apiId });
      expect(v.message).toContain(
        `インターネット → legacy-api (${W.apiId})（REGIONAL、execute-api エンドポイント有効、リソースポリシーなし） → ステージ prod（GET /orders は API キー不要） → legacy-link (${W.vpcLinkId})（AVAILABLE） → legacy-nlb（NLB、internal） → legacy-app`,
      );
      expect(v.message).toContain('（tcp 443、prod: GET /orders）');
      expect(v.details?.methods).toEqual(['prod: GET /orders']);
    });

    const withMethod = (o: Parameters<typeof aMethod>[0]): RestApi => {
      const api = anOpenApi();
      const open = api.resources[1]!.methods[0]!;
      return {
        ...api,
        resources: [api.resources[0]!, anApiResource({ ...api.resources[1], methods: [{ ...open, ...o }] })],
      };
    };

    it('is silent when the method requires an API key', () => {
      expect(run(exposureUnintendedEntry, anExposedApi(withMethod({ apiKeyRequired: true })))).toEqual([]);
    });

    describe('a VPC link taken from a stage variable', () => {
      const viaVariable = (variables: Readonly<Record<string, string>>) => {
        const api = withMethod({
          integration: {
            type: 'HTTP_PROXY',
            uri: 'http://legacy-nlb-9a8b7c6d5e4f3a2b.elb.ap-northeast-1.amazonaws.com/orders',
            connectionType: 'VPC_LINK',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: API Gateway's literal stage-variable syntax
            connectionId: '${stageVariables.vpcLinkId}',
          },
        });
        return anExposedApi({ ...api, stages: [aStage({ stageName: 'prod', variables })] });
      };

      it("follows the link the stage's variable names", () => {
        const [v, ...rest] = run(exposureUnintendedEntry, viaVariable({ vpcLinkId: W.vpcLinkId }));
        expect(rest).toEqual([]);
        expect(v?.message).toContain(
          `legacy-link (${W.vpcLinkId})（AVAILABLE、ステージ変数 \${stageVariables.vpcLinkId}） → legacy-nlb`,
        );
        expect(v?.details?.methods).toEqual(['prod: GET /orders']);
      });

      it('is silent on a stage that does not set the variable: its calls fail', () => {
        expect(run(exposureUnintendedEntry, viaVariable({}))).toEqual([]);
      });
    });

    it('is silent when the VPC link has failed', () => {
      const inventory = anExposedApi();
      const failed = {
        ...inventory,
        apigateway: {
          ...inventory.apigateway,
          vpcLinks: inventory.apigateway.vpcLinks.map((l) => ({ ...l, status: 'FAILED' })),
        },
      };
      expect(run(exposureUnintendedEntry, anExposedApi())).toHaveLength(1);
      expect(run(exposureUnintendedEntry, failed)).toEqual([]);
    });

    it('is silent for a private API', () => {
      const api = anOpenApi({ endpointTypes: ['PRIVATE'] });
      expect(run(exposureUnintendedEntry, anExposedApi(api))).toEqual([]);
    });

    it('is silent when the execute-api endpoint is disabled', () => {
      const api = anOpenApi({ disableExecuteApiEndpoint: true });
      expect(run(exposureUnintendedEntry, anExposedApi(api))).toEqual([]);
    });

    const ipPolicy = (operator: 'IpAddress' | 'NotIpAddress', effect: 'Allow' | 'Deny', cidr: string) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        ...(effect === 'Deny'
          ? [
              {
                Effect: 'Deny',
                Principal: '*',
                Action: 'execute-api:Invoke',
                Resource: 'execute-api:/*',
                Condition: { [operator]: { 'aws:SourceIp': cidr } },
              },
            ]
          : []),
      ],
    });

    it('is silent when the resource policy denies every source outside a private range', () => {
      const api = anOpenApi({ policy: ipPolicy('NotIpAddress', 'Deny', '10.0.0.0/8') });
      expect(run(exposureUnintendedEntry, anExposedApi(api))).toEqual([]);
    });

    it('reports an API whose resource policy admits a public source range', () => {
      const api = anOpenApi({ policy: ipPolicy('NotIpAddress', 'Deny', '192.0.2.0/24') });
      const [v] = run(exposureUnintendedEntry, anExposedApi(api));
      expect(v?.message).toContain('リソースポリシーが 192.0.2.1 からの呼び出しを許可');
    });

    /** Everyone may call, except that GET is kept to one office range. */
    const getKeptToOffice = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*/GET/*',
          Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
      ],
    };

    it('judges an ANY method for every verb: a Deny on GET leaves POST open, and says which verbs', () => {
      const api = { ...withMethod({ httpMethod: 'ANY' }), policy: getKeptToOffice };
      const [v, ...rest] = run(exposureUnintendedEntry, anExposedApi(api));
      expect(rest).toEqual([]);
      expect(v?.message).toContain(
        'リソースポリシーが 198.51.100.23 からの POST/PUT/PATCH/DELETE/HEAD/OPTIONS を許可',
      );
      expect(v?.details?.methods).toEqual(['prod: ANY /orders']);
    });

    it('is silent for the same policy on a GET method', () => {
      expect(run(exposureUnintendedEntry, anExposedApi({ ...anOpenApi(), policy: getKeptToOffice }))).toEqual(
        [],
      );
    });

    it('reads the policy the stage serves: a lock added but never deployed does not close the path', () => {
      const locked = { ...anOpenApi({ policy: ipPolicy('NotIpAddress', 'Deny', '10.0.0.0/8') }) };
      const served = (document?: unknown) => ({
        ...locked,
        stages: [aStage({ deployedMethods: undefined, deployedPolicy: document ? { document } : {} })],
      });
      const [v] = run(exposureUnintendedEntry, anExposedApi(served()));
      expect(v?.message).toContain('デプロイ済みのリソースポリシーなし');
      expect(run(exposureUnintendedEntry, anExposedApi(served(locked.policy)))).toEqual([]);
    });

    it('reports the deployment the stage serves, even when the current method now requires a key', () => {
      const api = withMethod({ apiKeyRequired: true });
      const served = {
        ...api,
        stages: [
          aStage({
            deployedMethods: [
              {
                path: '/orders',
                httpMethod: 'GET',
                apiKeyRequired: false,
                integration: {
                  type: 'HTTP_PROXY',
                  connectionType: 'VPC_LINK',
                  connectionId: W.vpcLinkId,
                  uri: 'http://legacy-nlb-9a8b7c6d5e4f3a2b.elb.ap-northeast-1.amazonaws.com/orders',
                },
              },
            ],
          }),
        ],
      };
      expect(run(exposureUnintendedEntry, anExposedApi(served))).toHaveLength(1);
    });
  });

  describe('seed accounts', () => {
    it.each([
      ['000', seed000Account],
      ['001', seed001Account],
      ['003', seed003Account],
      ['004', seed004Account],
    ])('seed %s has no unintended path', (_, account) => {
      expect(run(exposureUnintendedEntry, account())).toEqual([]);
    });

    it('seed 002 public ALB is intended under the classic profile', () => {
      expect(run(exposureUnintendedEntry, seed002Account(), anIntent({ profile: 'classic' }))).toEqual([]);
    });

    it('seed 002 public ALB is an unintended entry under private-backend', () => {
      const violations = run(exposureUnintendedEntry, seed002Account());
      expect(violations).toHaveLength(1);
      expect(violations[0]?.resource.id).toBe(SEED_002_ALB_ARN);
      expect(violations[0]?.details?.ports).toBe('tcp 80, 443');
    });
  });

  describe('incomplete data', () => {
    it('says nothing about the region (unknown, not safe) when a slice on the path failed there', () => {
      // Prepare
      const inventory: Inventory = {
        ...anExposedWorld(),
        errors: [
          {
            service: 'ec2',
            operation: 'DescribeNetworkAcls',
            region: 'ap-northeast-1',
            code: 'AccessDenied',
            message: 'not authorized',
            slices: ['ec2.networkAcls'],
          },
        ],
      };
      // Act
      const report = evaluate({ inventory, intent: anIntent(), checks: EXPOSURE_CHECKS, now: NOW });
      // Assess: the exposed entry is not reported, and the region is listed as unseen for the check.
      expect(run(exposureUnintendedEntry, anExposedWorld())).not.toEqual([]);
      expect(report.findings.filter((f) => f.checkId === 'exposure.unintended-entry')).toEqual([]);
      expect(report.unseen).toEqual([{ checkId: 'exposure.unintended-entry', region: 'ap-northeast-1' }]);
      expect(report.complete).toBe(false);
    });

    it('assumes a path open, saying so, when the resource policy uses a condition it cannot decide', () => {
      const api = anOpenApi({
        policy: allowInvokeIf({ StringEquals: { 'aws:Referer': 'https://app.example.jp' } }),
      });
      const [v] = run(exposureUnintendedEntry, anExposedApi(api));
      expect(v?.message).toContain('判定できない条件');
    });
  });

  it('follows paths into a VPC the intent does not describe: every VPC is audited', () => {
    const intent = anIntent({ vpcs: [{ id: 'vpc-0a1b2c3d4e5f60001' }] });
    expect(run(exposureUnintendedEntry, anExposedWorld(), intent)).toHaveLength(1);
  });

  it('leaves out a VPC the intent excludes', () => {
    const intent = anIntent({
      excludeVpcs: [{ id: W.vpcId, reason: 'sandbox, audited by its own team' }],
    });
    expect(run(exposureUnintendedEntry, anExposedWorld(), intent)).toEqual([]);
  });
});
