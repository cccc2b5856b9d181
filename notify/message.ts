import type { Report } from '../model/report.ts';
import type { ConsoleSignIn } from './console.ts';
import type { Item } from './items.ts';
import type { AlertDiff } from './state.ts';

/** The alert messages a run publishes, as the renderer hands them to the publisher. */

/** Parts a run may be split into before it becomes a single summary with counts. */
export const DEFAULT_MAX_PARTS = 5;

export type AlertKind = 'findings' | 'reminders' | 'recovery';

/** One message to publish: the same content for chat (Chatbot JSON) and for email (plain text). */
export interface AlertMessage {
  readonly kind: AlertKind;
  /** 1-based; `parts` > 1 when a large run was split. */
  readonly part: number;
  readonly parts: number;
  /** SNS Subject (email): printable ASCII only, at most 100 characters. */
  readonly subject: string;
  /** Japanese plain text for email and every other subscriber. */
  readonly text: string;
  readonly chatbot: ChatbotNotification;
  /** Fingerprints shown in detail in this message. */
  readonly fingerprints: readonly string[];
  /**
   * Fingerprints this message delivers: the ones shown in detail, plus, in a summary, the ones only
   * counted. Once the message is published, the alert state advances for exactly these.
   */
  readonly covers: readonly string[];
  /** Findings of this kind in the whole run (the counts the message states). */
  readonly total: number;
  /** True when the run was too large to list: counts for all, details for the most severe only. */
  readonly summarized: boolean;
}

export interface RenderInput {
  readonly report: Report;
  readonly diff: Pick<AlertDiff, 'newFindings' | 'changed' | 'reminders' | 'recovered' | 'nextState'>;
  /** The previous alert state could not be read: every open finding is alerted, and the message says so. */
  readonly stateUnavailable?: boolean;
  /** Why the state was unavailable (our own error message; it holds no secret). */
  readonly stateError?: string;
  /** Reminder cadence, stated in the reminder digest. */
  readonly remindAfterHours?: number;
  /** Where the run's HTML report can be opened (the S3 console's page: sign-in required), when written. */
  readonly reportUrl?: string;
  /** Console links open in the finding's account through this portal (IAM Identity Center). */
  readonly consoleSignIn?: ConsoleSignIn;
}

export interface RenderOptions {
  readonly maxMessageBytes?: number;
  readonly maxParts?: number;
}

/**
 * Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notification, as documented in
 * "Custom notifications using Amazon Q Developer in chat applications"
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, "Event schema" and
 * "Parameter details"): `version` must be "1.0", `source` must be "custom", `description` is the one
 * required content field, and `client-markdown` is the only supported `textType` (rendered in the
 * target chat platform's markdown). A payload that does not match is not posted, silently.
 */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title?: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata?: {
    readonly threadId?: string;
    readonly summary?: string;
    readonly eventType?: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

/** One kind of message (findings, reminders, recovery) before it is split into parts. */
export interface KindSpec {
  readonly kind: AlertKind;
  readonly items: readonly Item[];
  /** Title without part suffix, e.g. "🔴 [arch-auditor] 新しい検出 3 件（緊急 1・高 2）— 123… ap-…". */
  readonly title: string;
  /** Subject parts: what and how many (always), then the account and regions while they fit. */
  readonly subject: { readonly head: string; readonly optional: readonly (readonly string[])[] };
  /** Lines after the context and banners, before the items. */
  readonly lead: readonly string[];
  readonly footer: readonly string[];
  /** Group items under severity headings (findings and reminders); recovery is one flat list. */
  readonly grouped: boolean;
  readonly eventType: string;
}
