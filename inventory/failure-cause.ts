/**
 * Why an AWS call failed, as a class a person can act on. The report keeps the service's own code;
 * the class picks the advice (audit.incomplete) so a DNS failure is not met with "check AccessDenied".
 */
export type FailureCause =
  /** Nothing answered, or something that is not AWS answered (a proxy's or a web server's HTML page). */
  | 'network'
  /** The region does not exist or is not enabled for the account. */
  | 'region'
  /** The credentials are missing, invalid or expired. */
  | 'credentials'
  /** The credentials are fine; the role lacks the permission. */
  | 'permission'
  | 'throttling'
  /** The run's own deadline stopped the call. */
  | 'deadline'
  /** AWS answered, but with something unusable or with a server error. */
  | 'service';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
]);
const REGION_CODES = new Set(['OptInRequired', 'InvalidRegion', 'RegionDisabledException']);
const CREDENTIAL_CODES = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'CredentialsProviderError',
]);
const PERMISSION_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'Forbidden',
  'ForbiddenException',
]);
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
]);

/** The SDK's wording when a body is not the protocol's XML/JSON: the endpoint is not an AWS one. */
const NOT_AN_AWS_ANSWER =
  /Deserialization error|XML parse error|not valid JSON|Unexpected token|<html|<!DOCTYPE/i;

export const failureCause = (failure: {
  readonly code: string;
  readonly message: string;
  readonly region: string;
}): FailureCause => {
  const { code, message, region } = failure;
  if (code === 'DeadlineExceeded') return 'deadline';
  if (REGION_CODES.has(code)) return 'region';
  // A region name that does not exist has no endpoint: DNS is what fails (ec2.ap-nowhere-1.amazonaws.com).
  if (code === 'ENOTFOUND' && region !== 'global' && message.includes(`.${region}.`)) return 'region';
  if (NETWORK_CODES.has(code) || NOT_AN_AWS_ANSWER.test(message)) return 'network';
  if (CREDENTIAL_CODES.has(code)) return 'credentials';
  if (PERMISSION_CODES.has(code)) return 'permission';
  if (THROTTLING_CODES.has(code)) return 'throttling';
  return 'service';
};

/** Longest raw error text kept: enough for the service's sentence, not for a whole HTML page. */
export const MAX_ERROR_MESSAGE_CHARS = 300;

/**
 * The raw error text on one line: SDK messages run over several lines (an HTML page's text, the
 * "inspect the hidden field $response" hint), which would break every report and alert line.
 */
export const oneLineMessage = (message: string): string => {
  const line = message
    .replace(
      /\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\.?/g,
      '',
    )
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...line];
  return chars.length <= MAX_ERROR_MESSAGE_CHARS
    ? line
    : `${chars.slice(0, MAX_ERROR_MESSAGE_CHARS - 1).join('')}…`;
};
