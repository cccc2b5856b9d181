import { SEVERITIES, type Severity } from '../model/finding.ts';
import { accountsLabel, SEVERITY_LABEL } from '../report/labels.ts';
import { formatJst } from '../report/time.ts';
import { changeDetectionLines } from './attribution.ts';
import type { Item } from './items.ts';
import type { ChatbotNotification, KindSpec } from './message.ts';
import {
  chatEscape,
  chatLink,
  cut,
  incompleteChat,
  type RunContext,
  SEVERITY_EMOJI,
  withPart,
} from './wording.ts';

/** The chat channel: the Amazon Q Developer in chat applications (AWS Chatbot) payload of one part. */

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
 * The chat payload of one part: the run's context, then as many items as the description holds (with
 * how many were left out), the checks' first steps, keywords and related resources, all within
 * CHATBOT_LIMITS.
 */
export const buildChatbot = (
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
    ...SEVERITIES.filter((s) => items.some((i) => i.severity === s)).map((s) => SEVERITY_LABEL[s]),
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
