import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../checks/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import type { Inventory } from '../../inventory/types.ts';
import { NOW } from '../fixtures/evaluate.ts';
import {
  SEED_003,
  SEED_003_AS_MEANT_POLICY,
  SEED_003_CORRECTED_POLICY,
  seed000Account,
  seed000Intent,
  seed001Account,
  seed001Intent,
  seed002Account,
  seed002ClassicIntent,
  seed002PrivateBackendIntent,
  seed003Account,
  seed003Intent,
  seed004Account,
  seed004Intent,
} from '../fixtures/seeds.ts';

const audit = (inventory: Inventory, intent: ResolvedIntent) =>
  evaluate({ inventory, intent, checks: CHECKS, now: NOW });

/** check id and resource of every finding, so a failure names what fired. */
const findingsOf = (inventory: Inventory, intent: ResolvedIntent) =>
  audit(inventory, intent).findings.map((f) => `${f.checkId} ${f.resource.id}: ${f.message}`);

describe('seed accounts through the whole catalogue', () => {
  it.each([
    [
      '000 (CloudFront → REST API key header → VPC link → internal NLB → ECS; S3 with OAC)',
      seed000Account,
      seed000Intent,
    ],
    [
      '001 (VPC origin → internal ALB; public-subnet-less 3 AZ × 3 tiers; Regional NAT)',
      seed001Account,
      seed001Intent,
    ],
    ['002 under classic (public ALB, NAT GW per AZ in public subnets)', seed002Account, seed002ClassicIntent],
    [
      '003 as its author meant it (private API: Deny unless aws:SourceVpc is the API’s VPC + Allow)',
      () => seed003Account(SEED_003_AS_MEANT_POLICY),
      seed003Intent,
    ],
    [
      '004 (private API: endpoint SG from the client SG, Deny unless SourceVpce + Allow)',
      seed004Account,
      seed004Intent,
    ],
  ] as const)('seed %s audits clean', (_, account, intent) => {
    // Act
    const report = audit(account(), intent());
    // Assess
    expect(report.findings.map((f) => `${f.checkId} ${f.resource.id}: ${f.message}`)).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.skippedChecks).toEqual([]);
    expect(report.summary.checksRun).toBe(CHECKS.length);
  });

  it('seed 003 as printed gets exactly the apigw.resource-policy finding: its Allow admits everyone outside the VPC', () => {
    // Act
    const report = audit(seed003Account(), seed003Intent());
    // Assess
    expect(report.findings.map((f) => [f.checkId, f.resource.id, f.severity])).toEqual([
      ['apigw.resource-policy', SEED_003.apiId, 'critical'],
    ]);
  });

  it('seed 003 with the condition corrected (StringEquals aws:SourceVpce) audits clean', () => {
    expect(findingsOf(seed003Account(SEED_003_CORRECTED_POLICY), seed003Intent())).toEqual([]);
  });

  it('seed 003 as meant, held to endpoint-exact policies, gets apigw.resource-policy at medium: only the same VPC gets in', () => {
    // Prepare
    const base = seed003Intent();
    const strict = { ...base, apiGateway: { ...base.apiGateway, requireSourceVpce: true } };
    // Act
    const report = audit(seed003Account(SEED_003_AS_MEANT_POLICY), strict);
    // Assess
    expect(report.findings.map((f) => [f.checkId, f.resource.id, f.severity, f.impact])).toEqual([
      [
        'apigw.resource-policy',
        SEED_003.apiId,
        'medium',
        expect.stringContaining('他の VPC や他のアカウントからは呼び出せません'),
      ],
    ]);
  });

  it('seed 003 corrected but not redeployed still gets the critical finding, saying the fix is not deployed', () => {
    // Prepare: the stage keeps serving the printed policy; only the API's current policy was fixed.
    const printed = seed003Account();
    const api = printed.apigateway.restApis[0]!;
    const fixedOnly = {
      ...api,
      policy: JSON.parse(SEED_003_AS_MEANT_POLICY),
      policyText: SEED_003_AS_MEANT_POLICY,
    };
    const inventory: Inventory = { ...printed, apigateway: { ...printed.apigateway, restApis: [fixedOnly] } };
    // Act
    const report = audit(inventory, seed003Intent());
    // Assess
    expect(report.findings.map((f) => [f.checkId, f.severity])).toEqual([
      ['apigw.resource-policy', 'critical'],
    ]);
    expect(report.findings[0]?.message).toContain('修正済みのポリシーがデプロイされていません');
  });

  it('seed 002 under private-backend is flagged: public ALB, world-open ALB SG, public subnets', () => {
    // Act
    const ids = new Set(
      audit(seed002Account(), seed002PrivateBackendIntent()).findings.map((f) => f.checkId),
    );
    // Assess
    expect([...ids]).toEqual(
      expect.arrayContaining([
        'elb.internet-facing',
        'sg.world-ingress',
        'vpc.public-subnet',
        'vpc.auto-public-ip',
      ]),
    );
  });

  describe('the seed accounts are sensitive: one drifted field gets its finding', () => {
    it('seed 000 with the API key rotated but not in CloudFront gets cloudfront.api-key-header', () => {
      // Prepare
      const account = seed000Account();
      const rotated: Inventory = {
        ...account,
        apigateway: {
          ...account.apigateway,
          apiKeys: account.apigateway.apiKeys.map((k) => ({ ...k, valueFingerprint: 'hmac:rotated' })),
        },
      };
      // Act, Assess
      expect(audit(rotated, seed000Intent()).findings.map((f) => f.checkId)).toEqual([
        'cloudfront.api-key-header',
      ]);
    });

    it('seed 000 with a method changed after the last deployment gets apigw.stale-deployment', () => {
      // Prepare
      const account = seed000Account();
      const api = account.apigateway.restApis[0]!;
      const changed = {
        ...api,
        resources: api.resources.map((r) =>
          r.path === '/data' ? { ...r, methods: r.methods.map((m) => ({ ...m, apiKeyRequired: false })) } : r,
        ),
      };
      const inventory: Inventory = { ...account, apigateway: { ...account.apigateway, restApis: [changed] } };
      // Act
      const ids = audit(inventory, seed000Intent()).findings.map((f) => f.checkId);
      // Assess
      expect(ids).toContain('apigw.stale-deployment');
      expect(ids).toContain('apigw.api-key-not-required');
    });

    it('seed 001 with the ALB made internet-facing gets elb.internet-facing', () => {
      // Prepare
      const account = seed001Account();
      const inventory: Inventory = {
        ...account,
        elbv2: {
          ...account.elbv2,
          loadBalancers: account.elbv2.loadBalancers.map((lb) => ({
            ...lb,
            scheme: 'internet-facing' as const,
          })),
        },
      };
      // Act, Assess
      expect(audit(inventory, seed001Intent()).findings.map((f) => f.checkId)).toContain(
        'elb.internet-facing',
      );
    });

    it('seed 004 without its Deny statement gets apigw.resource-policy', () => {
      // Prepare
      const account = seed004Account();
      const api = account.apigateway.restApis[0]!;
      const policy = api.policy as { Statement: unknown[] };
      const allowOnly = { ...api, policy: { ...policy, Statement: policy.Statement.slice(1) } };
      const inventory: Inventory = {
        ...account,
        apigateway: { ...account.apigateway, restApis: [allowOnly] },
      };
      // Act, Assess
      expect(audit(inventory, seed004Intent()).findings.map((f) => f.checkId)).toEqual([
        'apigw.resource-policy',
      ]);
    });
  });
});
