import { describe, expect, it } from 'vitest';
import { EXPOSURE_CHECKS } from '../../checks/exposure/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { exposureModel } from '../../evaluate/exposure/paths.ts';
import type { Inventory } from '../../inventory/types.ts';
import type { Report } from '../../model/report.ts';
import { escapeHtml, exposureGraph, renderHtml } from '../../report/html.ts';
import { aSeed001Distribution } from '../fixtures/cloudfront.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anExposedLoadBalancer, combine, seed001Account, worldEni } from '../fixtures/exposure.ts';
import { anIntent } from '../fixtures/intent.ts';
import { anInventory } from '../fixtures/inventory.ts';
import { demoReportWithException, incompleteDemoReport } from '../fixtures/reports.ts';

const withDoor = (inventory: Inventory): Inventory =>
  combine(inventory, anInventory({ cloudfront: { distributions: [aSeed001Distribution()] } }));

describe('report/html', () => {
  it('lays out the door and each bypass: one row per chain, one column per hop, the internet first', () => {
    const inventory = withDoor(anExposedLoadBalancer({ enis: [worldEni()] }));
    const report = evaluate({ inventory, intent: anIntent(), checks: EXPOSURE_CHECKS, now: NOW });
    const doors = exposureModel(inventory, anIntent()).doors;
    const graph = exposureGraph(report.findings, doors);
    expect(report.findings).toHaveLength(2);
    const internet = graph.nodes.find((n) => n.id === 'internet');
    expect(internet?.column).toBe(0);
    // Every bypass hop sits one column right of the one before it, on its path's own row.
    for (const e of graph.edges.filter((x) => x.tone === 'bypass')) {
      const from = graph.nodes.find((n) => n.id === e.from);
      const to = graph.nodes.find((n) => n.id === e.to);
      expect(to?.column).toBe((from?.column ?? -1) + 1);
      if (from?.id !== 'internet') expect(to?.row).toBe(from?.row);
    }
    const bypassRows = new Set(graph.nodes.filter((n) => n.tone === 'bypass').map((n) => n.row));
    expect(bypassRows.size).toBe(2);
    expect(graph.nodes.filter((n) => n.tone === 'door').length).toBeGreaterThan(0);
    // The first hop of each path carries the ports on its arrow.
    expect(graph.edges.filter((e) => e.from === 'internet' && e.text).map((e) => e.text)).toEqual(
      expect.arrayContaining(['tcp 443', 'tcp 8080']),
    );
  });

  it('draws only the door when nothing bypasses it, and nothing when there is neither', () => {
    const inventory = seed001Account();
    const report = evaluate({ inventory, intent: anIntent(), checks: EXPOSURE_CHECKS, now: NOW });
    const html = renderHtml(report, { exposure: exposureModel(inventory, anIntent()) });
    expect(html).toContain('意図した入口を迂回する経路は見つかりませんでした。');
    expect(html).toContain('class="node node-door"');
    expect(html).not.toContain('class="node node-bypass"');
    const empty = evaluate({
      inventory: anInventory(),
      intent: anIntent(),
      checks: EXPOSURE_CHECKS,
      now: NOW,
    });
    expect(renderHtml(empty)).not.toContain('<svg');
  });

  it('is one offline page in Japanese: summary, findings by severity, suppressed, nothing fetched', () => {
    const report = demoReportWithException();
    const html = renderHtml(report);
    expect(html.startsWith('<!doctype html>\n<html lang="ja">')).toBe(true);
    expect(html).toContain('id="summary"');
    expect(html).toContain('<h2 id="severity-critical">緊急');
    expect(html).toContain('例外で抑止した検出（1 件）');
    expect(html).toContain('負荷試験の期間だけ公開する');
    // No script, no stylesheet or image from elsewhere; the only URL is the SVG namespace.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http/i);
    expect(html.match(/https?:\/\/[^\s"'<]+/g) ?? []).toEqual(['http://www.w3.org/2000/svg']);
    expect(html).toContain("default-src 'none'");
  });

  it('says an incomplete audit is incomplete, naming what could not be read', () => {
    const report = incompleteDemoReport();
    const html = renderHtml(report);
    expect(html).toContain('監査が不完全です。');
    for (const e of report.errors) expect(html).toContain(escapeHtml(`${e.service}:${e.operation}`));
    expect(renderHtml(demoReportWithException())).not.toContain('監査が不完全です。');
  });

  it('escapes every value from the account, in text and in the graph', () => {
    const hostile = '<img src=x onerror=alert(1)>"&\'';
    const base = demoReportWithException();
    const report: Report = {
      ...base,
      findings: base.findings.map((f) => ({
        ...f,
        resource: { ...f.resource, name: hostile },
        message: `${f.message}${hostile}`,
        ...(f.details && Array.isArray(f.details.hops)
          ? {
              details: {
                ...f.details,
                hops: (f.details.hops as { label: string }[]).map((h) => ({
                  ...h,
                  label: hostile,
                  note: hostile,
                })),
              },
            }
          : {}),
      })),
    };
    const html = renderHtml(report);
    expect(html).not.toContain('<img');
    expect(html).not.toContain(hostile);
    expect(html).toContain(escapeHtml(hostile));
    expect(escapeHtml(hostile)).toBe('&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#39;');
  });
});
