import fc from 'fast-check';
import { InputValidationError } from '../../support/errors.ts';

/**
 * Structure-aware mutators for the fuzz tests: a valid document (demo intent, demo snapshot, a good
 * invoke payload) is parsed, one to three edits are applied at random paths, and the result is
 * serialized again. Most mutants are invalid; the property is that each one is refused cleanly.
 */

/**
 * Each property runs hundreds of whole parses and audits: on a loaded 2-core machine that can pass the
 * default 20 s test timeout. The properties assert correctness, not speed (speed is `npm run bench`).
 */
export const FUZZ_TIMEOUT_MS = 120_000;

type Path = readonly (string | number)[];
type Json = unknown;

/** Values that have broken parsers before: wrong types, boundaries, prototype keys, odd strings. */
export const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    '',
    0,
    -1,
    1.5,
    65_536,
    2 ** 53 + 1,
    true,
    false,
    [],
    {},
    [null],
    { '': '' },
    '__proto__',
    'constructor',
    'vpc-',
    'sg-',
    'subnet-',
    '*',
    '\u0000',
    '\u202e',
    'ａｐ-northeast-1',
    '2026-02-30',
    '../../etc/passwd',
    'x'.repeat(10_000),
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

/** Keys to rename to or add: typos of real keys, prototype keys, empty and odd keys. */
const weirdKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'natmode', 'Id', 'id ', 'extra'),
  fc.string({ minLength: 1, maxLength: 8 }),
);

export interface Mutation {
  readonly kind: 'delete' | 'replace' | 'rename' | 'add' | 'duplicate' | 'wrap' | 'stringify' | 'empty';
  readonly at: number;
  readonly value: Json;
  readonly key: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'rename', 'add', 'duplicate', 'wrap', 'stringify', 'empty'),
  at: fc.nat(),
  value: weirdValue,
  key: weirdKey,
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every path in the document, root first. */
export const pathsOf = (value: Json, prefix: Path = []): Path[] => {
  const children = Array.isArray(value)
    ? value.flatMap((v, i) => pathsOf(v, [...prefix, i]))
    : isObject(value)
      ? Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))
      : [];
  return [prefix, ...children];
};

/** Own-property assignment, so a `__proto__` key becomes data (as JSON.parse makes it), not a prototype. */
const put = (target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

const getIn = (root: Json, path: Path): Json =>
  path.reduce<Json>((node, key) => (node as Record<string | number, unknown>)[key], root);

const apply = (root: Json, generated: Mutation): Json => {
  // fast-check hands the same constant ([], {}, [null]) to many runs: inserting it as is would let a
  // later mutation grow it in place, into every run after (and into a cycle when added to itself).
  const m = { ...generated, value: structuredClone(generated.value) };
  const paths = pathsOf(root);
  const path = paths[m.at % paths.length] as Path;
  const replaceAt = (value: Json): Json => {
    if (path.length === 0) return value;
    const parent = getIn(root, path.slice(0, -1)) as Record<string, unknown>;
    put(parent, path[path.length - 1] as string, value);
    return root;
  };
  const node = getIn(root, path);
  switch (m.kind) {
    case 'replace':
      return replaceAt(m.value);
    case 'wrap':
      return replaceAt([node]);
    case 'stringify':
      return replaceAt(JSON.stringify(node) ?? 'undefined');
    case 'empty':
      return replaceAt(Array.isArray(node) ? [] : isObject(node) ? {} : '');
    case 'delete': {
      if (path.length === 0) return undefined;
      const parent = getIn(root, path.slice(0, -1));
      const key = path[path.length - 1] as string | number;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key];
      return root;
    }
    case 'rename': {
      const parent = path.length > 0 ? getIn(root, path.slice(0, -1)) : undefined;
      if (!isObject(parent)) return replaceAt(m.value);
      const key = path[path.length - 1] as string;
      delete parent[key];
      put(parent, m.key === key ? `${key}_` : m.key, node);
      return root;
    }
    case 'add':
      if (Array.isArray(node)) node.push(m.value);
      else if (isObject(node)) put(node, m.key, m.value);
      else return replaceAt(m.value);
      return root;
    case 'duplicate':
      if (Array.isArray(node) && node.length > 0) node.push(structuredClone(node[0]));
      return root;
  }
};

/** Applies the mutations, in order, to a deep copy of `base`. */
export const mutate = (base: Json, mutations: readonly Mutation[]): Json =>
  mutations.reduce<Json>((doc, m) => apply(doc, m), structuredClone(base));

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

/** Text-level damage: truncation, inserted/deleted characters, odd bytes, swapped delimiters. */
export const textMutation = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.nat(text.length).map((n) => text.slice(0, n)),
    fc
      .tuple(fc.nat(text.length), fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY_SNIPPETS)))
      .map(([at, s]) => text.slice(0, at) + s + text.slice(at)),
    fc.tuple(fc.nat(text.length), fc.nat(40)).map(([at, n]) => text.slice(0, at) + text.slice(at + n)),
    fc
      .tuple(
        fc.nat(text.length),
        fc.constantFrom(':', '{', '}', '[', ']', ',', '"', "'", '-', '\t', ' ', '\n'),
      )
      .map(([at, c]) => text.slice(0, at) + c + text.slice(at + 1)),
  );

/** Snippets that stress YAML/JSON parsers: aliases, tags, directives, deep nesting, control bytes. */
export const NASTY_SNIPPETS = [
  '\n---\n',
  '\n...\n',
  '%YAML 1.1\n---\n',
  '\uFEFF',
  '\u0000',
  '\t',
  '!!binary aGVsbG8=',
  '!!js/function "function(){}"',
  '!Ref Foo',
  '&a [1]\nb: *a',
  '*undefined_alias',
  '<<: *a',
  '? [a, b]\n: c',
  '\nversion: 1\n',
  '\n__proto__: {polluted: true}\n',
  `${'['.repeat(2_000)}${']'.repeat(2_000)}`,
  `${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`,
  '"\\uD800"',
  '1e999',
  '-0',
  '0x10',
  '.nan',
];

/** An alias bomb ("billion laughs"): small text, exponential expansion. */
export const aliasBomb = (depth = 12): string => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= depth; i++) {
    lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\nversion: 1\nprofile: private-backend\n`;
};

/**
 * The property every refused input must meet: an InputValidationError (or subclass) with at least one
 * issue, each naming a field path or a line, and a message with no stack trace in it.
 */
export const expectCleanRefusal = (error: unknown): InputValidationError => {
  if (!(error instanceof InputValidationError)) {
    throw new Error(`expected an InputValidationError, got ${String(error)}`, { cause: error });
  }
  if (error.issues.length === 0) throw new Error('InputValidationError without issues');
  for (const issue of error.issues) {
    if (!issue.message) throw new Error(`issue without a message: ${JSON.stringify(issue)}`);
  }
  if (/\n\s+at .+:\d+:\d+/.test(error.message)) throw new Error(`stack trace in message: ${error.message}`);
  return error;
};

/** Runs `fn`; returns its result, or the clean refusal it threw (anything else fails the property). */
export const parsedOrRefused = <T>(
  fn: () => T,
): { ok: true; value: T } | { ok: false; error: InputValidationError } => {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: expectCleanRefusal(error) };
  }
};
