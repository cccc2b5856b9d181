import type { ExposureModel, IntendedDoor } from '../evaluate/exposure/types.ts';
import { label } from '../inventory/derive.ts';
import { type Finding, SEVERITIES, type Severity } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { accountLabel, accountsLabel, isMultiAccount, SEVERITY_LABEL } from './labels.ts';
import { EXPOSURE_CHECK_ID, intendedDoorsOf, pathOf } from './markdown.ts';
import { skippedRegionsLine, unseenEntries } from './scope.ts';
import { formatJstRange } from './time.ts';

/**
 * The `--format html` report: one self-contained page (inline CSS and an inline SVG, no script, no
 * font or image to fetch) that opens offline from a file, a mail attachment or S3. It says what the
 * text report says — summary, incompleteness, findings by severity — and draws the internet entry
 * points as a picture laid out here: one row per chain (each intended door, each unintended path),
 * one column per hop, the internet on the left. Every value from the account is HTML-escaped.
 */

export interface HtmlOptions {
  /** The live exposure model, when the caller has the inventory: draws the doors even with no finding. */
  readonly exposure?: Pick<ExposureModel, 'doors'>;
}

/** Text as HTML (element content and attribute values alike). */
export const escapeHtml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  critical: '#b71c1c',
  high: '#e65100',
  medium: '#f9a825',
  low: '#1565c0',
};

// ------------------------------------------------------------------------------------ Graph layout

type Tone = 'internet' | 'door' | 'bypass';

interface GraphNode {
  readonly id: string;
  readonly column: number;
  readonly row: number;
  /** First line: the name, or the whole label when it has no "(id)". */
  readonly title: string;
  readonly detail?: string;
  readonly note?: string;
  readonly tone: Tone;
}

interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly text?: string;
  readonly tone: Tone;
}

export interface ExposureGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly rows: number;
  readonly columns: number;
}

/** 'prod-alb-sg (sg-0abc…)' as its name and its id, so a node can show them on two lines. */
const splitLabel = (text: string): { title: string; detail?: string } => {
  const match = /^(.*\S) \(([^()]+)\)$/.exec(text);
  return match ? { title: match[1] as string, detail: match[2] as string } : { title: text };
};

/**
 * Lays out the doors and unintended paths: column = hop index (the internet is column 0), row = one
 * per chain, in order (doors first, then paths; a door leading to several targets takes one row per
 * target). Pure, so the layout is tested without a browser.
 */
export const exposureGraph = (
  findings: readonly Finding[],
  doors: readonly IntendedDoor[],
): ExposureGraph => {
  const paths = findings.filter((f) => f.checkId === EXPOSURE_CHECK_ID).flatMap((f) => pathOf(f) ?? []);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let row = 0;
  doors.forEach((door, i) => {
    const id = `door${i}`;
    const doorRow = row;
    nodes.push({ id, column: 1, row: doorRow, ...splitLabel(door.label), note: door.reason, tone: 'door' });
    edges.push({ from: 'internet', to: id, tone: 'door' });
    door.leadsTo.forEach((target, j) => {
      nodes.push({ id: `${id}_${j}`, column: 2, row: doorRow + j, ...splitLabel(target), tone: 'door' });
      edges.push({ from: id, to: `${id}_${j}`, tone: 'door' });
    });
    row += Math.max(1, door.leadsTo.length);
  });
  paths.forEach((path, i) => {
    // The first hop is the internet itself: every path starts from the one shared node.
    const hops = path.hops.filter((h) => h.kind !== 'internet');
    hops.forEach((hop, j) => {
      nodes.push({
        id: `p${i}_${j}`,
        column: j + 1,
        row,
        ...splitLabel(hop.label),
        ...(hop.note ? { note: hop.note } : {}),
        tone: 'bypass',
      });
      edges.push({
        from: j === 0 ? 'internet' : `p${i}_${j - 1}`,
        to: `p${i}_${j}`,
        ...(j === 0 && path.ports ? { text: path.ports } : {}),
        tone: 'bypass',
      });
    });
    if (hops.length > 0) row += 1;
  });
  const rows = Math.max(1, row);
  nodes.unshift({
    id: 'internet',
    column: 0,
    row: (rows - 1) / 2,
    title: 'インターネット',
    tone: 'internet',
  });
  return { nodes, edges, rows, columns: Math.max(1, ...nodes.map((n) => n.column + 1)) };
};

const NODE_W = 210;
const NODE_H = 62;
const GAP_X = 56;
const GAP_Y = 22;
const PAD = 16;

