import type { Check } from '../define.ts';

/** The elb.* checks. */
export const ELB_CHECKS: readonly Check[] = [];
