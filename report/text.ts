import type { Severity } from '../intent/schema.ts';
import { label } from '../inventory/derive.ts';
import { accountLabel, accountsLabel, isMultiAccount, SEVERITY_LABEL } from './labels.ts';
import { skippedRegionsLine, unseenLines } from './scope.ts';
import { type Finding, type Report, SEVERITY_ORDER } from './types.ts';

/** The readable Japanese report for a terminal, grouped by severity, most severe first. */
export const renderText = (report: Report): string => {
  const lines: string[] = [];
  const total = report.findings.length;
  lines.push(
    `arch-auditor 監査結果: アカウント ${accountsLabel(report)} / リージョン ${report.regions.join(', ')} / プロファイル ${report.profile}`,
  );
  lines.push(`実行日時: ${report.startedAt} 〜 ${report.finishedAt}`);
  lines.push(
    total === 0
      ? '検出なし: 意図したアーキテクチャからの逸脱は見つかりませんでした。'
      : `検出 ${total} 件（${SEVERITY_ORDER.filter((s) => report.summary.bySeverity[s] > 0)
          .map((s) => `${SEVERITY_LABEL[s]} ${report.summary.bySeverity[s]}`)
          .join('・')}）`,
  );
  const skipped = skippedRegionsLine(report);
  if (skipped) lines.push(skipped);
  if (!report.complete) {
    lines.push('');
    lines.push(
      '⚠ 監査が不完全です。以下の API を読み取れなかったため、その範囲は「問題なし」ではなく「不明」です。',
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
  for (const severity of SEVERITY_ORDER) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push('', `■ ${SEVERITY_LABEL[severity]}（${group.length} 件）`);
    for (const finding of group) lines.push(...renderFinding(finding, severity, isMultiAccount(report)));
  }
  if (report.excludedVpcs.length > 0) {
    lines.push('', `■ 意図ファイルで監査対象外にした VPC（${report.excludedVpcs.length} 件）`);
    for (const v of report.excludedVpcs)
      lines.push(
        `  - ${isMultiAccount(report) ? `アカウント ${v.account} / ` : ''}${v.id}${v.region ? ` (${v.region})` : '（見つかりません）'}: ${v.reason}`,
      );
  }
  if (report.suppressed.length > 0) {
    lines.push('', `■ 例外で抑止した検出（${report.suppressed.length} 件）`);
    for (const s of report.suppressed) {
      lines.push(
        `  - [${s.checkId}] ${label(s.resource)}: ${s.exception.reason}${s.exception.expires ? `（期限 ${s.exception.expires}）` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
};

const renderFinding = (f: Finding, severity: Severity, multiAccount: boolean): string[] => [
  '',
  `  [${SEVERITY_LABEL[severity]}] ${f.checkId}: ${f.title}`,
  `    対象: ${f.resource.type} ${label(f.resource)} (${multiAccount ? `アカウント ${accountLabel(f.account)} / ` : ''}${f.resource.region})`,
  `    検出内容: ${f.message}`,
  ...(f.expected !== undefined ? [`    期待する状態: ${f.expected}`] : []),
  ...(f.actual !== undefined ? [`    現在の状態: ${f.actual}`] : []),
  ...(f.remediation ? [`    対処: ${f.remediation}`] : []),
];
