import type { Finding, Severity } from '../model/finding.ts';
import { accountLabel, SEVERITY_LABEL } from '../report/labels.ts';
import { formatJst } from '../report/time.ts';
import { changedByChat, changedByLines } from './attribution.ts';
import { accountConsoleUrl } from './console.ts';
import type { AlertStateEntry, RecoveredFinding } from './state.ts';
import {
  accountOfEntry,
  chatEscape,
  chatLink,
  cut,
  FIELD_CHARS,
  oneLine,
  type RunContext,
  refOfEntry,
  resourceLabel,
  whereChat,
  whereText,
} from './wording.ts';

/** One finding, reminder or recovery as an item of a message, written for both channels. */

/** One entry of a message, pre-rendered for both channels. */
export interface Item {
  readonly fingerprint: string;
  readonly severity: Severity;
  /** Plain-text block (email). */
  readonly text: string;
  /** Chat lines (Slack-style client-markdown). */
  readonly chat: string;
  /** Chat next step for this item's check, if any. */
  readonly nextStep?: string;
  readonly checkId: string;
  readonly title: string;
  readonly related: string;
  readonly region: string;
}

export const findingItem = (finding: Finding, tag: string, ctx: RunContext): Item => {
  const r = finding.resource;
  const url = accountConsoleUrl(r, finding.account.id, ctx.consoleSignIn);
  const lines = [
    `■ [${tag}] ${finding.title}`,
    `リソース: ${resourceLabel(r)} — ${r.type} / ${whereText(ctx, r.region, finding.account)}`,
    `検出内容: ${cut(finding.message, FIELD_CHARS)}`,
  ];
  if (finding.expected !== undefined) lines.push(`期待する状態: ${cut(finding.expected, FIELD_CHARS)}`);
  if (finding.actual !== undefined) lines.push(`現在の状態: ${cut(finding.actual, FIELD_CHARS)}`);
  if (finding.impact) lines.push(`影響: ${cut(finding.impact, FIELD_CHARS)}`);
  lines.push(...changedByLines(finding).map((l) => cut(l, FIELD_CHARS)));
  if (finding.remediation) lines.push(`対処: ${cut(finding.remediation, FIELD_CHARS)}`);
  if (url) lines.push(`コンソール: ${url}`);
  lines.push(`チェック: ${finding.checkId}（ID: ${finding.fingerprint}）`);

  const chat = [
    `• [${tag}] *${chatEscape(finding.title)}* — ${chatLink(url, resourceLabel(r))}（${whereChat(ctx, r.region, finding.account)}）`,
  ];
  if (finding.expected !== undefined || finding.actual !== undefined) {
    chat.push(
      `　期待: ${chatEscape(cut(oneLine(finding.expected ?? '—'), 80))} / 実際: ${chatEscape(cut(oneLine(finding.actual ?? '—'), 80))}`,
    );
  }
  if (finding.impact) chat.push(`　影響: ${chatEscape(cut(oneLine(finding.impact), 100))}`);
  const changedBy = changedByChat(finding);
  if (changedBy) chat.push(`　${chatEscape(cut(changedBy, 160))}`);
  return {
    fingerprint: finding.fingerprint,
    severity: finding.severity,
    text: lines.join('\n'),
    chat: chat.join('\n'),
    ...(finding.remediation ? { nextStep: `${finding.title}: ${oneLine(finding.remediation)}` } : {}),
    checkId: finding.checkId,
    title: finding.title,
    related: r.arn ?? r.id,
    region: r.region,
  };
};

const daysSince = (fromIso: string, nowIso: string): number =>
  Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(fromIso)) / 86_400_000));

export const reminderItem = (
  finding: Finding,
  entry: AlertStateEntry | undefined,
  nowIso: string,
  ctx: RunContext,
): Item => {
  const r = finding.resource;
  const url = accountConsoleUrl(r, finding.account.id, ctx.consoleSignIn);
  const since = entry
    ? `初回検出: ${formatJst(entry.firstSeen)}（${daysSince(entry.firstSeen, nowIso)} 日経過）`
    : '';
  const lines = [
    `■ [${SEVERITY_LABEL[finding.severity]}] ${finding.title}`,
    `リソース: ${resourceLabel(r)} — ${r.type} / ${whereText(ctx, r.region, finding.account)}`,
  ];
  if (since) lines.push(since);
  if (finding.remediation) lines.push(`対処: ${cut(finding.remediation, FIELD_CHARS)}`);
  if (url) lines.push(`コンソール: ${url}`);
  lines.push(`チェック: ${finding.checkId}（ID: ${finding.fingerprint}）`);
  const days = entry ? `（${daysSince(entry.firstSeen, nowIso)} 日経過）` : '';
  return {
    fingerprint: finding.fingerprint,
    severity: finding.severity,
    text: lines.join('\n'),
    chat: `• [${SEVERITY_LABEL[finding.severity]}] *${chatEscape(finding.title)}* — ${chatLink(url, resourceLabel(r))}${ctx.multiAccount ? `（${chatEscape(accountLabel(finding.account))}）` : ''}${days}`,
    checkId: finding.checkId,
    title: finding.title,
    related: r.arn ?? r.id,
    region: r.region,
  };
};

export const recoveryItem = (entry: RecoveredFinding, ctx: RunContext): Item => {
  const r = refOfEntry(entry);
  const account = accountOfEntry(entry);
  const url = accountConsoleUrl(r, account?.id, ctx.consoleSignIn);
  const title = entry.title ?? entry.checkId;
  // The title states the problem as it was; the tag says it is over, so nobody reads it as a new alert.
  const tag = `解消・${SEVERITY_LABEL[entry.severity]}`;
  const lines = [
    `■ [${tag}] ${title}`,
    `リソース: ${resourceLabel(r)} — ${r.type} / ${whereText(ctx, r.region, account)}`,
    `初回検出: ${formatJst(entry.firstSeen)}`,
  ];
  if (url) lines.push(`コンソール: ${url}`);
  lines.push(`チェック: ${entry.checkId}（ID: ${entry.fingerprint}）`);
  return {
    fingerprint: entry.fingerprint,
    severity: entry.severity,
    text: lines.join('\n'),
    chat: `• [${tag}] ${chatEscape(title)} — ${chatLink(url, resourceLabel(r))}（${whereChat(ctx, r.region, account)}）`,
    checkId: entry.checkId,
    title,
    related: r.id,
    region: r.region,
  };
};
