import { itemLabel } from '../inventory/derive.ts';
import type { Report, ReportError, UnseenScope } from '../model/report.ts';
import { accountLabel } from './labels.ts';

/**
 * '・ロードバランサー app/…' after a failed call's region in a Japanese alert line, when the call was
 * about one resource; '' otherwise. (The reports' technical error lines keep the raw id beside the
 * AWS message, which stays English.)
 */
export const failedItemSuffix = (e: Pick<ReportError, 'resourceId' | 'resourceType'>): string =>
  e.resourceId === undefined
    ? ''
    : `・${itemLabel({ resourceId: e.resourceId, ...(e.resourceType ? { resourceType: e.resourceType } : {}) })}`;

/**
 * Japanese: where a blind spot is (a region, CloudFront, or one resource of a region), after its
 * account when a multi-account report names one (with its name where the report knows it).
 */
const placeOf = (u: UnseenScope, accounts: Report['accounts'] = []): string => {
  const global = u.region === 'global';
  const place =
    u.resourceId !== undefined
      ? `${global ? 'CloudFront' : u.region} の ${itemLabel({ resourceId: u.resourceId, ...(u.resourceType ? { resourceType: u.resourceType } : {}) })}`
      : global
        ? 'CloudFront（global）'
        : u.region;
  if (u.accountId === undefined) return place;
  const account = accounts.find((a) => a.id === u.accountId) ?? { id: u.accountId };
  return `アカウント ${accountLabel(account)} / ${place}`;
};

type UnseenOf = Pick<Report, 'unseen'> & Partial<Pick<Report, 'accounts'>>;

/**
 * What the audit did not see, one entry per place with the checks blind there (Japanese, plain text),
 * in report order. Empty when every read succeeded.
 */
export const unseenEntries = (report: UnseenOf): { place: string; checks: string[] }[] => {
  const byPlace = new Map<string, string[]>();
  for (const u of report.unseen) {
    const place = placeOf(u, report.accounts);
    byPlace.set(place, [...(byPlace.get(place) ?? []), u.checkId]);
  }
  return [...byPlace].map(([place, checks]) => ({ place, checks: [...new Set(checks)] }));
};

/** One line per place: `eu-west-1: sg.world-ingress, vpc.public-subnet`. */
export const unseenLines = (report: UnseenOf): string[] =>
  unseenEntries(report).map((e) => `${e.place}: ${e.checks.join(', ')}`);

/** A short form for chat: places with how many checks, at most `max` places. */
export const unseenSummary = (report: UnseenOf, max = 3): string => {
  const entries = unseenEntries(report);
  const shown = entries.slice(0, max).map((e) => `${e.place}（${e.checks.length} チェック）`);
  return `${shown.join('、')}${entries.length > max ? ` ほか ${entries.length - max} か所` : ''}`;
};

/** The one line naming regions declared denied by design, or undefined when there are none. */
export const skippedRegionsLine = (report: Pick<Report, 'skippedRegions'>): string | undefined =>
  report.skippedRegions.length === 0
    ? undefined
    : `拒否を宣言済みのため監査対象外のリージョン: ${report.skippedRegions
        .map(
          (s) =>
            `${s.region}（${s.declaredBy === 'intent' ? '設計定義ファイルの deniedRegions' : '--skip-region'}）`,
        )
        .join(', ')}`;
