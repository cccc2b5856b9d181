import { APIGW_CHECKS } from './apigw/index.ts';
import { AUDIT_CHECKS } from './audit/index.ts';
import { CLOUDFRONT_CHECKS } from './cloudfront/index.ts';
import type { Check } from './define.ts';
import { DRIFT_CHECKS } from './drift/index.ts';
import { ELB_CHECKS } from './elb/index.ts';
import { EXPOSURE_CHECKS } from './exposure/index.ts';
import { SG_CHECKS } from './sg/index.ts';
import { VPC_CHECKS } from './vpc/index.ts';

/**
 * Every check, imported explicitly through one barrel per group (no filesystem discovery, so the
 * bundle holds them all). Order is the catalogue order (docs/checks.md, generated from this list).
 */
export const CHECKS: readonly Check[] = [
  ...VPC_CHECKS,
  ...SG_CHECKS,
  ...ELB_CHECKS,
  ...CLOUDFRONT_CHECKS,
  ...APIGW_CHECKS,
  ...EXPOSURE_CHECKS,
  ...DRIFT_CHECKS,
  ...AUDIT_CHECKS,
];
