import { describe, expect, it } from 'vitest';
import { mergeScoped } from '../../app/changes/scoped.ts';
import { mergeInventories, mergeReports } from '../../app/merge.ts';
import { CHECKS } from '../../checks/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { blindSpotsOf } from '../../evaluate/unseen.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import { parseSnapshot } from '../../inventory/snapshot.ts';
import type { CollectionError, Inventory, ItemType, SliceName } from '../../inventory/types.ts';
import type { Report } from '../../model/report.ts';
import { renderPreview } from '../../notify/index.ts';
import { diffAgainstState } from '../../notify/state.ts';
import { renderText } from '../../report/text.ts';
import {
  anApiBehavior,
  anApiOrigin,
  anS3Origin,
  aResponseHeadersPolicy,
  aSeed000Distribution,
  KEY_FINGERPRINT,
  managedSecurityHeadersPolicy,
  OTHER_FINGERPRINT,
} from '../fixtures/cloudfront.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anExposedApi, anExposedLoadBalancer, W, worldLoadBalancerParts } from '../fixtures/exposure.ts';
import { anIntent } from '../fixtures/intent.ts';
import {
  ACCOUNT,
  aBehavior,
  aCloudFrontPrefixList,
  aDistribution,
  aLoadBalancer,
  anApiKey,
  anInventory,
  anOrigin,
  aRestApi,
  aUsagePlan,
  aVpc,
  aVpcOrigin,
  REGION,
} from '../fixtures/inventory.ts';
import { ALB_ARN, ALB_SG, aGroupWith, aListener, CF_PL, seed001Chain, tcp } from '../fixtures/sg.ts';

/**
 * A failed per-item call (one load balancer's listeners, one distribution's config, one VPC origin, one
 * response headers policy, one usage plan's keys) blinds each check only as far as that item reaches
 * into its findings: a finding on another item of the same region is still reported, and the blind
 * item's previous finding is not announced as recovered.
 */

const audit = (inventory: Inventory, intent: ResolvedIntent = anIntent()): Report =>
  evaluate({ inventory, intent, checks: CHECKS, now: NOW });

const on = (report: Report, checkId: string): string[] =>
  report.findings.filter((f) => f.checkId === checkId).map((f) => f.resource.id);

const unseenOf = (report: Report, checkId: string) =>
  report.unseen.filter((u) => u.checkId === checkId).map(({ checkId: _, ...spot }) => spot);

/** The resources of `checkId` a second run announces as recovered after the first. */
const recovered = (first: Report, second: Report, checkId: string): string[] => {
  const options = { now: NOW, remindAfterHours: 24 };
  const state = diffAgainstState(first, undefined, options).nextState;
  return diffAgainstState(second, state, options)
    .recovered.filter((r) => r.checkId === checkId)
    .map((r) => r.resourceId);
};

/**
 * The same account audited twice for `checkId`: with the item read, then with its call failed. What the
 * check reports each time, where the second run is blind, and what it would announce as recovered.
 */
const readThenUnread = (world: (itemRead: boolean) => Inventory, checkId: string) => {
  const first = audit(world(true));
  const second = audit(world(false));
  return {
    second,
    read: on(first, checkId),
    unread: on(second, checkId),
    unseen: unseenOf(second, checkId),
    recovered: recovered(first, second, checkId),
  };
};

const failed = (
  service: string,
  operation: string,
  region: string,
  slices: SliceName[],
  resourceId: string,
  resourceType: ItemType,
): CollectionError => ({
  service,
  operation,
  region,
  code: 'Throttling',
  message: 'Rate exceeded',
  slices,
  resourceId,
  resourceType,
});

const without = (inventory: Inventory, errors: CollectionError[], change: (i: Inventory) => Inventory) => ({
  ...change(inventory),
  errors,
});

