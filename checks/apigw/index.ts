import type { Check } from '../define.ts';
import { apigwResourcePolicy } from './resource-policy.ts';

/** The apigw.* checks, in the order of CHECKS.md. */
export const APIGW_CHECKS: readonly Check[] = [apigwResourcePolicy];
