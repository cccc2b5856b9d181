import type { AlertMessage } from './message.ts';

/** What SNS accepts: the JSON envelope per protocol, its size in bytes, and an ASCII Subject. */

/**
 * Amazon SNS Publish: "messages must be UTF-8 encoded strings and at most 256 KB in size (262,144
 * bytes, not 262,144 characters)". With MessageStructure 'json' that is the whole JSON envelope.
 */
export const MAX_SNS_MESSAGE_BYTES = 262_144;

/**
 * SNS Subject (email): "less than 100 characters", no line breaks or control characters. The API
 * reference now says UTF-8 text, but AWS documents SNS replacing a Subject with non-ASCII characters
 * by "Error - contains control- or non-ASCII characters" (Amazon Managed Service for Prometheus,
 * "Understanding Amazon SNS message validation rules"), and the SNS console states ASCII only. So the
 * Subject stays printable ASCII; the Japanese is in the body.
 */
export const MAX_SUBJECT_CHARS = 99;

const asciiSubject = (text: string): string =>
  text
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * A Subject built from whole parts: `head`, then each optional part (the first alternative that
 * still fits), then `suffix` (the part number). Nothing is cut in the middle of a region or an id.
 */
export const buildSubject = (head: string, optional: readonly (readonly string[])[], suffix = ''): string => {
  const tail = suffix ? ` ${suffix}` : '';
  let subject = asciiSubject(head).slice(0, MAX_SUBJECT_CHARS - tail.length);
  for (const alternatives of optional) {
    const fits = alternatives
      .map((part) => `${subject} | ${asciiSubject(part)}`)
      .find((candidate) => candidate.length + tail.length <= MAX_SUBJECT_CHARS);
    if (fits) subject = fits;
  }
  return `${subject}${tail}`;
};

/** The account and the regions with findings, as Subject parts with shorter fallbacks. */
export const subjectWhere = (account: string, regions: readonly string[]): string[][] => {
  const accounts = account.split(', ');
  return [
    accounts.length === 1 ? [`account ${account}`] : [`accounts ${account}`, `${accounts.length} accounts`],
    regions.length === 0
      ? []
      : [
          regions.join(', '),
          ...(regions.length > 1 ? [`${regions[0]} +${regions.length - 1} regions`] : []),
          `${regions.length} regions`,
        ],
  ];
};

export const jsonBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

/** The bytes SNS counts for a message, as published (see publish.ts). */
export const snsEnvelope = (message: Pick<AlertMessage, 'text' | 'chatbot'>): string =>
  JSON.stringify({ default: message.text, https: JSON.stringify(message.chatbot) });

export const snsEnvelopeBytes = (message: Pick<AlertMessage, 'text' | 'chatbot'>): number =>
  Buffer.byteLength(snsEnvelope(message), 'utf8');