/** Cuts a line to what fits a node (a CJK character is about two Latin ones wide). */
const clip = (text: string, width = 30): string => {
  let used = 0;
  let out = '';
  for (const ch of text) {
    used += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
    if (used > width) return `${out}…`;
    out += ch;
  }
  return out;
};

const TONE_STYLE: Readonly<Record<Tone, { fill: string; stroke: string; text: string }>> = {
  internet: { fill: '#eceff1', stroke: '#455a64', text: '#263238' },
  door: { fill: '#e8f5e9', stroke: '#2e7d32', text: '#1b5e20' },
  bypass: { fill: '#ffebee', stroke: '#c62828', text: '#b71c1c' },
};

/** The graph as an inline SVG: boxes with the name, id and the fact that let traffic through. */
export const exposureSvg = (graph: ExposureGraph): string => {
  const x = (n: GraphNode) => PAD + n.column * (NODE_W + GAP_X);
  const y = (n: GraphNode) => PAD + n.row * (NODE_H + GAP_Y);
  const width = PAD * 2 + graph.columns * NODE_W + (graph.columns - 1) * GAP_X;
  const height = PAD * 2 + graph.rows * NODE_H + (graph.rows - 1) * GAP_Y;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="exposure-graph" role="img" aria-labelledby="exposure-graph-title" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<title id="exposure-graph-title">インターネットからの入口と経路</title>',
    '<defs>',
    ...(['door', 'bypass', 'internet'] as const).map(
      (tone) =>
        `<marker id="arrow-${tone}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${TONE_STYLE[tone].stroke}"/></marker>`,
    ),
    '</defs>',
  ];
  for (const e of graph.edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (!from || !to) continue;
    const x1 = x(from) + NODE_W;
    const y1 = y(from) + NODE_H / 2;
    const x2 = x(to);
    const y2 = y(to) + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    const style = TONE_STYLE[e.tone];
    parts.push(
      `<path class="edge edge-${e.tone}" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="${style.stroke}" stroke-width="${e.tone === 'door' ? 2.5 : 1.8}" marker-end="url(#arrow-${e.tone})"/>`,
    );
    if (e.text) {
      parts.push(
        `<text x="${x2 - 6}" y="${y2 - 6}" text-anchor="end" font-size="11" fill="${style.text}">${escapeHtml(clip(e.text, 14))}</text>`,
      );
    }
  }
  for (const n of graph.nodes) {
    const style = TONE_STYLE[n.tone];
    const lines = [n.title, n.detail, n.note].filter((l): l is string => l !== undefined);
    const full = lines.join('\n');
    const nx = x(n);
    const ny = y(n);
    const first = ny + NODE_H / 2 - (lines.length - 1) * 8 + 4;
    parts.push(
      `<g class="node node-${n.tone}"><title>${escapeHtml(full)}</title>`,
      `<rect x="${nx}" y="${ny}" width="${NODE_W}" height="${NODE_H}" rx="${n.tone === 'internet' ? NODE_H / 2 : 6}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
      ...lines.map(
        (line, i) =>
          `<text x="${nx + NODE_W / 2}" y="${first + i * 16}" text-anchor="middle" font-size="${i === 0 ? 12.5 : 11}" font-weight="${i === 0 ? 600 : 400}" fill="${i === 0 ? style.text : '#455a64'}">${escapeHtml(clip(line))}</text>`,
      ),
      '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
};

// -------------------------------------------------------------------------------------------- Page

const CSS = `
:root { color-scheme: light; --fg: #1f2933; --muted: #52606d; --line: #d9e2ec; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", system-ui, sans-serif; color: var(--fg); background: #f5f7fa; line-height: 1.6; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
section, article { background: #fff; border: 1px solid var(--line); border-radius: 8px; }
#summary { padding: 16px 20px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.counts { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 12px; }
.count { min-width: 96px; padding: 8px 14px; border-radius: 6px; color: #fff; font-weight: 600; }
.count .n { font-size: 1.5rem; display: block; }
.clean { color: #1b5e20; font-weight: 600; }
.warning { margin-top: 12px; padding: 12px 16px; border-left: 4px solid #e65100; background: #fff3e0; }
.warning ul { margin: 6px 0 0; padding-left: 20px; }
#exposure { padding: 16px 20px; }
.graph { overflow-x: auto; padding: 4px 0; }
.legend { color: var(--muted); font-size: 0.9rem; }
.finding { padding: 14px 18px; margin-bottom: 12px; border-left: 6px solid var(--sev); }
.finding h3 { font-size: 1rem; margin: 0 0 8px; }
.badge { display: inline-block; padding: 0 8px; margin-right: 6px; border-radius: 4px; color: #fff; background: var(--sev); font-size: 0.85rem; }
.finding code, .suppressed code { font-size: 0.85rem; background: #f0f4f8; padding: 1px 4px; border-radius: 3px; }
.finding dl { display: grid; grid-template-columns: 8em 1fr; gap: 4px 12px; margin: 0; }
.finding dt { color: var(--muted); }
.finding dd { margin: 0; overflow-wrap: anywhere; }
.finding ol { margin: 0; padding-left: 20px; }
.suppressed { padding: 12px 18px; }
footer { color: var(--muted); font-size: 0.85rem; margin: 32px 0 8px; }
`;

const summarySection = (report: Report): string => {
  const total = report.findings.length;
  const counts = SEVERITIES.map(
    (s) =>
      `<div class="count" style="background:${SEVERITY_COLOR[s]}"><span class="n">${report.summary.bySeverity[s]}</span>${SEVERITY_LABEL[s]}</div>`,
  ).join('');
  const unseen = unseenEntries(report);
  const incomplete = report.complete
    ? ''
    : `<div class="warning" role="alert"><strong>監査が不完全です。</strong>以下の API を読み取れなかったため、その範囲は「問題なし」ではなく「不明」です。<ul>${report.errors
        .map(
          (e) =>
            `<li><code>${escapeHtml(`${e.service}:${e.operation}`)}</code> (${escapeHtml(`${e.region}${e.resourceId ? ` ${e.resourceId}` : ''}`)}): ${escapeHtml(e.code)}: ${escapeHtml(e.message)}</li>`,
        )
        .join('')}${
        report.skippedChecks.length > 0
          ? `<li>実行できなかったチェック: ${report.skippedChecks.map((c) => `<code>${escapeHtml(c)}</code>`).join(', ')}</li>`
          : ''
      }${
        unseen.length > 0
          ? `<li>結果が不明な範囲（ここでの検出は報告も復旧判定もしていません。それ以外は判定済み）:<ul>${unseen
              .map(
                (u) =>
                  `<li>${escapeHtml(u.place)}: ${u.checks.map((c) => `<code>${escapeHtml(c)}</code>`).join(', ')}</li>`,
              )
              .join('')}</ul></li>`
          : ''
      }</ul></div>`;
  const skippedRegions = skippedRegionsLine(report);
  return `<section id="summary" aria-labelledby="summary-title">
<h1 id="summary-title">arch-auditor 監査結果</h1>
<dl class="meta">
<dt>アカウント</dt><dd>${escapeHtml(accountsLabel(report))}</dd>
<dt>リージョン</dt><dd>${escapeHtml(report.regions.join(', ') || '—')}</dd>
<dt>プロファイル</dt><dd>${escapeHtml(report.profile)}</dd>
<dt>実行日時</dt><dd>${escapeHtml(formatJstRange(report.startedAt, report.finishedAt))}</dd>
</dl>
${total === 0 ? '<p class="clean">検出なし: 意図したアーキテクチャからの逸脱は見つかりませんでした。</p>' : `<p>検出 <strong>${total}</strong> 件</p>`}
<div class="counts">${counts}</div>
${skippedRegions ? `<p>${escapeHtml(skippedRegions)}</p>` : ''}
${incomplete}
</section>`;
};

const exposureSection = (report: Report, doors: readonly IntendedDoor[]): string => {
  const skipped = report.skippedChecks.includes(EXPOSURE_CHECK_ID);
  const blind = unseenEntries({
    unseen: report.unseen.filter((u) => u.checkId === EXPOSURE_CHECK_ID),
    accounts: report.accounts,
  });
  const graph = exposureGraph(report.findings, doors);
  const drawable = graph.nodes.length > 1;
  if (!drawable && !skipped && blind.length === 0) return '';
  const exposed = report.findings.filter((f) => f.checkId === EXPOSURE_CHECK_ID).length;
  const lead = skipped
    ? '経路の判定に必要な情報を取得できなかったため、意図しない経路の有無は不明です。'
    : `${
        blind.length > 0
          ? `${escapeHtml(blind.map((b) => b.place).join('、'))} は経路の判定に必要な情報を取得できなかったため、意図しない経路の有無は不明です。`
          : ''
      }${
        exposed === 0
          ? `${blind.length > 0 ? 'それ以外では、' : ''}意図した入口を迂回する経路は見つかりませんでした。`
          : `意図した入口（緑）を迂回してワークロードに届く経路が ${exposed} 件あります（赤）。`
      }`;
  return `<h2 id="exposure-title">インターネットからの入口</h2>
<section id="exposure" aria-labelledby="exposure-title">
<p>${lead}</p>
${drawable ? `<div class="graph">${exposureSvg(graph)}</div><p class="legend">緑: 意図した入口とその先 ／ 赤: 意図した入口を迂回する経路（矢印の数字は届くポート）。ノードにカーソルを合わせると全文が表示されます。</p>` : ''}
</section>`;
};

const findingArticle = (f: Finding, multiAccount: boolean): string => {
  const path = pathOf(f);
  const rows: [string, string][] = [
    [
      '対象',
      `${escapeHtml(f.resource.type)} ${escapeHtml(label(f.resource))} (${multiAccount ? `アカウント ${escapeHtml(accountLabel(f.account))} / ` : ''}${escapeHtml(f.resource.region)})`,
    ],
    ['検出内容', escapeHtml(f.message)],
    ...(f.expected !== undefined ? [['期待する状態', escapeHtml(f.expected)] as [string, string]] : []),
    ...(f.actual !== undefined ? [['現在の状態', escapeHtml(f.actual)] as [string, string]] : []),
    ...(f.impact ? [['影響', escapeHtml(f.impact)] as [string, string]] : []),
    ...(f.remediation ? [['対処', escapeHtml(f.remediation)] as [string, string]] : []),
    ...(path
      ? [
          [
            '経路',
            `<ol>${path.hops.map((h) => `<li>${escapeHtml(h.label)}${h.note ? ` — ${escapeHtml(h.note)}` : ''}</li>`).join('')}</ol>`,
          ] as [string, string],
        ]
      : []),
  ];
  return `<article class="finding" style="--sev:${SEVERITY_COLOR[f.severity]}" data-check="${escapeHtml(f.checkId)}">
<h3><span class="badge">${SEVERITY_LABEL[f.severity]}</span>${escapeHtml(f.title)}</h3>
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}<dt>チェック</dt><dd><code>${escapeHtml(f.checkId)}</code>（ID: <code>${escapeHtml(f.fingerprint)}</code>）</dd></dl>
</article>`;
};

/** The whole report as one HTML page (Japanese), most severe findings first. */
export const renderHtml = (report: Report, options: HtmlOptions = {}): string => {
  const doors = options.exposure?.doors ?? intendedDoorsOf(report);
  const groups = SEVERITIES.map((severity) => {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) return '';
    return `<h2 id="severity-${severity}">${SEVERITY_LABEL[severity]}（${group.length} 件）</h2>\n${group.map((f) => findingArticle(f, isMultiAccount(report))).join('\n')}`;
  }).join('\n');
  const excluded =
    report.excludedVpcs.length === 0
      ? ''
      : `<h2>設計定義ファイルで監査対象外にした VPC（${report.excludedVpcs.length} 件）</h2>
<section class="suppressed"><ul>${report.excludedVpcs
          .map(
            (v) =>
              `<li>${isMultiAccount(report) ? `アカウント ${escapeHtml(v.account)} / ` : ''}<code>${escapeHtml(v.id)}</code>${v.region ? ` (${escapeHtml(v.region)})` : '（見つかりません）'}: ${escapeHtml(v.reason)}</li>`,
          )
          .join('')}</ul></section>`;
  const suppressed =
    report.suppressed.length === 0
      ? ''
      : `<h2>例外で抑止した検出（${report.suppressed.length} 件）</h2>
<section class="suppressed"><ul>${report.suppressed
          .map(
            (s) =>
              `<li><code>${escapeHtml(s.checkId)}</code> ${escapeHtml(label(s.resource))}: ${escapeHtml(s.exception.reason)}${s.exception.expires ? `（期限 ${escapeHtml(s.exception.expires)}）` : ''}</li>`,
          )
          .join('')}</ul></section>`;
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>arch-auditor 監査結果 — ${escapeHtml(accountsLabel(report))}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${summarySection(report)}
${exposureSection(report, doors)}
${groups}
${excluded}
${suppressed}
<footer>arch-auditor が ${escapeHtml(formatJstRange(report.startedAt, report.finishedAt))} に作成したレポートです。</footer>
</main>
</body>
</html>
`;
};
