import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  DeleteMethodCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateApiKeyCommand,
  UpdateRestApiCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CloudFrontClient,
  type DistributionConfig,
  GetDistributionConfigCommand,
  type Origin,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateNatGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeManagedPrefixListsCommand,
  DescribeRouteTablesCommand,
  DisassociateRouteTableCommand,
  EC2Client,
  type IpPermission,
  ModifySubnetAttributeCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  type CreateLoadBalancerCommandInput,
  CreateTargetGroupCommand,
  DeleteLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import type { IntentInput } from '../../intent/schema.ts';
import type { Report } from '../../model/report.ts';
import { runCli } from '../fixtures/cli.ts';
import {
  buildCatalogueAccount,
  buildClassicAccount,
  type CatalogueAccount,
  privateApiPolicy,
  REGION,
} from './account.ts';
import { type Moto, startMoto } from './moto.ts';

/**
 * The check catalogue (CHECKS.md) end to end against moto: each case resets moto, builds the clean
 * hardened account through the real SDK, baselines it with the CLI, applies ONE drift through the SDK
 * (or one edit of the intent file, as a user would), audits with `--format json`, and asserts the exact
 * set of (check, resource) pairs: the check fires on the drifted resource, its documented twins (the
 * drift.* record of the same change, a second check that names the same fact from another principle)
 * fire on theirs, and nothing else does. The classic cases build seed 002's layout instead (public ALB
 * and NAT gateways in public subnets, tasks in private ones) and hold it to the profile baseline infers.
 *
 * Checks moto cannot express, covered by their unit twins only (test/checks/**):
 * - vpc.igw-missing, cloudfront.vpc-origin-target: moto 5.2.1 has no CloudFront VPC origins.
 * - vpc.nat-mode regional mode: moto has no regional NAT gateways (zonal mode is covered here).
 * - cloudfront.s3-origin-access compliant twin: moto does not return OriginAccessControlId, so an
 *   origin with OAC cannot be built (the finding on an S3 origin without OAC is covered here).
 * - cloudfront.security-headers: moto has no response headers policies, so no compliant account exists.
 * - apigw.integration-target through an unintended VPC link: moto does not store connectionId (the
 *   INTERNET branch is covered here).
 * - apigw.stale-deployment: moto's GetExport returns a Swagger outline without integrations; the
 *   collector refuses it (the audit.incomplete it raises is filtered out as the known moto gap).
 * - apigw.resource-policy on the policy a stage serves (a fix never deployed): the same outline carries
 *   no x-amazon-apigateway-policy, so only the current policy is judged here.
 * - apigw.waf-missing on a WAF-protected stage: no WAFv2 client in the project to associate a web ACL;
 *   covered here as a new stage deployed without WAF.
 * - exposure.unintended-entry through a public REST API without an API key: the path runs through the
 *   method's VPC link, and moto does not store connectionId (the ENI and load balancer paths are here).
 */

/**
 * moto has no AWS rate limits, and the client-side pacing that mirrors them (collect/pacing.ts, unit
 * tested there and exercised against moto by audit.e2e.test.ts) would spend most of this file's time
 * waiting for API Gateway tokens across ~60 collections. The clients here draw from an unlimited pacer.
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

/** The documented moto gap (see audit.e2e.test.ts): GetExport has no oas30 export. */
const isMotoExportGap = (f: Report['findings'][number]) =>
  f.checkId === 'audit.incomplete' && f.message.includes('GetExport');

/** `checkId resourceId` for every finding but the moto gap, unique and sorted. */
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

