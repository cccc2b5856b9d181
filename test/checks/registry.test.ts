import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../checks/define.ts';
import { CHECKS } from '../../checks/index.ts';
import { SLICES } from '../../inventory/types.ts';
import { SHARED, sharedPresent } from '../fixtures/shared.ts';

/**
 * Check ids are a contract: users route alerts, write exceptions and build dashboards on them, so the
 * registry carries exactly the pinned ids, each in its own module with its own tests. The repository's
 * catalogue (docs/checks.md) is generated from the registry (test/checks/catalogue-doc.test.ts); where
 * the guidance catalogue ../shared/CHECKS.md is present (CI), the registry must also match its ids,
 * resource types and severities.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CATALOGUE_PATH = resolve(SHARED, 'CHECKS.md');

interface CatalogueRow {
  readonly id: string;
  readonly resourceType: string;
  readonly severity: string;
}

/** Rows of the catalogue tables: `| \`id\` | finding when | resource type | default severity |`. */
const readCatalogue = (): readonly CatalogueRow[] =>
  readFileSync(CATALOGUE_PATH, 'utf8')
    .split('\n')
    .filter((line) => /^\|\s*`[a-z0-9-]+\.[a-z0-9-]+`\s*\|/.test(line))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      return {
        id: cells[0]!.replaceAll('`', ''),
        resourceType: cells[cells.length - 2]!,
        severity: cells[cells.length - 1]!,
      };
    });

/** The catalogue states a resource type literally; a few rows name a choice or a role instead of one type. */
const acceptedResourceTypes = (documented: string): ((check: Check) => boolean) => {
  if (documented === 'AWS::EC2::NatGateway or AWS::EC2::RouteTable')
    // vpc.nat-mode points at the NAT gateway (wrong mode, missing AZ) or at the route table (cross-AZ,
    // no egress): the check's declared type is one of the two.
    return (check) => ['AWS::EC2::NatGateway', 'AWS::EC2::RouteTable'].includes(check.resourceType);
  // 'the excepted resource' / 'the entry resource': the type is decided per finding (the excepted
  // check's type, the entry's type), so the check declares the role itself, word for word.
  return (check) => check.resourceType === documented;
};

/** Every catalogue id, in catalogue order: changing this list is a deliberate, reviewed act. */
const PINNED_IDS = [
  'vpc.public-subnet',
  'vpc.auto-public-ip',
  'vpc.public-eni',
  'vpc.db-tier-egress',
  'vpc.nat-mode',
  'vpc.cidr',
  'vpc.igw-missing',
  'vpc.default-vpc',
  'sg.world-ingress',
  'sg.cidr-source',
  'sg.front-not-cloudfront-only',
  'sg.chain-broken',
  'sg.default-has-rules',
  'elb.internet-facing',
  'elb.outside-ingress-tier',
  'cloudfront.origin-bypass',
  'cloudfront.vpc-origin-target',
  'cloudfront.s3-origin-access',
  'cloudfront.api-key-header',
  'cloudfront.api-stage-path',
  'cloudfront.viewer-http',
  'cloudfront.waf-missing',
  'cloudfront.security-headers',
  'apigw.endpoint-type',
  'apigw.resource-policy',
  'apigw.api-key-not-required',
  'apigw.waf-missing',
  'apigw.throttling-missing',
  'apigw.integration-target',
  'apigw.vpc-link-target',
  'apigw.stale-deployment',
  'exposure.unintended-entry',
  'drift.security-group',
  'drift.route-table',
  'drift.load-balancer',
  'drift.distribution',
  'drift.rest-api',
  'audit.incomplete',
  'audit.exception-expired',
  'audit.exception-unused',
] as const;

/**
 * Checks this repository added after the guidance catalogue was written, with the row CHECKS.md is to
 * get: pinned and held to the same tests, reported here until the row is added there.
 */
const ADDED_HERE: readonly CatalogueRow[] = [
  { id: 'vpc.default-vpc', resourceType: 'AWS::EC2::VPC', severity: 'low' },
  { id: 'audit.exception-unused', resourceType: 'the excepted resource', severity: 'low' },
];

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
/** Where a failure here sends the reader: the steps of adding a check, in order. */
const GUIDE = 'docs/adding-a-check.md';
const byId = new Map(CHECKS.map((c) => [c.id, c]));

