import type { Check } from '../define.ts';

/** The cloudfront.* checks. */
export const CLOUDFRONT_CHECKS: readonly Check[] = [];
