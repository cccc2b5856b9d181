import { failureLabel } from '../checks/audit/incomplete.ts';
import type { ResourceRef } from '../checks/define.ts';
import type { Severity } from '../intent/schema.ts';
import { label } from '../inventory/derive.ts';
import { accountLabel, accountsLabel, isMultiAccount, SEVERITY_LABEL } from '../report/labels.ts';
import { skippedRegionsLine, unseenLines, unseenSummary } from '../report/scope.ts';
import { formatJst } from '../report/time.ts';
import { type AccountRef, type Finding, type Report, SEVERITY_ORDER } from '../report/types.ts';
import { changeDetectionLines, changedByChat, changedByLines } from './attribution.ts';
import { accountConsoleUrl, type ConsoleSignIn } from './console.ts';
import type { AlertDiff, AlertStateEntry, RecoveredFinding } from './state.ts';

// ------------------------------------------------------------------------------ Chatbot payload

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

/**
 * Size caps for the chat payload. The custom-notification page lists the fields but, in the copy we
 * could read, no numeric lengths; these caps are ours and conservative, set from the Slack limits the
 * payload ends up in (Block Kit: a header text is at most 150 characters, a section text at most 3000),
 * so a large run never turns into a message Slack rejects. Longer text is cut with an ellipsis.
 */
export const CHATBOT_LIMITS = {
  titleChars: 150,
  descriptionChars: 3000,
  nextSteps: 5,
  nextStepChars: 300,
  keywords: 10,
  keywordChars: 50,
  summaryChars: 150,
  relatedResources: 10,
  relatedResourceChars: 256,
} as const;

/**
 * Amazon SNS Publish: "messages must be UTF-8 encoded strings and at most 256 KB in size (262,144
 * bytes, not 262,144 characters)". With MessageStructure 'json' that is the whole JSON envelope.
 */
export const MAX_SNS_MESSAGE_BYTES = 262_144;

/** Parts a run may be split into before it becomes a single summary with counts. */
export const DEFAULT_MAX_PARTS = 5;

// ---------------------------------------------------------------------------------- Messages

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

// --------------------------------------------------------------------------------- Wording

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
};

const SEVERITY_ASCII: Readonly<Record<Severity, string>> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
};

const RULE = '━━━━━━━━━━━━━━━━━━━━';

/** Per-field cap in the email body, so one odd finding (a huge policy diff) cannot fill a message. */
const FIELD_CHARS = 1000;

const cut = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
};

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** How a region is named in a title: CloudFront's findings live in 'global'. */
const regionName = (region: string): string => (region === 'global' ? 'グローバル' : region);

/**
 * The regions a message's findings are in, in the report's order (global last), for its title: with
 * --all-regions the audited regions are dozens, and the ones that matter are those with findings.
 */
const regionsOf = (report: Report, items: readonly { readonly region: string }[]): string[] => {
  const present = new Set(items.map((i) => i.region));
  const ordered = [...report.regions, ...[...present].sort()].filter((r) => present.has(r));
  return [...new Set(ordered)].sort((a, b) => Number(a === 'global') - Number(b === 'global'));
};

const regionsTitle = (regions: readonly string[]): string =>
  regions.length <= 3
    ? regions.map(regionName).join('・')
    : `${regions.slice(0, 2).map(regionName).join('・')} ほか ${regions.length - 2} リージョン`;

/** Account ids for a title: up to two, then a count (names would not fit, nor suit the ASCII subject). */
const accountIdsShort = (accounts: readonly AccountRef[]): string =>
  accounts.length <= 2
    ? accounts.map((a) => a.id).join(', ')
    : `${accounts[0]?.id} +${accounts.length - 1} accounts`;

const countsLabel = (severities: readonly Severity[]): string =>
  SEVERITY_ORDER.filter((s) => severities.includes(s))
    .map((s) => `${SEVERITY_LABEL[s]} ${severities.filter((x) => x === s).length}`)
    .join('・');

