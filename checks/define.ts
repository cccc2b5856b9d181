import type { ItemReaches } from '../evaluate/unseen.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import { type Inventory, SLICES, type SliceName } from '../inventory/types.ts';
import { type ResourceRef, SEVERITIES, type Severity } from '../model/finding.ts';

export type Principle = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7' | 'P8' | 'P9' | 'P10';

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
  readonly checks: readonly Pick<Check, 'id' | 'resourceType' | 'needs' | 'unseenItem'>[];
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
  /**
   * How far one unread item (a failed per-item call: one load balancer's listeners, one distribution's
   * config, one usage plan's keys...) reaches into this check's findings, by item type. A type not
   * listed blinds the check where the item lives as a whole: its region, or all of CloudFront (the
   * check is then not run); a REST API or a stage blinds it for that API or stage only.
   */
  readonly unseenItem?: ItemReaches;
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

const CHECK_ID = /^[a-z0-9]+\.[a-z0-9]+(-[a-z0-9]+)*$/;
const PRINCIPLE = /^P([1-9]|10)$/;
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const JAPANESE_TEXTS = ['title', 'explanation', 'impact', 'remediation'] as const;

/** What is wrong with a check's declaration, one line per problem; empty when it is well formed. */
export const checkDeclarationProblems = (check: Check): string[] => {
  const problems: string[] = [];
  if (!CHECK_ID.test(check.id))
    problems.push('id must be <group>.<name> in lower case, e.g. sg.world-ingress');
  if (!PRINCIPLE.test(check.principle)) problems.push('principle must be one of P1–P10');
  if (!(SEVERITIES as readonly string[]).includes(check.severity))
    problems.push(`severity must be one of ${SEVERITIES.join(', ')}`);
  if (check.resourceType.trim() === '') problems.push('resourceType must name what findings point at');
  for (const field of JAPANESE_TEXTS) {
    if (typeof check[field] !== 'string' || !JAPANESE.test(check[field]))
      problems.push(`${field} must be Japanese text`);
  }
  // Only checks about the audit itself (audit.*) read no slice: every other check reads the account,
  // and the engine needs to know what, to skip it when that data could not be collected.
  if (check.needs.length === 0 && !check.id.startsWith('audit.'))
    problems.push('needs must list the inventory slices the check reads');
  const unknown = check.needs.filter((slice) => !(SLICES as readonly string[]).includes(slice));
  if (unknown.length > 0) problems.push(`needs names unknown slices: ${unknown.join(', ')}`);
  return problems;
};

/**
 * Declares a check, refusing a malformed declaration when the module loads (so a broken check fails
 * every test and the CLI at once, not silently at run time): the id format, a principle, a severity,
 * the four Japanese texts and the slices it reads. How to write one: docs/adding-a-check.md.
 */
export const defineCheck = (check: Check): Check => {
  const problems = checkDeclarationProblems(check);
  if (problems.length > 0) {
    throw new Error(
      `check ${check.id || '(no id)'} is not well formed (see docs/adding-a-check.md):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return check;
};
