import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { IntentValidationError } from '../errors.ts';
import { validate } from '../validate.ts';
import { type ResolvedIntent, resolveIntent } from './resolve.ts';
import { type Intent, intentSchema } from './schema.ts';

/** Largest intent file accepted; a larger one is almost certainly the wrong file. */
const MAX_INTENT_BYTES = 2 * 1024 * 1024;

/** Parses and validates intent YAML text; errors name the field path and its line. */
export const parseIntent = (text: string, source = 'intent'): ResolvedIntent => {
  if (Buffer.byteLength(text, 'utf8') > MAX_INTENT_BYTES) {
    throw new IntentValidationError(source, [
      { path: '', message: `file is larger than ${MAX_INTENT_BYTES} bytes` },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new IntentValidationError(
      source,
      doc.errors.map((e) => ({
        path: '',
        message: e.message.split('\n')[0] ?? e.message,
        line: e.linePos?.[0]?.line,
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    const node = doc.getIn(path as unknown[], true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  const intent: Intent = validate(intentSchema, doc.toJS({ maxAliasCount: 100 }), source, {
    lineOf,
    errorClass: IntentValidationError,
  });
  return resolveIntent(intent);
};

export const loadIntentFile = async (file: string): Promise<ResolvedIntent> =>
  parseIntent(await readFile(file, 'utf8'), file);

/** The intent used when none is given: the private-backend principles with no recorded baseline. */
export const defaultIntent = (): ResolvedIntent =>
  parseIntent('version: 1\nprofile: private-backend\n', 'default intent');
