/**
 * The shared model of a finding: what a check reports, on which resource, how severe. Every layer
 * above the inventory speaks it (the engine builds it, the report, alerts and use cases read it), so it
 * depends on nothing.
 */

/** Severities, most severe first: the order findings are sorted, counted and alerted in. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** An AWS account as a person recognises it: its id and, where Organizations gives one, its name. */
export interface AccountRef {
  readonly id: string;
  readonly name?: string;
}

/** What a finding points at; `type` is the CloudFormation type name. */
export interface ResourceRef {
  readonly type: string;
  readonly id: string;
  readonly arn?: string;
  readonly region: string;
  readonly name?: string;
}

/** One finding of the report (contract: docs/report.md). */
export interface Finding {
  readonly checkId: string;
  readonly severity: Severity;
  readonly resource: ResourceRef;
  /** The account the resource lives in; every finding carries it, in single-account runs too. */
  readonly account: AccountRef;
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
