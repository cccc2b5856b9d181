import { mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../app/audit.ts';
import { parseIntent } from '../../app/intent-file.ts';
import { exposureModel } from '../../evaluate/exposure/paths.ts';
import { parseSnapshot, readSnapshot } from '../../inventory/snapshot.ts';
import { generateLargeInventory } from '../fixtures/large-inventory.ts';
import {
  expectCleanRefusal,
  FUZZ_TIMEOUT_MS,
  mutate,
  mutations,
  parsedOrRefused,
  textMutation,
} from './mutate.ts';

const demoText = await readFile(new URL('../../demo/snapshot.json', import.meta.url), 'utf8');
const demo: unknown = JSON.parse(demoText);
const intent = parseIntent(await readFile(new URL('../../demo/intent.yaml', import.meta.url), 'utf8'));
const NOW = new Date('2026-03-02T00:00:00Z');

/** A snapshot either is refused naming the field, or is audited (and its exposure drawn) without a crash. */
const parseAndAudit = (text: string) =>
  parsedOrRefused(() => {
    const inventory = parseSnapshot(text, 'fuzzed snapshot');
    auditInventory(inventory, intent, { now: NOW });
    exposureModel(inventory, intent);
    return inventory;
  });

describe('fuzz: snapshots', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('refuses structurally mutated snapshots naming the field, or audits them', () => {
    fc.assert(
      fc.property(mutations, (ms) => {
        const result = parseAndAudit(JSON.stringify(mutate(demo, ms)) ?? '');
        if (!result.ok) {
          for (const issue of result.error.issues) {
            if (issue.path === '' && !/expected object|JSON|Unrecognized key/i.test(issue.message)) {
              throw new Error(`issue names no field: ${JSON.stringify(issue)}`);
            }
          }
        }
      }),
      { numRuns: 600 },
    );
  });

  it('refuses damaged JSON text', () => {
    fc.assert(
      fc.property(textMutation(demoText), (text) => {
        parseAndAudit(text);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses arbitrary JSON values at the root', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        expect(parseAndAudit(JSON.stringify(value)).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts what the collectors write: the demo and a large generated inventory round-trip unchanged', () => {
    const large = generateLargeInventory();
    expect(parseSnapshot(JSON.stringify(large), 'large')).toEqual(JSON.parse(JSON.stringify(large)));
    expect(parseSnapshot(demoText, 'demo')).toEqual(demo);
  });

  it('refuses a snapshot whose resource fields have the wrong type (regression: checks threw TypeErrors)', () => {
    const broken = structuredClone(demo) as { ec2: { routeTables: { routes: unknown }[] } };
    (broken.ec2.routeTables[0] as { routes: unknown }).routes = undefined;
    const error = expectCleanRefusal(catching(() => parseSnapshot(JSON.stringify(broken), 'broken.json')));
    expect(error.issues.map((i) => i.path)).toEqual(['ec2.routeTables[0].routes']);
  });

  it('refuses a missing file, a directory and an oversized file naming the file, without reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arch-auditor-fuzz-'));
    const huge = join(dir, 'huge.json');
    await writeFile(huge, '');
    // Sparse: takes no disk, but stat reports 600 MiB; reading it would exhaust the heap.
    await truncate(huge, 600 * 1024 * 1024);
    for (const file of [join(dir, 'missing.json'), dir, huge]) {
      const error = expectCleanRefusal(
        await readSnapshot(file).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      expect(error.message).toContain(file);
    }
  });
});

const catching = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};
