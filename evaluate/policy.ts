import { parsePolicyText } from '../inventory/policy-text.ts';
/**
 * A pure, IAM-style evaluator for resource policies (written for API Gateway REST API policies).
 *
 * It answers one question: given a request (principal, action, resource, condition keys), does the
 * policy allow it? Semantics follow the IAM policy evaluation logic: an explicit Deny beats any Allow,
 * and without a matching Allow the request is implicitly denied. Logic is three-valued: a condition
 * operator or key the evaluator does not model yields 'unknown' instead of a guess, so a caller can
 * report "could not be decided" rather than a false pass.
 */

/** Three-valued truth: 'unknown' when the policy uses something the evaluator does not model. */
export type Tri = boolean | 'unknown';

const and3 = (values: readonly Tri[]): Tri =>
  values.includes(false) ? false : values.includes('unknown') ? 'unknown' : true;
const or3 = (values: readonly Tri[]): Tri =>
  values.includes(true) ? true : values.includes('unknown') ? 'unknown' : false;
const not3 = (value: Tri): Tri => (value === 'unknown' ? 'unknown' : !value);

// ------------------------------------------------------------------------------------------ Document

/** One `Condition` entry: an operator, a key and the values it compares against (as written). */
export interface ConditionClause {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** `Principal`/`NotPrincipal`: '*' or a map of principal type → values. */
export type PrincipalSpec = '*' | Readonly<Record<string, readonly string[]>>;

export interface PolicyStatement {
  /** Position in the document (0-based), for messages when there is no Sid. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
  readonly version?: string;
  readonly statements: readonly PolicyStatement[];
}

export type ParsePolicyResult =
  | { readonly ok: true; readonly document: PolicyDocument }
  | { readonly ok: false; readonly reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const scalarToString = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** A policy element that may be one value or a list (IAM accepts both). */
const stringList = (v: unknown): string[] | undefined => {
  const items = Array.isArray(v) ? v : [v];
  const out = items.map(scalarToString);
  return out.every((s): s is string => s !== undefined) ? out : undefined;
};

const parsePrincipal = (v: unknown): PrincipalSpec | undefined => {
  if (v === '*') return '*';
  if (!isRecord(v)) return undefined;
  const out: Record<string, readonly string[]> = {};
  for (const [type, values] of Object.entries(v)) {
    const list = stringList(values);
    if (!list) return undefined;
    out[type] = list;
  }
  return out;
};

/** Reads an element by name, case-insensitively (IAM element names are case-sensitive, API Gateway is lenient). */
const field = (o: Record<string, unknown>, name: string): unknown => {
  const k = Object.keys(o).find((key) => key.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
};

const parseStatement = (raw: unknown, index: number): PolicyStatement | string => {
  if (!isRecord(raw)) return `Statement[${index}] is not an object`;
  const effect = field(raw, 'Effect');
  if (effect !== 'Allow' && effect !== 'Deny') return `Statement[${index}].Effect must be Allow or Deny`;
  const sid = scalarToString(field(raw, 'Sid'));
  const list = (name: string): readonly string[] | undefined | string => {
    const v = field(raw, name);
    if (v === undefined) return undefined;
    return stringList(v) ?? `Statement[${index}].${name} must be a string or a list of strings`;
  };
  const action = list('Action');
  const notAction = list('NotAction');
  const resource = list('Resource');
  const notResource = list('NotResource');
  for (const v of [action, notAction, resource, notResource]) if (typeof v === 'string') return v;
  if ((action === undefined) === (notAction === undefined))
    return `Statement[${index}] needs exactly one of Action and NotAction`;
  const principalRaw = field(raw, 'Principal');
  const notPrincipalRaw = field(raw, 'NotPrincipal');
  const principal = principalRaw === undefined ? undefined : parsePrincipal(principalRaw);
  const notPrincipal = notPrincipalRaw === undefined ? undefined : parsePrincipal(notPrincipalRaw);
  if (principalRaw !== undefined && !principal) return `Statement[${index}].Principal is malformed`;
  if (notPrincipalRaw !== undefined && !notPrincipal) return `Statement[${index}].NotPrincipal is malformed`;
  // A resource policy statement without a principal applies to nobody; AWS rejects it on save.
  if (!principal && !notPrincipal) return `Statement[${index}] has no Principal`;

  const conditions: ConditionClause[] = [];
  const conditionRaw = field(raw, 'Condition');
  if (conditionRaw !== undefined) {
    if (!isRecord(conditionRaw)) return `Statement[${index}].Condition is not an object`;
    for (const [operator, block] of Object.entries(conditionRaw)) {
      if (!isRecord(block)) return `Statement[${index}].Condition.${operator} is not an object`;
      for (const [key, values] of Object.entries(block)) {
        const list = stringList(values);
        if (!list) return `Statement[${index}].Condition.${operator}.${key} has a non-scalar value`;
        conditions.push({ operator, key, values: list });
      }
    }
  }
  return {
    index,
    effect,
    conditions,
    ...(sid !== undefined ? { sid } : {}),
    ...(principal ? { principal } : {}),
    ...(notPrincipal ? { notPrincipal } : {}),
    ...(typeof action === 'object' ? { action } : {}),
    ...(typeof notAction === 'object' ? { notAction } : {}),
    ...(typeof resource === 'object' ? { resource } : {}),
    ...(typeof notResource === 'object' ? { notResource } : {}),
  };
};

/**
 * Turns a policy as API Gateway or a fixture hands it over into a document. Accepts a parsed object,
 * plain JSON text, or the JSON-escaped text GetRestApi returns (`{\"Version\":...}`), and JSON that
 * was encoded twice.
 */
export const parsePolicy = (input: unknown): ParsePolicyResult => {
  // GetRestApi returns the policy with its quotes backslash-escaped; parsePolicyText reads both forms.
  const value = typeof input === 'string' ? parsePolicyText(input) : input;
  if (value === undefined) return { ok: false, reason: 'policy is not valid JSON' };
  if (!isRecord(value)) return { ok: false, reason: 'policy is not a JSON object' };
  const statementRaw = field(value, 'Statement');
  if (statementRaw === undefined) return { ok: false, reason: 'policy has no Statement' };
  const rawStatements = Array.isArray(statementRaw) ? statementRaw : [statementRaw];
  const statements: PolicyStatement[] = [];
  for (const [i, raw] of rawStatements.entries()) {
    const s = parseStatement(raw, i);
    if (typeof s === 'string') return { ok: false, reason: s };
    statements.push(s);
  }
  const version = scalarToString(field(value, 'Version'));
  return { ok: true, document: { statements, ...(version !== undefined ? { version } : {}) } };
};

// ------------------------------------------------------------------------------------------- Request

/** Who signs the request: nobody (anonymous) or an IAM principal of some account. */
export type RequestPrincipal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'iam'; readonly account: string; readonly arn: string };

export interface PolicyRequest {
  readonly principal: RequestPrincipal;
  readonly action: string;
  /** Full ARN of the invoked resource. */
  readonly resource: string;
  /** Condition keys present in the request, by lower-case name (IAM key names are case-insensitive). */
  readonly keys: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Lower-case keys the caller's model decides: such a key missing from `keys` is absent from the
   * request. A condition on any other key is 'unknown'.
   */
  readonly knownKeys: ReadonlySet<string>;
}

export interface EvaluateOptions {
  /** Expands shorthand resources (API Gateway's `execute-api:/*`) into ARNs before matching. */
  readonly expandResource?: (pattern: string) => string;
}

/** Why a statement's outcome is unknown, for messages. */
export interface UnknownReason {
  readonly statement: PolicyStatement;
  readonly reason: string;
}

export interface PolicyDecision {
  readonly decision: 'allow' | 'deny' | 'unknown';
  /** True when an explicit Deny decided it (false: implicit default deny or allow). */
  readonly explicitDeny: boolean;
  /** Allow statements that matched the request. */
  readonly allowedBy: readonly PolicyStatement[];
  /** Deny statements that matched the request. */
  readonly deniedBy: readonly PolicyStatement[];
  readonly unknown: readonly UnknownReason[];
}

// ------------------------------------------------------------------------------------------ Matching

/** IAM wildcard match: `*` any run of characters (including none and `/`), `?` exactly one. */
export const wildcardMatch = (pattern: string, value: string, ignoreCase = false): boolean => {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  // Iterative glob with backtracking over the last `*`: linear in practice, no regex escaping pitfalls.
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = vi;
    } else if (star !== -1) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
};

const ACCOUNT_ID = /^\d{12}$/;

/** The account of a principal ARN (`arn:aws:iam::123456789012:root`, `…:role/x`, `arn:aws:sts::…`). */
export const accountOfArn = (arn: string): string | undefined => {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && ACCOUNT_ID.test(parts[4] ?? '') ? parts[4] : undefined;
};

/**
 * Principal matching for a resource policy. '*' and {"AWS": "*"} match every caller, anonymous
 * included. An account id or `arn:…:root` matches every IAM principal of that account; any other ARN
 * matches that principal only. Service/Federated/CanonicalUser principals never call execute-api.
 */
const principalMatches = (spec: PrincipalSpec, principal: RequestPrincipal): boolean => {
  if (spec === '*') return true;
  return Object.entries(spec).some(([type, values]) => {
    if (type.toUpperCase() !== 'AWS') return false;
    return values.some((v) => {
      if (v === '*') return true;
      if (principal.kind !== 'iam') return false;
      if (ACCOUNT_ID.test(v)) return principal.account === v;
      if (/^arn:[^:]+:iam::\d{12}:root$/.test(v)) return principal.account === accountOfArn(v);
      return principal.arn === v;
    });
  });
};

interface ParsedOperator {
  readonly base: string;
  readonly set?: 'any' | 'all';
  readonly ifExists: boolean;
}

const parseOperator = (operator: string): ParsedOperator => {
  let rest = operator.toLowerCase();
  let set: 'any' | 'all' | undefined;
  if (rest.startsWith('foranyvalue:')) {
    set = 'any';
    rest = rest.slice('foranyvalue:'.length);
  } else if (rest.startsWith('forallvalues:')) {
    set = 'all';
    rest = rest.slice('forallvalues:'.length);
  }
  const ifExists = rest.endsWith('ifexists');
  if (ifExists) rest = rest.slice(0, -'ifexists'.length);
  return { base: rest, ifExists, ...(set ? { set } : {}) };
};

/** Operators whose meaning is "matches none of the values": true when the key is absent. */
const NEGATED = new Set([
  'stringnotequals',
  'stringnotequalsignorecase',
  'stringnotlike',
  'notipaddress',
  'arnnotequals',
  'arnnotlike',
]);

/** The positive comparison behind each supported operator. */
const POSITIVE: Readonly<Record<string, (value: string, pattern: string) => Tri>> = {
  stringequals: (v, p) => v === p,
  stringnotequals: (v, p) => v === p,
  stringequalsignorecase: (v, p) => v.toLowerCase() === p.toLowerCase(),
  stringnotequalsignorecase: (v, p) => v.toLowerCase() === p.toLowerCase(),
  stringlike: (v, p) => wildcardMatch(p, v),
  stringnotlike: (v, p) => wildcardMatch(p, v),
  arnequals: (v, p) => wildcardMatch(p, v),
  arnlike: (v, p) => wildcardMatch(p, v),
  arnnotequals: (v, p) => wildcardMatch(p, v),
  arnnotlike: (v, p) => wildcardMatch(p, v),
  ipaddress: (v, p) => ipInCidr(v, p),
  notipaddress: (v, p) => ipInCidr(v, p),
  bool: (v, p) => v.toLowerCase() === p.toLowerCase(),
};

/** Supported condition operators (lower-case, without ForAnyValue:/ForAllValues:/IfExists). */
export const SUPPORTED_OPERATORS: ReadonlySet<string> = new Set([...Object.keys(POSITIVE), 'null']);

const evaluateClause = (clause: ConditionClause, request: PolicyRequest): Tri => {
  const op = parseOperator(clause.operator);
  const key = clause.key.toLowerCase();
  if (!SUPPORTED_OPERATORS.has(op.base)) return 'unknown';
  if (!request.knownKeys.has(key)) return 'unknown';
  const raw = request.keys[key];
  const present = raw !== undefined;
  if (op.base === 'null') {
    // Null: "true" means the key must be absent, "false" that it must be present.
    return clause.values.some((v) => (v.toLowerCase() === 'true' ? !present : present));
  }
  const compare = POSITIVE[op.base] as (value: string, pattern: string) => Tri;
  const negated = NEGATED.has(op.base);
  // Multiple values of one key are ORed; a negated operator therefore means "matches none of them".
  const test = (value: string): Tri => {
    const any = or3(clause.values.map((p) => compare(value, p)));
    return negated ? not3(any) : any;
  };
  const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  if (op.set === 'all') return values.length === 0 ? true : and3(values.map(test));
  if (!present || values.length === 0) {
    // An absent key: IfExists makes the clause true; so does a negated operator (nothing to match);
    // ForAnyValue over an empty set is false.
    if (op.ifExists) return true;
    return op.set === 'any' ? false : negated;
  }
  return or3(values.map(test));
};

const statementApplies = (
  s: PolicyStatement,
  request: PolicyRequest,
  options: EvaluateOptions,
): { readonly applies: Tri; readonly reason?: string } => {
  const principalOk = s.principal
    ? principalMatches(s.principal, request.principal)
    : !principalMatches(s.notPrincipal ?? {}, request.principal);
  if (!principalOk) return { applies: false };
  const actionIn = (list: readonly string[]) => list.some((a) => wildcardMatch(a, request.action, true));
  if (s.action && !actionIn(s.action)) return { applies: false };
  if (s.notAction && actionIn(s.notAction)) return { applies: false };
  const expand = options.expandResource ?? ((p: string) => p);
  const resourceIn = (list: readonly string[]) =>
    list.some((r) => wildcardMatch(expand(r), request.resource));
  // A statement without Resource/NotResource is only legal in identity policies; treat it as '*'.
  if (s.resource && !resourceIn(s.resource)) return { applies: false };
  if (s.notResource && resourceIn(s.notResource)) return { applies: false };
  const results = s.conditions.map((c) => ({ c, r: evaluateClause(c, request) }));
  const applies = and3(results.map((x) => x.r));
  if (applies !== 'unknown') return { applies };
  const unknownClause = results.find((x) => x.r === 'unknown')?.c;
  return {
    applies,
    ...(unknownClause ? { reason: `${unknownClause.operator} ${unknownClause.key}` } : {}),
  };
};

/**
 * Evaluates the policy for one request. Explicit Deny wins over Allow; no Allow means implicit deny.
 * 'unknown' when the outcome hinges on a statement whose condition cannot be decided.
 */
export const evaluatePolicy = (
  document: PolicyDocument,
  request: PolicyRequest,
  options: EvaluateOptions = {},
): PolicyDecision => {
  const allowedBy: PolicyStatement[] = [];
  const deniedBy: PolicyStatement[] = [];
  const unknownAllow: UnknownReason[] = [];
  const unknownDeny: UnknownReason[] = [];
  for (const s of document.statements) {
    const { applies, reason } = statementApplies(s, request, options);
    if (applies === true) (s.effect === 'Deny' ? deniedBy : allowedBy).push(s);
    if (applies === 'unknown')
      (s.effect === 'Deny' ? unknownDeny : unknownAllow).push({ statement: s, reason: reason ?? '' });
  }
  if (deniedBy.length > 0) return { decision: 'deny', explicitDeny: true, allowedBy, deniedBy, unknown: [] };
  const mayAllow = allowedBy.length > 0 || unknownAllow.length > 0;
  if (!mayAllow) return { decision: 'deny', explicitDeny: false, allowedBy, deniedBy, unknown: [] };
  if (unknownDeny.length > 0)
    return { decision: 'unknown', explicitDeny: false, allowedBy, deniedBy, unknown: unknownDeny };
  if (allowedBy.length > 0)
    return { decision: 'allow', explicitDeny: false, allowedBy, deniedBy, unknown: [] };
  return { decision: 'unknown', explicitDeny: false, allowedBy, deniedBy, unknown: unknownAllow };
};

// ------------------------------------------------------------------------------------ Helpers for callers

/**
 * API Gateway's shorthand `execute-api:/<stage>/<method>/<path>` stands for the ARN of the API the
 * policy is attached to; it is expanded before matching.
 */
export const executeApiResourceExpander =
  (partition: string, region: string, account: string, apiId: string) =>
  (pattern: string): string =>
    pattern.startsWith('execute-api:/')
      ? `arn:${partition}:execute-api:${region}:${account}:${apiId}/${pattern.slice('execute-api:/'.length)}`
      : pattern;

/** Every value a condition on `key` (case-insensitive) compares against, in document order. */
export const conditionValues = (document: PolicyDocument, key: string): string[] => [
  ...new Set(
    document.statements.flatMap((s) =>
      s.conditions.filter((c) => c.key.toLowerCase() === key.toLowerCase()).flatMap((c) => c.values),
    ),
  ),
];

/** Every AWS principal value (account ids and ARNs) named in Principal or NotPrincipal. */
export const principalValues = (document: PolicyDocument): string[] => [
  ...new Set(
    document.statements.flatMap((s) =>
      [s.principal, s.notPrincipal].flatMap((p) =>
        p === undefined || p === '*'
          ? []
          : Object.entries(p).flatMap(([type, values]) => (type.toUpperCase() === 'AWS' ? values : [])),
      ),
    ),
  ),
];

// ----------------------------------------------------------------------------------------------- IP

const parseIpv4 = (ip: string): bigint | undefined => {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
};

const parseIpv6 = (ip: string): bigint | undefined => {
  if (!/^[0-9a-f:]+$/i.test(ip) || ip.split('::').length > 2) return undefined;
  const [head = '', tail] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - h.length - t.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const groups = [...h, ...Array<string>(missing).fill('0'), ...t];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
};

const parseIp = (ip: string): { readonly value: bigint; readonly bits: number } | undefined => {
  const v4 = parseIpv4(ip);
  if (v4 !== undefined) return { value: v4, bits: 32 };
  const v6 = parseIpv6(ip);
  return v6 === undefined ? undefined : { value: v6, bits: 128 };
};

/** True when the address lies in the CIDR (a bare address is a /32 or /128); 'unknown' if unparseable. */
export const ipInCidr = (ip: string, cidr: string): Tri => {
  const [base = '', prefixText] = cidr.split('/');
  const addr = parseIp(ip);
  const net = parseIp(base);
  if (!addr || !net) return 'unknown';
  if (addr.bits !== net.bits) return false;
  const prefix = prefixText === undefined ? net.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > net.bits) return 'unknown';
  const shift = BigInt(net.bits - prefix);
  return addr.value >> shift === net.value >> shift;
};
