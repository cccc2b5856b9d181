import type { Report } from '../../model/report.ts';

/** The documented moto gap (see audit.e2e.test.ts): GetExport has no oas30 export. */
const isMotoExportGap = (f: Report['findings'][number]) =>
  f.checkId === 'audit.incomplete' && f.message.includes('GetExport');

/** `checkId resourceId` for every finding but the moto gap, unique and sorted. */
export const pairsOf = (report: Report): string[] =>
  [
    ...new Set(
      report.findings.filter((f) => !isMotoExportGap(f)).map((f) => `${f.checkId} ${f.resource.id}`),
    ),
  ].sort();

/** The same form for what a case expects: the resource ids each check must name, and no others. */
export const pairs = (expected: Record<string, readonly string[]>): string[] =>
  Object.entries(expected)
    .flatMap(([checkId, ids]) => ids.map((id) => `${checkId} ${id}`))
    .sort();
