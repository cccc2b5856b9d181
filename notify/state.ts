import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { EXCEPTION_UNUSED_ID } from '../checks/audit/exception-unused.ts';
import { dependsOnBlindSpot, GLOBAL } from '../evaluate/unseen.ts';
import { severitySchema } from '../intent/schema.ts';
import type { Finding } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { replaceFileAtomically } from '../support/write-file.ts';
import { StateConflictError, StateStoreError } from './errors.ts';

/**
 * What was alerted, keyed by finding fingerprint (check id + resource + fact), so the next run tells
 * new findings from old ones. It holds only what the recovery message shows: no messages, no secrets.
 */
const alertStateEntrySchema = z.strictObject({
  checkId: z.string().min(1),
  severity: severitySchema,
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.string().optional(),
  region: z.string(),
  /** The finding's account, so a recovery in a multi-account run names it (absent in older states). */
  accountId: z.string().optional(),
  accountName: z.string().optional(),
  title: z.string().optional(),
  firstSeen: z.iso.datetime(),
  lastAlerted: z.iso.datetime(),
});

export const alertStateSchema = z.strictObject({
  version: z.literal(1),
  updatedAt: z.iso.datetime(),
  findings: z.record(z.string().min(1), alertStateEntrySchema),
});

export type AlertStateEntry = z.infer<typeof alertStateEntrySchema>;
export type AlertState = z.infer<typeof alertStateSchema>;

/** A state entry named by its fingerprint (what `recovered` lists). */
export interface RecoveredFinding extends AlertStateEntry {
  readonly fingerprint: string;
}

export interface ChangedFinding {
  readonly finding: Finding;
  readonly previousSeverity: AlertStateEntry['severity'];
}

export interface AlertDiff {
  /** Open now, not in the previous state (or every finding when there is no previous state). */
  readonly newFindings: readonly Finding[];
  /** Open before and now, with another severity (e.g. a rule now covers port 22). */
  readonly changed: readonly ChangedFinding[];
  /** Still open, unchanged, and last alerted at least `remindAfterHours` ago. */
  readonly reminders: readonly Finding[];
  /** In the previous state, gone from the report, and in a part of the account this run saw. */
  readonly recovered: readonly RecoveredFinding[];
  /** The state to save once every alert of this run has been published. */
  readonly nextState: AlertState;
}

export interface DiffOptions {
  readonly now: Date;
  /** Reminder cadence for findings still open; `Infinity` never reminds. */
  readonly remindAfterHours: number;
  /**
   * Check ids this run evaluated, for a run restricted to some checks (on-demand invoke): entries of
   * other checks were not looked at, so they neither recover nor leave the state. Omit for a full run.
   */
  readonly checksRun?: readonly string[];
}

const entryOf = (finding: Finding, firstSeen: string, lastAlerted: string): AlertStateEntry => ({
  checkId: finding.checkId,
  severity: finding.severity,
  resourceType: finding.resource.type,
  resourceId: finding.resource.id,
  ...(finding.resource.name !== undefined ? { resourceName: finding.resource.name } : {}),
  region: finding.resource.region,
  accountId: finding.account.id,
  ...(finding.account.name !== undefined ? { accountName: finding.account.name } : {}),
  title: finding.title,
  firstSeen,
  lastAlerted,
});

/**
 * Compares a report with the previous alert state. Pure.
 *
 * A finding that is absent from the report is recovered only where this run saw it: a failed API
 * call looks exactly like a fixed finding, and announcing a recovery for something we did not see
 * would break P10. So an entry of a skipped check, of a check blind where the entry lies (the report's
 * `unseen`: its region, its resource, or a part of it such as a stage, in its account) or of a region not audited is kept, not recovered, and is
 * not re-alerted as new once it is seen again. Everything the run did see recovers normally, even
 * when another region or resource was unreadable. An audit.exception-unused entry recovers only in a
 * complete run of every check that judged its exception: an exception is judged only where its check
 * saw all it applies to, so a run that missed anything, ran some checks or audited fewer regions than
 * the exception applies to (its `exceptionUse` says `unseen`) did not judge it.
 * A finding now covered by an exception is neither open nor recovered: it leaves the state quietly,
 * and alerts as new if the exception expires.
 */
