import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  type GetEventSelectorsCommandOutput,
  GetTrailStatusCommand,
  type GetTrailStatusCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkChangeDetection } from '../../../app/changes/trail.ts';
import { renderAlerts } from '../../../notify/render.ts';
import { diffAgainstState } from '../../../notify/state.ts';
import { aReport, highFinding, NOW } from '../../notify/fixtures.ts';

const cloudTrail = mockClient(CloudTrailClient);
const client = new CloudTrailClient({ region: 'ap-northeast-1' });
const REGION = 'ap-northeast-1';
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events';

/** A trail as DescribeTrails returns it (includeShadowTrails: a multi-region trail homed elsewhere). */
const trail = (o: Record<string, unknown> = {}) => ({
  Name: 'management-events',
  S3BucketName: 'aws-cloudtrail-logs-123456789012-0a1b2c3d',
  IncludeGlobalServiceEvents: true,
  IsMultiRegionTrail: true,
  HomeRegion: 'us-east-1',
  TrailARN: TRAIL_ARN,
  LogFileValidationEnabled: true,
  HasCustomEventSelectors: false,
  HasInsightSelectors: false,
  IsOrganizationTrail: false,
  ...o,
});

/** The account's trail as CloudTrail describes it, its status and its event selectors. */
const answerTrail = (
  described: ReturnType<typeof trail>,
  status: Omit<GetTrailStatusCommandOutput, '$metadata'>,
  selectors: Omit<GetEventSelectorsCommandOutput, '$metadata'>,
) =>
  cloudTrail
    .on(DescribeTrailsCommand)
    .resolves({ trailList: [described] })
    .on(GetTrailStatusCommand)
    .resolves(status)
    .on(GetEventSelectorsCommand)
    .resolves(selectors);

beforeEach(() => cloudTrail.reset());

describe('checkChangeDetection', () => {
  it('works where a logging trail records management write events', async () => {
    answerTrail(
      trail(),
      { IsLogging: true, LatestDeliveryTime: new Date('2026-11-21T09:00:00Z') },
      {
        TrailARN: TRAIL_ARN,
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            DataResources: [],
            ExcludeManagementEventSources: [],
          },
        ],
      },
    );
    expect(await checkChangeDetection(client, REGION)).toEqual({ working: true, trail: TRAIL_ARN });
    expect(cloudTrail).toHaveReceivedCommandWith(DescribeTrailsCommand, { includeShadowTrails: true });
  });

  it('works with a trail without custom selectors: it logs every management event', async () => {
    answerTrail(trail(), { IsLogging: true }, { TrailARN: TRAIL_ARN });
    expect((await checkChangeDetection(client, REGION)).working).toBe(true);
  });

  it('works with advanced selectors that log management events', async () => {
    answerTrail(
      trail({ HasCustomEventSelectors: true }),
      { IsLogging: true },
      {
        TrailARN: TRAIL_ARN,
        AdvancedEventSelectors: [
          {
            Name: 'Management events selector',
            FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
          },
        ],
      },
    );
    expect((await checkChangeDetection(client, REGION)).working).toBe(true);
  });

  it('does not work without a trail, with a stopped one, or one logging only read events, and says so in Japanese', async () => {
    cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    const none = await checkChangeDetection(client, REGION);
    expect(none).toEqual({
      working: false,
      reason: expect.stringContaining('管理イベントを記録する CloudTrail の証跡がありません'),
    });
    expect(none.working === false && none.reason).toContain('定期監査（1 時間ごと）でのみ');

    cloudTrail.reset();
    answerTrail(
      trail(),
      { IsLogging: false },
      { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] },
    );
    expect((await checkChangeDetection(client, REGION)).working).toBe(false);

    cloudTrail.reset();
    answerTrail(
      trail(),
      { IsLogging: true },
      { EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] },
    );
    const reads = await checkChangeDetection(client, REGION);
    expect(reads.working === false && reads.reason).toContain(
      '停止しているか、管理イベントの書き込みを記録していません',
    );

    // A single-region trail elsewhere does not record this region's calls.
    cloudTrail.reset();
    cloudTrail
      .on(DescribeTrailsCommand)
      .resolves({ trailList: [trail({ IsMultiRegionTrail: false, HomeRegion: 'us-west-2' })] });
    expect((await checkChangeDetection(client, REGION)).working).toBe(false);
  });

  it('takes an organization trail a member account cannot read as serving it; an unreadable own trail is unknown', async () => {
    const denied = Object.assign(new Error('not authorized'), {
      name: 'AccessDeniedException',
      $metadata: {},
    });
    cloudTrail
      .on(DescribeTrailsCommand)
      .resolves({ trailList: [trail({ IsOrganizationTrail: true })] })
      .on(GetTrailStatusCommand)
      .rejects(denied);
    expect((await checkChangeDetection(client, REGION)).working).toBe(true);
    cloudTrail.reset();
    cloudTrail
      .on(DescribeTrailsCommand)
      .resolves({ trailList: [trail()] })
      .on(GetTrailStatusCommand)
      .rejects(denied);
    const unknown = await checkChangeDetection(client, REGION);
    expect(unknown.working === false && unknown.reason).toContain(
      'management-events（AccessDeniedException） の状態を確認できませんでした',
    );
    cloudTrail.reset();
    cloudTrail.on(DescribeTrailsCommand).rejects(denied);
    expect((await checkChangeDetection(client, REGION)).working).toBe(false);
  });

  it('the alert says it first, in every message of the run, and not when detection works', () => {
    const report = aReport([highFinding]);
    const render = (r: typeof report) =>
      renderAlerts({
        report: r,
        diff: diffAgainstState(r, undefined, { now: NOW, remindAfterHours: 24 }),
      })[0];
    const off = render({ ...report, changeDetection: { working: false, reason: '証跡がありません。' } });
    expect(off?.text).toContain('⚠️ 変更の即時検知が働いていません: 証跡がありません。');
    expect(off?.chatbot.content.description).toContain('変更の即時検知が働いていません');
    const on = render({ ...report, changeDetection: { working: true, trail: TRAIL_ARN } });
    expect(on?.text).not.toContain('即時検知');
  });
});
