import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  COMMAND,
  CORPUS_PATH,
  compareCorpus,
  explain,
  FAMILIES,
  NOT_COMPARED,
  readCorpus,
  renderMarkdown,
} from '../../scripts/peer-compare.ts';
import { sharedPresent } from '../fixtures/shared.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The corpus is other projects' fixtures, read in place and never copied here (licences).
const hasCorpus = sharedPresent(CORPUS_PATH, 'peer comparison');
const corpus = hasCorpus ? readCorpus() : [];
const outcomes = compareCorpus(corpus);

describe.skipIf(!hasCorpus)('peer comparison (../shared/peer-corpus)', () => {
  it('docs/peer-comparison.md is what the script generates today (regenerate: see its header)', () => {
    const committed = readFileSync(resolve(ROOT, 'docs/peer-comparison.md'), 'utf8');
    expect(committed).toContain(COMMAND);
    expect(renderMarkdown(outcomes)).toBe(committed);
  });

  it('explains every disagreement with one known semantic difference', () => {
    const unexplained = outcomes
      .filter((o) => !o.agree && explain(o) === undefined)
      .map((o) => o.peerCase.id);
    expect(unexplained).toEqual([]);
    expect(renderMarkdown(outcomes)).not.toContain('UNEXPLAINED');
  });

  it('compares every directly comparable case of the covered families, and says why the others are not', () => {
    const comparable = corpus.filter((c) => c.directly_comparable);
    expect(outcomes).toHaveLength(comparable.filter((c) => FAMILIES[c.family] !== undefined).length);
    const families = new Set(corpus.map((c) => c.family));
    expect([...families].filter((f) => !FAMILIES[f] && !NOT_COMPARED[f])).toEqual([]);
  });

  it('agrees with the peers on at least 85% of the compared cases', () => {
    expect(outcomes.filter((o) => o.agree).length / outcomes.length).toBeGreaterThanOrEqual(0.85);
  });

  it('never passes a case a peer fails: every disagreement is ours being stricter', () => {
    expect(outcomes.filter((o) => !o.agree && o.ours === 'compliant').map((o) => o.peerCase.id)).toEqual([]);
  });
});