export const diffAgainstState = (
  report: Report,
  previous: AlertState | undefined,
  options: DiffOptions,
): AlertDiff => {
  const nowIso = options.now.toISOString();
  const remindAfterMs = options.remindAfterHours * 3_600_000;
  const before = previous?.findings ?? {};
  const next: Record<string, AlertStateEntry> = {};
  const newFindings: Finding[] = [];
  const changed: ChangedFinding[] = [];
  const reminders: Finding[] = [];

  for (const finding of report.findings) {
    // Two violations with one fingerprint are one fact: alert it once.
    if (next[finding.fingerprint]) continue;
    const old = before[finding.fingerprint];
    if (!old) {
      newFindings.push(finding);
      next[finding.fingerprint] = entryOf(finding, nowIso, nowIso);
    } else if (old.severity !== finding.severity) {
      changed.push({ finding, previousSeverity: old.severity });
      next[finding.fingerprint] = entryOf(finding, old.firstSeen, nowIso);
    } else if (options.now.getTime() - Date.parse(old.lastAlerted) >= remindAfterMs) {
      reminders.push(finding);
      next[finding.fingerprint] = entryOf(finding, old.firstSeen, nowIso);
    } else {
      next[finding.fingerprint] = entryOf(finding, old.firstSeen, old.lastAlerted);
    }
  }

  const suppressed = new Set(report.suppressed.map((f) => f.fingerprint));
  // An exception this run could not judge (a region it applies to not audited, its check blind) is
  // still in the intent: its finding is kept, whatever else the run saw.
  const unjudgedException = (entry: AlertStateEntry): boolean =>
    (report.exceptionUse ?? []).some(
      (u) =>
        u.status === 'unseen' &&
        u.resource === entry.resourceId &&
        (entry.accountId === undefined || u.account.id === entry.accountId),
    );
  const inScope = (entry: AlertStateEntry): boolean =>
    !report.skippedChecks.includes(entry.checkId) &&
    (entry.checkId !== EXCEPTION_UNUSED_ID ||
      (report.complete && options.checksRun === undefined && !unjudgedException(entry))) &&
    (options.checksRun === undefined ||
      entry.checkId.startsWith('audit.') ||
      options.checksRun.includes(entry.checkId)) &&
    (entry.region === GLOBAL || report.regions.includes(entry.region)) &&
    !dependsOnBlindSpot(
      { id: entry.resourceId, region: entry.region },
      report.unseen.filter(
        (u) =>
          u.checkId === entry.checkId &&
          // A scope unseen in one account of a multi-account run hides nothing in another.
          (u.accountId === undefined || entry.accountId === undefined || u.accountId === entry.accountId),
      ),
    );
  const recovered: RecoveredFinding[] = [];
  for (const [fingerprint, entry] of Object.entries(before)) {
    if (next[fingerprint]) continue;
    if (!inScope(entry)) {
      next[fingerprint] = entry;
    } else if (!suppressed.has(fingerprint)) {
      recovered.push({ fingerprint, ...entry });
    }
  }

  return {
    newFindings,
    changed,
    reminders,
    recovered,
    nextState: { version: 1, updatedAt: nowIso, findings: next },
  };
};

/**
 * The state as if none of this run's alerts had gone out yet: what the run learned without telling
 * anyone (still-open findings not due, entries an exception now covers) is taken from `nextState`,
 * while every entry an alert is about keeps its previous value: a new finding stays absent, a changed
 * or due one keeps its old severity and lastAlerted, a recovered one stays. Saving this after an
 * alert failed makes the next run alert exactly those again. Pure.
 */
export const stateBeforeAlerts = (diff: AlertDiff, previous: AlertState | undefined): AlertState => {
  const before = previous?.findings ?? {};
  const findings: Record<string, AlertStateEntry> = { ...diff.nextState.findings };
  const restore = (fingerprint: string): void => {
    const old = before[fingerprint];
    if (old) findings[fingerprint] = old;
    else delete findings[fingerprint];
  };
  for (const finding of diff.newFindings) restore(finding.fingerprint);
  for (const { finding } of diff.changed) restore(finding.fingerprint);
  for (const finding of diff.reminders) restore(finding.fingerprint);
  for (const { fingerprint, ...entry } of diff.recovered) findings[fingerprint] = entry;
  return { ...diff.nextState, findings };
};

/**
 * `state` once the alert for `fingerprints` has been published: each takes its value in
 * `diff.nextState` (a recovered one leaves). Applying every message of a run yields `nextState`. Pure.
 */
