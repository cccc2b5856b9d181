import { z } from 'zod';
import { InputValidationError } from '../../support/errors.ts';
import { accountIdSchema, formatPath, regionSchema } from '../../support/validate.ts';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  GLOBAL_EVENTS_REGION,
  type Section,
  sectionOf,
  type WatchedService,
  watchedCall,
} from './watched.ts';

/**
 * A batch of changes as it arrives: EventBridge's "AWS API Call via CloudTrail" events, one per SQS
 * message of the change queue (what Lambda hands the changes function), or as a JSON array (what
 * `arch-auditor audit --events FILE` replays). Only the fields the audit and the attribution read are
 * required; everything else CloudTrail adds is kept as it came.
 */
const userIdentitySchema = z.looseObject({
  type: z.string().min(1),
  arn: z.string().optional(),
  principalId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .looseObject({
      sessionIssuer: z
        .looseObject({
          type: z.string().optional(),
          arn: z.string().optional(),
          userName: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});

export const cloudTrailRecordSchema = z.looseObject({
  eventID: z.string().min(1),
  eventName: z.string().min(1),
  eventSource: z.string().min(1),
  awsRegion: regionSchema,
  eventTime: z.iso.datetime(),
  userIdentity: userIdentitySchema,
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  requestParameters: z.unknown().optional(),
  responseElements: z.unknown().optional(),
  errorCode: z.string().optional(),
  readOnly: z.boolean().optional(),
  recipientAccountId: z.string().optional(),
});

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;

export const changeEventSchema = z.looseObject({
  id: z.string().min(1),
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE, {
    error: `must be "${CLOUDTRAIL_DETAIL_TYPE}" (a change event from the change queue)`,
  }),
  source: z.string().min(1),
  account: accountIdSchema,
  region: regionSchema,
  time: z.iso.datetime(),
  detail: cloudTrailRecordSchema,
});

export type ChangeEvent = z.infer<typeof changeEventSchema>;

/** The SQS records Lambda hands the function: only the body is read (the EventBridge event as JSON). */
const sqsBatchSchema = z.looseObject({
  Records: z.array(z.looseObject({ body: z.string() })).min(1),
});

/** At most this many events in one batch (the queue hands over at most 1,000; a replay file as many). */
export const MAX_BATCH_EVENTS = 10_000;

const refuse = (source: string, path: string, message: string) =>
  new InputValidationError(source, [{ path, message }]);

const issuesOf = (error: z.ZodError, prefix: readonly PropertyKey[]) =>
  error.issues.map((issue) => ({
    path: formatPath([...prefix, ...(issue.path as PropertyKey[])]),
    message: issue.message,
  }));

/**
 * Reads a batch: an SQS event (`Records[].body`) or an array of EventBridge events. Refuses anything
 * else naming the field (`Records[2].body.detail.eventID`), and refuses the whole batch for one bad
 * event: nothing is audited from half a batch.
 */
export const parseChangeBatch = (input: unknown, source = 'change events'): ChangeEvent[] => {
  let raw: { value: unknown; path: PropertyKey[] }[];
  if (Array.isArray(input)) {
    raw = input.map((value, i) => ({ value, path: [i] }));
  } else if (input && typeof input === 'object' && 'Records' in input) {
    const sqs = sqsBatchSchema.safeParse(input);
    if (!sqs.success) throw new InputValidationError(source, issuesOf(sqs.error, []));
    raw = [];
    for (const [i, record] of sqs.data.Records.entries()) {
      try {
        raw.push({ value: JSON.parse(record.body), path: ['Records', i, 'body'] });
      } catch {
        throw refuse(source, `Records[${i}].body`, 'is not JSON (an EventBridge event was expected)');
      }
    }
  } else {
    throw refuse(source, '', 'must be a JSON array of EventBridge events or an SQS event with Records');
  }
  if (raw.length === 0) throw refuse(source, '', 'holds no event');
  if (raw.length > MAX_BATCH_EVENTS) throw refuse(source, '', `holds more than ${MAX_BATCH_EVENTS} events`);
  const issues: { path: string; message: string }[] = [];
  const events: ChangeEvent[] = [];
  for (const { value, path } of raw) {
    const parsed = changeEventSchema.safeParse(value);
    if (parsed.success) events.push(parsed.data);
    else issues.push(...issuesOf(parsed.error, path));
  }
  if (issues.length > 0) throw new InputValidationError(source, issues.slice(0, 20));
  return events;
};

/** What a batch asks to audit, after its repeats, refused calls and calls no check reads are set aside. */
export interface ChangeSet {
  /** The changes to audit, one per CloudTrail event id, oldest first. */
  readonly events: readonly ChangeEvent[];
  /** Regions and sections to read again; `cloudfront` is global. */
  readonly scope: ChangeScope;
  /** Set aside, with how many of each (for the logs and the CLI). */
  readonly ignored: {
    /** The same CloudTrail event delivered again (EventBridge delivers at least once). */
    readonly duplicate: number;
    /** A call that failed (`errorCode`): it changed nothing. */
    readonly failed: number;
    /** A call whose effect no check reads. */
    readonly unwatched: number;
    /** Another account, or a region this audit does not cover. */
    readonly outOfScope: number;
  };
}

export interface ChangeScope {
  /** Region → the regional sections its changes touched. */
  readonly regions: ReadonlyMap<string, ReadonlySet<Exclude<Section, 'cloudfront'>>>;
  readonly cloudfront: boolean;
}

/**
 * Reduces a batch to the changes to audit (pure): de-duplicated on the CloudTrail event id, only
 * successful watched calls of this account in the audited regions (CloudFront's, logged in us-east-1,
 * whatever the audited regions), and the sections they touched.
 */
export const changeSetOf = (
  events: readonly ChangeEvent[],
  audit: {
    readonly account?: string;
    readonly regions: readonly string[];
    readonly seen?: ReadonlySet<string>;
  },
): ChangeSet => {
  const seen = new Set(audit.seen ?? []);
  const kept: ChangeEvent[] = [];
  const ignored = { duplicate: 0, failed: 0, unwatched: 0, outOfScope: 0 };
  const regions = new Map<string, Set<Exclude<Section, 'cloudfront'>>>();
  let cloudfront = false;
  for (const event of [...events].sort((a, b) => a.detail.eventTime.localeCompare(b.detail.eventTime))) {
    const d = event.detail;
    if (seen.has(d.eventID)) {
      ignored.duplicate += 1;
      continue;
    }
    seen.add(d.eventID);
    if (d.errorCode) {
      ignored.failed += 1;
      continue;
    }
    const call = watchedCall(d.eventSource, d.eventName);
    if (!call) {
      ignored.unwatched += 1;
      continue;
    }
    const account = d.recipientAccountId ?? event.account;
    if ((audit.account && account !== audit.account) || !inAudit(call.service, d.awsRegion, audit.regions)) {
      ignored.outOfScope += 1;
      continue;
    }
    kept.push(event);
    for (const section of new Set(call.slices.map(sectionOf))) {
      if (section === 'cloudfront') cloudfront = true;
      else {
        const touched = regions.get(d.awsRegion) ?? new Set();
        touched.add(section);
        regions.set(d.awsRegion, touched);
      }
    }
  }
  return { events: kept, scope: { regions, cloudfront }, ignored };
};

const inAudit = (service: WatchedService, region: string, regions: readonly string[]): boolean =>
  service.global ? region === GLOBAL_EVENTS_REGION : regions.includes(region);
