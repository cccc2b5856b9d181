import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSnapshot } from '../../inventory/snapshot.ts';
import type { Inventory } from '../../inventory/types.ts';
import type { Report } from '../../model/report.ts';
import { runCli } from '../fixtures/cli.ts';
import { seed002Account } from '../fixtures/seeds.ts';

describe('CLI: arch-auditor', () => {
  describe('audit --demo', () => {
    it('prints Japanese findings of the drifted demo account and exits 1', async () => {
      const { code, out } = await runCli('audit', '--demo');
      expect(code).toBe(1);
      expect(out).toContain('arch-auditor 監査結果');
      expect(out).toContain('■ 緊急');
      expect(out).toContain('sg-0d3m0ecs000000001');
    });

    it('prints the JSON report contract with --format json', async () => {
      const { out } = await runCli('audit', '--demo', '--format', 'json');
      const report = JSON.parse(out) as Report;
      expect(report).toMatchObject({
        account: '210987654321',
        regions: ['ap-northeast-1'],
        complete: true,
        errors: [],
      });
      expect(report.findings.map((f) => f.checkId)).toEqual(
        expect.arrayContaining([
          'sg.world-ingress',
          'elb.internet-facing',
          'vpc.public-subnet',
          'apigw.resource-policy',
          'cloudfront.origin-bypass',
        ]),
      );
    });

    it('exits 0 when no finding reaches --fail-on', async () => {
      const { code: clean } = await runCli('audit', '--demo', '--fail-on', 'critical');
      const { out } = await runCli('audit', '--demo', '--format', 'json');
      const hasCritical = (JSON.parse(out) as Report).findings.some((f) => f.severity === 'critical');
      expect(clean).toBe(hasCritical ? 1 : 0);
    });
  });

  describe('baseline --snapshot', () => {
    const baselineOf = async (inventory: Inventory, ...flags: string[]) => {
      const dir = await mkdtemp(join(tmpdir(), 'arch-auditor-cli-'));
      const snapshot = join(dir, 'snapshot.json');
      await writeSnapshot(snapshot, inventory);
      const out = join(dir, 'intent.yaml');
      const { code } = await runCli('baseline', '--snapshot', snapshot, '--out', out, ...flags);
      expect(code).toBe(0);
      const yaml = await readFile(out, 'utf8');
      const audit = await runCli('audit', '--snapshot', snapshot, '--intent', out, '--format', 'json');
      return { yaml, audit: JSON.parse(audit.out) as Report };
    };

    it('infers classic for the seed 002 layout, says why above profile, and audits it clean', async () => {
      const { yaml, audit } = await baselineOf(seed002Account());
      expect(yaml).toMatch(
        /# classic とした根拠 \/ why classic:\n# {3}- internet-facing のロードバランサー myapp-dev-alb [^\n]*\n(#[^\n]*\n)*profile: classic\n/,
      );
      expect(yaml).toContain('exceptions: []');
      expect(audit.findings).toEqual([]);
    });

    it('writes the profile --profile names, with the inferred one in the comment', async () => {
      const { yaml, audit } = await baselineOf(seed002Account(), '--profile', 'private-backend');
      expect(yaml).toContain('#   - --profile private-backend で指定（アカウントからの推定は classic）');
      expect(yaml).toContain('\nprofile: private-backend\n');
      expect(audit.findings).toEqual([]);
      expect(audit.suppressed.map((f) => f.checkId)).toContain('elb.internet-facing');
    });
  });

  describe('usage and input errors', () => {
    it('exits 2 on an unknown option', async () => {
      expect((await runCli('audit', '--nope')).code).toBe(2);
    });

    it('exits 2 on a format outside the choices', async () => {
      const { code, err } = await runCli('audit', '--demo', '--format', 'xml');
      expect(code).toBe(2);
      expect(err).toContain('--format');
    });

    it('exits 2 naming the field and line of a bad intent file', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'arch-auditor-cli-'));
      const file = join(dir, 'intent.yaml');
      await writeFile(
        file,
        'version: 1\nprofile: private-backend\nvpcs:\n  - id: vpc-0123\n    natmode: regional\n',
      );
      const { code, err } = await runCli('audit', '--intent', file, '--demo');
      expect(code).toBe(2);
      expect(err).toContain('vpcs[0].natmode');
      expect(err).toContain('line 5');
    });

    it('exits 2 naming the field of a malformed snapshot', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'arch-auditor-cli-'));
      const file = join(dir, 'snapshot.json');
      const demo = JSON.parse(await readFile(new URL('../../demo/snapshot.json', import.meta.url), 'utf8'));
      demo.ec2.subnets = 'oops';
      await writeFile(file, JSON.stringify(demo));
      const { code, err } = await runCli('audit', '--snapshot', file);
      expect(code).toBe(2);
      expect(err).toContain('ec2.subnets');
    });

    it('exits 2 on a --skip-region that is not a region name', async () => {
      const { code, err } = await runCli('audit', '--demo', '--skip-region', 'ireland');
      expect(code).toBe(2);
      expect(err).toContain('--skip-region');
    });

    it('exits 2 when every region to audit is declared denied: it would audit nothing and look clean', async () => {
      const both = await runCli('audit', '--region', 'eu-west-1', '--skip-region', 'eu-west-1');
      expect(both.code).toBe(2);
      expect(both.err).toContain('every region to audit is declared denied');
      const dir = await mkdtemp(join(tmpdir(), 'arch-auditor-cli-'));
      const file = join(dir, 'intent.yaml');
      await writeFile(file, 'version: 1\nprofile: private-backend\ndeniedRegions: [eu-west-1]\n');
      const all = await runCli('audit', '--intent', file, '--region', 'eu-west-1');
      expect(all.code).toBe(2);
      expect(all.err).toContain('every region to audit is declared denied');
    });

    it('--skip-region leaves the region out of a snapshot audit and lists it in the report', async () => {
      const { code, out, err } = await runCli(
        'audit',
        '--demo',
        '--format',
        'json',
        '--skip-region',
        'eu-west-1',
      );
      expect(code, err).toBe(1);
      expect((JSON.parse(out) as Report).skippedRegions).toEqual([
        { region: 'eu-west-1', reason: 'denied-by-design', declaredBy: 'flag' },
      ]);
    });

    it('exits 2 when no region can be determined', async () => {
      const saved = { region: process.env.AWS_REGION, def: process.env.AWS_DEFAULT_REGION };
      delete process.env.AWS_REGION;
      delete process.env.AWS_DEFAULT_REGION;
      try {
        const { code, err } = await runCli('snapshot', '--out', join(tmpdir(), 'never.json'));
        expect(code).toBe(2);
        expect(err).toContain('--region');
      } finally {
        if (saved.region) process.env.AWS_REGION = saved.region;
        if (saved.def) process.env.AWS_DEFAULT_REGION = saved.def;
      }
    });
  });
});
