import { z } from 'zod';

const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region name such as ap-northeast-1');

/** Payload of an on-demand invoke, and the `input` the EventBridge schedule sends. */
export const auditEventSchema = z.strictObject({
  /** Regions to audit; default: AUDIT_REGIONS, then the intent's regions. */
  regions: z.array(regionSchema).min(1).optional(),
  /** Run only these check ids (audit.* always run). */
  checks: z
    .array(z.string().regex(/^[a-z0-9]+\.[a-z0-9-]+$/, 'must be a check id such as sg.world-ingress'))
    .min(1)
    .optional(),
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
