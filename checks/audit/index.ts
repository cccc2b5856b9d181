import type { Check } from '../define.ts';
import { auditExceptionExpired } from './exception-expired.ts';
import { auditExceptionUnused } from './exception-unused.ts';
import { auditIncomplete } from './incomplete.ts';

/** The audit.* checks: the audit's own completeness and the intent's exceptions kept honest (P10). */
export const AUDIT_CHECKS: readonly Check[] = [auditIncomplete, auditExceptionExpired, auditExceptionUnused];
