import { readFile, stat } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, visit } from 'yaml';
import { unknownCheckProblem } from '../checks/known.ts';
import { type ResolvedIntent, resolveIntent } from '../intent/resolve.ts';
import { type Intent, intentSchema } from '../intent/schema.ts';
import { IntentValidationError } from '../support/errors.ts';
import { formatPath, validate } from '../support/validate.ts';

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
  let json: unknown;
  try {
    json = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An unresolved alias or an alias bomb surfaces only when the document is turned into values;
    // point at the first alias, which is where such a document goes wrong.
    let line: number | undefined;
    visit(doc, {
      Alias: (_, node) => {
        line = node.range ? lineCounter.linePos(node.range[0]).line : undefined;
        return visit.BREAK;
      },
    });
    throw new IntentValidationError(source, [{ path: '', message: (error as Error).message, line }], {
      cause: error,
    });
  }
  const intent: Intent = validate(intentSchema, json, source, {
    lineOf,
    errorClass: IntentValidationError,
  });
  const unknown = unknownCheckIds(intent).map(({ path, problem }) => {
    const line = lineOf(path);
    return { path: formatPath(path), message: problem, ...(line ? { line } : {}) };
  });
  if (unknown.length > 0) throw new IntentValidationError(source, unknown);
  return { ...resolveIntent(intent), source };
};

/**
 * Every place the intent names a check that is not in the catalogue: an exception, a severity or a
 * disabled check with a typo would never match anything, so the intent would silently not apply.
 */
const unknownCheckIds = (intent: Intent): { path: PropertyKey[]; problem: string }[] =>
  [
    ...intent.exceptions.map((e, i) => ({ path: ['exceptions', i, 'check'], id: e.check })),
    ...Object.keys(intent.severity).map((id) => ({ path: ['severity', id], id })),
    ...intent.disabledChecks.map((id, i) => ({ path: ['disabledChecks', i], id })),
  ].flatMap(({ path, id }) => {
    const problem = unknownCheckProblem(id);
    return problem ? [{ path, problem }] : [];
  });

/** Reads an intent file, refusing a missing, unreadable or oversized one (by its size, before reading it). */
export const loadIntentFile = async (file: string): Promise<ResolvedIntent> => {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_INTENT_BYTES) {
      throw new IntentValidationError(file, [
        { path: '', message: `file is larger than ${MAX_INTENT_BYTES} bytes` },
      ]);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof IntentValidationError) throw error;
    throw new IntentValidationError(
      file,
      [{ path: '', message: `cannot be read: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return parseIntent(text, file);
};

/** The intent used when none is given: the private-backend principles with no recorded baseline. */
export const defaultIntent = (): ResolvedIntent =>
  parseIntent('version: 1\nprofile: private-backend\n', 'default intent');
