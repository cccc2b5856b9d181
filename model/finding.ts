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
  /**
   * Who made the change behind the finding, most recent first: from the change events of a
   * change-triggered audit, or CloudTrail's event history for a scheduled run's new findings. `[]`
   * only when the history was searched and holds no change to the resource.
   */
  readonly changedBy?: readonly ChangedBy[];
  /** Why a new finding has no `changedBy`: the history was not searched (the run's cap) or not readable. */
  readonly changedByMissing?: 'capped' | 'lookup-failed';
}

/** The tool a change was made with, read from its user agent. */
export type ChangeTool = 'console' | 'terraform' | 'cloudformation' | 'cli' | 'sdk' | 'unknown';

/** One change behind a finding, from its CloudTrail record (docs/report.md). */
export interface ChangedBy {
  /** The principal's ARN (an assumed role's session ARN). */
  readonly arn: string;
  /** CloudTrail's identity type, or IdentityCenterUser for an AWSReservedSSO_* session. */
  readonly type: string;
  /** The person or session a reader recognises (IAM user, SSO user, role/session, AWS service). */
  readonly name: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly tool: ChangeTool;
  readonly eventName: string;
  readonly eventId: string;
  /** ISO 8601, UTC, as CloudTrail recorded it. */
  readonly eventTime: string;
}

export interface SuppressedFinding extends Finding {
  readonly exception: { readonly reason: string; readonly expires?: string };
}