describe('DescribeListeners failed for one load balancer', () => {
  const LB_TYPE = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
  const listenersFailed = (arn: string) =>
    failed('elbv2', 'DescribeListeners', REGION, ['elbv2.listeners'], arn, LB_TYPE);
  const dropListenersOf = (arn: string) => (i: Inventory) => ({
    ...i,
    elbv2: { ...i.elbv2, listeners: i.elbv2.listeners.filter((l) => l.loadBalancerArn !== arn) },
  });

  describe('exposure.unintended-entry', () => {
    const second = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/legacy-alb-2/2b3c4d5e6f7a8b9c`;
    const secondTg = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/legacy-app-2/1f2e3d4c5b6a7988`;
    /** Two internet-facing ALBs in the world's public subnet, each open on 443 to its own target group. */
    const twoLoadBalancers = (): Inventory => {
      const base = anExposedLoadBalancer();
      const parts = worldLoadBalancerParts({
        lb: {
          arn: second,
          id: second,
          name: 'legacy-alb-2',
          loadBalancerName: 'legacy-alb-2',
          dnsName: 'legacy-alb-2-1234567890.ap-northeast-1.elb.amazonaws.com',
        },
        listeners: [
          aListener({
            arn: `${second.replace(':loadbalancer/', ':listener/')}/bb22cc33dd44ee55`,
            loadBalancerArn: second,
            targetGroupArns: [secondTg],
          }),
        ],
        tg: { arn: secondTg, name: 'legacy-app-2', targetGroupName: 'legacy-app-2' },
      });
      return {
        ...base,
        elbv2: {
          loadBalancers: [...base.elbv2.loadBalancers, parts.lb],
          listeners: [...base.elbv2.listeners, ...parts.listeners],
          targetGroups: [...base.elbv2.targetGroups, parts.tg],
        },
      };
    };

    it('still reports the other load balancer and does not recover the unread one', () => {
      const first = audit(twoLoadBalancers());
      expect(on(first, 'exposure.unintended-entry').sort()).toEqual([W.lbArn, second].sort());

      const second_ = audit(without(twoLoadBalancers(), [listenersFailed(second)], dropListenersOf(second)));

      expect(on(second_, 'exposure.unintended-entry')).toEqual([W.lbArn]);
      expect(unseenOf(second_, 'exposure.unintended-entry')).toEqual([
        { region: REGION, resourceId: second, resourceType: LB_TYPE },
      ]);
      expect(recovered(first, second_, 'exposure.unintended-entry')).toEqual([]);
      expect(second_.skippedChecks).toEqual([]);
    });

    it('recovers the load balancer once its listeners are read and it is closed', () => {
      const first = audit(twoLoadBalancers());
      const closed = twoLoadBalancers();
      const fixed = {
        ...closed,
        elbv2: {
          ...closed.elbv2,
          loadBalancers: closed.elbv2.loadBalancers.map((lb) =>
            lb.arn === second ? { ...lb, scheme: 'internal' as const } : lb,
          ),
        },
      };
      expect(recovered(first, audit(fixed), 'exposure.unintended-entry')).toEqual([second]);
    });

    it('blinds the REST APIs whose VPC link calls the unread load balancer, not the other entries', () => {
      // The API → VPC link → internal NLB path of the exposed API, and an internet-facing ALB beside it.
      const api = anExposedApi();
      const alb = worldLoadBalancerParts();
      const both: Inventory = {
        ...api,
        ec2: { ...api.ec2, securityGroups: [...api.ec2.securityGroups, alb.sg] },
        elbv2: {
          loadBalancers: [...api.elbv2.loadBalancers, alb.lb],
          listeners: [...api.elbv2.listeners, ...alb.listeners],
          targetGroups: [...api.elbv2.targetGroups, alb.tg],
        },
      };
      const first = audit(both);
      expect(on(first, 'exposure.unintended-entry').sort()).toEqual([W.lbArn, W.apiId].sort());

      const second = audit(without(both, [listenersFailed(W.nlbArn)], dropListenersOf(W.nlbArn)));

      expect(on(second, 'exposure.unintended-entry')).toEqual([W.lbArn]);
      expect(unseenOf(second, 'exposure.unintended-entry')).toEqual([
        { region: REGION, resourceId: W.nlbArn, resourceType: LB_TYPE },
        { region: REGION, resourceId: W.apiId, resourceType: 'AWS::ApiGateway::RestApi' },
      ]);
      expect(recovered(first, second, 'exposure.unintended-entry')).toEqual([]);
    });
  });

  describe('sg.front-not-cloudfront-only (front groups derived from CloudFront, no chain)', () => {
    const SECOND_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/admin-alb/6e5d4c3b2a190817`;
    const SECOND_SG = 'sg-0a1b2c3d4e5f60009';
    /**
     * Two internal ALBs behind CloudFront VPC origins. The first group admits CloudFront on 8443 as
     * well, while its listener serves 443 only; the second admits the world.
     */
    const twoFronts = (): Inventory =>
      anInventory({
        ec2: {
          vpcs: [aVpc()],
          securityGroups: [
            aGroupWith(ALB_SG, 'prod-alb-sg', [
              tcp(443, { prefixListId: CF_PL }),
              tcp(8443, { prefixListId: CF_PL }),
            ]),
            aGroupWith(SECOND_SG, 'admin-alb-sg', [tcp(443, { cidrIpv4: '0.0.0.0/0' })]),
          ],
          prefixLists: [aCloudFrontPrefixList()],
        },
        elbv2: {
          loadBalancers: [
            aLoadBalancer(),
            aLoadBalancer({
              arn: SECOND_ARN,
              id: SECOND_ARN,
              name: 'admin-alb',
              loadBalancerName: 'admin-alb',
              dnsName: 'internal-admin-alb-987654321.ap-northeast-1.elb.amazonaws.com',
              securityGroupIds: [SECOND_SG],
            }),
          ],
          listeners: [
            aListener(),
            aListener({
              arn: `${SECOND_ARN.replace(':loadbalancer/', ':listener/')}/cc33dd44ee55ff66`,
              loadBalancerArn: SECOND_ARN,
            }),
          ],
        },
        cloudfront: {
          distributions: [
            aDistribution({
              origins: [anOrigin(), anOrigin({ id: 'admin-vpc-origin', vpcOriginId: 'vo_0a1b2c3d4e5f7' })],
            }),
          ],
          vpcOrigins: [
            aVpcOrigin(),
            aVpcOrigin({ id: 'vo_0a1b2c3d4e5f7', name: 'admin-alb-vpc-origin', targetArn: SECOND_ARN }),
          ],
        },
      });
    const CHECK = 'sg.front-not-cloudfront-only';

    it('blinds only the groups of the unread load balancer; the other front group is still reported', () => {
      const first = audit(twoFronts());
      expect(on(first, CHECK).sort()).toEqual([ALB_SG, SECOND_SG].sort());

      const second = audit(without(twoFronts(), [listenersFailed(ALB_ARN)], dropListenersOf(ALB_ARN)));

      expect(on(second, CHECK)).toEqual([SECOND_SG]);
      expect(unseenOf(second, CHECK)).toEqual([
        { region: REGION, resourceId: ALB_SG, resourceType: 'AWS::EC2::SecurityGroup' },
      ]);
      expect(recovered(first, second, CHECK)).toEqual([]);
    });

    it('is not blind at all when the intent’s chain names the front groups and their ports', () => {
      const intent = anIntent({ securityGroups: { chain: seed001Chain } });
      const second = audit(
        without(twoFronts(), [listenersFailed(ALB_ARN)], dropListenersOf(ALB_ARN)),
        intent,
      );
      expect(unseenOf(second, CHECK)).toEqual([]);
      // The chain's front group still admits CloudFront on 8443, outside the chain's port 443.
      expect(on(second, CHECK)).toEqual([ALB_SG]);
    });
  });
});

describe('GetDistributionConfig failed for one distribution', () => {
  const D2 = 'E9Z8Y7X6W5V4U3';
  const DISTRIBUTION = 'AWS::CloudFront::Distribution';
  const configFailed = failed(
    'cloudfront',
    'GetDistributionConfig',
    'global',
    ['cloudfront.distributions', 'cloudfront.vpcOrigins', 'cloudfront.responseHeadersPolicies'],
    D2,
    DISTRIBUTION,
  );
  const twoWithoutWaf = (secondRead: boolean): Inventory =>
    anInventory({
      cloudfront: {
        distributions: [
          aDistribution({ webAclId: '' }),
          // Unread: kept with what its summary had (no origins, no behaviors).
          aDistribution({
            id: D2,
            arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/${D2}`,
            domainName: 'd999999abcdef8.cloudfront.net',
            aliases: [],
            webAclId: '',
            ...(secondRead ? {} : { origins: [], behaviors: [] }),
          }),
        ],
        vpcOrigins: [aVpcOrigin()],
      },
      elbv2: { loadBalancers: [aLoadBalancer()] },
      errors: secondRead ? [] : [configFailed],
    });

  it('blinds the checks that judge a distribution by its own config for that distribution only', () => {
    const run = readThenUnread(twoWithoutWaf, 'cloudfront.waf-missing');
    expect(run.read).toEqual(['E2QWRUHAPOMQZL', D2]);
    expect(run.unread).toEqual(['E2QWRUHAPOMQZL']);
    expect(run.unseen).toEqual([{ region: 'global', resourceId: D2, resourceType: DISTRIBUTION }]);
    expect(run.recovered).toEqual([]);
    expect(run.second.skippedChecks).not.toContain('cloudfront.waf-missing');
  });

  it('keeps the checks blind everywhere where an unknown origin could reach any resource', () => {
    const second = audit(twoWithoutWaf(false));
    // Its origins may front any API, any load balancer, any VPC: these cannot be judged anywhere.
    expect(second.skippedChecks).toEqual(
      expect.arrayContaining([
        'apigw.api-key-not-required',
        'vpc.igw-missing',
        'sg.front-not-cloudfront-only',
      ]),
    );
  });
});

