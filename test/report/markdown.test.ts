import { describe, expect, it } from 'vitest';
import { EXPOSURE_CHECKS } from '../../checks/exposure/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { exposureModel } from '../../evaluate/exposure/paths.ts';
import type { Inventory } from '../../inventory/types.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { aSeed001Distribution } from '../fixtures/cloudfront.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anExposedLoadBalancer, combine, seed001Account, W, worldEni } from '../fixtures/exposure.ts';
import { anIntent } from '../fixtures/intent.ts';
import { anInventory } from '../fixtures/inventory.ts';

const withDoor = (inventory: Inventory): Inventory =>
  combine(inventory, anInventory({ cloudfront: { distributions: [aSeed001Distribution()] } }));

const mermaidOf = (markdown: string): string => /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? '';

describe('report/markdown', () => {
  it('draws the CloudFront door apart from each bypass, one node per hop', () => {
    // Prepare: an internet-facing ALB and a public instance, both bypassing the distribution.
    const inventory = withDoor(anExposedLoadBalancer({ enis: [worldEni()] }));
    const report = evaluate({ inventory, intent: anIntent(), checks: EXPOSURE_CHECKS, now: NOW });
    // Act
    const markdown = renderMarkdown(report);
    const chart = mermaidOf(markdown);
    // Assess
    expect(report.findings).toHaveLength(2);
    expect(chart.startsWith('flowchart LR')).toBe(true);
    expect(chart).toContain('subgraph intended["意図した入口"]');
    expect(chart).toContain('www.example.jp (E2QWRUHAPOMQZL)');
    expect(chart).toContain('VPC オリジン → ');
    expect(chart.match(/subgraph bypass\d/g)).toHaveLength(2);
    expect(chart).toContain(`legacy-igw (${W.igwId})`);
    expect(chart).toContain('internet -- "tcp 443" --> p');
    expect(chart).toContain('internet -- "tcp 8080" --> p');
    // Every label is quoted and free of raw quotes, so Mermaid parses it.
    for (const line of chart.split('\n').filter((l) => l.includes('["'))) expect(line).toMatch(/\["[^"]*"\]/);
    expect(markdown).toContain('意図した入口（緑）を迂回してワークロードに届く経路が 2 件あります（赤）。');
    expect(markdown).toContain('- 経路:\n  1. インターネット');
  });

  it('draws only the door when the account has no unintended path', () => {
    const inventory = seed001Account();
    const intent = anIntent();
    const report = evaluate({ inventory, intent, checks: EXPOSURE_CHECKS, now: NOW });
    const markdown = renderMarkdown(report, { exposure: exposureModel(inventory, intent) });
    expect(report.findings).toEqual([]);
    expect(markdown).toContain('意図した入口を迂回する経路は見つかりませんでした。');
    expect(mermaidOf(markdown)).not.toContain('subgraph bypass');
    expect(mermaidOf(markdown)).toContain('subgraph intended');
  });

  it('says the paths are unknown where the check could not see', () => {
    const inventory: Inventory = {
      ...anExposedLoadBalancer(),
      errors: [
        {
          service: 'elbv2',
          operation: 'DescribeListeners',
          region: 'ap-northeast-1',
          code: 'AccessDenied',
          message: 'denied',
          slices: ['elbv2.listeners'],
        },
      ],
    };
    const report = evaluate({ inventory, intent: anIntent(), checks: EXPOSURE_CHECKS, now: NOW });
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('> [!WARNING]');
    expect(markdown).toContain(
      'ap-northeast-1 は経路の判定に必要な情報を取得できなかったため、意図しない経路の有無は不明です。',
    );
    expect(markdown).toContain('>   - ap-northeast-1: `exposure.unintended-entry`');
  });
});
