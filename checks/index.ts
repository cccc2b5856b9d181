import { auditExceptionExpired } from './audit/exception-expired.ts';
import { auditIncomplete } from './audit/incomplete.ts';
import type { Check } from './define.ts';
import { vpcPublicSubnet } from './vpc/public-subnet.ts';

/** Every check, imported explicitly (no filesystem discovery, so the bundle holds them all). */
export const CHECKS: readonly Check[] = [
  // Network (P1–P3)
  vpcPublicSubnet,
  // The audit itself (P10)
  auditIncomplete,
  auditExceptionExpired,
];
