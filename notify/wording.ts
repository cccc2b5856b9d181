import { failureLabel } from '../checks/audit/incomplete.ts';
import { label } from '../inventory/derive.ts';
import { type AccountRef, type ResourceRef, SEVERITIES, type Severity } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { accountLabel, accountsLabel, SEVERITY_LABEL } from '../report/labels.ts';
import { failedItemSuffix, skippedRegionsLine, unseenLines, unseenSummary } from '../report/scope.ts';
import { formatJst } from '../report/time.ts';
import type { ConsoleSignIn } from './console.ts';
import type { AlertStateEntry } from './state.ts';

/**
 * The Japanese wording both channels share: severities, counts, times, resource names, and the lines
 * that frame every message (the run, an incomplete audit, an unreadable state, the part).
 */

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
};

export const RULE = '━━━━━━━━━━━━━━━━━━━━';

/** Per-field cap in the email body, so one odd finding (a huge policy diff) cannot fill a message. */
export const FIELD_CHARS = 1000;

export const cut = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
};

export const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** How a region is named in a title: CloudFront's findings live in 'global'. */
const regionName = (region: string): string => (region === 'global' ? 'グローバル' : region);

/**
 * The regions a message's findings are in, in the report's order (global last), for its title: with
 * --all-regions the audited regions are dozens, and the ones that matter are those with findings.
 */
export const regionsOf = (report: Report, items: readonly { readonly region: string }[]): string[] => {
  const present = new Set(items.map((i) => i.region));
  const ordered = [...report.regions, ...[...present].sort()].filter((r) => present.has(r));
  return [...new Set(ordered)].sort((a, b) => Number(a === 'global') - Number(b === 'global'));
};

export const regionsTitle = (regions: readonly string[]): string =>
  regions.length <= 3
    ? regions.map(regionName).join('・')
    : `${regions.slice(0, 2).map(regionName).join('・')} ほか ${regions.length - 2} リージョン`;

/** Account ids for a title: up to two, then a count (names would not fit, nor suit the ASCII subject). */
export const accountIdsShort = (accounts: readonly AccountRef[]): string =>
  accounts.length <= 2
    ? accounts.map((a) => a.id).join(', ')
    : `${accounts[0]?.id} +${accounts.length - 1} accounts`;

export const countsLabel = (severities: readonly Severity[]): string =>
  SEVERITIES.filter((s) => severities.includes(s))
    .map((s) => `${SEVERITY_LABEL[s]} ${severities.filter((x) => x === s).length}`)
    .join('・');

export const countsAscii = (severities: readonly Severity[]): string =>
  SEVERITIES.filter((s) => severities.includes(s))
    .map((s) => `${s} ${severities.filter((x) => x === s).length}`)
    .join(', ');

export const worst = (severities: readonly Severity[]): Severity =>
  SEVERITIES.find((s) => severities.includes(s)) ?? 'low';

export const bySeverity = <T>(items: readonly T[], severityOf: (item: T) => Severity): T[] =>
  [...items].sort((a, b) => SEVERITIES.indexOf(severityOf(a)) - SEVERITIES.indexOf(severityOf(b)));

/**
 * Name tag and id, as people recognise a resource. An ARN id (load balancers) is shortened to its
 * resource part (app/prod-alb/50dc…), which is what the console shows; the account is named as such.
 */
