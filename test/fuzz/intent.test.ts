import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { auditInventory } from '../../app/audit.ts';
import { baselineToYaml, buildBaseline } from '../../app/baseline.ts';
import { loadIntentFile, parseIntent } from '../../app/intent-file.ts';
import { parseSnapshot } from '../../inventory/snapshot.ts';
import type { Inventory } from '../../inventory/types.ts';
import { IntentValidationError } from '../../support/errors.ts';
import {
  aliasBomb,
  expectCleanRefusal,
  FUZZ_TIMEOUT_MS,
  mutate,
  mutations,
  parsedOrRefused,
  textMutation,
} from './mutate.ts';

const demoIntentText = await readFile(new URL('../../demo/intent.yaml', import.meta.url), 'utf8');
const demoInventory: Inventory = parseSnapshot(
  await readFile(new URL('../../demo/snapshot.json', import.meta.url), 'utf8'),
  'demo snapshot',
);
const NOW = new Date('2026-03-02T00:00:00Z');

/** Seed documents: the demo intent, a baseline of the demo account (every section), and small ones. */
let seeds: string[] = [];
beforeAll(() => {
  seeds = [
    demoIntentText,
    baselineToYaml(buildBaseline(demoInventory, { now: NOW })),
    'version: 1\nprofile: classic\n',
    stringify({
      version: 1,
      profile: 'private-backend',
      exceptions: [
        { check: 'sg.world-ingress', resource: 'sg-0123456789abcdef0', reason: 'r', expires: '2026-12-31' },
      ],
      severity: { 'vpc.public-subnet': 'low' },
      exposure: { intendedEntries: [{ resource: 'eni-0123456789abcdef0', reason: 'bastion' }] },
    }),
  ];
});

/** An issue names its field (a path) or, for a YAML syntax error, its line. */
const expectFieldsNamed = (error: IntentValidationError) => {
  for (const issue of error.issues) {
    const named =
      issue.path !== '' ||
      issue.line !== undefined ||
      /expected object|Unrecognized key/i.test(issue.message);
    if (!named) throw new Error(`issue names no field or line: ${JSON.stringify(issue)}`);
  }
};

/** Parse, and when the mutant is still a valid intent, audit the demo account with it. */
const parseAndAudit = (text: string) => {
  const result = parsedOrRefused(() => {
    const intent = parseIntent(text, 'fuzzed intent');
    auditInventory(demoInventory, intent, { now: NOW });
    return intent;
  });
  if (!result.ok) {
    expect(result.error).toBeInstanceOf(IntentValidationError);
    expectFieldsNamed(result.error as IntentValidationError);
  }
  return result;
};

describe('fuzz: intent files', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('refuses structurally mutated intents naming the field, or audits with them', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(), mutations, (seed, ms) => {
        const base = parse(seeds[seed % seeds.length] as string);
        const text = stringify(mutate(base, ms)) ?? '';
        if (!parseAndAudit(text).ok) refused++;
      }),
      { numRuns: 1_000 },
    );
    // Most mutants of a strict schema are invalid; if none were, the mutator is broken.
    expect(refused).toBeGreaterThan(500);
  });

  it('refuses damaged YAML text naming the line or field, never throwing anything else', () => {
    fc.assert(
      fc.property(
        fc.nat().chain((seed) => textMutation(seeds[seed % seeds.length] as string)),
        (text) => {
          parseAndAudit(text);
        },
      ),
      { numRuns: 800 },
    );
  });

  it('refuses arbitrary YAML documents at the root', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        parseAndAudit(stringify(value) ?? '');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an alias to a missing anchor naming its line (regression: a raw ReferenceError escaped)', () => {
    const error = expectCleanRefusal(
      catching(() => parseIntent('version: 1\nprofile: private-backend\nregions: *nowhere\n', 'alias.yaml')),
    );
    expect(error.issues[0]).toMatchObject({ line: 3 });
    expect(error.message).toContain('alias.yaml');
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const error = expectCleanRefusal(catching(() => parseIntent(aliasBomb(), 'bomb.yaml')));
    expect(error.message).toContain('bomb.yaml');
  });

  it('refuses an intent larger than 2 MiB with a clear message, before parsing it', () => {
    const big = `version: 1\nprofile: private-backend\n# ${'x'.repeat(2 * 1024 * 1024)}\n`;
    const error = expectCleanRefusal(catching(() => parseIntent(big, 'big.yaml')));
    expect(error.message).toMatch(/big\.yaml is invalid:[\s\S]*larger than 2097152 bytes/);
  });

  it('refuses a missing intent file, a directory and an oversized file naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arch-auditor-fuzz-'));
    const big = join(dir, 'big.yaml');
    await writeFile(big, `version: 1\n# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    for (const file of [join(dir, 'missing.yaml'), dir, big]) {
      const error = expectCleanRefusal(await catchingAsync(() => loadIntentFile(file)));
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

const catchingAsync = async (fn: () => Promise<unknown>): Promise<unknown> => {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};
