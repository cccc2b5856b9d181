import { DecryptCommand, GenerateDataKeyWithoutPlaintextCommand, type KMSClient } from '@aws-sdk/client-kms';
import { InputValidationError } from '../support/errors.ts';

/**
 * One fingerprint key for a whole fan-out run. Secrets are reduced to HMAC fingerprints under a key
 * kept in memory (collect/secrets.ts); a single process makes one at random, but the fan-out collects
 * CloudFront and API Gateway in separate invocations, and cloudfront.api-key-header compares their
 * fingerprints, so every item of a run must use the same key. The plan asks KMS for a data key it never
 * sees in plaintext and hands the items only its ciphertext (in S3 and the Map payloads); each item
 * decrypts it once and keeps the plaintext in memory. The encryption context binds it to its run.
 */
const RUN_CONTEXT = 'arch-auditor-run';
const KEY_BYTES = 32;

/** The KMS key of the run keys (FINGERPRINT_KEY: key id, ARN or alias), or an error naming the variable. */
export const fingerprintKeyId = (env: NodeJS.ProcessEnv = process.env): string => {
  const keyId = env.FINGERPRINT_KEY;
  if (!keyId) {
    throw new InputValidationError('environment', [
      {
        path: 'FINGERPRINT_KEY',
        message: 'is not set: the fan-out needs a KMS key for the run key its items fingerprint secrets with',
      },
    ]);
  }
  return keyId;
};

/** A new run key, encrypted under `keyId`: base64 of its ciphertext (the plaintext is never returned). */
export const newRunKey = async (kms: KMSClient, keyId: string, runId: string): Promise<string> => {
  const { CiphertextBlob } = await kms.send(
    new GenerateDataKeyWithoutPlaintextCommand({
      KeyId: keyId,
      KeySpec: 'AES_256',
      EncryptionContext: { [RUN_CONTEXT]: runId },
    }),
  );
  if (!CiphertextBlob?.length)
    throw new Error('kms:GenerateDataKeyWithoutPlaintext returned no CiphertextBlob');
  return Buffer.from(CiphertextBlob).toString('base64');
};

/** The run key in plaintext, for this invocation's memory only (never logged, returned or written). */
export const openRunKey = async (
  kms: KMSClient,
  keyId: string,
  runId: string,
  ciphertext: string,
): Promise<Buffer> => {
  const { Plaintext } = await kms.send(
    new DecryptCommand({
      KeyId: keyId,
      CiphertextBlob: Buffer.from(ciphertext, 'base64'),
      EncryptionContext: { [RUN_CONTEXT]: runId },
    }),
  );
  if (Plaintext?.length !== KEY_BYTES) throw new Error(`kms:Decrypt returned no ${KEY_BYTES}-byte run key`);
  return Buffer.from(Plaintext);
};
