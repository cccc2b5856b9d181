import type { ResourceRef } from '../checks/define.ts';
import type { Severity } from '../intent/schema.ts';

/** One finding of the report (contract: docs/report.md). */
export interface Finding {
  readonly checkId: string;
  readonly severity: Severity;
  readonly resource: ResourceRef;
  /** Japanese. */
  readonly title: string;
  /** Japanese. */
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** Japanese. */
  readonly remediation?: string;
  /** Japanese: the impact in one sentence. */
  readonly impact?: string;
  readonly principle?: string;
  /** Structured detail some checks add (e.g. `hops` of an exposure path). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * What the finding is about on its resource, stable and readable ('tcp/22 from 0.0.0.0/0'): what an
   * intent exception's `facts` names to accept exactly this finding.
   */
  readonly fact: string;
  /** Stable hash of check id + resource + fact; the alert state is keyed by it. */
  readonly fingerprint: string;
}

export interface SuppressedFinding extends Finding {
  readonly exception: { readonly reason: string; readonly expires?: string };
}

export interface ReportError {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly code: string;
  readonly message: string;
  /** Set when the failed call was about one resource (a REST API, a stage): only it went unseen. */
  readonly resourceId?: string;
}

/**
 * Where a check that ran could not see because its data failed to collect: a region ('global' for
 * CloudFront), or one resource there. Its findings there are not reported and do not recover.
 */
export interface UnseenScope {
  readonly checkId: string;
  readonly region: string;
  /** Only this resource of the region (a REST API id; its stages `<apiId>/<stage>` are inside it). */
  readonly resourceId?: string;
}

/** A region left out of the audit on purpose: declared denied by design (an SCP denies it). */
export interface SkippedRegion {
  readonly region: string;
  readonly reason: 'denied-by-design';
  /** Where it was declared: the intent's `deniedRegions`, or the CLI's `--skip-region`. */
  readonly declaredBy: 'intent' | 'flag';
}

export interface Report {
  readonly account: string;
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
  /** What checks that ran could not see (regions, resources); empty when every read succeeded. */
  readonly unseen: readonly UnseenScope[];
  /** Regions declared denied by design: not collected, not audited, not an incompleteness. */
  readonly skippedRegions: readonly SkippedRegion[];
  readonly summary: {
    readonly checksRun: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
  };
}

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
