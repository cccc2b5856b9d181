import type { SNSClient } from '@aws-sdk/client-sns';
import type { Report } from '../report/types.ts';
import { StateStoreError } from './errors.ts';
import { publishAlerts } from './publish.ts';
import { type AlertMessage, type RenderOptions, renderAlerts } from './render.ts';
import { type AlertDiff, type AlertState, diffAgainstState, type StateStore } from './state.ts';

export { consoleUrl } from './console.ts';
export { StateStoreError } from './errors.ts';
export { publishAlerts } from './publish.ts';
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
  alertStateSchema,
  diffAgainstState,
  FileStateStore,
  S3StateStore,
  type StateStore,
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
 * Load state → diff → render → publish every message → save the next state.
 *
 * Order, and why: the state is saved only after every publish succeeded. If a publish fails,
 * PublishError propagates, the invocation fails, and the next run alerts the same findings again.
 * If the save fails after the alerts went out, StateStoreError propagates: the next run re-sends what
 * this one sent. Either way a retried run sends a finding at most one extra time; the other order
 * (save, then publish) could lose an alert for good, and a duplicate beats a lost alert.
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
  const messageIds = await publishAlerts({ sns: input.sns, topicArn: input.topicArn, messages });

  try {
    await store.save(diff.nextState);
  } catch (error) {
    if (error instanceof StateStoreError) throw error;
    throw new StateStoreError('cannot save alert state after publishing alerts', { cause: error });
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
