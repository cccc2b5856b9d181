import { label } from '../inventory/derive.ts';
import {
  type AccountRef,
  type Finding,
  type ResourceRef,
  SEVERITIES,
  type Severity,
} from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { accountLabel, accountsLabel, isMultiAccount, SEVERITY_LABEL } from './labels.ts';
import { skippedRegionsLine, unseenLines } from './scope.ts';
import { formatJstRange } from './time.ts';

/** The marks the terminal report may colour: severities, new and recovered findings, asides. */
export type PaintStyle = Severity | 'new' | 'recovered' | 'muted';

/** Colours a span of the report (or leaves it plain): the CLI decides, per stream, whether to colour. */
export type Paint = (style: PaintStyle, text: string) => string;

const plain: Paint = (_style, text) => text;

/** A finding the alert state held that this run no longer finds (as `audit --publish` announced it). */
export interface RecoveredMark {
  readonly checkId: string;
  readonly title?: string;
  readonly severity: Severity;
  readonly resource: ResourceRef;
  /** Its account (absent in alert states written before findings named their account). */
  readonly account?: AccountRef;
}

/** What the alerts of this run said, for `audit --publish`: which findings are new, which recovered. */
export interface AlertMarks {
  readonly newFingerprints: ReadonlySet<string>;
  readonly recovered: readonly RecoveredMark[];
}

export interface TextOptions {
  readonly paint?: Paint;
  readonly alerts?: AlertMarks;
}

/** The readable Japanese report for a terminal, grouped by severity, most severe first. */
export const renderText = (report: Report, options: TextOptions = {}): string => {
  const paint = options.paint ?? plain;
  const lines: string[] = [];
  const total = report.findings.length;
  lines.push(
    `arch-auditor 監査結果: アカウント ${accountsLabel(report)} / リージョン ${report.regions.join(', ')} / プロファイル ${report.profile}`,
  );
  lines.push(`実行日時: ${formatJstRange(report.startedAt, report.finishedAt)}`);
  lines.push(
    total === 0
      ? '検出なし: 意図したアーキテクチャからの逸脱は見つかりませんでした。'
      : `検出 ${total} 件（${SEVERITIES.filter((s) => report.summary.bySeverity[s] > 0)
          .map((s) => paint(s, `${SEVERITY_LABEL[s]} ${report.summary.bySeverity[s]}`))
          .join('・')}）`,
  );
  if (options.alerts) {
    const fresh = report.findings.filter((f) => options.alerts?.newFingerprints.has(f.fingerprint)).length;
    const recovered = options.alerts.recovered.length;
    lines.push(`通知: ${paint('new', `新規 ${fresh} 件`)}・${paint('recovered', `復旧 ${recovered} 件`)}`);
  }
  const skipped = skippedRegionsLine(report);
  if (skipped) lines.push(skipped);
  if (!report.complete) {
    lines.push('');
    lines.push(
      paint(
        'high',
        '⚠ 監査が不完全です。以下の API を読み取れなかったため、その範囲は「問題なし」ではなく「不明」です。',
      ),
    );
    for (const e of report.errors)
      lines.push(
        `  - ${e.service}:${e.operation} (${e.region}${e.resourceId ? ` ${e.resourceId}` : ''}): ${e.code}: ${e.message}`,
      );
    if (report.skippedChecks.length > 0)
      lines.push(`  実行できなかったチェック: ${report.skippedChecks.join(', ')}`);
    const unseen = unseenLines(report);
    if (unseen.length > 0) {
      lines.push('  結果が不明な範囲（ここでの検出は報告も復旧判定もしていません。それ以外は判定済み）:');
      for (const line of unseen) lines.push(`    - ${line}`);
    }
  }
  for (const severity of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push('', paint(severity, `■ ${SEVERITY_LABEL[severity]}（${group.length} 件）`));
    for (const finding of group)
      lines.push(...renderFinding(finding, severity, isMultiAccount(report), paint, options.alerts));
  }
  if (options.alerts && options.alerts.recovered.length > 0) {
    lines.push('', paint('recovered', `■ 復旧（${options.alerts.recovered.length} 件）`));
    for (const r of options.alerts.recovered) {
      lines.push(
        `  - ${paint('recovered', '[復旧]')} [${SEVERITY_LABEL[r.severity]}] ${r.checkId}: ${r.title ?? ''} — ${label(r.resource)} (${isMultiAccount(report) && r.account ? `アカウント ${accountLabel(r.account)} / ` : ''}${r.resource.region})`,
      );
    }
  }
  if (report.excludedVpcs.length > 0) {
    lines.push('', `■ 設計定義ファイルで監査対象外にした VPC（${report.excludedVpcs.length} 件）`);
    for (const v of report.excludedVpcs)
      lines.push(
        `  - ${isMultiAccount(report) ? `アカウント ${v.account} / ` : ''}${v.id}${v.region ? ` (${v.region})` : '（見つかりません）'}: ${v.reason}`,
      );
  }
  if (report.suppressed.length > 0) {
    lines.push('', paint('muted', `■ 例外で抑止した検出（${report.suppressed.length} 件）`));
    for (const s of report.suppressed) {
      lines.push(
        `  - [${s.checkId}] ${label(s.resource)}: ${s.exception.reason}${s.exception.expires ? `（期限 ${s.exception.expires}）` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
};

const renderFinding = (
  f: Finding,
  severity: Severity,
  multiAccount: boolean,
  paint: Paint,
  alerts?: AlertMarks,
): string[] => [
  '',
  `  ${paint(severity, `[${SEVERITY_LABEL[severity]}]`)}${alerts?.newFingerprints.has(f.fingerprint) ? ` ${paint('new', '[新規]')}` : ''} ${f.checkId}: ${f.title}`,
  `    対象: ${f.resource.type} ${label(f.resource)} (${multiAccount ? `アカウント ${accountLabel(f.account)} / ` : ''}${f.resource.region})`,
  `    検出内容: ${f.message}`,
  ...(f.expected !== undefined ? [`    期待する状態: ${f.expected}`] : []),
  ...(f.actual !== undefined ? [`    現在の状態: ${f.actual}`] : []),
  ...(f.remediation ? [`    対処: ${f.remediation}`] : []),
];
