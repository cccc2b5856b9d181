/**
 * Writes docs/checks.md, the check catalogue, from the registry (checks/index.ts): the document users
 * route alerts and write exceptions by is generated from the code, so the two cannot disagree.
 * test/checks/catalogue-doc.test.ts fails when the committed file is stale.
 * Run: `npm run docs:checks`
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Check } from '../checks/define.ts';
import { CHECKS } from '../checks/index.ts';
import { writeFileAtomically } from '../support/write-file.ts';

export const COMMAND = 'npm run docs:checks';
export const CATALOGUE_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/checks.md');

/** Section headings by id prefix; a new group without one is headed by its prefix. */
const GROUPS: Readonly<Record<string, string>> = {
  vpc: 'Network',
  sg: 'Security groups',
  elb: 'Load balancers',
  cloudfront: 'CloudFront',
  apigw: 'API Gateway REST',
  exposure: 'Exposure reasoning',
  drift: 'Drift against the baseline',
  audit: 'The audit itself',
};

const groupOf = (check: Check): string => check.id.split('.')[0] as string;

/** A table cell: a literal `|` would end the cell, a newline the row. */
const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

const reads = (check: Check): string =>
  check.needs.length === 0
    ? 'no inventory slice (the collection errors, the intent)'
    : check.needs.map((slice) => `\`${slice}\``).join(', ');

export const renderCatalogue = (checks: readonly Check[] = CHECKS): string => {
  const groups = [...new Set(checks.map(groupOf))];
  const lines = [
    '# Check catalogue',
    '',
    `<!-- Generated from checks/index.ts; do not edit by hand. Regenerate with: ${COMMAND} -->`,
    '',
    'Stable ids: users route alerts, write exceptions and build dashboards on them, so an id never changes',
    'meaning once shipped. Severity is the default; the intent file may raise or lower it, and a check may',
    'raise it for one finding (e.g. `sg.world-ingress` on an admin port). The principle is the architecture',
    'principle (P1–P10) the check enforces.',
    '',
    '"Resource type" is the CloudFormation type name of the resource a finding points at. Where it depends',
    'on the finding, the column names a role instead (the entry resource, the excepted resource), and',
    '`vpc.nat-mode` points at the route table instead of the NAT gateway when a route is at fault.',
    '',
    '"Reads" names the inventory slices the check needs: when one of them could not be collected, the check',
    'is not run and the report says the audit is incomplete. Titles are the Japanese ones the report and the',
    'alerts print; each check module (`checks/<group>/<name>.ts`) also holds its explanation, impact and',
    'remediation.',
    '',
    `This file is generated from the registry: \`${COMMAND}\` rewrites it, and`,
    '`test/checks/catalogue-doc.test.ts` fails when it is stale. The report these checks produce is described',
    'in [report.md](report.md).',
    '',
  ];
  for (const group of groups) {
    lines.push(
      `## ${GROUPS[group] ?? group}`,
      '',
      '| id | principle | default severity | resource type | title | reads |',
      '| --- | --- | --- | --- | --- | --- |',
      ...checks
        .filter((c) => groupOf(c) === group)
        .map(
          (c) =>
            `| \`${c.id}\` | ${c.principle} | ${c.severity} | ${cell(c.resourceType)} | ${cell(c.title)} | ${reads(c)} |`,
        ),
      '',
    );
  }
  return lines.join('\n');
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFileAtomically(CATALOGUE_PATH, renderCatalogue());
  process.stdout.write(`wrote ${CATALOGUE_PATH} (${CHECKS.length} checks)\n`);
}
