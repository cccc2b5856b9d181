import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.ts';
import { loadYaml, ROOT } from '../fixtures/cfn.ts';

/**
 * docs/deploy.ja.md's commands stay runnable as written: every `--param` it passes is a param of
 * serverless.yml, and every `npx arch-auditor` command and flag exists. (The commands themselves were
 * run against moto and `serverless package` when the guide was written; this keeps them from rotting.)
 */
const guide = await readFile(join(ROOT, 'docs/deploy.ja.md'), 'utf8');
/** The shell blocks, with backslash continuations joined. */
const shellLines = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
  (m[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n'),
);

describe('docs/deploy.ja.md', () => {
  it('passes only params serverless.yml declares', async () => {
    const sls = await loadYaml('serverless.yml');
    const params = [...guide.matchAll(/--param="(\w+)=/g)].map((m) => m[1]);
    expect(params.length).toBeGreaterThan(5);
    for (const param of params) expect(Object.keys(sls.params.default), param).toContain(param);
  });

  it('runs only arch-auditor commands and flags the CLI has', () => {
    const program = buildProgram({ out: () => {}, err: () => {} }, () => {});
    const commands = shellLines.filter((l) => l.includes('npx arch-auditor '));
    expect(commands.length).toBeGreaterThan(5);
    for (const line of commands) {
      const [name = '', ...args] =
        line.split('npx arch-auditor ')[1]?.split('#')[0]?.trim().split(/\s+/) ?? [];
      const command = program.commands.find((c) => c.name() === name);
      expect(command, line).toBeDefined();
      const flags = new Set(command?.options.map((o) => o.long));
      for (const flag of args.filter((a) => a.startsWith('--')))
        expect(flags, `${line}: ${flag}`).toContain(flag);
    }
  });
});
