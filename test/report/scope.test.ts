import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../app/audit.ts';
import { mergeReports } from '../../app/merge.ts';
import { CHECKS } from '../../checks/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { renderPreview } from '../../notify/index.ts';
import { renderHtml } from '../../report/html.ts';
import { renderText } from '../../report/text.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anIntent } from '../fixtures/intent.ts';
import { anInventory, aSubnet, aVpc } from '../fixtures/inventory.ts';

/** What people read about the scope of an audit: what was not seen, and which regions were left out. */
describe('the scope of an audit in the text report and the alert', () => {
  const inventory = anInventory({
    regions: ['ap-northeast-1', 'eu-west-1', 'us-west-2'],
    ec2: { vpcs: [aVpc()], subnets: [aSubnet()] },
    errors: [
      {
        service: 'ec2',
        operation: 'DescribeRouteTables',
        region: 'eu-west-1',
        code: 'RequestLimitExceeded',
        message: 'Request limit exceeded.',
        slices: ['ec2.routeTables'],
      },
    ],
  });
  const report = evaluate({
    inventory,
    intent: anIntent({ deniedRegions: ['us-west-2'] }),
    checks: CHECKS,
    now: NOW,
  });

  it('the text report names the unseen region with the checks blind there, and the skipped region', () => {
    const text = renderText(report);
    expect(text).toContain(
      '拒否を宣言済みのため監査対象外のリージョン: us-west-2（設計定義ファイルの deniedRegions）',
    );
    expect(text).toContain('結果が不明な範囲');
    expect(text).toMatch(/ {4}- eu-west-1: vpc\.public-subnet, .*vpc\.db-tier-egress/);
  });

  it('the alert says the same, in both channels', () => {
    const slack = renderPreview(report, 'slack');
    const email = renderPreview(report, 'email');
    expect(slack).toContain('不明な範囲: eu-west-1');
    expect(slack).toContain('対象外（拒否を宣言済み）* us-west-2');
    expect(email).toContain('- eu-west-1: vpc.public-subnet');
    expect(email).toContain('us-west-2（設計定義ファイルの deniedRegions）');
  });

  it('the HTML page says the same, and the exposure section says where paths are unknown', () => {
    const html = renderHtml(report);
    expect(html).toContain(
      '<p>拒否を宣言済みのため監査対象外のリージョン: us-west-2（設計定義ファイルの deniedRegions）</p>',
    );
    expect(html).toContain('結果が不明な範囲');
    expect(html).toMatch(
      /<li>eu-west-1: <code>vpc\.public-subnet<\/code>, .*<code>vpc\.db-tier-egress<\/code>/,
    );
    expect(html).toContain('eu-west-1 は経路の判定に必要な情報を取得できなかったため');
    expect(html).toContain('それ以外では、意図した入口を迂回する経路は見つかりませんでした。');
  });

  it('a complete audit says nothing about unseen scope, only the skipped region', () => {
    const complete = evaluate({
      inventory: { ...inventory, errors: [] },
      intent: anIntent({ deniedRegions: ['us-west-2'] }),
      checks: CHECKS,
      now: NOW,
    });
    expect(complete.complete).toBe(true);
    const text = renderText(complete);
    expect(text).not.toContain('結果が不明な範囲');
    expect(text).toContain('us-west-2（設計定義ファイルの deniedRegions）');
    const html = renderHtml(complete);
    expect(html).not.toContain('結果が不明な範囲');
    expect(html).not.toContain('経路の判定に必要な情報を取得できなかった');
    expect(html).toContain('us-west-2（設計定義ファイルの deniedRegions）');
  });

  it('a multi-account report names the account of each unseen place; a single-account one does not', () => {
    const member = auditInventory(
      { ...inventory, account: '444455556666', errors: [] },
      anIntent({ deniedRegions: ['us-west-2'] }),
      { now: NOW, accountName: 'staging' },
    );
    const merged = mergeReports([report, member]);
    const text = renderText(merged);
    expect(text).toMatch(
      new RegExp(` {4}- アカウント ${inventory.account} / eu-west-1: vpc\\.public-subnet`),
    );
    expect(text).not.toContain('アカウント 444455556666 / eu-west-1');
    expect(renderPreview(merged, 'slack')).toContain(
      `不明な範囲: アカウント ${inventory.account} / eu-west-1`,
    );
    expect(renderText(report)).not.toMatch(/- アカウント .* \/ eu-west-1/);
  });
});
