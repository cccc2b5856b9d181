import { setTimeout as sleep } from 'node:timers/promises';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Report } from '../model/report.ts';
import type { ConsoleSignIn } from './console.ts';
import { StateConflictError, StateStoreError } from './errors.ts';
import type { AlertMessage, RenderOptions } from './message.ts';
import { publishAlert } from './publish.ts';
import { renderAlerts } from './render.ts';
import {
  type AlertDiff,
  type AlertState,
  advanceState,
  announcedIn,
  diffAgainstState,
  onlyAnnouncing,
  type StateStore,
  type StoredState,
  stateBeforeAlerts,
} from './state.ts';

export { CHATBOT_LIMITS } from './chatbot.ts';
export { accountConsoleUrl, type ConsoleSignIn, consoleUrl } from './console.ts';
export { StateConflictError, StateStoreError } from './errors.ts';
export type { AlertMessage, ChatbotNotification, RenderInput } from './message.ts';
export { publishAlert } from './publish.ts';
export { renderAlerts } from './render.ts';
export { MAX_SNS_MESSAGE_BYTES } from './sns-message.ts';
export {
  type AlertDiff,
  type AlertState,
  type AlertStateEntry,
  advanceState,
  alertStateSchema,
  diffAgainstState,
  FileStateStore,
  S3StateStore,
  type StateStore,
  type StoredState,
  stateBeforeAlerts,
} from './state.ts';

/** Races a run may lose to another run writing the state before it gives up and fails. */
export const MAX_STATE_CONFLICTS = 5;

export interface SendAlertsInput extends RenderOptions {
  readonly report: Report;
  readonly store: StateStore;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly now: Date;
  /** Re-send still-open findings as a digest after this many hours; `Infinity` never reminds. */
  readonly remindAfterHours: number;
  /**
   * The check ids of a run restricted to some checks (on-demand invoke with `checks`): only their
   * findings can recover; the others were not looked at. Omit for a full run.
   */
  readonly checksRun?: readonly string[];
  /** The run's HTML report, linked from every message (app/html-report.ts). */
  readonly reportUrl?: string;
  /** Console links open in each finding's account through this portal. */
  readonly consoleSignIn?: ConsoleSignIn;
}

export interface SendAlertsResult {
  /** What this run published, in order. */
  readonly messages: readonly AlertMessage[];
  readonly messageIds: readonly string[];
  /** The previous state could not be read, so every open finding was alerted. */
  readonly stateUnavailable: boolean;
  /** What this run found against the state it first read (after a lost race, it may send less). */
  readonly diff: AlertDiff;
  /** Times another run wrote the state first, so this run read it again and decided again. */
  readonly stateConflicts: number;
}

/**
 * Load state → diff → render → for each message: publish it, then save the state advanced by exactly
 * the findings that message delivered, as a compare-and-swap on the version loaded.
 *
 * Why this order: a failed publish throws PublishError before its save, so the state still holds
 * everything this run had not yet sent and the retried run sends exactly that: the messages already
 * out are not repeated, the rest are not lost. Saving first and publishing second could lose an alert
 * for good. A failed save after a successful publish throws StateStoreError and stops the run: the next
 * run may then repeat that one message. That duplicate is the one we cannot avoid (SNS and the store
 * share no transaction), and a duplicate beats a loss.
 *
 * Two runs at once (the schedule and an on-demand invoke): a save refused because another run wrote
 * first (StateConflictError) writes nothing. The run then reads the state again, puts back on it what
 * its own published-but-unsaved message told, and decides again what is still to be announced, sending
 * only what it found itself and the fresher state still lacks: what the other run already announced is
 * not repeated, what the other run saved (an open finding, a recovery still to come) is kept. After
 * MAX_STATE_CONFLICTS lost races it fails. At worst a message goes out twice when both runs decide it
 * from the same state and publish it before either saves.
 *
 * When the state cannot be read, we cannot tell old from new, so everything open is alerted and the
 * message says why (stateUnavailable), instead of staying silent.
 */
