import { createHash } from 'node:crypto';
import {
  auditExceptionUnused,
  EXCEPTION_UNUSED_ID,
  exceptionUses,
  unusedExceptions,
} from '../checks/audit/exception-unused.ts';
import type { Check, Violation } from '../checks/define.ts';
import { blindSpotsOf, GLOBAL, isInBlindSpot, withoutRegions } from '../evaluate/unseen.ts';
import { exceptionCovers, isExpired } from '../intent/exceptions.ts';
import { excludedVpcs } from '../intent/queries.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import type { Inventory } from '../inventory/types.ts';
import {
  type AccountRef,
  type Finding,
  type ResourceRef,
  SEVERITIES,
  type Severity,
  type SuppressedFinding,
} from '../model/finding.ts';
import type { ExceptionUse, Report, SkippedRegion, UnseenScope } from '../model/report.ts';

export const INCOMPLETE_CHECK_ID = 'audit.incomplete';

export interface EvaluateOptions {
  readonly inventory: Inventory;
  readonly intent: ResolvedIntent;
  readonly checks: readonly Check[];
  readonly now: Date;
  readonly startedAt?: Date;
  /** Run only these check ids (on-demand invoke); audit.* checks always run. */
  readonly onlyChecks?: readonly string[];
  /** The account's name (Organizations), shown beside its id on every finding. */
  readonly accountName?: string;
  /** Regions declared denied by design on the command line (`--skip-region`), besides the intent's. */
  readonly skipRegions?: readonly string[];
  /**
   * The intent also governs accounts this run does not audit (a one-account run of a deployment whose
   * fan-out audits several): an exception this account does not own may be used in another, so only
   * the multi-account run judges whether it is unused.
   */
  readonly intentSharedWithOtherAccounts?: boolean;
}

/** The regions declared denied by design, the intent's first, each once. */
export const declaredSkips = (intent: ResolvedIntent, flagged: readonly string[] = []): SkippedRegion[] => {
  const skips: SkippedRegion[] = intent.deniedRegions.map((region) => ({
    region,
    reason: 'denied-by-design',
    declaredBy: 'intent',
  }));
  for (const region of flagged)
    if (!skips.some((s) => s.region === region))
      skips.push({ region, reason: 'denied-by-design', declaredBy: 'flag' });
  return skips;
};

export const fingerprintOf = (checkId: string, resource: ResourceRef, fact: string): string =>
  createHash('sha256')
    .update(`${checkId}\u0000${resource.region}\u0000${resource.id}\u0000${fact}`)
    .digest('hex')
    .slice(0, 20);

const toFinding = (check: Check, v: Violation, severity: Severity, account: AccountRef): Finding => ({
  checkId: check.id,
  severity,
  resource: v.resource,
  account,
  title: check.title,
  message: v.message,
  ...(v.expected !== undefined ? { expected: v.expected } : {}),
  ...(v.actual !== undefined ? { actual: v.actual } : {}),
  ...(v.details !== undefined ? { details: v.details } : {}),
  remediation: v.remediation ?? check.remediation,
  impact: v.impact ?? check.impact,
  principle: check.principle,
  fact: v.fact,
  fingerprint: fingerprintOf(check.id, v.resource, v.fact),
});

/**
 * The audit.exception-unused findings judged from the exceptions' uses: one account's, or every
 * account's of a multi-account run (app/merge.ts), so an entry that another account uses is not unused.
 */
export const unusedExceptionFindings = (
  uses: readonly ExceptionUse[],
  check: Check = auditExceptionUnused,
): Finding[] => unusedExceptions(uses).map((u) => toFinding(check, u.violation, u.severity, u.account));

const bySeverityThenId = (a: Finding, b: Finding): number =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
  a.checkId.localeCompare(b.checkId) ||
  a.resource.id.localeCompare(b.resource.id) ||
  a.message.localeCompare(b.message);

/**
 * Runs the checks over the inventory and builds the report. Pure apart from hashing.
 * A collection failure blinds the checks that read its data only where it was not read (a region, or
 * one resource there): they run on everything else, their findings in the blind spot are dropped and
 * listed in `unseen`, and audit.incomplete names the failure. A check whose global data (CloudFront)
 * failed is not run at all; a check that throws becomes an audit.incomplete finding naming it. Never
 * a pass. Regions declared denied by design are left out, not incomplete.
 */