export const resourceLabel = (r: {
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

export const refOfEntry = (e: AlertStateEntry): ResourceRef => ({
  type: e.resourceType,
  id: e.resourceId,
  region: e.region,
  ...(e.resourceName !== undefined ? { name: e.resourceName } : {}),
});

export const accountOfEntry = (e: AlertStateEntry): AccountRef | undefined =>
  e.accountId !== undefined
    ? { id: e.accountId, ...(e.accountName !== undefined ? { name: e.accountName } : {}) }
    : undefined;

export interface RunContext {
  readonly report: Report;
  readonly stateUnavailable: boolean;
  readonly stateError?: string;
  readonly reportUrl?: string;
  /** More than one account: every item names its account beside its resource. */
  readonly multiAccount: boolean;
  readonly consoleSignIn?: ConsoleSignIn;
}

/** Where an item's resource lives: the region, and the account when the run covers several. */
export const whereText = (ctx: RunContext, region: string, account: AccountRef | undefined): string =>
  ctx.multiAccount && account
    ? `アカウント ${accountLabel(account)} / ${regionName(region)}`
    : regionName(region);

export const whereChat = (ctx: RunContext, region: string, account: AccountRef | undefined): string =>
  ctx.multiAccount && account
    ? `${chatEscape(accountLabel(account))}・${regionName(region)}`
    : regionName(region);

export const contextLines = (ctx: RunContext): string[] => [
  `アカウント: ${accountsLabel(ctx.report)}`,
  `リージョン: ${ctx.report.regions.join(', ') || '（なし）'}`,
  ...(skippedRegionsLine(ctx.report) ? [skippedRegionsLine(ctx.report) as string] : []),
  `プロファイル: ${ctx.report.profile}`,
  `監査日時: ${formatJst(ctx.report.finishedAt)}`,
  ...(ctx.reportUrl ? [`レポート: ${ctx.reportUrl}`] : []),
];

/** The incomplete-audit banner: first thing after the context, in every message of the run. */
export const incompleteLines = (report: Report): string[] => {
  if (report.complete) return [];
  const lines = [
    RULE,
    '⚠️ 監査が不完全です',
    RULE,
    '次の API 呼び出しに失敗したため、一部のリソースを確認できていません。確認できなかった部分は「問題なし」ではなく「未確認」です。',
    ...report.errors.map(
      (e) =>
        `- ${e.service} の ${e.operation}（${e.region}${failedItemSuffix(e)}）: ${e.code}・${failureLabel(e)} 「${cut(oneLine(e.message), 200)}」`,
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

export const incompleteChat = (report: Report): string[] => {
  if (report.complete) return [];
  const failed = report.errors.map(
    (e) => `${e.service}:${e.operation}（${e.region}${failedItemSuffix(e)}・${e.code}）`,
  );
  const shown = failed.slice(0, 3).join('、');
  const more = failed.length > 3 ? ` ほか ${failed.length - 3} 件` : '';
  const what = shown ? `${chatEscape(shown)}${more}が失敗しました` : '一部のチェックを実行できませんでした';
  const unseen = report.unseen.length > 0 ? `不明な範囲: ${chatEscape(unseenSummary(report))}。` : '';
  return [
    `⚠️ *監査が不完全です* — ${what}。${unseen}確認できなかった部分は「問題なし」とは限らず、その範囲の復旧は判定していません。`,
  ];
};

export const stateLines = (ctx: RunContext): string[] =>
  ctx.stateUnavailable
    ? [
        `⚠️ 前回の通知状態を読み込めませんでした${ctx.stateError ? `（原因: ${cut(oneLine(ctx.stateError), 200)}）` : ''}。通知済みかどうか判別できないため、現在の検出をすべて通知します。`,
      ]
    : [];

export const partNote = (part: number, parts: number): string[] =>
  parts > 1 ? [`件数が多いため ${parts} 通に分けて送っています（${part} 通目）。`] : [];

/**
 * Slack treats `<`, `>` and `&` as control characters (links, mentions such as <!channel>); a Name
 * tag is free text anyone with tagging rights can set, so it is escaped before it reaches the chat.
 */
export const chatEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const chatLink = (url: string | undefined, label: string): string =>
  url ? `<${url}|${chatEscape(label).replace(/\|/g, '¦')}>` : chatEscape(label);

export const withPart = (title: string, part: number, parts: number): string =>
  parts > 1 ? `${title}（${part}/${parts}）` : title;