const countsAscii = (severities: readonly Severity[]): string =>
  SEVERITY_ORDER.filter((s) => severities.includes(s))
    .map((s) => `${SEVERITY_ASCII[s]} ${severities.filter((x) => x === s).length}`)
    .join(', ');

const worst = (severities: readonly Severity[]): Severity =>
  SEVERITY_ORDER.find((s) => severities.includes(s)) ?? 'low';

const bySeverity = <T>(items: readonly T[], severityOf: (item: T) => Severity): T[] =>
  [...items].sort((a, b) => SEVERITY_ORDER.indexOf(severityOf(a)) - SEVERITY_ORDER.indexOf(severityOf(b)));

/**
 * Name tag and id, as people recognise a resource. An ARN id (load balancers) is shortened to its
 * resource part (app/prod-alb/50dc…), which is what the console shows; the account is named as such.
 */
const resourceLabel = (r: {
  readonly type?: string;
  readonly id: string;
  readonly name?: string;
}): string => {
  if (r.type === 'AWS::Account') return `アカウント ${r.id}`;
  const id = r.id.startsWith('arn:')
    ? r.id
        .split(':')
        .slice(5)
        .join(':')
        .replace(/^loadbalancer\//, '') || r.id
    : r.id;
  return label({ ...r, id });
};

const refOfEntry = (e: AlertStateEntry): ResourceRef => ({
  type: e.resourceType,
  id: e.resourceId,
  region: e.region,
  ...(e.resourceName !== undefined ? { name: e.resourceName } : {}),
});

const accountOfEntry = (e: AlertStateEntry): AccountRef | undefined =>
  e.accountId !== undefined
    ? { id: e.accountId, ...(e.accountName !== undefined ? { name: e.accountName } : {}) }
    : undefined;

/**
 * Slack treats `<`, `>` and `&` as control characters (links, mentions such as <!channel>); a Name
 * tag is free text anyone with tagging rights can set, so it is escaped before it reaches the chat.
 */
const chatEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const chatLink = (url: string | undefined, label: string): string =>
  url ? `<${url}|${chatEscape(label).replace(/\|/g, '¦')}>` : chatEscape(label);

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
const buildSubject = (head: string, optional: readonly (readonly string[])[], suffix = ''): string => {
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
const subjectWhere = (account: string, regions: readonly string[]): string[][] => {
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

const jsonBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

/** The bytes SNS counts for a message, as published (see publish.ts). */
export const snsEnvelope = (message: Pick<AlertMessage, 'text' | 'chatbot'>): string =>
  JSON.stringify({ default: message.text, https: JSON.stringify(message.chatbot) });

export const snsEnvelopeBytes = (message: Pick<AlertMessage, 'text' | 'chatbot'>): number =>
  Buffer.byteLength(snsEnvelope(message), 'utf8');

// ------------------------------------------------------------------------------- Run context

interface RunContext {
  readonly report: Report;
  readonly stateUnavailable: boolean;
  readonly stateError?: string;
  readonly reportUrl?: string;
  /** More than one account: every item names its account beside its resource. */
  readonly multiAccount: boolean;
  readonly consoleSignIn?: ConsoleSignIn;
}

/** Where an item's resource lives: the region, and the account when the run covers several. */
const whereText = (ctx: RunContext, region: string, account: AccountRef | undefined): string =>
  ctx.multiAccount && account
    ? `アカウント ${accountLabel(account)} / ${regionName(region)}`
    : regionName(region);

const whereChat = (ctx: RunContext, region: string, account: AccountRef | undefined): string =>
  ctx.multiAccount && account
    ? `${chatEscape(accountLabel(account))}・${regionName(region)}`
    : regionName(region);

const contextLines = (ctx: RunContext): string[] => [
  `アカウント: ${accountsLabel(ctx.report)}`,
  `リージョン: ${ctx.report.regions.join(', ') || '（なし）'}`,
  ...(skippedRegionsLine(ctx.report) ? [skippedRegionsLine(ctx.report) as string] : []),
  `プロファイル: ${ctx.report.profile}`,
  `監査日時: ${formatJst(ctx.report.finishedAt)}`,
  ...(ctx.reportUrl ? [`レポート: ${ctx.reportUrl}`] : []),
];

/** The incomplete-audit banner: first thing after the context, in every message of the run. */
const incompleteLines = (report: Report): string[] => {
  if (report.complete) return [];
  const lines = [
    RULE,
    '⚠️ 監査が不完全です',
    RULE,
    '次の API 呼び出しに失敗したため、一部のリソースを確認できていません。確認できなかった部分は「問題なし」ではなく「未確認」です。',
    ...report.errors.map(
      (e) =>
        `- ${e.service} の ${e.operation}（${e.region}）: ${e.code}・${failureLabel(e)} 「${cut(oneLine(e.message), 200)}」`,
    ),
  ];
  if (report.skippedChecks.length > 0)
    lines.push(`実行できなかったチェック: ${report.skippedChecks.join(', ')}`);
  const unseen = unseenLines(report);
  if (unseen.length > 0)
    lines.push('結果が不明な範囲（それ以外は判定済み）:', ...unseen.map((l) => `- ${l}`));
  lines.push(
    '見えなかった検出を解消済みとは扱わないため、確認できなかった範囲の検出は復旧を判定していません。',
  );
  return lines;
};

const incompleteChat = (report: Report): string[] => {
  if (report.complete) return [];
  const failed = report.errors.map((e) => `${e.service}:${e.operation}（${e.region}・${e.code}）`);
  const shown = failed.slice(0, 3).join('、');
  const more = failed.length > 3 ? ` ほか ${failed.length - 3} 件` : '';
  const what = shown ? `${chatEscape(shown)}${more}が失敗しました` : '一部のチェックを実行できませんでした';
  const unseen = report.unseen.length > 0 ? `不明な範囲: ${chatEscape(unseenSummary(report))}。` : '';
  return [
    `⚠️ *監査が不完全です* — ${what}。${unseen}確認できなかった部分は「問題なし」とは限らず、その範囲の復旧は判定していません。`,
  ];
};

const stateLines = (ctx: RunContext): string[] =>
  ctx.stateUnavailable
    ? [
        `⚠️ 前回の通知状態を読み込めませんでした${ctx.stateError ? `（原因: ${cut(oneLine(ctx.stateError), 200)}）` : ''}。通知済みかどうか判別できないため、現在の検出をすべて通知します。`,
      ]
    : [];

const partNote = (part: number, parts: number): string[] =>
  parts > 1 ? [`件数が多いため ${parts} 通に分けて送っています（${part} 通目）。`] : [];

// ------------------------------------------------------------------------------- Items

/** One entry of a message, pre-rendered for both channels. */
interface Item {
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

const findingItem = (finding: Finding, tag: string, ctx: RunContext): Item => {
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

const reminderItem = (
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

const recoveryItem = (entry: RecoveredFinding, ctx: RunContext): Item => {
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

// ------------------------------------------------------------------------------- Assembly

interface KindSpec {
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

const severityHeading = (severity: Severity, total: number, continued: boolean): string =>
  `${RULE}\n${SEVERITY_EMOJI[severity]} ${SEVERITY_LABEL[severity]} ${total} 件${continued ? '（続き）' : ''}\n${RULE}`;

const withPart = (title: string, part: number, parts: number): string =>
  parts > 1 ? `${title}（${part}/${parts}）` : title;

const buildText = (
  spec: KindSpec,
  ctx: RunContext,
  items: readonly Item[],
  part: number,
  parts: number,
  startedMidGroup: boolean,
  omitted: number,
): string => {
  const totals = new Map<Severity, number>();
  for (const item of spec.items) totals.set(item.severity, (totals.get(item.severity) ?? 0) + 1);
  const body: string[] = [];
  let current: Severity | undefined;
  for (const [index, item] of items.entries()) {
    if (spec.grouped && item.severity !== current) {
      current = item.severity;
      body.push(
        severityHeading(item.severity, totals.get(item.severity) ?? 0, index === 0 && startedMidGroup),
      );
    }
    body.push(item.text);
  }
  // The incomplete-audit and unreadable-state banners come straight after the title: they change how
  // to read everything below.
  const sections = [
    withPart(spec.title, part, parts),
    incompleteLines(ctx.report).join('\n'),
    changeDetectionLines(ctx.report).join('\n'),
    stateLines(ctx).join('\n'),
    [...partNote(part, parts), ...contextLines(ctx)].join('\n'),
    spec.lead.join('\n'),
    body.join('\n\n'),
    omitted > 0
      ? `ほか ${omitted} 件は件数が多いため省略しました。全件は監査レポート（JSON）で確認してください。`
      : '',
    ['--', ...spec.footer].join('\n'),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
};

const buildChatbot = (
  spec: KindSpec,
  ctx: RunContext,
  items: readonly Item[],
  part: number,
  parts: number,
  extraLead: readonly string[],
): ChatbotNotification => {
  const { report } = ctx;
  const head = [
    ...incompleteChat(report),
    ...changeDetectionLines(report).map(chatEscape),
    `*アカウント* ${chatEscape(accountsLabel(report))}　*リージョン* ${chatEscape(report.regions.join(', ') || '—')}　*監査日時* ${formatJst(report.finishedAt)}`,
    ...(report.skippedRegions.length > 0
      ? [`*対象外（拒否を宣言済み）* ${chatEscape(report.skippedRegions.map((s) => s.region).join(', '))}`]
      : []),
    ...(ctx.reportUrl
      ? [`*レポート* ${chatLink(ctx.reportUrl, 'HTML レポートを開く（S3 コンソール）')}`]
      : []),
    ...(ctx.stateUnavailable
      ? ['⚠️ 前回の通知状態を読み込めなかったため、現在の検出をすべて通知しています。']
      : []),
    ...(parts > 1 ? [`（${parts} 通中 ${part} 通目）`] : []),
    ...extraLead.map(chatEscape),
  ].join('\n');
  const max = CHATBOT_LIMITS.descriptionChars;
  const lines: string[] = [];
  let used = [...head].length + 2;
  let current: Severity | undefined;
  let shown = 0;
  // Leave room for the "ほか N 件" line so the cut never drops the count.
  const reserve = 80;
  for (const item of items) {
    const heading =
      spec.grouped && item.severity !== current
        ? `${lines.length > 0 ? '\n' : ''}*${SEVERITY_EMOJI[item.severity]} ${SEVERITY_LABEL[item.severity]}*`
        : undefined;
    const add = [...(heading ? [heading] : []), item.chat];
    const size = add.reduce((n, l) => n + [...l].length + 1, 0);
    if (used + size > max - reserve) break;
    lines.push(...add);
    used += size;
    current = item.severity;
    shown += 1;
  }
  if (shown < items.length) {
    lines.push(
      `\nほか ${items.length - shown} 件は省略しました（メール通知と監査レポートには全件あります）。`,
    );
  }
  const description = cut([head, '', ...lines].join('\n'), max);

  const seenChecks = new Set<string>();
  const nextSteps: string[] = [];
  for (const item of items) {
    if (!item.nextStep || seenChecks.has(item.checkId)) continue;
    seenChecks.add(item.checkId);
    nextSteps.push(chatEscape(cut(item.nextStep, CHATBOT_LIMITS.nextStepChars)));
    if (nextSteps.length === CHATBOT_LIMITS.nextSteps) break;
  }
  const keywords = [
    ...SEVERITY_ORDER.filter((s) => items.some((i) => i.severity === s)).map((s) => SEVERITY_LABEL[s]),
    ...new Set(items.map((i) => i.checkId)),
  ]
    .slice(0, CHATBOT_LIMITS.keywords)
    .map((k) => cut(k, CHATBOT_LIMITS.keywordChars));
  const relatedResources = [...new Set(items.map((i) => i.related))]
    .slice(0, CHATBOT_LIMITS.relatedResources)
    .map((r) => cut(r, CHATBOT_LIMITS.relatedResourceChars));
  const title = withPart(spec.title, part, parts);
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: cut(chatEscape(title), CHATBOT_LIMITS.titleChars),
      description,
      ...(nextSteps.length > 0 ? { nextSteps } : {}),
      ...(keywords.length > 0 ? { keywords } : {}),
    },
    metadata: {
      summary: cut(title, CHATBOT_LIMITS.summaryChars),
      eventType: spec.eventType,
      ...(relatedResources.length > 0 ? { relatedResources } : {}),
      additionalContext: {
        account: report.accounts.map((a) => a.id).join(','),
        regions: report.regions.join(','),
        complete: String(report.complete),
      },
    },
  };
};

/** Splits the items into parts that each fit one SNS message; a single summary when there are too many. */
const renderKind = (spec: KindSpec, ctx: RunContext, options: Required<RenderOptions>): AlertMessage[] => {
  if (spec.items.length === 0) return [];
  const subjectFor = (part: number, parts: number) =>
    buildSubject(spec.subject.head, spec.subject.optional, parts > 1 ? `(${part}/${parts})` : '');

  // Budget for the plain text of one part: the chat payload is capped (CHATBOT_LIMITS), so reserve
  // its worst case; measure the fixed text around the items with the largest part numbers.
  const chatReserve = 48 * 1024;
  const fixed = jsonBytes(buildText(spec, ctx, [], 99, 99, true, 0)) + 2 * 1024;
  const budget = options.maxMessageBytes - chatReserve - fixed;

  const chunks: Item[][] = [];
  let chunk: Item[] = [];
  let used = 0;
  let current: Severity | undefined;
  for (const item of spec.items) {
    const heading = spec.grouped && item.severity !== current ? 200 : 0;
    const size = jsonBytes(item.text) + 4 + heading;
    if (chunk.length > 0 && used + size > budget) {
      chunks.push(chunk);
      chunk = [];
      used = 0;
    }
    chunk.push(item);
    used += size;
    current = item.severity;
  }
  if (chunk.length > 0) chunks.push(chunk);

  const split = (): AlertMessage[] | undefined => {
    if (chunks.length > options.maxParts) return undefined;
    const messages = chunks.map((items, index): AlertMessage => {
      const part = index + 1;
      const previous = chunks[index - 1];
      const startedMidGroup = previous !== undefined && previous.at(-1)?.severity === items[0]?.severity;
      return {
        kind: spec.kind,
        part,
        parts: chunks.length,
        subject: subjectFor(part, chunks.length),
        text: buildText(spec, ctx, items, part, chunks.length, startedMidGroup, 0),
        chatbot: buildChatbot(spec, ctx, items, part, chunks.length, []),
        fingerprints: items.map((i) => i.fingerprint),
        covers: items.map((i) => i.fingerprint),
        total: spec.items.length,
        summarized: false,
      };
    });
    return messages.every((m) => snsEnvelopeBytes(m) <= options.maxMessageBytes) ? messages : undefined;
  };
  return split() ?? [summarize(spec, ctx, options, subjectFor(1, 1))];
};

/**
 * Too many to list: one message with the counts of every finding by severity and by check, and the
 * most severe ones in detail for as many as fit. Never a failed publish for size.
 */
const summarize = (
  spec: KindSpec,
  ctx: RunContext,
  options: Required<RenderOptions>,
  subject: string,
): AlertMessage => {
  const byCheck = new Map<string, { title: string; severity: Severity; count: number }>();
  for (const item of spec.items) {
    const entry = byCheck.get(item.checkId);
    if (entry) entry.count += 1;
    else byCheck.set(item.checkId, { title: item.title, severity: item.severity, count: 1 });
  }
  const countLines = [
    `件数が多いため、チェックごとの件数と、重大度の高いものから一部の詳細だけを載せます（全 ${spec.items.length} 件）。`,
    `重大度別: ${countsLabel(spec.items.map((i) => i.severity))}`,
    'チェック別:',
    ...bySeverity([...byCheck.entries()], ([, v]) => v.severity).map(
      ([checkId, v]) => `- [${SEVERITY_LABEL[v.severity]}] ${checkId} ${v.title}: ${v.count} 件`,
    ),
  ];
  const summarySpec: KindSpec = { ...spec, lead: [...spec.lead, ...countLines] };
  const chatLead = [
    `件数が多いため一部だけ表示しています（全 ${spec.items.length} 件: ${countsLabel(spec.items.map((i) => i.severity))}）。`,
  ];
  const build = (shown: number): AlertMessage => {
    const items = spec.items.slice(0, shown);
    return {
      kind: spec.kind,
      part: 1,
      parts: 1,
      subject,
      text: buildText(summarySpec, ctx, items, 1, 1, false, spec.items.length - shown),
      chatbot: buildChatbot(spec, ctx, items, 1, 1, chatLead),
      fingerprints: items.map((i) => i.fingerprint),
      // The summary counts every item and points to the report for the rest: they were told, and
      // re-alerting the uncounted tail as new on every run would be spam.
      covers: spec.items.map((i) => i.fingerprint),
      total: spec.items.length,
      summarized: true,
    };
  };
  // Largest detail count that fits, by bisection (the size grows with the count).
  let low = 0;
  let high = spec.items.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (snsEnvelopeBytes(build(mid)) <= options.maxMessageBytes) low = mid;
    else high = mid - 1;
  }
  return build(low);
};

// ------------------------------------------------------------------------------------ API

const FOOTER_FINDINGS = [
  'arch-auditor による自動通知です（意図した構成との差分）。',
  '意図した設定であれば、設計定義ファイルの exceptions に理由と期限を書いてください。期限までは通知しません。',
];

/**
 * Renders every message of a run: one message (split into parts if large) for new and changed
 * findings, most severe first; a digest of reminders; a separate recovery message. Pure.
 */
export const renderAlerts = (input: RenderInput, options: RenderOptions = {}): AlertMessage[] => {
  const { report, diff } = input;
  const resolved: Required<RenderOptions> = {
    maxMessageBytes: options.maxMessageBytes ?? MAX_SNS_MESSAGE_BYTES,
    maxParts: options.maxParts ?? DEFAULT_MAX_PARTS,
  };
  const ctx: RunContext = {
    report,
    stateUnavailable: input.stateUnavailable ?? false,
    ...(input.stateError !== undefined ? { stateError: input.stateError } : {}),
    ...(input.reportUrl !== undefined ? { reportUrl: input.reportUrl } : {}),
    multiAccount: isMultiAccount(report),
    ...(input.consoleSignIn ? { consoleSignIn: input.consoleSignIn } : {}),
  };
  // Ids only in the title and subject (the subject is ASCII; names are in the body).
  const accountIds = accountIdsShort(report.accounts);
  const where = (items: readonly { readonly region: string }[]): string => {
    const regions = regionsTitle(regionsOf(report, items));
    return regions ? `${accountIds} ${regions}` : accountIds;
  };
  const subjectParts = (items: readonly { readonly region: string }[]) =>
    subjectWhere(report.accounts.map((a) => a.id).join(', '), regionsOf(report, items));
  // An incomplete audit is named before the counts, which may be missing findings.
  const incompleteTitle = report.complete ? '' : '【監査不完全】';
  const incompleteSubject = report.complete ? '' : ' [INCOMPLETE]';
  const messages: AlertMessage[] = [];

  // New and changed findings: one message, grouped by severity.
  const alerted = bySeverity(
    [
      ...input.diff.newFindings.map((f) => ({ finding: f, tag: ctx.stateUnavailable ? '未解決' : '新規' })),
      ...diff.changed.map((c) => ({
        finding: c.finding,
        tag: `重大度変更 ${SEVERITY_LABEL[c.previousSeverity]}→${SEVERITY_LABEL[c.finding.severity]}`,
      })),
    ],
    (x) => x.finding.severity,
  );
  if (alerted.length > 0) {
    const severities = alerted.map((x) => x.finding.severity);
    // Unreadable state: say up front that this repeats everything open, not that all of it is new.
    const what = ctx.stateUnavailable
      ? [`【全件再通知】未解決の検出 ${alerted.length} 件`]
      : [
          ...(diff.newFindings.length > 0 ? [`新しい検出 ${diff.newFindings.length} 件`] : []),
          ...(diff.changed.length > 0 ? [`重大度の変更 ${diff.changed.length} 件`] : []),
        ];
    const whatAscii = ctx.stateUnavailable
      ? [`${alerted.length} open findings`]
      : [
          ...(diff.newFindings.length > 0 ? [`${diff.newFindings.length} new`] : []),
          ...(diff.changed.length > 0 ? [`${diff.changed.length} severity changed`] : []),
        ];
    messages.push(
      ...renderKind(
        {
          kind: 'findings',
          items: alerted.map((x) => findingItem(x.finding, x.tag, ctx)),
          title: `${SEVERITY_EMOJI[worst(severities)]} [arch-auditor] ${incompleteTitle}${what.join('・')}（${countsLabel(severities)}）— ${where(alerted.map((x) => x.finding.resource))}`,
          subject: {
            head: `arch-auditor${incompleteSubject}: ${whatAscii.join(', ')} (${countsAscii(severities)})`,
            optional: subjectParts(alerted.map((x) => x.finding.resource)),
          },
          lead: [],
          footer: FOOTER_FINDINGS,
          grouped: true,
          eventType: 'arch-auditor.findings',
        },
        ctx,
        resolved,
      ),
    );
  }

  // Recovery: a separate message, so "fixed" never hides inside a list of problems.
  if (diff.recovered.length > 0) {
    const recovered = bySeverity(diff.recovered, (r) => r.severity);
    messages.push(
      ...renderKind(
        {
          kind: 'recovery',
          items: recovered.map((r) => recoveryItem(r, ctx)),
          title: `✅ [arch-auditor] 復旧 ${recovered.length} 件（${countsLabel(recovered.map((r) => r.severity))}）— ${where(recovered)}`,
          subject: {
            head: `arch-auditor: ${recovered.length} recovered (${countsAscii(recovered.map((r) => r.severity))})`,
            optional: subjectParts(recovered),
          },
          lead: [
            '次の検出は今回の監査で見つからなくなりました。監査はすべて成功しているため、解消したと判断しています。',
          ],
          footer: ['arch-auditor による自動通知です。'],
          grouped: false,
          eventType: 'arch-auditor.recovery',
        },
        ctx,
        resolved,
      ),
    );
  }

  // Reminders: a digest of what is still open, so it nags without flooding.
  if (diff.reminders.length > 0) {
    const reminders = bySeverity(diff.reminders, (f) => f.severity);
    const severities = reminders.map((f) => f.severity);
    const cadence =
      input.remindAfterHours !== undefined && Number.isFinite(input.remindAfterHours)
        ? `前回の通知から ${input.remindAfterHours} 時間以上たっても`
        : '前回の通知からしばらくたっても';
    messages.push(
      ...renderKind(
        {
          kind: 'reminders',
          items: reminders.map((f) =>
            reminderItem(f, diff.nextState.findings[f.fingerprint], report.finishedAt, ctx),
          ),
          title: `🔁 [arch-auditor] ${incompleteTitle}未対応の検出 ${reminders.length} 件（${countsLabel(severities)}）— ${where(reminders.map((f) => f.resource))}`,
          subject: {
            head: `arch-auditor${incompleteSubject}: ${reminders.length} still open (${countsAscii(severities)})`,
            optional: subjectParts(reminders.map((f) => f.resource)),
          },
          lead: [`次の検出は${cadence}解消していません。`],
          footer: ['arch-auditor による自動通知です（未対応の検出の定期リマインド）。'],
          grouped: true,
          eventType: 'arch-auditor.reminder',
        },
        ctx,
        resolved,
      ),
    );
  }
  return messages;
};