describe('GetVpcOrigin failed for one VPC origin', () => {
  const V2 = 'vo_9f8e7d6c5b4a3';
  const D2 = 'E9Z8Y7X6W5V4U3';
  const SECOND_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/admin-alb/6e5d4c3b2a190817`;
  const originFailed = failed(
    'cloudfront',
    'GetVpcOrigin',
    'global',
    ['cloudfront.vpcOrigins'],
    V2,
    'AWS::CloudFront::VpcOrigin',
  );
  /** Two distributions, each through its own VPC origin to an internet-facing ALB. */
  const twoOrigins = (secondRead: boolean): Inventory =>
    anInventory({
      elbv2: {
        loadBalancers: [
          aLoadBalancer({ scheme: 'internet-facing' }),
          aLoadBalancer({
            arn: SECOND_ARN,
            id: SECOND_ARN,
            name: 'admin-alb',
            loadBalancerName: 'admin-alb',
            scheme: 'internet-facing',
          }),
        ],
      },
      cloudfront: {
        distributions: [
          aDistribution(),
          aDistribution({
            id: D2,
            arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/${D2}`,
            aliases: ['admin.example.jp'],
            origins: [anOrigin({ id: 'admin-vpc-origin', vpcOriginId: V2 })],
            behaviors: [aBehavior({ targetOriginId: 'admin-vpc-origin' })],
          }),
        ],
        vpcOrigins: [
          aVpcOrigin(),
          ...(secondRead ? [aVpcOrigin({ id: V2, name: 'admin-vpc-origin', targetArn: SECOND_ARN })] : []),
        ],
      },
      errors: secondRead ? [] : [originFailed],
    });
  const CHECK = 'cloudfront.vpc-origin-target';

  it('blinds only the distributions that use it', () => {
    const run = readThenUnread(twoOrigins, CHECK);
    expect(run.read).toEqual(['E2QWRUHAPOMQZL', D2]);
    expect(run.unread).toEqual(['E2QWRUHAPOMQZL']);
    expect(run.unseen).toEqual([
      { region: 'global', resourceId: D2, resourceType: 'AWS::CloudFront::Distribution' },
    ]);
    expect(run.recovered).toEqual([]);
    // Its target may be a load balancer in any VPC: vpc.igw-missing cannot be judged anywhere.
    expect(run.second.skippedChecks).toContain('vpc.igw-missing');
  });
});

