import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputValidationError } from './errors.ts';

/**
 * Replaces a file all or nothing: the text goes to a temporary file beside the target, which is
 * renamed over it only once complete, so a failed or interrupted write never leaves a partial file
 * that the next reader cannot parse. Rejects with the file system's error, the temporary file removed.
 */
export const replaceFileAtomically = async (file: string, text: string): Promise<void> => {
  const temporary = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

/**
 * Writes an output file the user named (a snapshot, an intent) all or nothing (replaceFileAtomically).
 * A target that cannot be written (a directory, no permission) is a bad argument: refused naming the
 * option that gave it.
 */
export const writeFileAtomically = async (file: string, text: string, option = '--out'): Promise<void> => {
  try {
    await replaceFileAtomically(file, text);
  } catch (error) {
    throw new InputValidationError(
      'command line',
      [{ path: option, message: `cannot write ${file}: ${(error as Error).message}` }],
      { cause: error },
    );
  }
};
