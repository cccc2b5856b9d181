import type { Check } from '../define.ts';

/** The drift.* checks. */
export const DRIFT_CHECKS: readonly Check[] = [];
