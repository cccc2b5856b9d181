import { auditExceptionExpired } from '../checks/audit/exception-expired.ts';
import { EXCEPTION_UNUSED_ID } from '../checks/audit/exception-unused.ts';
import { mergeLists } from '../collect/index.ts';
import { unusedExceptionFindings } from '../engine/evaluate.ts';
import { isGlobalSlice } from '../evaluate/unseen.ts';
import {
  type CollectionError,
  emptyInventory,
  type Inventory,
  SLICES,
  type SliceName,
} from '../inventory/types.ts';
import { type Finding, SEVERITIES } from '../model/finding.ts';
import type { ExceptionUse, Report, ReportError } from '../model/report.ts';
import { accountLabel } from '../report/labels.ts';

/** Where a fan-out item collects: one region's services, or the account's global ones (CloudFront). */
export type ItemScope = 'regional' | 'global';
export const GLOBAL_REGION = 'global';

export const scopeOf = (region: string): ItemScope => (region === GLOBAL_REGION ? 'global' : 'regional');

/** The slices a scope collects: what is unknown when that item failed. */
export const slicesOf = (scope: ItemScope): SliceName[] =>
  SLICES.filter((s) => isGlobalSlice(s) === (scope === 'global'));

/**
 * The inventory of an account whose data could not be read at all for a scope (AssumeRole refused, a
 * fan-out item that failed after its retries): every slice of the scope is marked failed, so each
 * check that needs them is skipped and the account's audit says incomplete — never a silent pass.
 */
export const failedInventory = (
  account: string,
  region: string,
  error: { service: string; operation: string; code: string; message: string },
  collectedAt = new Date().toISOString(),
): Inventory => {
  const failure: CollectionError = { ...error, region, slices: slicesOf(scopeOf(region)) };
  return {
    ...emptyInventory(account, region === GLOBAL_REGION ? [] : [region], collectedAt),
    errors: [failure],
  };
};

/**
 * One account's inventory from the parts its fan-out items collected (one per region, one global).
 * Checks must see the whole account at once: a CloudFront distribution's origin is a load balancer of
 * some region, a security group chain spans the front door and the backend.
 */
export const mergeInventories = (parts: readonly Inventory[]): Inventory => {
  const first = parts[0];
  if (!first) throw new Error('mergeInventories needs at least one part');
  const account = parts.find((p) => p.account !== 'unknown' && p.account !== '')?.account ?? first.account;
  const regions = [...new Set(parts.flatMap((p) => p.regions))].sort();
  const collectedAt = parts.map((p) => p.collectedAt).sort()[0] ?? first.collectedAt;
  const base = emptyInventory(account, regions, collectedAt);
  return {
    ...base,
    ec2: mergeLists(
      parts.map((p) => p.ec2),
      base.ec2,
    ),
    elbv2: mergeLists(
      parts.map((p) => p.elbv2),
      base.elbv2,
    ),
    cloudfront: mergeLists(
      parts.map((p) => p.cloudfront),
      base.cloudfront,
    ),
    apigateway: mergeLists(
      parts.map((p) => p.apigateway),
      base.apigateway,
    ),
    // The same failure seen by several items (a role refused in every region) is one error.
    errors: [
      ...new Map(
        parts
          .flatMap((p) => p.errors)
          .map((e) => [
            `${e.service}|${e.operation}|${e.region}|${e.resourceId ?? ''}|${e.code}|${e.message}`,
            e,
          ]),
      ).values(),
    ],
  };
};

const bySeverityThenId = (a: Finding, b: Finding): number =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
  a.checkId.localeCompare(b.checkId) ||
  a.resource.id.localeCompare(b.resource.id) ||
  a.message.localeCompare(b.message);

/**
 * An expired entry of an intent several accounts share is one finding, not one per account: the one
 * of the account whose resource it names, else of the first account it applied to (`exceptionUse`
 * says which). Without uses (audit.exception-unused disabled) every account's finding stays.
 */
