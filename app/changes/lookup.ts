import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { createCloudTrailClient } from '../../collect/clients.ts';
import { mapLimit } from '../../collect/concurrency.ts';
import type { ChangedBy, Finding } from '../../model/finding.ts';
import type { Report } from '../../model/report.ts';
import { diffAgainstState, type StateStore } from '../../notify/state.ts';
import { actorOf } from './actor.ts';
import { cloudTrailRecordSchema } from './events.ts';
import { GLOBAL_EVENTS_REGION, watchedCall } from './watched.ts';

/**
 * Who made the change behind a scheduled run's new findings, from CloudTrail's event history
 * (LookupEvents): one lookup key per request (the resource's name), 90 days back, global services'
 * changes in us-east-1. It allows 2 requests per second per account and region (the client is paced),
 * so a run looks up at most MAX_LOOKUPS resources, the most severe first; a finding past the cap says
 * so (changedByMissing), as does one whose history could not be read. A lookup that finds no change
 * to the resource gives `changedBy: []`, which the alert reads as 不明.
 */

/** Resources looked up per run: 20 requests take 10 s at the quota. */
export const MAX_LOOKUPS = 20;
/** Changes kept per finding, the most recent first. */
export const MAX_CHANGES = 3;
const HISTORY_DAYS = 90;

/** One paced CloudTrail client per region, built on first use (the caller's own account). */
export const cloudTrailClients = (): ((region: string) => CloudTrailClient) => {
  const clients = new Map<string, CloudTrailClient>();
  return (region) => {
    const client = clients.get(region) ?? createCloudTrailClient(region);
    clients.set(region, client);
    return client;
  };
};

/** The name CloudTrail files a finding's resource under: its id (a stage's: its API), or its ARN. */
export const lookupNameOf = (finding: Pick<Finding, 'resource'>): string => {
  const { id } = finding.resource;
  return id.startsWith('arn:') ? id : (id.split('/')[0] as string);
};

const regionOf = (finding: Pick<Finding, 'resource'>): string =>
  finding.resource.region === 'global' ? GLOBAL_EVENTS_REGION : finding.resource.region;

/** The watched, successful changes the history holds for one resource, the most recent first. */
export const lookupChanges = async (
  client: CloudTrailClient,
  resourceName: string,
  now: Date,
): Promise<ChangedBy[]> => {
  const output = await client.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: resourceName }],
      StartTime: new Date(now.getTime() - HISTORY_DAYS * 86_400_000),
      EndTime: now,
      MaxResults: 50,
    }),
  );
  const changes: ChangedBy[] = [];
  for (const event of output.Events ?? []) {
    if (event.ReadOnly === 'true' || !event.CloudTrailEvent) continue;
    let json: unknown;
    try {
      json = JSON.parse(event.CloudTrailEvent);
    } catch {
      continue;
    }
    const record = cloudTrailRecordSchema.safeParse(json);
    if (!record.success || record.data.errorCode) continue;
    if (!watchedCall(record.data.eventSource, record.data.eventName)) continue;
    changes.push(actorOf(record.data));
  }
  return changes.sort((a, b) => b.eventTime.localeCompare(a.eventTime)).slice(0, MAX_CHANGES);
};

export interface LookupOptions {
  /** The paced CloudTrail client of a region (collect/clients.ts createCloudTrailClient). */
  readonly client: (region: string) => CloudTrailClient;
  readonly now: Date;
  readonly maxLookups?: number;
  /** Called once per failed lookup, for the logs. */
  readonly onError?: (error: unknown, region: string) => void;
}

/**
 * Looks up who changed each finding named in `wanted` that carries no changedBy yet (at most
 * `maxLookups` resources, one request each, the most severe findings first). Pure but for the calls.
 */
export const attributeByLookup = async (
  findings: readonly Finding[],
  wanted: ReadonlySet<string>,
  options: LookupOptions,
): Promise<Finding[]> => {
  const max = options.maxLookups ?? MAX_LOOKUPS;
  const order = ['critical', 'high', 'medium', 'low'];
  const toLookUp = findings
    .filter((f) => wanted.has(f.fingerprint) && f.changedBy === undefined)
    .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  const keys = [...new Set(toLookUp.map((f) => `${regionOf(f)}|${lookupNameOf(f)}`))];
  const looked = keys.slice(0, max);
  const results = new Map<string, ChangedBy[] | 'lookup-failed'>();
  await mapLimit(looked, 2, async (key) => {
    const [region = '', name = ''] = key.split('|');
    try {
      results.set(key, await lookupChanges(options.client(region), name, options.now));
    } catch (error) {
      options.onError?.(error, region);
      results.set(key, 'lookup-failed');
    }
  });
  return findings.map((finding) => {
    if (!wanted.has(finding.fingerprint) || finding.changedBy !== undefined) return finding;
    const result = results.get(`${regionOf(finding)}|${lookupNameOf(finding)}`);
    if (result === undefined) return { ...finding, changedByMissing: 'capped' };
    if (result === 'lookup-failed') return { ...finding, changedByMissing: 'lookup-failed' };
    return { ...finding, changedBy: result };
  });
};

/**
 * The report with its new and changed findings (against the alert state the alerts will be decided
 * on) attributed through the event history, where they are not attributed already. An unreadable
 * state makes every finding new, as it does for the alerts.
 */
export const attributeNewFindings = async (
  report: Report,
  store: StateStore,
  options: LookupOptions,
): Promise<Report> => {
  let previous: Awaited<ReturnType<StateStore['load']>>['state'];
  try {
    previous = (await store.load()).state;
  } catch {
    previous = undefined;
  }
  const diff = diffAgainstState(report, previous, {
    now: options.now,
    remindAfterHours: Number.POSITIVE_INFINITY,
  });
  const wanted = new Set(
    [...diff.newFindings, ...diff.changed.map((c) => c.finding)].map((f) => f.fingerprint),
  );
  if (wanted.size === 0) return report;
  return { ...report, findings: await attributeByLookup(report.findings, wanted, options) };
};