describe('GetResponseHeadersPolicy failed for one policy', () => {
  const D2 = 'E9Z8Y7X6W5V4U3';
  const P2 = '3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d';
  const policyFailed = failed(
    'cloudfront',
    'GetResponseHeadersPolicy',
    'global',
    ['cloudfront.responseHeadersPolicies'],
    P2,
    'AWS::CloudFront::ResponseHeadersPolicy',
  );
  /** The first distribution uses the managed policy (no CSP); the second its own, without CSP either. */
  const twoPolicies = (secondRead: boolean): Inventory =>
    anInventory({
      cloudfront: {
        distributions: [
          aDistribution(),
          aDistribution({
            id: D2,
            arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/${D2}`,
            behaviors: [aBehavior({ responseHeadersPolicyId: P2 })],
          }),
        ],
        vpcOrigins: [aVpcOrigin()],
        responseHeadersPolicies: [
          managedSecurityHeadersPolicy(),
          ...(secondRead
            ? [aResponseHeadersPolicy({ id: P2, name: 'admin-headers', contentSecurityPolicy: false })]
            : []),
        ],
      },
      elbv2: { loadBalancers: [aLoadBalancer()] },
      errors: secondRead ? [] : [policyFailed],
    });
  const CHECK = 'cloudfront.security-headers';

  it('blinds only the distributions whose behaviors use it', () => {
    const run = readThenUnread(twoPolicies, CHECK);
    expect(run.read).toEqual(['E2QWRUHAPOMQZL', D2]);
    expect(run.unread).toEqual(['E2QWRUHAPOMQZL']);
    expect(run.unseen).toEqual([
      { region: 'global', resourceId: D2, resourceType: 'AWS::CloudFront::Distribution' },
    ]);
    expect(run.recovered).toEqual([]);
  });
});

describe('GetUsagePlanKeys failed for one usage plan', () => {
  const API2 = 'k9j8h7g6f5';
  const D2 = 'E9Z8Y7X6W5V4U3';
  const keysFailed = failed(
    'apigateway',
    'GetUsagePlanKeys',
    REGION,
    ['apigateway.usagePlans'],
    'up0002',
    'AWS::ApiGateway::UsagePlan',
  );
  /**
   * Seed 000 twice. The first distribution's header carries a key that is not in its API's plan (a real
   * finding); the second's key is in its plan (up0002) when that plan's keys are read.
   */
  const twoApis = (secondRead: boolean): Inventory =>
    anInventory({
      cloudfront: {
        distributions: [
          aSeed000Distribution({
            origins: [
              anS3Origin(),
              anApiOrigin({ customHeaders: [{ name: 'x-api-key', valueFingerprint: OTHER_FINGERPRINT }] }),
            ],
          }),
          aSeed000Distribution({
            id: D2,
            arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/${D2}`,
            origins: [
              anS3Origin(),
              anApiOrigin({ domainName: `${API2}.execute-api.${REGION}.amazonaws.com` }),
            ],
            behaviors: [aBehavior({ targetOriginId: 's3-frontend' }), anApiBehavior()],
          }),
        ],
        responseHeadersPolicies: [aResponseHeadersPolicy()],
      },
      apigateway: {
        restApis: [
          aRestApi(),
          aRestApi({
            id: API2,
            arn: `arn:aws:apigateway:${REGION}::/restapis/${API2}`,
            name: 'admin-api',
            apiName: 'admin-api',
          }),
        ],
        usagePlans: [
          aUsagePlan(),
          aUsagePlan({
            id: 'up0002',
            name: 'admin-plan',
            planName: 'admin-plan',
            apiStages: [{ apiId: API2, stage: 'prod' }],
            // What the collector keeps for a plan whose keys it could not read: none.
            apiKeyIds: secondRead ? ['key0001'] : [],
          }),
        ],
        apiKeys: [
          anApiKey({ valueFingerprint: KEY_FINGERPRINT }),
          anApiKey({ id: 'key0002', name: 'batch-key', valueFingerprint: OTHER_FINGERPRINT }),
        ],
      },
      errors: secondRead ? [] : [keysFailed],
    });
  const CHECK = 'cloudfront.api-key-header';

  it('blinds only the distributions in front of the APIs the plan names; no made-up finding', () => {
    const run = readThenUnread(twoApis, CHECK);
    expect(run.read).toEqual(['E1A2B3C4D5E6F7']);
    // Without the plan's keys the second header would look "not in the plan": unseen, not reported.
    expect(run.unread).toEqual(['E1A2B3C4D5E6F7']);
    expect(run.unseen).toEqual([
      { region: 'global', resourceId: D2, resourceType: 'AWS::CloudFront::Distribution' },
    ]);
    expect(run.recovered).toEqual([]);
  });

  it('leaves apigw.throttling-missing whole: it reads a plan’s throttle and stages, never its keys', () => {
    const second = audit(twoApis(false));
    expect(unseenOf(second, 'apigw.throttling-missing')).toEqual([]);
  });

  it('reports a previous finding on the blind distribution as unseen, not recovered', () => {
    // The first run saw the second header's key missing from the plan; then the plan's keys fail.
    const before = twoApis(true);
    const detached: Inventory = {
      ...before,
      apigateway: {
        ...before.apigateway,
        usagePlans: before.apigateway.usagePlans.map((p) =>
          p.id === 'up0002' ? { ...p, apiKeyIds: [] } : p,
        ),
      },
    };
    const first = audit(detached);
    expect(on(first, CHECK)).toEqual(['E1A2B3C4D5E6F7', D2]);
    expect(recovered(first, audit(twoApis(false)), CHECK)).toEqual([]);
  });
});

