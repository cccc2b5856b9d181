import type { ResolvedIntent } from '../intent/resolve.ts';
import type { Severity } from '../intent/schema.ts';
import type { Inventory, SliceName } from '../inventory/types.ts';

export type Principle = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7' | 'P8' | 'P9' | 'P10';

/** What a finding points at; `type` is the CloudFormation type name. */
export interface ResourceRef {
  readonly type: string;
  readonly id: string;
  readonly arn?: string;
  readonly region: string;
  readonly name?: string;
}

/** One violation a check found. `message` is Japanese and names the resource and the fact. */
export interface Violation {
  readonly resource: ResourceRef;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** Raises or lowers the check's default for this one violation (e.g. an admin port open to the world). */
  readonly severity?: Severity;
  /** Japanese: this violation's impact, where it differs from the check's (e.g. who is actually let in). */
  readonly impact?: string;
  /**
   * What makes this violation this one fact, stable across runs and readable by a reviewer (e.g.
   * 'tcp/22 from 0.0.0.0/0'). With the check id and the resource id it forms the finding's fingerprint,
   * used to tell new findings from old ones, and it is what a fact-level exception accepts.
   */
  readonly fact: string;
  /** Japanese: how to fix this one violation, when it depends on the fact (default: the check's). */
  readonly remediation?: string;
  /** Structured, JSON-serializable detail for renderers (e.g. the hops of an exposure path). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Everything a check may read. `now` is passed in so checks stay pure. */
export interface CheckContext {
  readonly inventory: Inventory;
  readonly intent: ResolvedIntent;
  readonly now: Date;
  /** The catalogue, for checks about other checks (e.g. an expired exception names its check's resource type). */
  readonly checks: readonly Pick<Check, 'id' | 'resourceType' | 'needs'>[];
}

export interface Check {
  readonly id: string;
  readonly principle: Principle;
  readonly severity: Severity;
  readonly resourceType: string;
  /**
   * Slices the check reads. When one failed to collect, the check's findings where it failed (that
   * region, or that resource) are not reported and the audit is incomplete; a failed global slice
   * (CloudFront) keeps the check from running at all (evaluate/unseen.ts).
   */
  readonly needs: readonly SliceName[];
  /** Japanese: states the problem. */
  readonly title: string;
  /** Japanese: why it matters. */
  readonly explanation: string;
  /** Japanese: the impact in one sentence. */
  readonly impact: string;
  /** Japanese: how to fix it. */
  readonly remediation: string;
  /** Pure and synchronous: returns violations only. */
  readonly evaluate: (context: CheckContext) => readonly Violation[];
}

/** Declares a check; the identity function exists for type inference and a single place to validate. */
export const defineCheck = (check: Check): Check => check;