export const advanceState = (
  state: AlertState,
  diff: Pick<AlertDiff, 'nextState'>,
  fingerprints: readonly string[],
): AlertState => {
  const findings: Record<string, AlertStateEntry> = { ...state.findings };
  for (const fingerprint of fingerprints) {
    const next = diff.nextState.findings[fingerprint];
    if (next) findings[fingerprint] = next;
    else delete findings[fingerprint];
  }
  return { ...state, updatedAt: diff.nextState.updatedAt, findings };
};

/** Every fingerprint `diff` announces: new, changed, reminded and recovered. */
export const announcedIn = (diff: AlertDiff): string[] => [
  ...diff.newFindings.map((f) => f.fingerprint),
  ...diff.changed.map((c) => c.finding.fingerprint),
  ...diff.reminders.map((f) => f.fingerprint),
  ...diff.recovered.map((r) => r.fingerprint),
];

/**
 * `diff` announcing only the fingerprints in `allowed`; every other entry it would have announced
 * stays as `previous` has it, so nothing is recorded as told that was not. After a lost race this
 * keeps a run to what it found itself: what the other run already told is not repeated, and what
 * this run sees only because the other run changed the state (a finding the other run just
 * recovered, from a newer look at the account) is left to the next run. Pure.
 */
export const onlyAnnouncing = (
  diff: AlertDiff,
  previous: AlertState | undefined,
  allowed: ReadonlySet<string>,
): AlertDiff => {
  const keep = announcedIn(diff).filter((fingerprint) => allowed.has(fingerprint));
  return {
    newFindings: diff.newFindings.filter((f) => allowed.has(f.fingerprint)),
    changed: diff.changed.filter((c) => allowed.has(c.finding.fingerprint)),
    reminders: diff.reminders.filter((f) => allowed.has(f.fingerprint)),
    recovered: diff.recovered.filter((r) => allowed.has(r.fingerprint)),
    nextState: advanceState(stateBeforeAlerts(diff, previous), diff, keep),
  };
};

/** What `load` read: the state, and the version a `save` must find in place to replace it. */
export interface StoredState {
  /** `undefined` on the first run (nothing stored yet). */
  readonly state: AlertState | undefined;
  /** The stored object's version (S3 ETag, digest of the file); `undefined` when nothing is stored. */
  readonly version: string | undefined;
}

/**
 * Where the alert state lives between runs. Saves are compare-and-swap, so two runs at once (the
 * schedule and an on-demand invoke) cannot overwrite each other's state unseen.
 */
export interface StateStore {
  /** Throws StateStoreError when it cannot tell what is stored. */
  load(): Promise<StoredState>;
  /**
   * Writes `state` only if the stored version is still `version` (`undefined`: only if nothing is
   * stored) and returns the new version (`undefined` if the store did not say: the next save then
   * succeeds only where nothing is stored, so a race is still detected). Throws StateConflictError,
   * writing nothing, when another run wrote in between; StateStoreError on any other failure.
   */
  save(state: AlertState, version: string | undefined): Promise<string | undefined>;
}

const parseState = (text: string, where: string, version: string | undefined): AlertState => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateStoreError(`alert state at ${where} is not valid JSON`, {
      cause: error,
      ...(version !== undefined ? { version } : {}),
    });
  }
  const parsed = alertStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new StateStoreError(`alert state at ${where} has an unexpected shape`, {
      cause: parsed.error,
      ...(version !== undefined ? { version } : {}),
    });
  }
  return parsed.data;
};

const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : typeof error === 'object' && error ? String(error) : 'Error';

export const DEFAULT_STATE_KEY = 'arch-auditor/state.json';