describe('blindSpotsOf without a declared reach', () => {
  const listeners = failed(
    'elbv2',
    'DescribeListeners',
    REGION,
    ['elbv2.listeners'],
    ALB_ARN,
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
  );
  const context = { inventory: anInventory(), intent: anIntent() };

  it('blinds the item’s whole region (and CloudFront, for a check that reads it): never narrower', () => {
    expect(blindSpotsOf(['elbv2.listeners'], [listeners], {}, context)).toEqual([{ region: REGION }]);
    expect(blindSpotsOf(['elbv2.listeners', 'cloudfront.distributions'], [listeners], {}, context)).toEqual([
      { region: REGION },
      { region: 'global' },
    ]);
  });

  it('cannot judge a check anywhere when the undeclared item is CloudFront’s', () => {
    const origin = failed(
      'cloudfront',
      'GetVpcOrigin',
      'global',
      ['cloudfront.vpcOrigins'],
      'vo_9f8e7d6c5b4a3',
      'AWS::CloudFront::VpcOrigin',
    );
    expect(blindSpotsOf(['cloudfront.vpcOrigins'], [origin], {}, context)).toBe('everywhere');
  });

  it('keeps the item scope of a REST API error stored before errors named their type', () => {
    const { resourceType: _, ...stored } = failed(
      'apigateway',
      'GetStages',
      REGION,
      ['apigateway.restApis'],
      'a1b2c3d4e5',
      'AWS::ApiGateway::RestApi',
    );
    expect(blindSpotsOf(['apigateway.restApis'], [stored])).toEqual([
      { region: REGION, resourceId: 'a1b2c3d4e5' },
    ]);
  });
});