describe('check registry', () => {
  it('registers exactly the pinned ids, in catalogue order', () => {
    expect(
      CHECKS.map((c) => c.id),
      `a new check goes into its group's index.ts and its id into PINNED_IDS (${GUIDE}, steps 2-3)`,
    ).toEqual([...PINNED_IDS]);
  });

  it('registers every check any module under checks/ defines (none forgotten in a barrel)', async () => {
    const groups = readdirSync(resolve(ROOT, 'checks'), { withFileTypes: true }).filter((d) =>
      d.isDirectory(),
    );
    const unregistered: string[] = [];
    for (const group of groups) {
      for (const file of readdirSync(resolve(ROOT, 'checks', group.name)).filter((f) => f.endsWith('.ts'))) {
        const module = (await import(resolve(ROOT, 'checks', group.name, file))) as Record<string, unknown>;
        for (const [name, value] of Object.entries(module)) {
          const looksLikeCheck =
            typeof value === 'object' && value !== null && 'id' in value && 'evaluate' in value;
          if (looksLikeCheck && !CHECKS.includes(value as Check))
            unregistered.push(`checks/${group.name}/${file}: ${name}`);
        }
      }
    }
    expect(unregistered, `add each to its group's index.ts (${GUIDE}, step 2)`).toEqual([]);
  });

  it('registers every id once', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      `ids are unique (${GUIDE})`,
    ).toEqual([]);
  });

  describe.each(CHECKS.map((c) => [c.id, c] as const))('%s', (id, check) => {
    it('is exported by the module named after its id', async () => {
      const [group, name] = id.split('.') as [string, string];
      const path = resolve(ROOT, 'checks', group, `${name}.ts`);
      expect(existsSync(path), `checks/${group}/${name}.ts exists (${GUIDE}, step 1)`).toBe(true);
      const module = (await import(path)) as Record<string, unknown>;
      expect(Object.values(module), `checks/${group}/${name}.ts exports ${id} (${GUIDE}, step 1)`).toContain(
        check,
      );
    });

    it('has a test file of its own beside the others of its group', () => {
      const [group, name] = id.split('.') as [string, string];
      expect(
        existsSync(resolve(ROOT, 'test', 'checks', group, `${name}.test.ts`)),
        `test/checks/${group}/${name}.test.ts holds its twins (${GUIDE}, step 4)`,
      ).toBe(true);
    });

    it('explains itself in Japanese', () => {
      for (const field of ['title', 'explanation', 'impact', 'remediation'] as const) {
        expect(check[field].trim(), `${field} (${GUIDE}, step 1)`).not.toBe('');
        expect(check[field], `${field} is Japanese (${GUIDE}, step 1)`).toMatch(JAPANESE);
      }
      expect(check.title.length, `a title fits one line of an alert (${GUIDE})`).toBeLessThanOrEqual(150);
    });

    it('reads only known slices and names one principle P1–P10', () => {
      expect(
        check.needs.filter((s) => !(SLICES as readonly string[]).includes(s)),
        `needs names slices of SLICES; new data: ${GUIDE}, "A check that needs new data"`,
      ).toEqual([]);
      expect(check.principle, `principle (${GUIDE}, step 1)`).toMatch(/^P([1-9]|10)$/);
    });
  });
});

const hasCatalogue = sharedPresent(CATALOGUE_PATH, 'registry against the guidance catalogue');
const guidance = hasCatalogue ? readCatalogue() : [];
/** The guidance rows, with the rows of the checks added here where the guidance has none yet. */
const catalogue = hasCatalogue
  ? PINNED_IDS.map(
      (id) =>
        guidance.find((r) => r.id === id) ??
        ADDED_HERE.find((r) => r.id === id) ?? { id, resourceType: '?', severity: '?' },
    )
  : [];

describe.skipIf(!hasCatalogue)('check registry against ../shared/CHECKS.md', () => {
  it('reads a catalogue of 38 ids: the pinned ids but the ones added here', () => {
    const added = new Set(ADDED_HERE.map((r) => r.id));
    const inGuidance = guidance.map((r) => r.id).filter((id) => !added.has(id));
    expect(inGuidance).toEqual(PINNED_IDS.filter((id) => !added.has(id)));
    expect(inGuidance).toHaveLength(38);
  });

  it('registers exactly the catalogue ids, in catalogue order', () => {
    const missing = catalogue.map((r) => r.id).filter((id) => !byId.has(id));
    const extra = CHECKS.map((c) => c.id).filter((id) => !catalogue.some((r) => r.id === id));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  describe.each(catalogue.map((r) => [r.id, r] as const))('%s', (id, row) => {
    const check = (): Check => {
      const found = byId.get(id);
      if (!found) throw new Error(`${id} is in CHECKS.md but not registered in checks/index.ts`);
      return found;
    };

    it('has the catalogue default severity', () => {
      expect(check().severity).toBe(row.severity);
    });

    it(`points at the catalogue resource type (${row.resourceType})`, () => {
      expect(acceptedResourceTypes(row.resourceType)(check())).toBe(true);
    });
  });
});
