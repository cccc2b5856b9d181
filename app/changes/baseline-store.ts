import { readFile } from 'node:fs/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { inventorySchema } from '../../inventory/schema.ts';
import type { Inventory } from '../../inventory/types.ts';
import { writeFileAtomically } from '../../support/write-file.ts';

/**
 * The last complete inventory, kept next to the alert state, and the CloudTrail event ids already
 * audited (EventBridge delivers at least once: a repeat is recognised across batches too). It holds
 * what a snapshot holds: secrets only as fingerprints.
 */
export interface Baseline {
  /** Absent when voided: the next change-triggered run reads everything. */
  readonly inventory?: Inventory;
  readonly seenEventIds: readonly string[];
  /** Why the inventory was voided (another run saved its own in between). */
  readonly voided?: string;
}

/** Event ids remembered: far more than one burst, few enough to stay small. */
export const MAX_SEEN_EVENT_IDS = 2000;

const storedSchema = z.strictObject({
  version: z.literal(1),
  savedAt: z.iso.datetime(),
  seenEventIds: z.array(z.string()),
  inventory: inventorySchema.nullable(),
  voided: z.string().optional(),
});

export interface LoadedBaseline {
  readonly baseline?: Baseline;
  /** The stored object's version, for a compare-and-swap save. */
  readonly version?: string;
  /** Why nothing usable was read (unreadable, unexpected shape): the run then reads everything. */
  readonly problem?: string;
}

export interface BaselineStore {
  /** Never throws: an unreadable baseline is a run that reads everything, and says why. */
  load(): Promise<LoadedBaseline>;
  /**
   * Saves the baseline if nothing was saved since `version` was read; otherwise voids the stored one
   * (another run's inventory may predate this run's changes) and returns false.
   */
  save(baseline: Baseline, version: string | undefined): Promise<boolean>;
}

const parse = (text: string, where: string): LoadedBaseline => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: `${where} is not valid JSON` };
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) return { problem: `${where} has an unexpected shape` };
  const { inventory, seenEventIds, voided } = parsed.data;
  return {
    baseline: {
      seenEventIds,
      ...(inventory ? { inventory: inventory as Inventory } : {}),
      ...(voided ? { voided } : {}),
    },
  };
};

const serialize = (baseline: Baseline): string =>
  JSON.stringify({
    version: 1,
    savedAt: new Date().toISOString(),
    seenEventIds: baseline.seenEventIds.slice(-MAX_SEEN_EVENT_IDS),
    inventory: baseline.inventory ?? null,
    ...(baseline.voided ? { voided: baseline.voided } : {}),
  });

const errorName = (error: unknown): string => (error instanceof Error ? error.name : String(error));

export const DEFAULT_BASELINE_KEY = 'arch-auditor/inventory.json';

/** The Lambda's baseline: one object in the state bucket, saved compare-and-swap like the alert state. */
export class S3BaselineStore implements BaselineStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string = DEFAULT_BASELINE_KEY,
  ) {}

  async load(): Promise<LoadedBaseline> {
    const where = `s3://${this.bucket}/${this.key}`;
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      const text = (await output.Body?.transformToString('utf-8')) ?? '';
      return { ...parse(text, where), ...(output.ETag ? { version: output.ETag } : {}) };
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return {};
      return { problem: `cannot read ${where}: ${errorName(error)}` };
    }
  }

  async save(baseline: Baseline, version: string | undefined): Promise<boolean> {
    const put = (body: string, condition: object) =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: body,
          ContentType: 'application/json',
          ...condition,
        }),
      );
    try {
      await put(serialize(baseline), version === undefined ? { IfNoneMatch: '*' } : { IfMatch: version });
      return true;
    } catch (error) {
      if (!['PreconditionFailed', 'ConditionalRequestConflict', 'NoSuchKey'].includes(errorName(error)))
        throw error;
      await put(
        serialize({
          seenEventIds: baseline.seenEventIds,
          voided: 'another run saved its inventory at the same time',
        }),
        {},
      );
      return false;
    }
  }
}

/** The CLI's baseline: a file next to its alert state file. */
export class FileBaselineStore implements BaselineStore {
  constructor(private readonly path: string) {}

  async load(): Promise<LoadedBaseline> {
    try {
      return parse(await readFile(this.path, 'utf8'), this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      return { problem: `cannot read ${this.path}: ${errorName(error)}` };
    }
  }

  async save(baseline: Baseline): Promise<boolean> {
    await writeFileAtomically(this.path, serialize(baseline));
    return true;
  }
}
