import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PublishError } from '../support/errors.ts';
import type { AlertMessage } from './message.ts';
import { MAX_SNS_MESSAGE_BYTES, snsEnvelope } from './sns-message.ts';

/**
 * Publishes one message with MessageStructure 'json', so each protocol gets its own body:
 * - `https`: the Chatbot custom-notification JSON. Amazon Q Developer in chat applications (AWS Chatbot)
 *   subscribes to the topic as an HTTPS endpoint, so this is the key it reads. Any other HTTPS
 *   subscriber gets the same JSON, which is machine-readable anyway.
 * - `default`: the Japanese plain text. SNS uses `default` for every protocol without its own key, so
 *   email, email-json, SQS, Lambda and SMS all get the plain text; we do not repeat it under `email`,
 *   which would double the bytes counted against the 256 KiB limit for no change in what is delivered.
 * The Subject (email only) is printable ASCII under 100 characters (see MAX_SUBJECT_CHARS in render.ts).
 * Returns the SNS message id; rejects with PublishError.
 */
export const publishAlert = async (
  sns: SNSClient,
  topicArn: string,
  message: AlertMessage,
): Promise<string> => {
  const body = snsEnvelope(message);
  const bytes = Buffer.byteLength(body, 'utf8');
  // render.ts sizes every message below the limit; this guards a caller that built one by hand.
  if (bytes > MAX_SNS_MESSAGE_BYTES) {
    throw new PublishError(
      `alert message ${message.kind} ${message.part}/${message.parts} is ${bytes} bytes, over the SNS limit of ${MAX_SNS_MESSAGE_BYTES}`,
    );
  }
  try {
    const output = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        MessageStructure: 'json',
        Message: body,
        ...(message.subject ? { Subject: message.subject } : {}),
      }),
    );
    return output.MessageId ?? '';
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    throw new PublishError(
      `SNS Publish to ${topicArn} failed for ${message.kind} ${message.part}/${message.parts}: ${name}`,
      { cause: error },
    );
  }
};
