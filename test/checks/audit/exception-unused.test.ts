import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../../app/merge.ts';
import { auditExceptionUnused } from '../../../checks/audit/exception-unused.ts';
import { CHECKS } from '../../../checks/index.ts';
import { evaluate } from '../../../engine/evaluate.ts';
import type { IntentException, IntentInput } from '../../../intent/schema.ts';
import type { CollectionError, Inventory } from '../../../inventory/types.ts';
import type { Report } from '../../../model/report.ts';
import { DEFAULT_VPC, defaultVpcParts } from '../../fixtures/default-vpc.ts';
import { NOW, run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { ACCOUNT, anInventory, aRule, aSecurityGroup, aVpc, REGION } from '../../fixtures/inventory.ts';

const ALB_SG = 'sg-0a1b2c3d4e5f6a1b0';
const HTTP = 'tcp/80 from 0.0.0.0/0';
const HTTPS = 'tcp/443 from 0.0.0.0/0';
const UNUSED = 'audit.exception-unused';

/** An approved public ALB group open to the world on the given ports (none: the rules were removed). */
const albGroup = (ports: readonly number[], o: { account?: string; region?: string } = {}): Inventory => {
  const region = o.region ?? REGION;
  return {
    ...anInventory({
      ec2: {
        vpcs: [aVpc({ region })],
        securityGroups: [
          aSecurityGroup({
            id: ALB_SG,
            region,
            rules: ports.map((port, i) =>
              aRule({
                id: `sgr-0a1b2c3d4e5f6000${i}`,
                groupId: ALB_SG,
                fromPort: port,
                toPort: port,
                cidrIpv4: '0.0.0.0/0',
              }),
            ),
          }),
        ],
      },
    }),
    account: o.account ?? ACCOUNT,
    regions: [region],
  };
};

const approved = (o: Partial<IntentException> = {}): IntentException => ({
  check: 'sg.world-ingress',
  resource: ALB_SG,
  facts: [HTTP, HTTPS],
  reason: '公開 ALB（承認済み）。',
  ...o,
});

const wholeResource = (): IntentException => {
  const { facts: _, ...rest } = approved();
  return rest;
};

const audit = (
  inventory: Inventory,
  exceptions: readonly IntentException[],
  o: { intent?: Partial<IntentInput>; onlyChecks?: readonly string[]; accountName?: string } = {},
): Report =>
  evaluate({
    inventory,
    intent: anIntent({ exceptions: [...exceptions], ...o.intent }),
    checks: CHECKS,
    now: NOW,
    onlyChecks: o.onlyChecks ?? ['sg.world-ingress', 'vpc.default-vpc'],
    ...(o.accountName ? { accountName: o.accountName } : {}),
  });

const unused = (report: Report) => report.findings.filter((f) => f.checkId === UNUSED);

const failed = (slices: CollectionError['slices'], region = REGION): CollectionError => ({
  service: 'ec2',
  operation: 'DescribeSecurityGroups',
  region,
  code: 'UnauthorizedOperation',
  message: 'You are not authorized to perform this operation.',
  slices,
});

describe('audit.exception-unused', () => {
  it('is judged by the engine, not by an evaluate() over the inventory (it needs the raw findings)', () => {
    expect(run(auditExceptionUnused, albGroup([]), anIntent({ exceptions: [approved()] }))).toEqual([]);
  });

  describe('a whole-resource exception', () => {
    it('is used while the check still finds something on its resource: no finding', () => {
      const report = audit(albGroup([80, 443]), [wholeResource()]);
      expect(unused(report)).toEqual([]);
      expect(report.suppressed).toHaveLength(2);
      expect(report.exceptionUse?.map((u) => u.status)).toEqual(['used']);
    });

    it('is reported once the rules are gone, naming the check, the resource and the reason', () => {
      const report = audit(albGroup([]), [wholeResource()]);
      expect(report.findings).toHaveLength(1);
      const [finding] = unused(report);
      expect(finding).toMatchObject({
        severity: 'low',
        principle: 'P10',
        resource: { type: 'AWS::EC2::SecurityGroup', id: ALB_SG, region: REGION, name: 'prod-alb-sg' },
        account: { id: ACCOUNT },
        fact: `sg.world-ingress:${ALB_SG}`,
        title: '該当する検出がない例外があります',
      });
      expect(finding?.message).toBe(
        `prod-alb-sg (${ALB_SG}) に対する sg.world-ingress の例外（理由: 公開 ALB（承認済み））に該当する検出がありません。`,
      );
      expect(finding?.remediation).toContain('exceptions から削除');
    });

    it('says the resource is not found when it was deleted', () => {
      const gone = anInventory({ ec2: { vpcs: [aVpc()] } });
      const [finding] = unused(audit(gone, [wholeResource()]));
      expect(finding?.message).toContain('対象のリソースが見つかりません');
      // No ARN, no baseline record: where it was is not known, and the fact stays the same.
      expect(finding?.resource).toEqual({ type: 'AWS::EC2::SecurityGroup', id: ALB_SG, region: 'global' });
      expect(finding?.fact).toBe(`sg.world-ingress:${ALB_SG}`);
    });
  });

  describe('a fact-level exception', () => {
    it('is used while each of its facts is found: no finding', () => {
      expect(unused(audit(albGroup([80, 443]), [approved()]))).toEqual([]);
    });

    it('reports the facts that matched nothing when the others still match (port 80 closed)', () => {
      const [finding, ...rest] = unused(audit(albGroup([443]), [approved()]));
      expect(rest).toEqual([]);
      expect(finding?.fact).toBe(`sg.world-ingress:${ALB_SG}:${HTTP}`);
      expect(finding?.message).toBe(
        `prod-alb-sg (${ALB_SG}) に対する sg.world-ingress の例外（理由: 公開 ALB（承認済み））のうち、${HTTP} に該当する検出がありません（ほかの facts は引き続き該当しています）。`,
      );
      expect(finding?.actual).toBe(`該当なし: ${HTTP}`);
    });

    it('names every fact when none matches any more', () => {
      const [finding] = unused(audit(albGroup([]), [approved()]));
      expect(finding?.fact).toBe(`sg.world-ingress:${ALB_SG}:${HTTP}|${HTTPS}`);
      expect(finding?.message).toContain(
        `の例外（${HTTP}、${HTTPS}）（理由: 公開 ALB（承認済み））に該当する検出がありません。`,
      );
    });

    it('counts a fact as used by the covering finding, not by which exception suppressed it', () => {
      // Two entries accept tcp/443: the first suppresses it, the second covers it too.
      const report = audit(albGroup([443]), [
        approved({ facts: [HTTPS] }),
        approved({ facts: [HTTPS], reason: '重複' }),
      ]);
      expect(unused(report)).toEqual([]);
    });
  });

  describe("resource: '*'", () => {
    const defaultVpc = (): Inventory => anInventory({ ec2: defaultVpcParts(REGION, '1') });
    const everyDefaultVpc: IntentException = { check: 'vpc.default-vpc', resource: '*', reason: '削除予定' };

    it('is used while any resource of its check is found', () => {
      const report = audit(defaultVpc(), [everyDefaultVpc]);
      expect(unused(report)).toEqual([]);
      expect(report.suppressed.map((f) => f.resource.id)).toEqual([DEFAULT_VPC]);
    });

    it('is reported once nothing of its check is found anywhere', () => {
      const [finding] = unused(audit(anInventory(), [everyDefaultVpc]));
      expect(finding?.resource).toEqual({
        type: 'AWS::EC2::VPC',
        id: '*',
        region: 'global',
        name: 'すべてのリソース',
      });
      expect(finding?.message).toBe(
        'すべてのリソースに対する vpc.default-vpc の例外（理由: 削除予定）に該当する検出がありません。',
      );
    });

    it('is not judged while a region the intent lists was not audited', () => {
      const report = audit(anInventory(), [everyDefaultVpc], {
        intent: { regions: [REGION, 'us-east-1'] },
      });
      expect(unused(report)).toEqual([]);
      expect(report.exceptionUse?.[0]?.status).toBe('unseen');
    });
  });

  describe('where the audit did not look, nothing is said', () => {
    it('an expired exception is audit.exception-expired only', () => {
      const report = audit(albGroup([]), [approved({ expires: '2026-11-20' })]);
      expect(report.findings.map((f) => f.checkId)).toEqual(['audit.exception-expired']);
    });

    it('a check left out of the selection (on-demand checks) or disabled in the intent', () => {
      expect(unused(audit(albGroup([]), [approved()], { onlyChecks: ['vpc.public-subnet'] }))).toEqual([]);
      expect(
        unused(audit(albGroup([]), [approved()], { intent: { disabledChecks: ['sg.world-ingress'] } })),
      ).toEqual([]);
    });

    it('a check skipped because its data could not be read anywhere', () => {
      const cloudFrontDown: CollectionError = {
        service: 'cloudfront',
        operation: 'ListDistributions',
        region: 'global',
        code: 'AccessDenied',
        message: 'denied',
        slices: ['cloudfront.distributions'],
      };
      const report = audit(
        { ...anInventory(), errors: [cloudFrontDown] },
        [{ check: 'cloudfront.waf-missing', resource: 'E2QWRUHAPOMQZL', reason: '検証中' }],
        { onlyChecks: ['cloudfront.waf-missing'] },
      );
      expect(report.skippedChecks).toEqual(['cloudfront.waf-missing']);
      expect(unused(report)).toEqual([]);
    });

    it("the resource's region is blind for the check (report.unseen), while another region is judged", () => {
      const blind = { ...albGroup([]), errors: [failed(['ec2.securityGroups'])] };
      const report = audit(blind, [wholeResource()]);
      expect(report.unseen.some((u) => u.checkId === 'sg.world-ingress' && u.region === REGION)).toBe(true);
      expect(unused(report)).toEqual([]);
      // Its twin: the failure is in another region, so where the group is was seen.
      const elsewhere = {
        ...albGroup([]),
        regions: [REGION, 'us-east-1'],
        errors: [failed(['ec2.securityGroups'], 'us-east-1')],
      };
      expect(unused(audit(elsewhere, [wholeResource()]))).toHaveLength(1);
    });

    it("a '*' exception while its check is blind anywhere", () => {
      const report = audit(
        { ...anInventory(), regions: [REGION, 'us-east-1'], errors: [failed(['ec2.vpcs'], 'us-east-1')] },
        [{ check: 'vpc.default-vpc', resource: '*', reason: '削除予定' }],
      );
      expect(unused(report)).toEqual([]);
    });

    it('a deleted resource that the baseline puts in a region this run did not audit', () => {
      const gone = anInventory({ ec2: { vpcs: [aVpc()] } });
      const baseline = {
        securityGroups: { [ALB_SG]: { rules: [], region: 'us-west-2' } },
      } as unknown as IntentInput['baseline'];
      expect(unused(audit(gone, [wholeResource()], { intent: { baseline } }))).toEqual([]);
      // Its twin: recorded in the audited region, so its absence is seen.
      const here = {
        securityGroups: { [ALB_SG]: { rules: [], region: REGION } },
      } as unknown as IntentInput['baseline'];
      const [finding] = unused(audit(gone, [wholeResource()], { intent: { baseline: here } }));
      expect(finding?.resource.region).toBe(REGION);
    });

    it('a resource in a VPC the intent excludes', () => {
      const report = audit(albGroup([]), [wholeResource()], {
        intent: { excludeVpcs: [{ id: 'vpc-0a1b2c3d4e5f60001', reason: 'サンドボックス' }] },
      });
      expect(unused(report)).toEqual([]);
    });

    it("another account's resource, named by its ARN", () => {
      const arn = `arn:aws:ec2:${REGION}:210987654321:security-group/${ALB_SG}`;
      const gone = anInventory({ ec2: { vpcs: [aVpc()] } });
      expect(unused(audit(gone, [{ ...wholeResource(), resource: arn }]))).toEqual([]);
      // Its twin: the ARN names the audited account, so the deleted group is this account's.
      const own = arn.replace('210987654321', ACCOUNT);
      expect(unused(audit(gone, [{ ...wholeResource(), resource: own }]))).toHaveLength(1);
    });
  });

  it("takes the intent's severity and is never suppressed (audit.* findings stay visible)", () => {
    const report = audit(
      albGroup([]),
      [wholeResource(), { check: UNUSED, resource: ALB_SG, reason: '黙らせたい' }],
      { intent: { severity: { [UNUSED]: 'medium' } } },
    );
    expect(unused(report).map((f) => [f.resource.id, f.severity])).toEqual([
      [ALB_SG, 'medium'],
      [ALB_SG, 'medium'],
    ]);
    expect(report.suppressed).toEqual([]);
  });

  describe('several accounts sharing one intent (the fan-out and --account/--org merge per account)', () => {
    const OTHER = '210987654321';
    const shared = (inventory: Inventory, exceptions: readonly IntentException[]) =>
      evaluate({
        inventory,
        intent: anIntent({ exceptions: [...exceptions] }),
        checks: CHECKS,
        now: NOW,
        onlyChecks: ['sg.world-ingress', 'vpc.default-vpc'],
      });
    const emptyAccount = (account: string): Inventory => ({
      ...anInventory({ ec2: { vpcs: [aVpc()] } }),
      account,
    });

    it("an exception about account A's resource is not unused because account B did not match it", () => {
      const a = shared(albGroup([80, 443]), [approved()]);
      const b = shared(emptyAccount(OTHER), [approved()]);
      // B alone cannot know the group is A's: on its own it calls the entry unused ...
      expect(unused(b)).toHaveLength(1);
      // ... the run over both accounts does not.
      const merged = mergeReports([a, b]);
      expect(unused(merged)).toEqual([]);
      expect(merged.exceptionUse?.map((u) => [u.account.id, u.status, u.here])).toEqual([
        [ACCOUNT, 'used', true],
        [OTHER, 'unused', false],
      ]);
    });

    it("reports it once, in account A, when A's rules are gone", () => {
      const merged = mergeReports([
        shared(albGroup([443]), [approved()]),
        shared(emptyAccount(OTHER), [approved()]),
      ]);
      expect(unused(merged).map((f) => [f.account.id, f.resource.region, f.fact])).toEqual([
        [ACCOUNT, REGION, `sg.world-ingress:${ALB_SG}:${HTTP}`],
      ]);
    });

    it("a '*' exception used in one account only is used", () => {
      const star: IntentException = { check: 'vpc.default-vpc', resource: '*', reason: '削除予定' };
      const withDefault = anInventory({ ec2: defaultVpcParts(REGION, '1') });
      const merged = mergeReports([shared(withDefault, [star]), shared(emptyAccount(OTHER), [star])]);
      expect(unused(merged)).toEqual([]);
      // Its twin: neither account has a default VPC any more: one finding for the one entry.
      const gone = mergeReports([shared(anInventory(), [star]), shared(emptyAccount(OTHER), [star])]);
      expect(unused(gone)).toHaveLength(1);
    });

    it("a '*' exception is not judged while one account's audit could not look", () => {
      const star: IntentException = { check: 'vpc.default-vpc', resource: '*', reason: '削除予定' };
      const blind = { ...emptyAccount(OTHER), errors: [failed(['ec2.vpcs'])] };
      expect(unused(mergeReports([shared(anInventory(), [star]), shared(blind, [star])]))).toEqual([]);
    });

    it('an expired entry is one audit.exception-expired finding, in the account whose resource it names', () => {
      const expired = approved({ expires: '2026-11-01' });
      const merged = mergeReports([
        shared(emptyAccount(OTHER), [expired]),
        shared(albGroup([80, 443]), [expired]),
      ]);
      const expiredFindings = merged.findings.filter((f) => f.checkId === 'audit.exception-expired');
      expect(expiredFindings.map((f) => [f.account.id, f.resource.id])).toEqual([[ACCOUNT, ALB_SG]]);
      // Each account alone reports it: the merge keeps one.
      expect(
        shared(emptyAccount(OTHER), [expired]).findings.filter(
          (f) => f.checkId === 'audit.exception-expired',
        ),
      ).toHaveLength(1);
      // A '*' entry no account owns: one finding, in the first account.
      const star: IntentException = {
        check: 'vpc.default-vpc',
        resource: '*',
        reason: '削除予定',
        expires: '2026-11-01',
      };
      const both = mergeReports([shared(emptyAccount(OTHER), [star]), shared(anInventory(), [star])]);
      expect(
        both.findings.filter((f) => f.checkId === 'audit.exception-expired').map((f) => f.account.id),
      ).toEqual([OTHER < ACCOUNT ? OTHER : ACCOUNT]);
    });

    it('a one-account run of a deployment whose fan-out shares the intent leaves unowned entries to the fan-out', () => {
      const star: IntentException = { check: 'vpc.default-vpc', resource: '*', reason: '削除予定' };
      // B's own group, fixed: B owns the entry, so B's run still says it is unused.
      const ownGroup = approved({ resource: ALB_SG });
      const alone = (shared: boolean) =>
        evaluate({
          inventory: { ...albGroup([]), account: OTHER },
          intent: anIntent({ exceptions: [star, approved({ resource: 'sg-0fffffffffffffff0' }), ownGroup] }),
          checks: CHECKS,
          now: NOW,
          onlyChecks: ['sg.world-ingress', 'vpc.default-vpc'],
          intentSharedWithOtherAccounts: shared,
        });
      // Alone, the account calls all three unused; with the intent shared, only the entry it owns.
      expect(unused(alone(false))).toHaveLength(3);
      expect(unused(alone(true)).map((f) => f.resource.id)).toEqual([ALB_SG]);
      expect(alone(true).exceptionUse?.map((u) => u.status)).toEqual(['unseen', 'unseen', 'unused']);
    });

    it('the same entry in two intent files is two entries: one file used elsewhere does not excuse the other', () => {
      const star: IntentException = { check: 'vpc.default-vpc', resource: '*', reason: '削除予定' };
      const a = evaluate({
        inventory: anInventory({ ec2: defaultVpcParts(REGION, '1') }),
        intent: { ...anIntent({ exceptions: [star] }), source: 'a.yaml' },
        checks: CHECKS,
        now: NOW,
      });
      const b = evaluate({
        inventory: emptyAccount(OTHER),
        intent: { ...anIntent({ exceptions: [star] }), source: 'b.yaml' },
        checks: CHECKS,
        now: NOW,
      });
      expect(unused(mergeReports([a, b])).map((f) => f.account.id)).toEqual([OTHER]);
    });
  });
});
