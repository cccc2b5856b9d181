import { isMultiAccount, SEVERITY_LABEL } from '../report/labels.ts';
import { findingItem, recoveryItem, reminderItem } from './items.ts';
import { type AlertMessage, DEFAULT_MAX_PARTS, type RenderInput, type RenderOptions } from './message.ts';
import { renderKind } from './parts.ts';
import { MAX_SNS_MESSAGE_BYTES, subjectWhere } from './sns-message.ts';
import {
  accountIdsShort,
  bySeverity,
  countsAscii,
  countsLabel,
  type RunContext,
  regionsOf,
  regionsTitle,
  SEVERITY_EMOJI,
  worst,
} from './wording.ts';

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
