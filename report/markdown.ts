import {
  type ExposureModel,
  entryToWorkload,
  type Hop,
  type IntendedDoor,
} from '../evaluate/exposure/types.ts';
import { label } from '../inventory/derive.ts';
import { type Finding, SEVERITIES, type Severity } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { accountLabel, accountsLabel, isMultiAccount, SEVERITY_LABEL } from './labels.ts';
import { skippedRegionsLine, unseenEntries } from './scope.ts';
import { formatJstRange } from './time.ts';

/**
 * The `--format markdown` report: the same facts as the terminal report, plus a Mermaid flowchart of the
 * internet entry points. The intended door (CloudFront, and entries the intent accepts) sits in its own
 * subgraph; each unintended path from exposure.unintended-entry is drawn as a separate chain of hops, so
 * a reader sees at a glance which way in bypasses the door. Renders on GitHub, GitLab and most wikis.
 */

export const EXPOSURE_CHECK_ID = 'exposure.unintended-entry';

export interface MarkdownOptions {
  /** The live exposure model, when the caller has the inventory: draws the doors even with no finding. */
  readonly exposure?: Pick<ExposureModel, 'doors'>;
}

interface PathDetails {
  readonly entry?: { readonly label?: string };
  readonly workload?: { readonly label?: string };
  readonly hops: readonly Hop[];
  readonly ports?: string;
  readonly intendedDoors?: readonly IntendedDoor[];
}

const isHop = (h: unknown): h is Hop =>
  typeof h === 'object' &&
  h !== null &&
  typeof (h as Hop).kind === 'string' &&
  typeof (h as Hop).label === 'string';

/** The path a finding carries in `details`, when it is an exposure finding with hops. */
export const pathOf = (f: Finding): PathDetails | undefined => {
  const d = f.details as Record<string, unknown> | undefined;
  if (!d || !Array.isArray(d.hops) || !d.hops.every(isHop)) return undefined;
  return d as unknown as PathDetails;
};

/** Mermaid label text inside `"…"`: quotes and angle brackets as entities, so no label breaks the syntax. */
const text = (s: string): string =>
  s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

const node = (id: string, hop: Pick<Hop, 'label' | 'note'>): string =>
  `${id}["${text(hop.label)}${hop.note ? `<br/><small>${text(hop.note)}</small>` : ''}"]`;

/** The intended doors the report's exposure findings carry (without the live model), each once. */
export const intendedDoorsOf = (report: Report): IntendedDoor[] =>
  [...report.findings, ...report.suppressed]
    .flatMap((f) => pathOf(f)?.intendedDoors ?? [])
    .filter((d, i, all) => all.findIndex((x) => x.kind === d.kind && x.id === d.id) === i);

/** A Mermaid flowchart of the intended doors and every unintended path; '' when there is nothing to draw. */
export const exposureFlowchart = (findings: readonly Finding[], doors: readonly IntendedDoor[]): string => {
  const paths = findings.filter((f) => f.checkId === EXPOSURE_CHECK_ID).flatMap((f) => pathOf(f) ?? []);
  if (paths.length === 0 && doors.length === 0) return '';
  const lines = ['flowchart LR', '  internet(("インターネット"))'];
  if (doors.length > 0) {
    lines.push('  subgraph intended["意図した入口"]', '    direction LR');
    doors.forEach((door, i) => {
      lines.push(`    ${node(`door${i}`, { label: door.label, note: door.reason })}`);
      door.leadsTo.forEach((target, j) => {
        lines.push(`    door${i} ==> ${node(`door${i}_${j}`, { label: target })}`);
      });
    });
    lines.push('  end');
    doors.forEach((_, i) => {
      lines.push(`  internet ==> door${i}`);
    });
  }
  paths.forEach((path, i) => {
    // The first hop is the internet itself: every path starts from the one shared node.
    const hops = path.hops.filter((h) => h.kind !== 'internet');
    const title = `迂回経路 ${i + 1}: ${entryToWorkload(path.entry ?? hops[0], path.workload)}`;
    lines.push(`  subgraph bypass${i}["${text(title)}"]`, '    direction LR');
    hops.forEach((hop, j) => {
      lines.push(`    ${node(`p${i}_${j}`, hop)}`);
    });
    for (let j = 1; j < hops.length; j++) lines.push(`    p${i}_${j - 1} --> p${i}_${j}`);
    lines.push('  end');
    if (hops.length > 0) lines.push(`  internet -- "${text(path.ports ?? '')}" --> p${i}_0`);
  });
  lines.push('  classDef door fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20');
  lines.push('  classDef bypass fill:#ffebee,stroke:#c62828,color:#b71c1c');
  if (doors.length > 0)
    lines.push(
      `  class ${doors.flatMap((d, i) => [`door${i}`, ...d.leadsTo.map((_, j) => `door${i}_${j}`)]).join(',')} door`,
    );
  const bypassNodes = paths.flatMap((p, i) =>
    p.hops.filter((h) => h.kind !== 'internet').map((_, j) => `p${i}_${j}`),
  );
  if (bypassNodes.length > 0) lines.push(`  class ${bypassNodes.join(',')} bypass`);
  return lines.join('\n');
};

