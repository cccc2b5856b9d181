import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { InputValidationError } from '../support/errors.ts';
import { validate } from '../support/validate.ts';
import { writeFileAtomically } from '../support/write-file.ts';
import { inventorySchema } from './schema.ts';
import type { Inventory } from './types.ts';

/** Snapshots larger than this are refused rather than parsed into memory. */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

/** Parses and validates a saved inventory (a snapshot, or with inventoryPartSchema a fan-out part). */
export const parseSnapshot = (
  text: string,
  source: string,
  schema: z.ZodType<Inventory> = inventorySchema,
): Inventory => {
  if (text.length > MAX_SNAPSHOT_BYTES) {
    throw new InputValidationError(source, [
      { path: '', message: `file is larger than ${MAX_SNAPSHOT_BYTES} bytes` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputValidationError(
      source,
      [{ path: '', message: `not valid JSON: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return validate(schema, json, source);
};

/** Reads a snapshot file, refusing a missing, unreadable or oversized one (by its size, before reading it). */
export const readSnapshot = async (file: string): Promise<Inventory> => {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_SNAPSHOT_BYTES) {
      throw new InputValidationError(file, [
        { path: '', message: `file is larger than ${MAX_SNAPSHOT_BYTES} bytes` },
      ]);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputValidationError) throw error;
    throw new InputValidationError(
      file,
      [{ path: '', message: `cannot be read: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return parseSnapshot(text, file);
};

/** Written atomically: a failed write leaves no partial snapshot behind. */
export const writeSnapshot = async (file: string, inventory: Inventory): Promise<void> =>
  writeFileAtomically(file, `${JSON.stringify(inventory, null, 2)}\n`);
