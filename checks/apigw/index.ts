import type { Check } from '../define.ts';

/** The apigw.* checks. */
export const APIGW_CHECKS: readonly Check[] = [];