/** Alert state as one JSON object in S3 (the Lambda deployment). */
export class S3StateStore implements StateStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #key: string;

  constructor(client: S3Client, bucket: string, key: string = DEFAULT_STATE_KEY) {
    this.#client = client;
    this.#bucket = bucket;
    this.#key = key;
  }

  get #where(): string {
    return `s3://${this.#bucket}/${this.#key}`;
  }

  async load(): Promise<StoredState> {
    let text: string;
    let version: string | undefined;
    try {
      const output = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key }));
      if (!output.Body) throw new Error('GetObject returned no body');
      text = await output.Body.transformToString('utf-8');
      version = output.ETag;
    } catch (error) {
      // Only a missing key means "first run". Without s3:ListBucket, S3 answers a missing key with
      // AccessDenied instead, which we cannot tell from a real denial: that one is an error.
      if (errorName(error) === 'NoSuchKey') return { state: undefined, version: undefined };
      throw new StateStoreError(`cannot read alert state from ${this.#where}: ${errorName(error)}`, {
        cause: error,
      });
    }
    return { state: parseState(text, this.#where, version), version };
  }

  /**
   * A conditional PutObject: `IfMatch` the ETag read, or `IfNoneMatch: '*'` when nothing was stored.
   * S3 refuses it with 412 PreconditionFailed when another write landed first, 409
   * ConditionalRequestConflict when one is landing at the same moment, and 404 NoSuchKey for If-Match
   * when the object is gone: all three mean "read again". It needs no permission beyond s3:PutObject.
   */
  async save(state: AlertState, version: string | undefined): Promise<string | undefined> {
    try {
      const output = await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key,
          Body: JSON.stringify(state),
          ContentType: 'application/json',
          ...(version === undefined ? { IfNoneMatch: '*' } : { IfMatch: version }),
        }),
      );
      return output.ETag;
    } catch (error) {
      const name = errorName(error);
      if (['PreconditionFailed', 'ConditionalRequestConflict', 'NoSuchKey'].includes(name)) {
        throw new StateConflictError(`alert state at ${this.#where} was changed by another run: ${name}`, {
          cause: error,
        });
      }
      throw new StateStoreError(`cannot write alert state to ${this.#where}: ${name}`, { cause: error });
    }
  }
}

export const DEFAULT_STATE_PATH = '.arch-auditor/state.json';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/** How long a save waits for another process's lock on the state file before it gives up. */
const DEFAULT_LOCK_WAIT_MS = 5_000;

/**
 * Alert state as a local JSON file (the CLI). Its version is the digest of its text. A save takes a
 * lock file beside it (created exclusively, held for the compare and the rename only), checks the
 * file still has the version read, and renames a complete temporary file over it.
 */
export class FileStateStore implements StateStore {
  readonly #path: string;
  readonly #lockWaitMs: number;

  constructor(path: string = DEFAULT_STATE_PATH, options: { readonly lockWaitMs?: number } = {}) {
    this.#path = path;
    this.#lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  }

  async load(): Promise<StoredState> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: undefined, version: undefined };
      throw new StateStoreError(`cannot read alert state from ${this.#path}`, { cause: error });
    }
    const version = digest(text);
    return { state: parseState(text, this.#path, version), version };
  }

  async save(state: AlertState, version: string | undefined): Promise<string> {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    try {
      await mkdir(dirname(this.#path), { recursive: true });
    } catch (error) {
      throw new StateStoreError(`cannot write alert state to ${this.#path}`, { cause: error });
    }
    const unlock = await this.#lock();
    try {
      const current = await this.#currentVersion();
      if (current !== version) {
        throw new StateConflictError(`alert state at ${this.#path} was changed by another run`);
      }
      try {
        await replaceFileAtomically(this.#path, text);
      } catch (error) {
        throw new StateStoreError(`cannot write alert state to ${this.#path}`, { cause: error });
      }
      return digest(text);
    } finally {
      await unlock();
    }
  }

  async #currentVersion(): Promise<string | undefined> {
    try {
      return digest(await readFile(this.#path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateStoreError(`cannot read alert state from ${this.#path}`, { cause: error });
    }
  }

  /** Takes `<path>.lock`, waiting while another process holds it; returns its release. */
  async #lock(): Promise<() => Promise<void>> {
    const lock = `${this.#path}.lock`;
    const deadline = Date.now() + this.#lockWaitMs;
    for (;;) {
      try {
        await (await open(lock, 'wx')).close();
        return () => rm(lock, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StateStoreError(`cannot lock alert state ${this.#path}`, { cause: error });
        }
        if (Date.now() >= deadline) {
          throw new StateStoreError(
            `alert state ${this.#path} is locked by ${lock} for over ${this.#lockWaitMs} ms: ` +
              'if no other arch-auditor is running, a crashed one left it; delete it and run again',
            { cause: error },
          );
        }
        await sleep(20 + Math.random() * 30);
      }
    }
  }
}
