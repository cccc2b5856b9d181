import type { Severity } from '../model/finding.ts';
import { SEVERITY_LABEL } from '../report/labels.ts';
import { changeDetectionLines } from './attribution.ts';
import { buildChatbot } from './chatbot.ts';
import type { Item } from './items.ts';
import type { AlertMessage, KindSpec, RenderOptions } from './message.ts';
import { buildSubject, jsonBytes, snsEnvelopeBytes } from './sns-message.ts';
import {
  bySeverity,
  contextLines,
  countsLabel,
  incompleteLines,
  partNote,
  RULE,
  type RunContext,
  SEVERITY_EMOJI,
  stateLines,
  withPart,
} from './wording.ts';

/**
 * A kind of message (findings, reminders, recovery) as one or more parts that each fit an SNS message,
 * titled and numbered; a single summary with counts when even the parts would be too many.
 */

const severityHeading = (severity: Severity, total: number, continued: boolean): string =>
  `${RULE}\n${SEVERITY_EMOJI[severity]} ${SEVERITY_LABEL[severity]} ${total} 件${continued ? '（続き）' : ''}\n${RULE}`;

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

/** Splits the items into parts that each fit one SNS message; a single summary when there are too many. */
export const renderKind = (
  spec: KindSpec,
  ctx: RunContext,
  options: Required<RenderOptions>,
): AlertMessage[] => {
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