/** Markdown text: no stray emphasis or table breaks from resource names. */
const md = (s: string): string => s.replace(/([\\`*_|<>[\]])/g, '\\$1');

const renderFinding = (f: Finding, severity: Severity, multiAccount: boolean): string[] => {
  const path = pathOf(f);
  return [
    `#### [${SEVERITY_LABEL[severity]}] \`${f.checkId}\` ${md(f.title)}`,
    '',
    `- 対象: ${md(f.resource.type)} ${md(label(f.resource))} (${multiAccount ? `アカウント ${md(accountLabel(f.account))} / ` : ''}${md(f.resource.region)})`,
    `- 検出内容: ${md(f.message)}`,
    ...(f.expected !== undefined ? [`- 期待する状態: ${md(f.expected)}`] : []),
    ...(f.actual !== undefined ? [`- 現在の状態: ${md(f.actual)}`] : []),
    ...(f.remediation ? [`- 対処: ${md(f.remediation)}`] : []),
    ...(path
      ? [
          '- 経路:',
          ...path.hops.map((h, i) => `  ${i + 1}. ${md(h.label)}${h.note ? ` — ${md(h.note)}` : ''}`),
        ]
      : []),
    '',
  ];
};

/** The whole report as Markdown (Japanese), most severe findings first. */
export const renderMarkdown = (report: Report, options: MarkdownOptions = {}): string => {
  const lines: string[] = [];
  const total = report.findings.length;
  lines.push('# arch-auditor 監査結果', '');
  lines.push('| アカウント | リージョン | プロファイル | 実行日時 |', '| --- | --- | --- | --- |');
  lines.push(
    `| ${md(accountsLabel(report))} | ${report.regions.join(', ')} | ${report.profile} | ${formatJstRange(report.startedAt, report.finishedAt)} |`,
    '',
  );
  lines.push(
    total === 0
      ? '**検出なし**: 意図したアーキテクチャからの逸脱は見つかりませんでした。'
      : `**検出 ${total} 件**（${SEVERITIES.filter((s) => report.summary.bySeverity[s] > 0)
          .map((s) => `${SEVERITY_LABEL[s]} ${report.summary.bySeverity[s]}`)
          .join('・')}）`,
    '',
  );
  const skipped = skippedRegionsLine(report);
  if (skipped) lines.push(md(skipped), '');
  if (!report.complete) {
    lines.push(
      '> [!WARNING]',
      '> 監査が不完全です。以下の API を読み取れなかったため、その範囲は「問題なし」ではなく「不明」です。',
    );
    for (const e of report.errors)
      lines.push(
        `> - ${md(`${e.service}:${e.operation} (${e.region}${e.resourceId ? ` ${e.resourceId}` : ''}): ${e.code}: ${e.message}`)}`,
      );
    if (report.skippedChecks.length > 0)
      lines.push(`> - 実行できなかったチェック: ${report.skippedChecks.map((c) => `\`${c}\``).join(', ')}`);
    const unseen = unseenEntries(report);
    if (unseen.length > 0) {
      lines.push('> - 結果が不明な範囲（ここでの検出は報告も復旧判定もしていません。それ以外は判定済み）:');
      for (const e of unseen)
        lines.push(`>   - ${md(e.place)}: ${e.checks.map((c) => `\`${c}\``).join(', ')}`);
    }
    lines.push('');
  }

  const doors = options.exposure?.doors ?? intendedDoorsOf(report);
  const chart = exposureFlowchart(report.findings, doors);
  const exposed = report.findings.filter((f) => f.checkId === EXPOSURE_CHECK_ID).length;
  const blind = unseenEntries({
    unseen: report.unseen.filter((u) => u.checkId === EXPOSURE_CHECK_ID),
    accounts: report.accounts,
  });
  if (chart || report.skippedChecks.includes(EXPOSURE_CHECK_ID) || blind.length > 0) {
    lines.push('## インターネットからの入口', '');
    if (report.skippedChecks.includes(EXPOSURE_CHECK_ID))
      lines.push('経路の判定に必要な情報を取得できなかったため、意図しない経路の有無は不明です。', '');
    else if (blind.length > 0)
      lines.push(
        `${md(blind.map((b) => b.place).join('、'))} は経路の判定に必要な情報を取得できなかったため、意図しない経路の有無は不明です。`,
        '',
      );
    if (!report.skippedChecks.includes(EXPOSURE_CHECK_ID))
      lines.push(
        exposed === 0
          ? `${blind.length > 0 ? 'それ以外では、' : ''}意図した入口を迂回する経路は見つかりませんでした。`
          : `意図した入口（緑）を迂回してワークロードに届く経路が ${exposed} 件あります（赤）。`,
        '',
      );
    if (chart) lines.push('```mermaid', chart, '```', '');
  }

  for (const severity of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(`## ${SEVERITY_LABEL[severity]}（${group.length} 件）`, '');
    for (const f of group) lines.push(...renderFinding(f, severity, isMultiAccount(report)));
  }
  if (report.excludedVpcs.length > 0) {
    lines.push(`## 設計定義ファイルで監査対象外にした VPC（${report.excludedVpcs.length} 件）`, '');
    for (const v of report.excludedVpcs)
      lines.push(
        `- ${isMultiAccount(report) ? `アカウント ${v.account} / ` : ''}${md(v.id)}${v.region ? ` (${md(v.region)})` : '（見つかりません）'}: ${md(v.reason)}`,
      );
    lines.push('');
  }
  if (report.suppressed.length > 0) {
    lines.push(`## 例外で抑止した検出（${report.suppressed.length} 件）`, '');
    for (const s of report.suppressed)
      lines.push(
        `- \`${s.checkId}\` ${md(label(s.resource))}: ${md(s.exception.reason)}${s.exception.expires ? `（期限 ${s.exception.expires}）` : ''}`,
      );
    lines.push('');
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
};
