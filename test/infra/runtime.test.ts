import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs the tests on the Node major that serverless.yml declares for Lambda', async () => {
    const yml = await readFile(new URL('../../serverless.yml', import.meta.url), 'utf8');
    const declared = /runtime:\s*nodejs(\d+)\.x/.exec(yml)?.[1];
    expect(declared).toBeDefined();
    expect(process.versions.node.split('.')[0]).toBe(declared);
  });
});
