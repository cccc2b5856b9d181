import type { SNSClient } from '@aws-sdk/client-sns';
import type { Report } from '../report/types.ts';
import { StateStoreError } from './errors.ts';
import { publishAlert } from './publish.ts';
import { type AlertMessage, type RenderOptions, renderAlerts } from './render.ts';
import {
  type AlertDiff,
  type AlertState,
  advanceState,
  diffAgainstState,
  type StateStore,
  stateBeforeAlerts,
} from './state.ts';

export { consoleUrl } from './console.ts';
export { StateStoreError } from './errors.ts';
export { publishAlert, publishAlerts } from './publish.ts';
export {
  type AlertMessage,
  CHATBOT_LIMITS,
  type ChatbotNotification,
  MAX_SNS_MESSAGE_BYTES,
  type RenderInput,
  renderAlerts,
} from './render.ts';
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
  stateBeforeAlerts,
} from './state.ts';

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
}

export interface SendAlertsResult {
  readonly messages: readonly AlertMessage[];
  readonly messageIds: readonly string[];
  /** The previous state could not be read, so every open finding was alerted. */
  readonly stateUnavailable: boolean;
  readonly diff: AlertDiff;
}

/**
 * Load state → diff → render → for each message: publish it, then save the state advanced by exactly
 * the findings that message delivered.
 *
 * Why this order: a failed publish throws PublishError before its save, so the state still holds
 * everything this run had not yet sent and the retried run sends exactly that: the messages already
 * out are not repeated, the rest are not lost. Saving first and publishing second could lose an alert
 * for good. A failed save after a successful publish throws StateStoreError and stops the run: the next
 * run may then repeat that one message. That duplicate is the one we cannot avoid (SNS and the store
 * share no transaction), and a duplicate beats a loss.
 * When the state cannot be read, we cannot tell old from new, so everything open is alerted and the
 * message says why (stateUnavailable), instead of staying silent.
 */
export const sendAlerts = async (input: SendAlertsInput): Promise<SendAlertsResult> => {
  const { report, store, now, remindAfterHours } = input;
  let previous: AlertState | undefined;
  let stateUnavailable = false;
  let stateError: string | undefined;
  try {
    previous = await store.load();
  } catch (error) {
    stateUnavailable = true;
    stateError = error instanceof Error ? error.message : String(error);
  }

  const diff = diffAgainstState(report, previous, {
    now,
    remindAfterHours,
    ...(input.checksRun ? { checksRun: input.checksRun } : {}),
  });
  const messages = renderAlerts(
    {
      report,
      diff,
      stateUnavailable,
      ...(stateError !== undefined ? { stateError } : {}),
      remindAfterHours,
    },
    {
      ...(input.maxMessageBytes !== undefined ? { maxMessageBytes: input.maxMessageBytes } : {}),
      ...(input.maxParts !== undefined ? { maxParts: input.maxParts } : {}),
    },
  );

  const save = async (state: AlertState): Promise<void> => {
    try {
      await store.save(state);
    } catch (error) {
      if (error instanceof StateStoreError) throw error;
      throw new StateStoreError('cannot save alert state after publishing alerts', { cause: error });
    }
  };

  const messageIds: string[] = [];
  if (messages.length === 0) {
    // Nothing to send, but the state still learns (exceptions that now cover a finding, new titles).
    await save(diff.nextState);
  } else {
    let state = stateBeforeAlerts(diff, previous);
    for (const message of messages) {
      messageIds.push(await publishAlert(input.sns, input.topicArn, message));
      state = advanceState(state, diff, message.covers);
      await save(state);
    }
  }
  return { messages, messageIds, stateUnavailable, diff };
};

/**
 * What a first run would send for this report (`arch-auditor render`): the chat payloads as JSON
 * ('slack') or the email subject and body ('email').
 */
export const renderPreview = (report: Report, format: 'slack' | 'email'): string => {
  const diff = diffAgainstState(report, undefined, {
    now: new Date(report.finishedAt),
    remindAfterHours: Number.POSITIVE_INFINITY,
  });
  const messages = renderAlerts({ report, diff });
  if (messages.length === 0) return '通知する検出はありません。\n';
  if (format === 'slack') {
    return `${messages.map((m) => JSON.stringify(m.chatbot, null, 2)).join('\n\n')}\n`;
  }
  return messages.map((m) => `Subject: ${m.subject}\n\n${m.text}`).join(`\n${'='.repeat(72)}\n\n`);
};
