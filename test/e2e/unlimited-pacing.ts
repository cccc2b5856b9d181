import type * as pacing from '../../collect/pacing.ts';

/**
 * collect/pacing.ts with every client drawing from an unlimited pacer. moto has no AWS rate limits,
 * and the client-side pacing that mirrors them (unit tested beside it, exercised against moto by
 * audit.e2e.test.ts) would spend most of a many-case file's time waiting for API Gateway tokens.
 * For a vi.mock factory: `vi.mock('../../collect/pacing.ts', async (original) =>
 * (await import('./unlimited-pacing.ts')).withUnlimitedPacer(await original()))`.
 */
export const withUnlimitedPacer = (original: typeof pacing): typeof pacing => {
  const unlimited = new original.Pacer({});
  return {
    ...original,
    pacingPlugin: (target) => original.pacingPlugin({ ...target, pacer: unlimited }),
  };
};
