import { describe, expect, it } from 'vitest';
import type { Finding } from '../../model/finding.ts';
import type { Report } from '../../model/report.ts';
import { renderAlerts } from '../../notify/render.ts';
import { MAX_SUBJECT_CHARS } from '../../notify/sns-message.ts';
import { diffAgainstState } from '../../notify/state.ts';
import { aFinding, aReport, criticalFinding, mediumFinding, NOW } from '../notify/fixtures.ts';

/**
 * The email Subject and the alert title, as people read them in a mailbox or a channel: the counts,
 * the account and the regions that have findings, never a region cut in half.
 */

const firstRun = (report: Report) =>
  renderAlerts({ report, diff: diffAgainstState(report, undefined, { now: NOW, remindAfterHours: 24 }) });

/** Every region `--all-regions` audits in a typical account. */
const ALL_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

const inRegion = (region: string, index: number): Finding =>
  aFinding({
    resource: {
      type: 'AWS::EC2::Subnet',
      id: `subnet-0a1b2c3d4e5f6${String(index).padStart(4, '0')}`,
      region,
    },
    fact: `${region}:${index}`,
  });

describe('the title names the regions that have findings', () => {
  it('with --all-regions, names the two regions with findings, not the first audited one', () => {
    const report = aReport([inRegion('us-west-2', 1), inRegion('eu-west-1', 2)], { regions: ALL_REGIONS });
    const [message] = firstRun(report);
    expect(message?.chatbot.content.title).toBe(
      '🟠 [arch-auditor] 新しい検出 2 件（高 2）— 123456789012 eu-west-1・us-west-2',
    );
    expect(message?.chatbot.content.title).not.toContain('ap-northeast-1');
  });

  it('shortens many regions with findings to the first two and a count', () => {
    const report = aReport(
      ALL_REGIONS.slice(0, 5).map((r, i) => inRegion(r, i)),
      { regions: ALL_REGIONS },
    );
    expect(firstRun(report)[0]?.chatbot.content.title).toContain(
      '— 123456789012 ap-northeast-1・ap-northeast-2 ほか 3 リージョン',
    );
  });
});

describe('the email Subject', () => {
  it('carries the counts, the account and the regions with findings in printable ASCII', () => {
    const [message] = firstRun(aReport([criticalFinding, mediumFinding]));
    expect(message?.subject).toBe(
      'arch-auditor: 2 new (critical 1, medium 1) | account 123456789012 | ap-northeast-1, global',
    );
  });

  it('stays under 100 characters by dropping whole parts, never cutting a region in half', () => {
    const report = aReport(
      ALL_REGIONS.map((r, i) => inRegion(r, i)),
      { regions: ALL_REGIONS },
    );
    const [message] = firstRun(report);
    const subject = message?.subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_CHARS);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject).toBe(
      'arch-auditor: 17 new (high 17) | account 123456789012 | ap-northeast-1 +16 regions',
    );
  });

  it('names several accounts by count when their ids do not fit', () => {
    const accounts = Array.from({ length: 6 }, (_, i) => ({ id: `${i + 1}`.repeat(12) }));
    const { account: _single, ...report } = aReport([criticalFinding]);
    const [message] = firstRun({ ...report, accounts });
    expect(message?.subject).toBe('arch-auditor: 1 new (critical 1) | 6 accounts | ap-northeast-1');
  });
});