const oneExpiredPerEntry = (findings: readonly Finding[], uses: readonly ExceptionUse[]): Finding[] => {
  const entries = new Map<string, ExceptionUse[]>();
  for (const use of uses) {
    if (use.status !== 'expired') continue;
    const key = `${use.intent}\u0000${use.index}`;
    const entry = entries.get(key);
    if (entry) entry.push(use);
    else entries.set(key, [use]);
  }
  const judged = [...entries.values()].map((entry) => {
    const owners = entry.filter((u) => u.here);
    const [judge] = [...(owners.length > 0 ? owners : entry)].sort((a, b) =>
      a.account.id.localeCompare(b.account.id),
    );
    return { entry, judge: judge as ExceptionUse };
  });
  return findings.filter((f) => {
    if (f.checkId !== auditExceptionExpired.id) return true;
    const about = judged.find(({ entry }) =>
      entry.some(
        (u) =>
          u.account.id === f.account.id && u.resource === f.resource.id && f.fact.startsWith(`${u.check}:`),
      ),
    );
    return about === undefined || about.judge.account.id === f.account.id;
  });
};

/**
 * One report for a run over several accounts, published once. Each account was evaluated on its own
 * (its own intent, its own exceptions) and each finding already names its account (`account`); here
 * the findings are pooled, the audited accounts listed in `accounts`, and errors name their account.
 * Whether an exception is unused is judged again from every account's uses: an intent shared by
 * several accounts has one entry, used when any of them needs it and judged by the account whose
 * resource it names (audit.exception-unused); an expired entry is likewise one finding.
 * The top-level `account` is left out: one id would misname every other account's findings. The run is
 * complete only when every account's audit is. A single report is returned unchanged.
 */
export const mergeReports = (reports: readonly Report[]): Report => {
  if (reports.length === 0) throw new Error('mergeReports needs at least one report');
  if (reports.length === 1) return reports[0] as Report;
  const accounts = [
    ...new Map(reports.flatMap((r) => r.accounts).map((a) => [a.id, a] as const)).values(),
  ].sort((a, b) => a.id.localeCompare(b.id));
  const exceptionUse = reports.flatMap((r) => r.exceptionUse ?? []);
  const findings = [
    ...oneExpiredPerEntry(
      reports.flatMap((r) => r.findings).filter((f) => f.checkId !== EXCEPTION_UNUSED_ID),
      exceptionUse,
    ),
    ...unusedExceptionFindings(exceptionUse),
  ].sort(bySeverityThenId);
  const suppressed = reports.flatMap((r) => r.suppressed).sort(bySeverityThenId);
  const errors: ReportError[] = reports.flatMap((r) =>
    r.errors.map((e) => ({
      ...e,
      message: `account ${r.accounts.map(accountLabel).join(', ')}: ${e.message}`,
    })),
  );
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]),
  ) as Report['summary']['bySeverity'];
  return {
    accounts,
    regions: [...new Set(reports.flatMap((r) => r.regions))].sort(),
    profile: [...new Set(reports.map((r) => r.profile))].sort().join(', '),
    startedAt: reports.map((r) => r.startedAt).sort()[0] as string,
    finishedAt: reports
      .map((r) => r.finishedAt)
      .sort()
      .at(-1) as string,
    complete: reports.every((r) => r.complete),
    errors,
    findings,
    suppressed,
    skippedChecks: [...new Set(reports.flatMap((r) => r.skippedChecks))].sort(),
    excludedVpcs: reports.flatMap((r) => r.excludedVpcs),
    // Each scope names the account it was unseen in, so the alert state withholds recovery there only.
    unseen: [
      ...new Map(
        reports
          .flatMap((r) =>
            r.unseen.map((u) => (u.accountId || !r.account ? u : { ...u, accountId: r.account })),
          )
          .map((u) => [`${u.accountId ?? ''}|${u.checkId}|${u.region}|${u.resourceId ?? ''}`, u]),
      ).values(),
    ],
    skippedRegions: [...new Map(reports.flatMap((r) => r.skippedRegions).map((s) => [s.region, s])).values()],
    ...(exceptionUse.length > 0 ? { exceptionUse } : {}),
    summary: {
      checksRun: Math.max(...reports.map((r) => r.summary.checksRun)),
      bySeverity,
    },
  };
};
