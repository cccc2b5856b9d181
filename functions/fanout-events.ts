import { z } from 'zod';
import { ALL_REGIONS } from '../app/fanout.ts';
import { GLOBAL_REGION } from '../app/merge.ts';
import { knownCheckIdSchema } from '../checks/known.ts';
import { accountIdSchema, organizationalUnitIdSchema, regionSchema } from '../support/validate.ts';

/** Input of the state machine (and so of the plan step); every field defaults to the environment. */
export const planEventSchema = z.strictObject({
  /** Accounts to audit through their role; default AUDIT_ACCOUNTS. */
  accounts: z.array(accountIdSchema).min(1).optional(),
  /** Audit the organization's accounts (optionally under these OUs). */
  organization: z.boolean().optional(),
  organizationalUnits: z.array(organizationalUnitIdSchema).optional(),
  /** Regions, or 'all' for every enabled one; default AUDIT_REGIONS. */
  regions: z.union([z.array(regionSchema).min(1), z.literal('all')]).optional(),
  checks: z.array(knownCheckIdSchema).min(1).optional(),
  dryRun: z.boolean().default(false),
  trigger: z.enum(['schedule', 'manual']).default('manual'),
});
export type PlanEvent = z.infer<typeof planEventSchema>;

const accountTargetSchema = z.strictObject({
  id: accountIdSchema,
  name: z.string().optional(),
  parents: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
});

/** One Map item: an account (or the function's own) and a region, 'global' or '*'. */
export const itemEventSchema = z.strictObject({
  runId: z.string().min(1),
  bucket: z.string().min(3),
  account: accountTargetSchema.optional(),
  region: z.union([regionSchema, z.literal(GLOBAL_REGION), z.literal(ALL_REGIONS)]),
  encryptedRunKey: z.base64().min(1),
});

/** The summary step's input: the plan's output, carried through the Map (whose results go to S3). */
export const summarizeEventSchema = z.object({
  runId: z.string().min(1),
  bucket: z.string().min(3),
  itemsKey: z.string().min(1),
  itemCount: z.number().int(),
  accounts: z.number().int(),
  dryRun: z.boolean(),
  checks: z.array(z.string()).optional(),
});
