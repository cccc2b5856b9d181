import { describe, expect, it } from 'vitest';
import { mutate } from './mutate.ts';

describe('the fuzz mutator', () => {
  it('never grows a generated value in place: fast-check hands the same constant to many runs', () => {
    const constant: unknown[] = [];
    // Inserted at the root, then added into itself: a cycle, if the constant were inserted as is.
    const mutated = mutate({ a: 1 }, [
      { kind: 'replace', at: 0, value: constant, key: '' },
      { kind: 'add', at: 0, value: constant, key: '' },
    ]);
    expect(constant).toEqual([]);
    expect(mutated).toEqual([[]]);
    expect(() => JSON.stringify(mutated)).not.toThrow();
  });
});