describe('what people read about an unread item', () => {
  const lbFailed = failed(
    'elbv2',
    'DescribeListeners',
    REGION,
    ['elbv2.listeners'],
    ALB_ARN,
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
  );
  const report = audit(
    anInventory({
      ec2: {
        vpcs: [aVpc()],
        securityGroups: [aGroupWith(ALB_SG, 'prod-alb-sg', [tcp(443, { prefixListId: CF_PL })])],
        prefixLists: [aCloudFrontPrefixList()],
      },
      elbv2: { loadBalancers: [aLoadBalancer()] },
      cloudfront: { distributions: [aDistribution()], vpcOrigins: [aVpcOrigin()] },
      errors: [lbFailed],
    }),
  );
  const LB = 'ロードバランサー app/prod-alb/50dc6c495c0c9188';

  it('audit.incomplete names the load balancer and how far each check is blind', () => {
    const message = report.findings.find((f) => f.checkId === 'audit.incomplete')?.message ?? '';
    expect(message).toContain(`${REGION} の ${LB} について elbv2.listeners を確認できていません。`);
    expect(message).toContain(
      `sg.front-not-cloudfront-only, exposure.unintended-entry は ${LB} に関わるリソースの結果が不明です（他のリソースは判定済み）。`,
    );
    expect(message).not.toContain('このリージョンの結果が不明です');
  });

  it('the text report, the alert and the chat line name the item and the unseen group in Japanese', () => {
    const text = renderText(report);
    expect(text).toContain(`elbv2:DescribeListeners (${REGION} ${ALB_ARN}): Throttling`);
    expect(text).toContain(`${REGION} の セキュリティグループ ${ALB_SG}: sg.front-not-cloudfront-only`);
    expect(text).toContain(`${REGION} の ${LB}: exposure.unintended-entry`);
    expect(renderPreview(report, 'email')).toContain(`- elbv2 の DescribeListeners（${REGION}・${LB}）`);
    expect(renderPreview(report, 'slack')).toContain(
      `elbv2:DescribeListeners（${REGION}・${LB}・Throttling）`,
    );
  });
});

