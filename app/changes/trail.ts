import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  type GetEventSelectorsCommandOutput,
  GetTrailStatusCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { ChangeDetection } from '../../model/report.ts';

/**
 * EventBridge receives "AWS API Call via CloudTrail" events only where a trail logs management
 * events (write calls at least); an organization trail serves its member accounts. Without one, the
 * change queue stays silent and only the hourly schedule finds drift. Checked once per run, in the
 * function's region, so the alert can say so plainly.
 */

const NOT_WORKING = (why: string): ChangeDetection => ({
  working: false,
  reason: `${why}変更を検知して即時に監査する仕組みは動いておらず、逸脱は定期監査（1 時間ごと）でのみ見つかります。`,
});

/**
 * True when the selectors log management write events (classic or advanced selectors). A trail with
 * no custom selectors logs every management event (CloudTrail's default).
 */
export const logsManagementWrites = (trail: Trail, selectors: GetEventSelectorsCommandOutput): boolean => {
  const none =
    (selectors.EventSelectors ?? []).length === 0 && (selectors.AdvancedEventSelectors ?? []).length === 0;
  if (none && !trail.HasCustomEventSelectors) return true;
  const classic = (selectors.EventSelectors ?? []).some(
    (s) => s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly',
  );
  const advanced = (selectors.AdvancedEventSelectors ?? []).some((s) => {
    const fields = s.FieldSelectors ?? [];
    const management = fields.some(
      (f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'),
    );
    const readOnlyOnly = fields.some((f) => f.Field === 'readOnly' && (f.Equals ?? []).includes('true'));
    return management && !readOnlyOnly;
  });
  return classic || advanced;
};

/** A trail that records the calls made in `region`. */
const covers = (trail: Trail, region: string): boolean =>
  trail.IsMultiRegionTrail === true || trail.HomeRegion === region;

export const checkChangeDetection = async (
  client: CloudTrailClient,
  region: string,
): Promise<ChangeDetection> => {
  let trails: Trail[];
  try {
    trails = (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  } catch (error) {
    return {
      working: false,
      reason: `CloudTrail の証跡を確認できませんでした（DescribeTrails: ${(error as Error).name}）。変更の即時検知が動いているかは不明です。`,
    };
  }
  const candidates = trails.filter((t) => covers(t, region));
  if (candidates.length === 0) {
    return NOT_WORKING(`このリージョン（${region}）の管理イベントを記録する CloudTrail の証跡がありません。`);
  }
  const unreadable: string[] = [];
  for (const trail of candidates) {
    const name = trail.TrailARN ?? trail.Name ?? '';
    try {
      const status = await client.send(new GetTrailStatusCommand({ Name: name }));
      if (!status.IsLogging) continue;
      const selectors = await client.send(new GetEventSelectorsCommand({ TrailName: name }));
      if (logsManagementWrites(trail, selectors)) return { working: true, trail: name };
    } catch (error) {
      // A member account may not read the organization's trail; it is there, and it serves us.
      if (trail.IsOrganizationTrail) return { working: true, trail: name };
      unreadable.push(`${trail.Name ?? name}（${(error as Error).name}）`);
    }
  }
  if (unreadable.length > 0) {
    return {
      working: false,
      reason: `CloudTrail の証跡 ${unreadable.join('、')} の状態を確認できませんでした。変更の即時検知が動いているかは不明です。`,
    };
  }
  return NOT_WORKING(
    `CloudTrail の証跡（${candidates.map((t) => t.Name).join('、')}）が停止しているか、管理イベントの書き込みを記録していません。`,
  );
};