describe('the check catalogue against moto, one drift at a time', () => {
  let moto: Moto;
  let dir: string;
  let cases = 0;
  const savedEnv = { ...process.env };
  const ec2 = () => new EC2Client({ region: REGION });
  const elbv2 = () => new ElasticLoadBalancingV2Client({ region: REGION });
  const apigw = () => new APIGatewayClient({ region: REGION });
  const cloudfront = () => new CloudFrontClient({ region: 'us-east-1' });

  beforeAll(async () => {
    moto = await startMoto();
    for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete process.env[key];
    Object.assign(process.env, moto.env);
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-catalogue-'));
  });

  afterAll(async () => {
    process.env = savedEnv;
    await moto?.stop();
  });

  /**
   * A fresh clean account and its baseline intent. `edit` changes the generated intent the way a
   * reviewer would before approving it (the baseline records what is, the reviewer adds what is meant).
   */
  const cleanAccount = async (edit?: (intent: IntentInput, account: CatalogueAccount) => void) => {
    await moto.reset();
    const account = await buildCatalogueAccount();
    const intentPath = join(dir, `intent-${++cases}.yaml`);
    expect((await runCli('baseline', '--out', intentPath, '--region', REGION)).code).toBe(0);
    if (edit) {
      const intent = parse(await readFile(intentPath, 'utf8')) as IntentInput;
      edit(intent, account);
      await writeFile(intentPath, stringify(intent));
    }
    return { account, intentPath };
  };

  /**
   * A clean account with more built on it before the baseline: what `approve` builds is part of the
   * approved state (and its findings become the baseline's fact-level exceptions).
   */
  const approvedAccount = async <T>(approve: (account: CatalogueAccount) => Promise<T>) => {
    await moto.reset();
    const account = await buildCatalogueAccount();
    const approved = await approve(account);
    const intentPath = join(dir, `intent-${++cases}.yaml`);
    expect((await runCli('baseline', '--out', intentPath, '--region', REGION)).code).toBe(0);
    const intent = parse(await readFile(intentPath, 'utf8')) as IntentInput;
    return { account, approved, intent, intentPath };
  };

  const audit = async (intentPath: string): Promise<Report> => {
    const result = await runCli('audit', '--intent', intentPath, '--region', REGION, '--format', 'json');
    expect(result.err).not.toContain('e2e-secret-api-key-value');
    expect(result.out).not.toContain('e2e-secret-api-key-value');
    return JSON.parse(result.out) as Report;
  };

  /** Audits and asserts the exact set of (check, resource) pairs, the moto gap aside. */
  const expectFindings = async (intentPath: string, expected: Record<string, readonly string[]>) =>
    expect(pairsOf(await audit(intentPath))).toEqual(pairs(expected));

  /** Applies a change to the distribution's config through GetDistributionConfig/UpdateDistribution. */
  const updateDistribution = async (id: string, change: (config: DistributionConfig) => void) => {
    const current = await cloudfront().send(new GetDistributionConfigCommand({ Id: id }));
    const config = current.DistributionConfig as DistributionConfig;
    change(config);
    await cloudfront().send(
      new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: config }),
    );
  };

  /**
   * Adds an origin and a behavior routing `pathPattern` to it, copied from the first behavior so
   * only the target differs.
   */
  const addOrigin = (config: DistributionConfig, origin: Origin, pathPattern: string) => {
    const origins = config.Origins?.Items ?? [];
    config.Origins = { Quantity: origins.length + 1, Items: [...origins, origin] };
    const behaviors = config.CacheBehaviors?.Items ?? [];
    config.CacheBehaviors = {
      Quantity: behaviors.length + 1,
      Items: [...behaviors, { ...behaviors[0]!, PathPattern: pathPattern, TargetOriginId: origin.Id }],
    };
  };

  /** A default IPv4 route from the table to the internet gateway. */
  const routeToIgw = async (routeTableId: string | undefined, igwId: string) => {
    await ec2().send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: igwId,
      }),
    );
  };

  /** One ingress permission added to the group. */
  const allowIngress = async (groupId: string, permission: IpPermission) => {
    await ec2().send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }),
    );
  };

  const createLoadBalancer = async (input: CreateLoadBalancerCommandInput) =>
    (await elbv2().send(new CreateLoadBalancerCommand(input))).LoadBalancers?.[0]?.LoadBalancerArn as string;

  /** An HTTP target group of IP targets on 8080 in the account's VPC. */
  const createTargetGroup = async (account: CatalogueAccount, name: string) =>
    (
      await elbv2().send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: account.vpcId,
          TargetType: 'ip',
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn as string;

  const cloudFrontPrefixList = async () =>
    (
      await ec2().send(
        new DescribeManagedPrefixListsCommand({
          Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }],
        }),
      )
    ).PrefixLists?.[0]?.PrefixListId as string;

  /** A workload ENI in the subnet with an Elastic IP, as a "temporary" debug instance gets one. */
  const publicEni = async (subnetId: string, groupId: string) => {
    const eni = (
      await ec2().send(
        new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [groupId], Description: 'debug' }),
      )
    ).NetworkInterface?.NetworkInterfaceId as string;
    const allocationId = (await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
    await ec2().send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eni }));
    return eni;
  };

  it('audits the hardened account clean: the baseline drew the closed DB tier and the SG chain', async () => {
    const { account, intentPath } = await cleanAccount();
    const intent = parse(await readFile(intentPath, 'utf8')) as IntentInput;
    // moto's default VPC is recorded beside the account's own VPC (every VPC is audited).
    const own = intent.vpcs?.find((v) => v.id === account.vpcId);
    expect(own?.tiers?.find((t) => t.name === 'db')?.closed).toBe(true);
    expect(intent.securityGroups?.chain?.map((l) => l.groupId)).toEqual([
      account.albSgId,
      account.ecsSgId,
      account.dbSgId,
    ]);
    expect(intent.apiGateway?.endpointTypes?.[account.privateApiId]).toBe('PRIVATE');
    await expectFindings(intentPath, {});
  });

  // ------------------------------------------------------------------------------------ Network

  it('vpc.auto-public-ip: MapPublicIpOnLaunch turned on for an ingress subnet', async () => {
    const { account, intentPath } = await cleanAccount();
    await ec2().send(
      new ModifySubnetAttributeCommand({
        SubnetId: account.subnetIds[0],
        MapPublicIpOnLaunch: { Value: true },
      }),
    );
    await expectFindings(intentPath, { 'vpc.auto-public-ip': [account.subnetIds[0] as string] });
  });

  it('vpc.public-eni: an Elastic IP associated with a workload ENI', async () => {
    const { account, intentPath } = await cleanAccount();
    const eni = await publicEni(account.subnetIds[0] as string, account.ecsSgId);
    // The subnet has no route to the IGW, so the address is not yet a path in: no exposure finding.
    await expectFindings(intentPath, { 'vpc.public-eni': [eni] });
  });

  it('vpc.db-tier-egress: the closed DB tier gets a default route to the IGW', async () => {
    const { account, intentPath } = await cleanAccount();
    await routeToIgw(account.dbRouteTableId, account.igwId);
    await expectFindings(intentPath, {
      'vpc.db-tier-egress': [account.dbSubnetId],
      // The same route makes the subnet public (P2), and the baselined table changed.
      'vpc.public-subnet': [account.dbSubnetId],
      'drift.route-table': [account.dbRouteTableId],
    });
  });

  it('vpc.db-tier-egress: the DB subnet falls back to a main route table that routes to the IGW', async () => {
    const { account, intentPath } = await cleanAccount();
    const tables = (
      await ec2().send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [account.vpcId] }] }),
      )
    ).RouteTables;
    const main = tables?.find((t) => t.Associations?.some((a) => a.Main))?.RouteTableId as string;
    const dbAssociation = tables
      ?.find((t) => t.RouteTableId === account.dbRouteTableId)
      ?.Associations?.find((a) => a.SubnetId === account.dbSubnetId)?.RouteTableAssociationId;
    // Two innocent-looking changes: the explicit association goes, and the (unused) main table gets a route.
    await ec2().send(new DisassociateRouteTableCommand({ AssociationId: dbAssociation }));
    await routeToIgw(main, account.igwId);
    await expectFindings(intentPath, {
      'vpc.db-tier-egress': [account.dbSubnetId],
      'vpc.public-subnet': [account.dbSubnetId],
      'drift.route-table': [account.dbRouteTableId, main],
    });
  });

  it('vpc.db-tier-egress: a route for CGNAT shared space through an appliance ENI is not internet egress', async () => {
    // 100.64.0.0/10 is not the internet (RFC 6598): the route is drift, not an internet route.
    const { account, intentPath } = await cleanAccount();
    const appliance = (
      await ec2().send(
        new CreateNetworkInterfaceCommand({
          SubnetId: account.subnetIds[0],
          Groups: [account.ecsSgId],
          Description: 'carrier-nat appliance',
        }),
      )
    ).NetworkInterface?.NetworkInterfaceId as string;
    await ec2().send(
      new CreateRouteCommand({
        RouteTableId: account.dbRouteTableId,
        DestinationCidrBlock: '100.64.0.0/10',
        NetworkInterfaceId: appliance,
      }),
    );
    await expectFindings(intentPath, { 'drift.route-table': [account.dbRouteTableId] });
  });

  it('vpc.nat-mode: a zonal NAT gateway appears where the intent says none', async () => {
    const { account, intentPath } = await cleanAccount();
    const allocationId = (await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
    const nat = (
      await ec2().send(
        new CreateNatGatewayCommand({ SubnetId: account.subnetIds[0], AllocationId: allocationId }),
      )
    ).NatGateway?.NatGatewayId as string;
    await expectFindings(intentPath, { 'vpc.nat-mode': [nat] });
  });

  it('vpc.cidr: the intent names another CIDR than the VPC has', async () => {
    const { account, intentPath } = await cleanAccount((intent, built) => {
      intent.vpcs!.find((v) => v.id === built.vpcId)!.cidr = '10.1.0.0/16';
    });
    await expectFindings(intentPath, { 'vpc.cidr': [account.vpcId] });
  });

  // ---------------------------------------------------------------------------- Security groups

  it('sg.world-ingress: SSH from anywhere on the ECS group', async () => {
    const { account, intentPath } = await cleanAccount();
    await allowIngress(account.ecsSgId, {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
    await expectFindings(intentPath, {
      'sg.world-ingress': [account.ecsSgId],
      // The rule is also an extra path into a chain link.
      'sg.chain-broken': [account.ecsSgId],
      'drift.security-group': [account.ecsSgId],
    });
  });

  it('sg.cidr-source: the ECS group admits the VPC CIDR instead of the ALB group', async () => {
    const { account, intentPath } = await cleanAccount();
    await allowIngress(account.ecsSgId, {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      IpRanges: [{ CidrIp: '10.0.0.0/16' }],
    });
    await expectFindings(intentPath, {
      'sg.cidr-source': [account.ecsSgId],
      'sg.chain-broken': [account.ecsSgId],
      'drift.security-group': [account.ecsSgId],
    });
  });

  /** A customer-managed prefix list holding these CIDRs, as the console or CLI creates one. */
  const customerPrefixList = async (name: string, cidrs: readonly string[]) =>
    (
      await ec2().send(
        new CreateManagedPrefixListCommand({
          PrefixListName: name,
          AddressFamily: 'IPv4',
          MaxEntries: 10,
          Entries: cidrs.map((Cidr) => ({ Cidr, Description: name })),
        }),
      )
    ).PrefixList?.PrefixListId as string;

  it('sg.world-ingress: SSH through a customer-managed prefix list that holds 0.0.0.0/0', async () => {
    const { account, intentPath } = await cleanAccount();
    const list = await customerPrefixList('debug-access', ['0.0.0.0/0']);
    await allowIngress(account.ecsSgId, {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      PrefixListIds: [{ PrefixListId: list }],
    });
    const report = await audit(intentPath);
    expect(pairsOf(report)).toEqual(
      pairs({
        'sg.world-ingress': [account.ecsSgId],
        'sg.chain-broken': [account.ecsSgId],
        'drift.security-group': [account.ecsSgId],
      }),
    );
    const world = report.findings.find((f) => f.checkId === 'sg.world-ingress');
    expect(world?.severity).toBe('critical');
    expect(world?.message).toContain(`プレフィックスリスト debug-access (${list})`);
  });

  it('sg.cidr-source: the ECS group admits a customer-managed prefix list of on-premises ranges', async () => {
    // The twin of the list above: no world entry, so no sg.world-ingress; its entry is a CIDR source.
    const { account, intentPath } = await cleanAccount();
    const list = await customerPrefixList('onprem-dc', ['10.20.0.0/16']);
    await allowIngress(account.ecsSgId, {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      PrefixListIds: [{ PrefixListId: list }],
    });
    await expectFindings(intentPath, {
      'sg.cidr-source': [account.ecsSgId],
      'sg.chain-broken': [account.ecsSgId],
      'drift.security-group': [account.ecsSgId],
    });
  });

  it('sg.default-has-rules: the emptied default group gets its self-referencing rule back', async () => {
    const { account, intentPath } = await cleanAccount();
    await allowIngress(account.defaultSgId, {
      IpProtocol: '-1',
      UserIdGroupPairs: [{ GroupId: account.defaultSgId }],
    });
    await expectFindings(intentPath, {
      'sg.default-has-rules': [account.defaultSgId],
      'drift.security-group': [account.defaultSgId],
    });
  });

  it('sg.front-not-cloudfront-only: the front group admits CloudFront on port 80 too', async () => {
    const { account, intentPath } = await cleanAccount();
    await allowIngress(account.albSgId, {
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      PrefixListIds: [{ PrefixListId: await cloudFrontPrefixList() }],
    });
    await expectFindings(intentPath, {
      'sg.front-not-cloudfront-only': [account.albSgId],
      'drift.security-group': [account.albSgId],
    });
  });

  it('sg.chain-broken: the DB group admits the ALB group directly, skipping ECS', async () => {
    const { account, intentPath } = await cleanAccount();
    await allowIngress(account.dbSgId, {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      UserIdGroupPairs: [{ GroupId: account.albSgId }],
    });
    await expectFindings(intentPath, {
      'sg.chain-broken': [account.dbSgId],
      'drift.security-group': [account.dbSgId],
    });
  });

  it('drift.security-group: a baselined chain group is deleted', async () => {
    const { account, intentPath } = await cleanAccount();
    await ec2().send(new DeleteSecurityGroupCommand({ GroupId: account.dbSgId }));
    await expectFindings(intentPath, {
      'drift.security-group': [account.dbSgId],
      // The chain's DB link is gone: reported on the id the intent names.
      'sg.chain-broken': [account.dbSgId],
    });
  });

  // ----------------------------------------------------------------------------- Load balancers

  it('elb.internet-facing: an internet-facing ALB appears', async () => {
    const { account, intentPath } = await cleanAccount();
    const lb = await createLoadBalancer({
      Name: 'debug-alb',
      Scheme: 'internet-facing',
      Subnets: [...account.subnetIds],
    });
    await expectFindings(intentPath, { 'elb.internet-facing': [lb], 'drift.load-balancer': [lb] });
  });

  it('elb.outside-ingress-tier: an internal ALB placed in the DB tier', async () => {
    const { account, intentPath } = await cleanAccount((intent) => {
      intent.loadBalancers = { ...intent.loadBalancers, ingressTier: 'ingress' };
    });
    const lb = await createLoadBalancer({
      Name: 'admin-alb',
      Scheme: 'internal',
      Subnets: [account.dbSubnetId, account.subnetIds[1] as string],
    });
    await expectFindings(intentPath, { 'elb.outside-ingress-tier': [lb], 'drift.load-balancer': [lb] });
  });

  // --------------------------------------------------------------------------------- CloudFront

  it('cloudfront.viewer-http: the default behavior allows plain HTTP', async () => {
    const { account, intentPath } = await cleanAccount();
    await updateDistribution(account.distributionId, (c) => {
      c.DefaultCacheBehavior!.ViewerProtocolPolicy = 'allow-all';
    });
    await expectFindings(intentPath, {
      'cloudfront.viewer-http': [account.distributionId],
      'drift.distribution': [account.distributionId],
    });
  });

  it('cloudfront.waf-missing: the web ACL is removed from the distribution', async () => {
    const { account, intentPath } = await cleanAccount();
    await updateDistribution(account.distributionId, (c) => {
      c.WebACLId = '';
    });
    await expectFindings(intentPath, {
      'cloudfront.waf-missing': [account.distributionId],
      'drift.distribution': [account.distributionId],
    });
  });

  it('cloudfront.origin-bypass: a behavior sends requests to the NLB by its DNS name', async () => {
    const { account, intentPath } = await cleanAccount();
    const dns = `internal-prod-nlb.elb.${REGION}.amazonaws.com`;
    await updateDistribution(account.distributionId, (c) => {
      addOrigin(
        c,
        {
          Id: 'nlb-direct',
          DomainName: dns,
          OriginPath: '',
          CustomHeaders: { Quantity: 0, Items: [] },
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
        },
        '/direct/*',
      );
    });
    await expectFindings(intentPath, {
      'cloudfront.origin-bypass': [account.distributionId],
      // The new behavior has no response headers policy either (moto has none): a new fact the baseline's
      // security-headers exception, which accepts only the behaviors approved, does not cover.
      'cloudfront.security-headers': [account.distributionId],
      'drift.distribution': [account.distributionId],
    });
  });

  it('cloudfront.s3-origin-access: an S3 origin without origin access control is added', async () => {
    const { account, intentPath } = await cleanAccount();
    await updateDistribution(account.distributionId, (c) => {
      addOrigin(
        c,
        {
          Id: 'assets',
          DomainName: 'prod-assets.s3.ap-northeast-1.amazonaws.com',
          OriginPath: '',
          CustomHeaders: { Quantity: 0, Items: [] },
          S3OriginConfig: { OriginAccessIdentity: '' },
        },
        '/assets/*',
      );
    });
    await expectFindings(intentPath, {
      'cloudfront.s3-origin-access': [account.distributionId],
      // The new behavior has no response headers policy either (moto has none): a new fact the baseline's
      // security-headers exception, which accepts only the behaviors approved, does not cover.
      'cloudfront.security-headers': [account.distributionId],
      'drift.distribution': [account.distributionId],
    });
  });

  it('cloudfront.api-stage-path: the API behavior is renamed to a stage that does not exist', async () => {
    const { account, intentPath } = await cleanAccount();
    await updateDistribution(account.distributionId, (c) => {
      c.CacheBehaviors!.Items![0]!.PathPattern = '/v1/data/*';
    });
    await expectFindings(intentPath, {
      'cloudfront.api-stage-path': [account.distributionId],
      // The behavior's path is part of the security-headers fact: /v1/data/* without a headers policy
      // was never approved (moto has no response headers policies) ...
      'cloudfront.security-headers': [account.distributionId],
      // ... and the approved /prod/data/* fact of that exception now matches nothing.
      'audit.exception-unused': [account.distributionId],
      'drift.distribution': [account.distributionId],
    });
  });

  it('cloudfront.api-key-header: the API key CloudFront sends is disabled (a botched rotation)', async () => {
    const { account, intentPath } = await cleanAccount();
    await apigw().send(
      new UpdateApiKeyCommand({
        apiKey: account.apiKeyId,
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
      }),
    );
    await expectFindings(intentPath, { 'cloudfront.api-key-header': [account.distributionId] });
  });

  // -------------------------------------------------------------------------------- API Gateway

  it('apigw.endpoint-type: the REGIONAL API is switched to EDGE', async () => {
    const { account, intentPath } = await cleanAccount();
    await apigw().send(
      new UpdateRestApiCommand({
        restApiId: account.apiId,
        patchOperations: [{ op: 'replace', path: '/endpointConfiguration/types/REGIONAL', value: 'EDGE' }],
      }),
    );
    await expectFindings(intentPath, {
      'apigw.endpoint-type': [account.apiId],
      'drift.rest-api': [account.apiId],
    });
  });

  it('apigw.resource-policy: the private API policy condition is inverted (StringNotEquals)', async () => {
    const { account, intentPath } = await cleanAccount();
    await apigw().send(
      new UpdateRestApiCommand({
        restApiId: account.privateApiId,
        patchOperations: [
          {
            op: 'replace',
            path: '/policy',
            value: JSON.stringify(privateApiPolicy('StringNotEquals', account.vpceId)),
          },
        ],
      }),
    );
    await expectFindings(intentPath, {
      'apigw.resource-policy': [account.privateApiId],
      'drift.rest-api': [account.privateApiId],
    });
  });

  /** Replaces the private API's resource policy, as `aws apigateway update-rest-api` does. */
  const setPrivateApiPolicy = async (account: CatalogueAccount, policy: unknown) => {
    await apigw().send(
      new UpdateRestApiCommand({
        restApiId: account.privateApiId,
        patchOperations: [{ op: 'replace', path: '/policy', value: JSON.stringify(policy) }],
      }),
    );
  };

  /** ANY /{proxy+} on the private API (seed 003's reverse proxy shape). */
  const addAnyProxy = async (account: CatalogueAccount) => {
    const restApiId = account.privateApiId;
    const rootId = (await apigw().send(new GetResourcesCommand({ restApiId }))).items?.find(
      (r) => r.path === '/',
    )?.id;
    const resourceId = (
      await apigw().send(new CreateResourceCommand({ restApiId, parentId: rootId, pathPart: '{proxy+}' }))
    ).id;
    const method = { restApiId, resourceId, httpMethod: 'ANY' };
    await apigw().send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }));
    await apigw().send(new PutIntegrationCommand({ ...method, type: 'MOCK' }));
  };

  /** Deny every caller outside `condition`, on `resource`, then Allow everything. */
  const denyUnless = (condition: Record<string, Record<string, string>>, resource = 'execute-api:/*') => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: resource,
        Condition: condition,
      },
      { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    ],
  });

  it('apigw.resource-policy: seed 003 as meant (Deny unless aws:SourceVpc) on ANY passes under the default intent', async () => {
    const { account, intentPath } = await cleanAccount();
    await addAnyProxy(account);
    await setPrivateApiPolicy(account, denyUnless({ StringNotEquals: { 'aws:SourceVpc': account.vpcId } }));
    await expectFindings(intentPath, { 'drift.rest-api': [account.privateApiId] });
  });

  it('apigw.resource-policy: the same policy under apiGateway.requireSourceVpce is a medium finding', async () => {
    const { account, intentPath } = await cleanAccount((intent) => {
      intent.apiGateway = { ...intent.apiGateway, requireSourceVpce: true };
    });
    await setPrivateApiPolicy(account, denyUnless({ StringNotEquals: { 'aws:SourceVpc': account.vpcId } }));
    const report = await audit(intentPath);
    expect(pairsOf(report)).toEqual(
      pairs({ 'apigw.resource-policy': [account.privateApiId], 'drift.rest-api': [account.privateApiId] }),
    );
    const finding = report.findings.find((f) => f.checkId === 'apigw.resource-policy');
    expect(finding?.severity).toBe('medium');
    expect(finding?.message).toContain(`同じ VPC ${account.vpcId} 内の別の VPC エンドポイント`);
  });

  it('apigw.resource-policy: an endpoint lock on GET only leaves the other verbs of ANY open', async () => {
    const { account, intentPath } = await cleanAccount();
    await addAnyProxy(account);
    await setPrivateApiPolicy(
      account,
      denyUnless({ StringNotEquals: { 'aws:SourceVpce': account.vpceId } }, 'execute-api:/*/GET/*'),
    );
    const report = await audit(intentPath);
    expect(pairsOf(report)).toEqual(
      pairs({ 'apigw.resource-policy': [account.privateApiId], 'drift.rest-api': [account.privateApiId] }),
    );
    const finding = report.findings.find((f) => f.checkId === 'apigw.resource-policy');
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toContain('POST /{proxy+}');
  });

  it('apigw.api-key-not-required: GET /data is recreated without apiKeyRequired', async () => {
    const { account, intentPath } = await cleanAccount();
    // moto has no UpdateMethod: the method is recreated, as `aws apigateway delete-method/put-method` does.
    const method = { restApiId: account.apiId, resourceId: account.dataResourceId, httpMethod: 'GET' };
    await apigw().send(new DeleteMethodCommand(method));
    await apigw().send(new PutMethodCommand({ ...method, authorizationType: 'NONE', apiKeyRequired: false }));
    await apigw().send(
      new PutIntegrationCommand({
        ...method,
        type: 'HTTP_PROXY',
        integrationHttpMethod: 'GET',
        uri: 'http://internal-prod-nlb.elb.ap-northeast-1.amazonaws.com/data',
        connectionType: 'VPC_LINK',
        connectionId: account.vpcLinkId,
      }),
    );
    await expectFindings(intentPath, {
      'apigw.api-key-not-required': [account.apiId],
      // The usage plan's throttling applies per key, so the keyless method is not throttled either.
      'apigw.throttling-missing': [`${account.apiId}/prod`],
      'drift.rest-api': [account.apiId],
    });
  });

  it('apigw.waf-missing: a staging stage is deployed (and added to the plan) without a web ACL', async () => {
    const { account, intentPath } = await cleanAccount();
    await apigw().send(new CreateDeploymentCommand({ restApiId: account.apiId, stageName: 'staging' }));
    await apigw().send(
      new UpdateUsagePlanCommand({
        usagePlanId: account.usagePlanId,
        patchOperations: [{ op: 'add', path: '/apiStages', value: `${account.apiId}:staging` }],
      }),
    );
    await expectFindings(intentPath, {
      'apigw.waf-missing': [`${account.apiId}/staging`],
      'drift.rest-api': [account.apiId],
    });
  });

  it('apigw.throttling-missing: the usage plan loses its throttle', async () => {
    const { account, intentPath } = await cleanAccount();
    await apigw().send(
      new UpdateUsagePlanCommand({
        usagePlanId: account.usagePlanId,
        patchOperations: [{ op: 'remove', path: '/throttle' }],
      }),
    );
    await expectFindings(intentPath, { 'apigw.throttling-missing': [`${account.apiId}/prod`] });
  });

  it('apigw.integration-target: the integration is pointed at a public URL', async () => {
    const { account, intentPath } = await cleanAccount();
    await apigw().send(
      new PutIntegrationCommand({
        restApiId: account.apiId,
        resourceId: account.dataResourceId,
        httpMethod: 'GET',
        type: 'HTTP_PROXY',
        integrationHttpMethod: 'GET',
        uri: 'https://backend.example.com/data',
        connectionType: 'INTERNET',
      }),
    );
    await expectFindings(intentPath, { 'apigw.integration-target': [account.apiId] });
  });

  it('apigw.vpc-link-target: the NLB behind the VPC link is deleted', async () => {
    const { account, intentPath } = await cleanAccount();
    await elbv2().send(new DeleteLoadBalancerCommand({ LoadBalancerArn: account.nlbArn }));
    await expectFindings(intentPath, {
      'apigw.vpc-link-target': [account.vpcLinkId],
      'drift.load-balancer': [account.nlbArn],
    });
  });

  // -------------------------------------------------------------------------------------- Drift

  it('drift.distribution: the distribution is moved to another web ACL', async () => {
    const { account, intentPath } = await cleanAccount();
    await updateDistribution(account.distributionId, (c) => {
      c.WebACLId = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/other-cf/e5f6a7b8';
    });
    await expectFindings(intentPath, { 'drift.distribution': [account.distributionId] });
  });

  it('drift.rest-api: a POST /data method is added (still key-protected)', async () => {
    const { account, intentPath } = await cleanAccount();
    await apigw().send(
      new PutMethodCommand({
        restApiId: account.apiId,
        resourceId: account.dataResourceId,
        httpMethod: 'POST',
        authorizationType: 'NONE',
        apiKeyRequired: true,
      }),
    );
    await expectFindings(intentPath, { 'drift.rest-api': [account.apiId] });
  });

  // ----------------------------------------------------------------------------------- Exposure

  it('exposure.unintended-entry: a debug ENI with an EIP, a world-open group and a route to the IGW', async () => {
    const { account, intentPath } = await cleanAccount();
    const debugSg = (
      await ec2().send(
        new CreateSecurityGroupCommand({ GroupName: 'debug-sg', Description: 'debug', VpcId: account.vpcId }),
      )
    ).GroupId as string;
    await allowIngress(debugSg, {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
    const eni = await publicEni(account.subnetIds[0] as string, debugSg);
    await routeToIgw(account.ingressRouteTableId, account.igwId);
    const report = await audit(intentPath);
    expect(pairsOf(report)).toEqual(
      pairs({
        'exposure.unintended-entry': [eni],
        // Each hop of the path is also a finding of its own principle.
        'vpc.public-eni': [eni],
        'sg.world-ingress': [debugSg],
        'vpc.public-subnet': [...account.subnetIds],
        'drift.route-table': [account.ingressRouteTableId],
      }),
    );
    expect(report.findings.find((f) => f.checkId === 'exposure.unintended-entry')?.severity).toBe('critical');
  });

  it('exposure.unintended-entry: an internet-facing ALB with a listener, a world-open group and a route to the IGW', async () => {
    const { account, intentPath } = await cleanAccount();
    const albSg = (
      await ec2().send(
        new CreateSecurityGroupCommand({
          GroupName: 'debug-alb-sg',
          Description: 'debug',
          VpcId: account.vpcId,
        }),
      )
    ).GroupId as string;
    await allowIngress(albSg, {
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
    const lb = await createLoadBalancer({
      Name: 'debug-alb',
      Scheme: 'internet-facing',
      Subnets: [...account.subnetIds],
      SecurityGroups: [albSg],
    });
    const tg = (
      await elbv2().send(
        new CreateTargetGroupCommand({
          Name: 'debug-tg',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: account.vpcId,
          TargetType: 'ip',
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn;
    await elbv2().send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
      }),
    );
    await routeToIgw(account.ingressRouteTableId, account.igwId);
    await expectFindings(intentPath, {
      'exposure.unintended-entry': [lb],
      'elb.internet-facing': [lb],
      'drift.load-balancer': [lb],
      'sg.world-ingress': [albSg],
      'vpc.public-subnet': [...account.subnetIds],
      'drift.route-table': [account.ingressRouteTableId],
    });
  });

  // ----------------------------------------------------- Accepted resources: a new fact is a new finding

  /**
   * An approved public web entry: an internet-facing ALB in the ingress subnets (routed to the IGW) whose
   * group admits 80/443 from anywhere, forwarding HTTP:80 to a web target group.
   */
  const publicWebAlb = async (account: CatalogueAccount) => {
    const albSg = (
      await ec2().send(
        new CreateSecurityGroupCommand({ GroupName: 'web-alb-sg', Description: 'web', VpcId: account.vpcId }),
      )
    ).GroupId as string;
    for (const port of [80, 443]) {
      await allowIngress(albSg, {
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      });
    }
    const lb = await createLoadBalancer({
      Name: 'web-alb',
      Scheme: 'internet-facing',
      Subnets: [...account.subnetIds],
      SecurityGroups: [albSg],
    });
    const web = await createTargetGroup(account, 'web-tg');
    await elbv2().send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: web }],
      }),
    );
    await routeToIgw(account.ingressRouteTableId, account.igwId);
    return { albSg, lb, web };
  };

  it('an approved world-open ALB group that later opens tcp/22 gets a critical sg.world-ingress', async () => {
    const { approved, intent, intentPath } = await approvedAccount(publicWebAlb);
    // The seed-000 account with a public ALB is still a private-backend account (API Gateway enters it
    // through a VPC link); the ALB's findings are accepted by their facts.
    expect(intent.profile).toBe('private-backend');
    expect(intent.exceptions).toContainEqual(
      expect.objectContaining({
        check: 'sg.world-ingress',
        resource: approved.albSg,
        facts: ['tcp/443 from 0.0.0.0/0', 'tcp/80 from 0.0.0.0/0'],
      }),
    );
    await expectFindings(intentPath, {});
    await allowIngress(approved.albSg, {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
    const report = await audit(intentPath);
    expect(pairsOf(report)).toEqual(
      pairs({
        'sg.world-ingress': [approved.albSg],
        'drift.security-group': [approved.albSg],
      }),
    );
    const ssh = report.findings.find((f) => f.checkId === 'sg.world-ingress');
    expect([ssh?.fact, ssh?.severity]).toEqual(['tcp/22 from 0.0.0.0/0', 'critical']);
  });

  it('a new path through an approved internet-facing ALB to another workload gets exposure.unintended-entry', async () => {
    const { account, approved, intentPath } = await approvedAccount(publicWebAlb);
    // Later the ALB's HTTPS port (already open in its approved group) forwards to an admin service.
    const admin = await createTargetGroup(account, 'admin-tg');
    await elbv2().send(
      new CreateListenerCommand({
        LoadBalancerArn: approved.lb,
        Protocol: 'HTTP',
        Port: 443,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: admin }],
      }),
    );
    // Nothing else changed that the baseline records: without fact-level exceptions this was silent.
    const report = await audit(intentPath);
    expect(pairsOf(report)).toEqual(pairs({ 'exposure.unintended-entry': [approved.lb] }));
    expect(report.findings[0]?.fact).toBe(`load-balancer:${admin}:tcp 443`);
  });

  // ---------------------------------------------------------------------- The classic layout (seed 002)

  /** Seed 002's classic account in a fresh moto, baselined with the profile `baseline` infers. */
  const classicAccount = async () => {
    await moto.reset();
    const account = await buildClassicAccount();
    const intentPath = join(dir, `intent-${++cases}.yaml`);
    expect((await runCli('baseline', '--out', intentPath, '--region', REGION)).code).toBe(0);
    const text = await readFile(intentPath, 'utf8');
    return { account, intentPath, text, intent: parse(text) as IntentInput };
  };

  it('classic: baseline infers the profile, says why, and needs no exception for the design', async () => {
    const { account, intentPath, text, intent } = await classicAccount();
    expect(intent.profile).toBe('classic');
    expect(text).toContain('# classic とした根拠 / why classic:');
    expect(text).toContain('internet-facing のロードバランサー myapp-dev-alb がパブリックサブネット');
    // The design itself needs no exception; moto's empty default VPC (audited like every VPC) is
    // accepted in its one line, and recorded beside the account's own VPC.
    const defaultVpcs = (intent.vpcs ?? []).filter((v) => v.id !== account.vpcId);
    expect(intent.exceptions).toEqual(
      defaultVpcs.map((v) => ({
        check: 'vpc.default-vpc',
        resource: v.id,
        facts: ['unused-default-vpc'],
        reason: expect.stringContaining('baseline'),
      })),
    );
    expect(defaultVpcs).toHaveLength(1);
    expect(intent.vpcs?.find((v) => v.id === account.vpcId)?.natMode).toBe('zonal');
    await expectFindings(intentPath, {});
  });

  it('classic: a DB group later opened to the world is a critical sg.world-ingress', async () => {
    const { account, intentPath } = await classicAccount();
    await allowIngress(account.rdsSgId, {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });
    const report = await audit(intentPath);
    expect(pairsOf(report)).toEqual(
      pairs({ 'sg.world-ingress': [account.rdsSgId], 'drift.security-group': [account.rdsSgId] }),
    );
    expect(report.findings.find((f) => f.checkId === 'sg.world-ingress')?.severity).toBe('critical');
  });

  it('classic: an ECS task given a public IP is vpc.public-eni', async () => {
    const { account, intentPath } = await classicAccount();
    const allocationId = (await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
    await ec2().send(
      new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: account.taskEniId }),
    );
    // The task's subnet routes to its NAT, not the IGW: no path in yet, so no exposure finding.
    await expectFindings(intentPath, { 'vpc.public-eni': [account.taskEniId] });
  });

  // ----------------------------------------------------------------------------------- The audit

  it('audit.exception-unused: the accepted deviation is removed, its exceptions accept nothing', async () => {
    const { approved, intent, intentPath } = await approvedAccount(publicWebAlb);
    const accepted = intent.exceptions ?? [];
    await expectFindings(intentPath, {});
    // The approved public ALB is closed to the world: its group no longer admits 80 or 443 from anywhere.
    await ec2().send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: approved.albSg,
        IpPermissions: [80, 443].map((port) => ({
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        })),
      }),
    );
    const report = await audit(intentPath);
    // The group's and the path's exceptions accept nothing now; the load balancer is still
    // internet-facing, so its elb.internet-facing exception is still used.
    expect(pairsOf(report)).toEqual(
      pairs({
        'audit.exception-unused': [approved.albSg, approved.lb],
        'drift.security-group': [approved.albSg],
      }),
    );
    const unused = report.findings.filter((f) => f.checkId === 'audit.exception-unused');
    expect(unused.find((f) => f.resource.id === approved.albSg)?.message).toContain(
      'sg.world-ingress の例外（tcp/443 from 0.0.0.0/0、tcp/80 from 0.0.0.0/0）',
    );
    expect(unused.map((f) => [f.severity, f.resource.region])).toEqual([
      ['low', REGION],
      ['low', REGION],
    ]);
    expect(
      report.exceptionUse?.find((u) => u.check === 'elb.internet-facing' && u.resource === approved.lb)
        ?.status,
    ).toBe('used');
    // The reviewer removes the two entries: nothing is left but the drift of the group's rules.
    const stale = new Set(['sg.world-ingress', 'exposure.unintended-entry']);
    await writeFile(
      intentPath,
      stringify({ ...intent, exceptions: accepted.filter((e) => !stale.has(e.check)) }),
    );
    await expectFindings(intentPath, { 'drift.security-group': [approved.albSg] });
  });

  it('audit.exception-expired: an accepted exception passes its expiry date', async () => {
    const { account, intentPath } = await cleanAccount((intent) => {
      const waf = intent.exceptions?.find((e) => e.check === 'apigw.waf-missing');
      if (waf) waf.expires = '2020-01-31';
    });
    await expectFindings(intentPath, {
      'audit.exception-expired': [`${account.apiId}/prod`],
      // The exception no longer suppresses the finding it accepted.
      'apigw.waf-missing': [`${account.apiId}/prod`],
    });
  });
});