export const sendAlerts = async (input: SendAlertsInput): Promise<SendAlertsResult> => {
  const { report, store, now, remindAfterHours } = input;
  let stored: StoredState;
  let stateError: string | undefined;
  try {
    stored = await store.load();
  } catch (error) {
    stateError = error instanceof Error ? error.message : String(error);
    // A state that is there but unreadable can be replaced; one we could not reach at all, only
    // created: if it exists, the save is refused and the run reads it again.
    stored = { state: undefined, version: error instanceof StateStoreError ? error.version : undefined };
  }
  const stateUnavailable = stateError !== undefined;

  const save = async (state: AlertState, version: string | undefined): Promise<string | undefined> => {
    try {
      return await store.save(state, version);
    } catch (error) {
      if (error instanceof StateStoreError) throw error;
      throw new StateStoreError('cannot save alert state after publishing alerts', { cause: error });
    }
  };

  let previous = stored.state;
  let version = stored.version;
  let unavailable = stateUnavailable;
  /** What the first decision made from a readable state announces: a later decision sends no more. */
  let allowed: Set<string> | undefined;
  /** Messages published whose state is not saved yet: put back on a fresher state after a lost race. */
  let unsaved: { readonly diff: AlertDiff; readonly covers: readonly string[] }[] = [];
  let firstDiff: AlertDiff | undefined;
  const published: AlertMessage[] = [];
  const messageIds: string[] = [];

  for (let conflicts = 0; ; ) {
    let diff = diffAgainstState(report, previous, {
      now,
      remindAfterHours,
      ...(input.checksRun ? { checksRun: input.checksRun } : {}),
    });
    if (!unavailable) {
      allowed ??= new Set(announcedIn(diff));
      diff = onlyAnnouncing(diff, previous, allowed);
    }
    firstDiff ??= diff;
    const messages = renderAlerts(
      {
        report,
        diff,
        stateUnavailable: unavailable,
        ...(unavailable && stateError !== undefined ? { stateError } : {}),
        remindAfterHours,
        ...(input.reportUrl !== undefined ? { reportUrl: input.reportUrl } : {}),
        ...(input.consoleSignIn ? { consoleSignIn: input.consoleSignIn } : {}),
      },
      {
        ...(input.maxMessageBytes !== undefined ? { maxMessageBytes: input.maxMessageBytes } : {}),
        ...(input.maxParts !== undefined ? { maxParts: input.maxParts } : {}),
      },
    );

    try {
      if (messages.length === 0) {
        // Nothing to send, but the state still learns (exceptions that now cover a finding, new titles).
        version = await save(diff.nextState, version);
      } else {
        let state = stateBeforeAlerts(diff, previous);
        for (const message of messages) {
          messageIds.push(await publishAlert(input.sns, input.topicArn, message));
          published.push(message);
          unsaved.push({ diff, covers: message.covers });
          state = advanceState(state, diff, message.covers);
          version = await save(state, version);
          unsaved = [];
        }
      }
      return {
        messages: published,
        messageIds,
        stateUnavailable,
        diff: firstDiff,
        stateConflicts: conflicts,
      };
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      conflicts += 1;
      if (conflicts >= MAX_STATE_CONFLICTS) {
        throw new StateStoreError(
          `alert state kept changing under this run: another run wrote it first ${conflicts} times; ` +
            `${unsaved.length} published message(s) are not recorded and may be sent again`,
          { cause: error },
        );
      }
      // A short, jittered pause: a 409 means the other write is still landing.
      await sleep(conflicts * (25 + Math.random() * 50));
      const fresh = await store.load();
      const base = fresh.state ?? { version: 1 as const, updatedAt: now.toISOString(), findings: {} };
      previous = unsaved.reduce((state, sent) => advanceState(state, sent.diff, sent.covers), base);
      version = fresh.version;
      unavailable = false;
    }
  }
};

/** What `arch-auditor render` can show: the chat message as people see it, its JSON, or the email. */
export const PREVIEW_FORMATS = ['slack', 'chatbot-json', 'email'] as const;
export type PreviewFormat = (typeof PREVIEW_FORMATS)[number];

/**
 * A chat message as Slack shows it: the title, the description and the next steps, in Slack's own
 * markup (what Amazon Q Developer in chat applications posts from the custom notification).
 */
const slackText = (m: AlertMessage): string => {
  const { title, description, nextSteps } = m.chatbot.content;
  const steps =
    nextSteps && nextSteps.length > 0 ? ['', '*次の対応*', ...nextSteps.map((s) => `• ${s}`)] : [];
  return [...(title ? [`*${title}*`] : []), description, ...steps].join('\n');
};

/**
 * What a first run would send for this report (`arch-auditor render`): the chat messages as Slack
 * shows them ('slack'), their custom-notification JSON ('chatbot-json'), or the email subject and
 * body ('email').
 */
export const renderPreview = (
  report: Report,
  format: PreviewFormat,
  consoleSignIn?: ConsoleSignIn,
): string => {
  const diff = diffAgainstState(report, undefined, {
    now: new Date(report.finishedAt),
    remindAfterHours: Number.POSITIVE_INFINITY,
  });
  const messages = renderAlerts({ report, diff, ...(consoleSignIn ? { consoleSignIn } : {}) });
  if (messages.length === 0) return '通知する検出はありません。\n';
  if (format === 'chatbot-json') {
    return `${messages.map((m) => JSON.stringify(m.chatbot, null, 2)).join('\n\n')}\n`;
  }
  const separator = `\n${'='.repeat(72)}\n\n`;
  if (format === 'slack') return `${messages.map(slackText).join(separator)}\n`;
  return messages.map((m) => `Subject: ${m.subject}\n\n${m.text}`).join(separator);
};
