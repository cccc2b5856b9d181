import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputValidationError } from './errors.ts';

/**
 * Writes an output file all or nothing: the text goes to a temporary file beside the target, which
 * is renamed over it only once complete, so a failed or interrupted run never leaves a partial
 * snapshot or intent behind. A target that cannot be written (a directory, no permission) is a
 * bad argument: refused naming the option that gave it.
 */
export const writeFileAtomically = async (file: string, text: string, option = '--out'): Promise<void> => {
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
    throw new InputValidationError(
      'command line',
      [{ path: option, message: `cannot write ${file}: ${(error as Error).message}` }],
      { cause: error },
    );
  }
};
