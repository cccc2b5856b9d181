import { createHmac, randomBytes } from 'node:crypto';

/**
 * Reduces a secret (CloudFront custom header value, API key value) to a keyed fingerprint at the
 * collection boundary. The key is random per run and never written anywhere, so a fingerprint in a
 * snapshot cannot be brute-forced back to the value, yet two equal values in one run compare equal.
 */
export type Fingerprinter = (secret: string) => string;

export const createFingerprinter =
  (key: Buffer = randomBytes(32)): Fingerprinter =>
  (secret) =>
    `hmac:${createHmac('sha256', key).update(secret, 'utf8').digest('hex').slice(0, 32)}`;