export const evaluate = (options: EvaluateOptions): Report => {
  const { intent, now } = options;
  const skippedRegions = declaredSkips(intent, options.skipRegions);
  const inventory = withoutRegions(
    options.inventory,
    skippedRegions.map((s) => s.region),
  );
  const account: AccountRef = {
    id: inventory.account,
    ...(options.accountName ? { name: options.accountName } : {}),
  };
  const incompleteCheck = options.checks.find((c) => c.id === INCOMPLETE_CHECK_ID);
  const selected = options.checks.filter(
    (c) =>
      !intent.disabledChecks.includes(c.id) &&
      (c.id.startsWith('audit.') || !options.onlyChecks || options.onlyChecks.includes(c.id)),
  );
  const unusedCheck = selected.find((c) => c.id === EXCEPTION_UNUSED_ID);

  const raw: Finding[] = [];
  const skippedChecks: string[] = [];
  const unseen: UnseenScope[] = [];
  for (const check of selected) {
    const blind = blindSpotsOf(check.needs, inventory.errors, check.unseenItem, { inventory, intent });
    if (blind === 'everywhere') {
      skippedChecks.push(check.id);
      continue;
    }
    try {
      const found: Finding[] = [];
      for (const v of check.evaluate({ inventory, intent, now, checks: options.checks })) {
        // Missing data can make a violation up (a table not read looks like no route): not reported.
        if (isInBlindSpot(v.resource, blind)) continue;
        // The intent's `severity:` entry is the user's explicit word and wins over everything; a
        // violation's own severity (e.g. critical for SSH open to the world) refines only the default.
        found.push(toFinding(check, v, intent.severity[check.id] ?? v.severity ?? check.severity, account));
      }
      raw.push(...found);
      unseen.push(...blind.map((spot) => ({ checkId: check.id, ...spot })));
    } catch (error) {
      // Nothing of this check was seen: each region, and CloudFront, is its blind spot.
      unseen.push(...[...inventory.regions, GLOBAL].map((region) => ({ checkId: check.id, region })));
      if (!incompleteCheck) throw error;
      const resource = { type: 'AWS::Account', id: inventory.account, region: 'global' };
      raw.push(
        toFinding(
          incompleteCheck,
          {
            resource,
            message: `チェック ${check.id} の評価中にエラーが発生したため、このチェックの結果は不明です（${error instanceof Error ? error.message : String(error)}）。`,
            fact: `check-threw:${check.id}`,
          },
          intent.severity[INCOMPLETE_CHECK_ID] ?? incompleteCheck.severity,
          account,
        ),
      );
    }
  }

  // Judged on the findings before suppression, where the checks looked (audit.exception-unused).
  const exceptionUse = unusedCheck
    ? exceptionUses({
        inventory,
        intent,
        now,
        account,
        checks: options.checks,
        selected: selected.map((c) => c.id),
        skippedChecks,
        unseen,
        skippedRegions: skippedRegions.map((s) => s.region),
        raw,
        severity: intent.severity[EXCEPTION_UNUSED_ID] ?? unusedCheck.severity,
        sharedWithOtherAccounts: options.intentSharedWithOtherAccounts === true,
      })
    : [];
  const active = intent.exceptions.filter((e) => !isExpired(e, now));
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of raw) {
    // audit.* findings are never suppressed: an incomplete audit must always be visible.
    const exception = finding.checkId.startsWith('audit.')
      ? undefined
      : active.find((e) => exceptionCovers(e, finding));
    if (exception) {
      suppressed.push({
        ...finding,
        exception: { reason: exception.reason, ...(exception.expires ? { expires: exception.expires } : {}) },
      });
    } else {
      findings.push(finding);
    }
  }
  if (unusedCheck) findings.push(...unusedExceptionFindings(exceptionUse, unusedCheck));
  findings.sort(bySeverityThenId);
  suppressed.sort(bySeverityThenId);

  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]),
  ) as Record<Severity, number>;
  return {
    account: inventory.account,
    accounts: [account],
    regions: inventory.regions,
    profile: intent.profile,
    startedAt: (options.startedAt ?? now).toISOString(),
    finishedAt: now.toISOString(),
    complete: inventory.errors.length === 0 && !findings.some((f) => f.checkId === INCOMPLETE_CHECK_ID),
    errors: inventory.errors.map(
      ({ service, operation, region, code, message, resourceId, resourceType }) => ({
        service,
        operation,
        region,
        code,
        message,
        ...(resourceId !== undefined ? { resourceId } : {}),
        ...(resourceType !== undefined ? { resourceType } : {}),
      }),
    ),
    findings,
    suppressed,
    skippedChecks,
    excludedVpcs: excludedVpcs(inventory, intent).map((e) => ({ account: inventory.account, ...e })),
    unseen,
    skippedRegions,
    ...(exceptionUse.length > 0 ? { exceptionUse } : {}),
    summary: { checksRun: selected.length - skippedChecks.length, bySeverity },
  };
};
