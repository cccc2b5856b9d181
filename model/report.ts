import type { AccountRef, Finding, ResourceRef, Severity, SuppressedFinding } from './finding.ts';

/** The report of one audit (contract: docs/report.md), as the engine builds it and every output reads it. */

export interface ReportError {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly code: string;
  readonly message: string;
  /**
   * Set when the failed call was about one resource (a REST API, a stage, a load balancer, a
   * distribution, a VPC origin, a response headers policy, a usage plan): the rest was read.
   */
  readonly resourceId?: string;
  /** What `resourceId` names (e.g. AWS::ElasticLoadBalancingV2::LoadBalancer). */
  readonly resourceType?: string;
}

/**
 * Where a check that ran could not see because its data failed to collect: a region ('global' for
 * CloudFront), or one resource there. Its findings there are not reported and do not recover.
 */
export interface UnseenScope {
  readonly checkId: string;
  readonly region: string;
  /**
   * Only this resource of the region (a REST API id, its stages `<apiId>/<stage>` inside it; a load
   * balancer ARN, a security group, a distribution...), and its sub-resources `<id>/…`.
   */
  readonly resourceId?: string;
  /** What `resourceId` names (finding resource type names), for reports to say it in words. */
  readonly resourceType?: string;
  /** The account it lies in; set in a multi-account report, where a region names no single account. */
  readonly accountId?: string;
}

export type ChangeDetection =
  | { readonly working: true; readonly trail: string }
  | { readonly working: false /** Japanese: why, and what it means. */; readonly reason: string };

/** A region left out of the audit on purpose: declared denied by design (an SCP denies it). */
export interface SkippedRegion {
  readonly region: string;
  readonly reason: 'denied-by-design';
  /** Where it was declared: the intent's `deniedRegions`, or the CLI's `--skip-region`. */
  readonly declaredBy: 'intent' | 'flag';
}

/** A VPC the intent's `excludeVpcs` left out of the audit, and why. */
export interface ExcludedVpcRef {
  readonly account: string;
  readonly id: string;
  /** Absent when the intent names a VPC id the account no longer has. */
  readonly region?: string;
  readonly reason: string;
}

/**
 * How one exception of the intent fared in the audit of one account: what audit.exception-unused is
 * judged from (checks/audit/exception-unused.ts). A run over several accounts judges each entry once,
 * from every account it applied to (app/merge.ts).
 */
export interface ExceptionUse {
  /** The intent file the entry is in (its `source`) and its position in `exceptions` (0-based). */
  readonly intent: string;
  readonly index: number;
  readonly check: string;
  readonly resource: string;
  readonly facts?: readonly string[];
  readonly reason: string;
  /** The account audited. */
  readonly account: AccountRef;
  /**
   * `used`: findings (before suppression) cover it, every fact of a fact-level entry; `unused`: the
   * audit looked where it applies and something of it matched nothing; `unseen`: the audit could not
   * look (its check skipped or blind there, its region not audited, its VPC excluded, another
   * account's resource); `expired`; `not-run`: its check was disabled or not selected.
   */
  readonly status: 'used' | 'unused' | 'unseen' | 'expired' | 'not-run';
  /** The facts of the findings it covers (for a fact-level entry, those of its `facts` that matched). */
  readonly matchedFacts: readonly string[];
  /** The resource was found in this account's inventory. */
  readonly present: boolean;
  /** The resource is this account's: present, or its ARN names the account. */
  readonly here: boolean;
  /** Where a finding about the entry points: the excepted resource as this account knows it. */
  readonly at: ResourceRef;
  /** The severity an audit.exception-unused finding about it takes (the intent's `severity:` applies). */
  readonly severity: Severity;
}

export interface Report {
  /**
   * The account id when the report covers one account; absent from a multi-account report, whose
   * accounts are listed in `accounts` and named on each finding.
   */
  readonly account?: string;
  /** Every account audited, in id order (one entry for a single-account report). */
  readonly accounts: readonly AccountRef[];
  readonly regions: readonly string[];
  readonly profile: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly complete: boolean;
  readonly errors: readonly ReportError[];
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Checks not run at all: data they need could not be read anywhere (CloudFront, or the whole account). */
  readonly skippedChecks: readonly string[];
  /** VPCs left out of the audit by the intent (every other VPC, default ones included, was audited). */
  readonly excludedVpcs: readonly ExcludedVpcRef[];
  /** What checks that ran could not see (regions, resources); empty when every read succeeded. */
  readonly unseen: readonly UnseenScope[];
  /** Regions declared denied by design: not collected, not audited, not an incompleteness. */
  readonly skippedRegions: readonly SkippedRegion[];
  /** Each exception of the intent and how this audit found it; absent when the intent has none. */
  readonly exceptionUse?: readonly ExceptionUse[];
  /**
   * Whether changes reach the change-triggered audit (a CloudTrail trail logging management events
   * feeds EventBridge); set by the Lambda functions, which check it once per run.
   */
  readonly changeDetection?: ChangeDetection;
  readonly summary: {
    readonly checksRun: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
  };
}
