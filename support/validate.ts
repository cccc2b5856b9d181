import { z } from 'zod';
import { InputValidationError } from './errors.ts';

/** Formats a zod issue path as `vpcs[0].natMode`. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );

/**
 * Validates untrusted input once, at the boundary. Throws an InputValidationError (or the given
 * subclass) naming each bad field and, when `lineOf` can tell, its line in the source file.
 */
export const validate = <S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string,
  options: {
    lineOf?: (path: readonly PropertyKey[]) => number | undefined;
    errorClass?: new (source: string, issues: { path: string; message: string; line?: number }[]) => Error;
  } = {},
): z.infer<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path as PropertyKey[];
    // Unknown keys are reported on the parent object; name the key itself.
    const keys = issue.code === 'unrecognized_keys' ? (issue.keys as string[]) : [];
    const fullPath = keys.length === 1 ? [...path, keys[0] as string] : path;
    const line = options.lineOf?.(fullPath) ?? options.lineOf?.(path);
    return { path: formatPath(fullPath), message: issue.message, ...(line ? { line } : {}) };
  });
  throw new (options.errorClass ?? InputValidationError)(source, issues);
};

/** Shared field schemas of the boundaries (invoke payloads, state machine input, CLI flags). */
export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region name such as ap-northeast-1');
export const accountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
export const checkIdSchema = z
  .string()
  .regex(/^[a-z0-9]+\.[a-z0-9-]+$/, 'must be a check id such as sg.world-ingress');
/** An Organizations OU id (ou-xxxx-yyyyyyyy) or root id (r-xxxx). */
export const organizationalUnitIdSchema = z
  .string()
  .regex(
    /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/,
    'must be an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)',
  );
/** An SNS topic ARN, the only thing `sns:Publish` takes here (a name or a URL reaches SNS and fails late). */
export const topicArnSchema = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
    'must be an SNS topic ARN such as arn:aws:sns:ap-northeast-1:123456789012:arch-auditor-alerts',
  );
