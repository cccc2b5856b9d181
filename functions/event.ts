import { z } from 'zod';
import { knownCheckIdSchema } from '../checks/known.ts';
import { regionSchema } from '../support/validate.ts';

/** Payload of an on-demand invoke, and the `input` the EventBridge schedule sends. */
export const auditEventSchema = z.strictObject({
  /** Regions to audit; default: AUDIT_REGIONS, then the intent's regions. */
  regions: z.array(regionSchema).min(1).optional(),
  /** Run only these check ids (audit.* always run). */
  checks: z.array(knownCheckIdSchema).min(1).optional(),
  /** Audit and return the report without publishing alerts or touching state. */
  dryRun: z.boolean().default(false),
  /** Who started the run, for the logs. */
  trigger: z.enum(['schedule', 'manual']).default('manual'),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * A schedule without `input` delivers EventBridge's own envelope; treat it as a plain scheduled run.
 * Everything else must match the payload schema exactly.
 */
export const normalizeEvent = (event: unknown): unknown => {
  const e = event as Record<string, unknown> | null;
  if (e && typeof e === 'object' && e['detail-type'] === 'Scheduled Event' && e.source === 'aws.events') {
    return { trigger: 'schedule' };
  }
  return event ?? {};
};
