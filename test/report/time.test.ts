import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../report/markdown.ts';
import { renderText } from '../../report/text.ts';
import { formatDuration, formatJst, formatJstRange } from '../../report/time.ts';
import { demoReportWithException } from '../fixtures/reports.ts';

describe('one clock for people (report/time.ts)', () => {
  it('names a moment in JST with the zone, across midnight and the year', () => {
    expect(formatJst('2026-12-06T09:48:12.345Z')).toBe('2026-12-06 18:48 JST');
    expect(formatJst('2026-12-31T15:00:00Z')).toBe('2027-01-01 00:00 JST');
    expect(formatJst('not a date')).toBe('not a date');
  });

  it('writes a run on one JST day once, and both dates when it crosses midnight', () => {
    expect(formatJstRange('2026-12-06T09:48:00Z', '2026-12-06T09:52:30Z')).toBe(
      '2026-12-06 18:48 〜 18:52 JST',
    );
    expect(formatJstRange('2026-12-06T14:58:00Z', '2026-12-06T15:03:00Z')).toBe(
      '2026-12-06 23:58 JST 〜 2026-12-07 00:03 JST',
    );
    expect(formatJstRange('2026-12-06T09:48:01Z', '2026-12-06T09:48:40Z')).toBe('2026-12-06 18:48 JST');
  });

  it('reads durations as people do', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 秒');
    expect(formatDuration(65_000)).toBe('1 分 05 秒');
  });

  it('prints JST in the text and markdown reports, and keeps ISO UTC in JSON', () => {
    const report = demoReportWithException();
    const jst = formatJstRange(report.startedAt, report.finishedAt);
    for (const text of [renderText(report), renderMarkdown(report)]) {
      expect(text).toContain(jst);
      expect(text).not.toContain(report.startedAt);
      expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    }
    expect(JSON.parse(JSON.stringify(report)).startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
