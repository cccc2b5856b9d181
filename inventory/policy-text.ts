/**
 * Parses an API Gateway resource policy string.
 *
 * GetRestApi(s) returns `policy` as JSON text whose quotes are backslash-escaped
 * (`{\"Version\":\"2012-10-17\",...}`, with `/` often written `\/`), yet tools and emulators also
 * hand back the plain form. Both are accepted: the plain form is tried first; the escaped form is read
 * as the body of a JSON string literal (which undoes exactly one level of escaping) and then parsed.
 * Returns undefined when the text is neither.
 */
export const parsePolicyText = (text: string | undefined, depth = 0): unknown => {
  if (text === undefined || text.trim() === '') return undefined;
  const plain = tryParse(text);
  if (plain !== undefined && typeof plain === 'object' && plain !== null) return plain;
  // A document JSON-encoded once more (a JSON string holding the policy), as some tools write it.
  if (typeof plain === 'string') return depth < 2 ? parsePolicyText(plain, depth + 1) : undefined;
  // Raw control characters are not allowed inside a JSON string literal; escape them first so a
  // pretty-printed escaped policy still unescapes.
  const literal = `"${text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
  const unescaped = tryParse(literal);
  if (typeof unescaped !== 'string') return undefined;
  const parsed = tryParse(unescaped);
  return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
};

const tryParse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
