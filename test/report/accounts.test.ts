import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../app/audit.ts';
import { mergeReports } from '../../app/merge.ts';
import { escapeHtml, renderHtml } from '../../report/html.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { renderText } from '../../report/text.ts';
import { anIntent } from '../fixtures/intent.ts';
import { aGroupWith, ECS_SG, seed001Groups, seed001Inventory, tcp } from '../fixtures/sg.ts';

/** Seed 001 with SSH open to the world on the ECS group: one drift to name. */
const drifted = () =>
  seed001Inventory(
    seed001Groups({ ecs: aGroupWith(ECS_SG, 'prod-ecs-sg', [tcp(22, { cidrIpv4: '0.0.0.0/0' })]) }),
  );
const MANAGEMENT = '111122223333';
const MEMBER = '444455556666';

describe('the account of each finding', () => {
  it('is on every finding of a single-account report, which keeps `account` as its id', () => {
    const report = auditInventory(drifted(), anIntent());
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) expect(f.account).toEqual({ id: report.account });
    expect(report.accounts).toEqual([{ id: report.account }]);
    // One account: the header names it, the findings do not repeat it.
    expect(renderText(report)).not.toContain('(アカウント ');
    const html = renderHtml(report);
    expect(html).toContain(`<dt>アカウント</dt><dd>${report.account}</dd>`);
    expect(html).not.toContain('(アカウント ');
  });

  describe('in a report over several accounts', () => {
    const merged = () =>
      mergeReports([
        auditInventory({ ...seed001Inventory(), account: MANAGEMENT }, anIntent()),
        auditInventory({ ...drifted(), account: MEMBER }, anIntent(), { accountName: 'workload-prod' }),
      ]);

    it('lists the accounts and names the member on its findings in JSON', () => {
      const report = merged();
      expect(report.account).toBeUndefined();
      expect(report.accounts).toEqual([{ id: MANAGEMENT }, { id: MEMBER, name: 'workload-prod' }]);
      const ssh = report.findings.filter((f) => f.checkId === 'sg.world-ingress');
      expect(ssh).toHaveLength(1);
      expect(ssh[0]?.account).toEqual({ id: MEMBER, name: 'workload-prod' });
    });

    it('names the member beside the resource in the text report', () => {
      const text = renderText(merged());
      expect(text).toContain(`アカウント ${MANAGEMENT}, workload-prod (${MEMBER})`);
      expect(text).toContain(`${ECS_SG}) (アカウント workload-prod (${MEMBER}) / ap-northeast-1)`);
    });

    it('names the member beside the resource in the markdown report', () => {
      const markdown = renderMarkdown(merged());
      expect(markdown).toContain(`| ${MANAGEMENT}, workload-prod (${MEMBER}) |`);
      expect(markdown).toContain(`(アカウント workload-prod (${MEMBER}) / ap-northeast-1)`);
    });

    it('names the account of a finding `audit --publish` announced as recovered, in the text report', () => {
      const recovered = {
        checkId: 'sg.world-ingress',
        title: 'セキュリティグループがインターネット全体からの通信を許可しています',
        severity: 'critical' as const,
        resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0d51', region: 'ap-northeast-1' },
        account: { id: MEMBER, name: 'workload-prod' },
      };
      const alerts = { newFingerprints: new Set<string>(), recovered: [recovered] };
      expect(renderText(merged(), { alerts })).toContain(
        `[復旧] [緊急] sg.world-ingress: ${recovered.title} — sg-0d51 (アカウント workload-prod (${MEMBER}) / ap-northeast-1)`,
      );
      // One account: the header names it, the recovered line does not repeat it.
      expect(renderText(auditInventory(drifted(), anIntent()), { alerts })).toContain(
        `${recovered.title} — sg-0d51 (ap-northeast-1)`,
      );
    });

    it('names the member beside the resource in the HTML page, and every account in its summary', () => {
      const html = renderHtml(merged());
      expect(html).toContain(
        `<dt>アカウント</dt><dd>${escapeHtml(`${MANAGEMENT}, workload-prod (${MEMBER})`)}</dd>`,
      );
      expect(html).toContain(`(アカウント workload-prod (${MEMBER}) / ap-northeast-1)`);
    });
  });
});
