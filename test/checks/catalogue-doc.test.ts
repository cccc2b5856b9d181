import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../checks/define.ts';
import { CHECKS } from '../../checks/index.ts';
import { CATALOGUE_PATH, COMMAND, renderCatalogue } from '../../scripts/checks-doc.ts';

/** The rows of one generated catalogue: `| \`id\` | principle | severity | type | title | reads |`. */
const rowsOf = (markdown: string) =>
  markdown
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.replaceAll('\\|', '|')),
    );

describe('docs/checks.md (the check catalogue)', () => {
  it(`is what the registry generates today (refresh it with: ${COMMAND})`, () => {
    const committed = readFileSync(CATALOGUE_PATH, 'utf8');
    expect(
      renderCatalogue() === committed,
      `docs/checks.md is stale: the registry (checks/index.ts) changed; run \`${COMMAND}\` and commit the result`,
    ).toBe(true);
  });

  it('lists every registered check once, with its principle, severity, resource type, title and slices', () => {
    const rows = rowsOf(renderCatalogue());
    expect(rows.map((r) => r[0])).toEqual(CHECKS.map((c) => `\`${c.id}\``));
    for (const [row, check] of rows.map((r, i) => [r, CHECKS[i]!] as const)) {
      expect(row.slice(1, 5)).toEqual([check.principle, check.severity, check.resourceType, check.title]);
      for (const slice of check.needs) expect(row[5]).toContain(`\`${slice}\``);
    }
  });

  it('follows a change in the registry: a new check gets a row, a changed severity shows', () => {
    const base = CHECKS[0]!;
    const changed: Check = { ...base, severity: 'critical', title: 'タイトル | 縦棒入り' };
    const added: Check = { ...base, id: 'newgroup.new-check', needs: [] };
    const rows = rowsOf(renderCatalogue([changed, added]));
    expect(rows).toEqual([
      [
        `\`${base.id}\``,
        base.principle,
        'critical',
        base.resourceType,
        'タイトル | 縦棒入り',
        expect.any(String),
      ],
      [
        '`newgroup.new-check`',
        base.principle,
        base.severity,
        base.resourceType,
        base.title,
        expect.any(String),
      ],
    ]);
    expect(renderCatalogue([changed, added])).toContain('## newgroup');
    expect(renderCatalogue([base])).not.toBe(renderCatalogue([changed]));
  });
});