describe('an item error travels whole: snapshot, fan-out merge, change-triggered audit', () => {
  const lbFailed = failed(
    'elbv2',
    'DescribeListeners',
    REGION,
    ['elbv2.listeners'],
    ALB_ARN,
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
  );
  const inventory = anInventory({ elbv2: { loadBalancers: [aLoadBalancer()] }, errors: [lbFailed] });

  it('a snapshot holding it loads with its item; an unknown item type is refused naming the field', () => {
    expect(parseSnapshot(JSON.stringify(inventory), 'snapshot.json').errors).toEqual([lbFailed]);
    const odd = { ...inventory, errors: [{ ...lbFailed, resourceType: 'AWS::EC2::Instance' }] };
    expect(() => parseSnapshot(JSON.stringify(odd), 'snapshot.json')).toThrow(/errors\[0\]\.resourceType/);
  });

  it('fan-out parts merge into one error with its item, and the merged report keeps each unseen item', () => {
    const merged = mergeInventories([
      inventory,
      { ...inventory, elbv2: { ...inventory.elbv2, loadBalancers: [] } },
    ]);
    expect(merged.errors).toEqual([lbFailed]);
    const other = audit({ ...inventory, account: '444455556666' });
    const report = mergeReports([audit(inventory), other]);
    expect(report.errors.map((e) => [e.resourceId, e.resourceType])).toEqual([
      [ALB_ARN, 'AWS::ElasticLoadBalancingV2::LoadBalancer'],
      [ALB_ARN, 'AWS::ElasticLoadBalancingV2::LoadBalancer'],
    ]);
    expect(report.unseen.filter((u) => u.checkId === 'exposure.unintended-entry')).toEqual([
      {
        checkId: 'exposure.unintended-entry',
        region: REGION,
        resourceId: ALB_ARN,
        resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        accountId: ACCOUNT,
      },
      {
        checkId: 'exposure.unintended-entry',
        region: REGION,
        resourceId: ALB_ARN,
        resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        accountId: '444455556666',
      },
    ]);
  });

  it('a change-triggered audit that does not read the load balancers again keeps the stored error', () => {
    const fresh = anInventory({ errors: [] });
    const untouched = { regions: new Map([[REGION, new Set<'ec2'>(['ec2'])]]), cloudfront: false };
    expect(mergeScoped(inventory, fresh, untouched).errors).toEqual([lbFailed]);
    const reread = { regions: new Map([[REGION, new Set<'elbv2'>(['elbv2'])]]), cloudfront: false };
    expect(mergeScoped(inventory, fresh, reread).errors).toEqual([]);
  });
});
