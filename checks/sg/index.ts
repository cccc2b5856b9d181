import type { Check } from '../define.ts';

/** The sg.* checks. */
export const SG_CHECKS: readonly Check[] = [];
