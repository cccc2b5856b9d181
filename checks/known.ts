import { checkIdSchema } from '../support/validate.ts';
import { CHECKS } from './index.ts';

/** Every check id of the catalogue. */
export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/** Edit distance (insertions, deletions, substitutions): how far a typo is from a real id. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

/** The real check id nearest to `id`, to suggest for a typo. */
export const closestCheckId = (id: string): string =>
  CHECK_IDS.reduce((best, candidate) => (distance(id, candidate) < distance(id, best) ? candidate : best));

/**
 * Why `id` is refused, or undefined for a real check id. A mistyped id would otherwise run nothing
 * (an invoke's `checks`) or match nothing (an exception, a severity): a silent pass.
 */
export const unknownCheckProblem = (id: string): string | undefined =>
  CHECK_IDS.includes(id) ? undefined : `unknown check id ${id}: did you mean ${closestCheckId(id)}?`;

/** A check id of the catalogue (invoke payloads, the state machine input). */
export const knownCheckIdSchema = checkIdSchema.superRefine((id, ctx) => {
  const problem = unknownCheckProblem(id);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
