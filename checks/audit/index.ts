import type { Check } from '../define.ts';
import { auditExceptionExpired } from './exception-expired.ts';
import { auditIncomplete } from './incomplete.ts';

/** The audit.* checks: the audit's own completeness (P10). */
export const AUDIT_CHECKS: readonly Check[] = [auditIncomplete, auditExceptionExpired];
