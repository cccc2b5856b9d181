import { readFileSync } from 'node:fs';
import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseChangeBatch } from '../../../app/changes/events.ts';
import { attributeByLookup, attributeNewFindings, lookupNameOf } from '../../../app/changes/lookup.ts';
import type { Finding } from '../../../model/finding.ts';
import { renderAlerts } from '../../../notify/render.ts';
import type { AlertState, StateStore } from '../../../notify/state.ts';
import { diffAgainstState } from '../../../notify/state.ts';
import { aFinding, aReport, criticalFinding, NOW } from '../../notify/fixtures.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const [consoleChange, , terraformChange] = parseChangeBatch(
  JSON.parse(readFileSync(`${ROOT}events/change-batch.json`, 'utf8')),
);

const cloudTrail = mockClient(CloudTrailClient);
const clients = new Map<string, CloudTrailClient>();
const client = (region: string) => {
  const c = clients.get(region) ?? new CloudTrailClient({ region });
  clients.set(region, c);
  return c;
};

/** An event as LookupEvents returns it: the summary fields and the whole record as a JSON string. */
const historyEvent = (
  detail: Record<string, unknown>,
): NonNullable<LookupEventsCommandOutput['Events']>[number] => ({
  EventId: detail.eventID as string,
  EventName: detail.eventName as string,
  ReadOnly: String(detail.readOnly ?? false),
  AccessKeyId: 'ASIA_IOSFODNN7EXAMPLE',
  EventTime: new Date(detail.eventTime as string),
  EventSource: detail.eventSource as string,
  Username: 'Mateo',
  Resources: [{ ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: 'sg-0a1b2c3d4e5f60001' }],
  CloudTrailEvent: JSON.stringify(detail),
});

const sgFinding = aFinding({
  checkId: 'sg.world-ingress',
  severity: 'critical',
  resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0a1b2c3d4e5f60001', region: 'ap-northeast-1' },
  fact: 'tcp/22 from 0.0.0.0/0',
});
const wanted = (...findings: Finding[]) => new Set(findings.map((f) => f.fingerprint));

beforeEach(() => {
  cloudTrail.reset();
  clients.clear();
});

describe('attributeByLookup (CloudTrail event history)', () => {
  it('names who made the last watched, successful change to the resource; reads and refused calls are not changes', async () => {
    const describe = {
      ...consoleChange?.detail,
      eventName: 'DescribeSecurityGroups',
      readOnly: true,
      eventID: 'r1',
    };
    const refused = {
      ...consoleChange?.detail,
      eventID: 'f1',
      eventTime: '2026-11-21T09:30:00Z',
      errorCode: 'Client.UnauthorizedOperation',
    };
    cloudTrail.on(LookupEventsCommand).resolves({
      Events: [historyEvent(refused), historyEvent(describe), historyEvent(consoleChange?.detail ?? {})],
    });
    const [attributed] = await attributeByLookup([sgFinding], wanted(sgFinding), { client, now: NOW });
    expect(attributed?.changedBy?.map((c) => [c.name, c.tool, c.eventId])).toEqual([
      ['Mateo', 'console', '3f8e1b2a-6c4d-4e5f-8a9b-0c1d2e3f4a51'],
    ]);
    expect(cloudTrail).toHaveReceivedCommandWith(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'sg-0a1b2c3d4e5f60001' }],
      StartTime: new Date(NOW.getTime() - 90 * 86_400_000),
      EndTime: NOW,
      MaxResults: 50,
    });
    expect(await cloudTrail.call(0).thisValue.config.region()).toBe('ap-northeast-1');
  });

  it('says nothing matched with an empty list (不明), and a history it could not read with lookup-failed', async () => {
    cloudTrail.on(LookupEventsCommand).resolvesOnce({ Events: [] });
    const [none] = await attributeByLookup([sgFinding], wanted(sgFinding), { client, now: NOW });
    expect(none?.changedBy).toEqual([]);
    cloudTrail.on(LookupEventsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const [failed] = await attributeByLookup([sgFinding], wanted(sgFinding), { client, now: NOW });
    expect(failed).toMatchObject({ changedByMissing: 'lookup-failed' });
    expect(failed).not.toHaveProperty('changedBy');
  });

  it('looks up at most the cap, the most severe first, and says the rest were not searched', async () => {
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [historyEvent(terraformChange?.detail ?? {})] });
    const subnet = aFinding({ severity: 'low', fact: 'low one' });
    const [low, critical] = await attributeByLookup(
      [subnet, criticalFinding],
      wanted(subnet, criticalFinding),
      {
        client,
        now: NOW,
        maxLookups: 1,
      },
    );
    expect(critical?.changedBy?.map((c) => c.tool)).toEqual(['terraform']);
    expect(low).toMatchObject({ changedByMissing: 'capped' });
    expect(cloudTrail).toHaveReceivedCommandTimes(LookupEventsCommand, 1);
    // A load balancer is filed under its ARN.
    expect(cloudTrail).toHaveReceivedCommandWith(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: criticalFinding.resource.id }],
    });
  });

  it('asks us-east-1 about CloudFront, a stage’s API by its id, and leaves findings a change event named alone', async () => {
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [] });
    const distribution = aFinding({
      checkId: 'cloudfront.viewer-http',
      resource: { type: 'AWS::CloudFront::Distribution', id: 'EDFDVBD6EXAMPLE', region: 'global' },
    });
    const named = { ...sgFinding, changedBy: [] };
    await attributeByLookup([distribution, named], wanted(distribution, named), { client, now: NOW });
    expect(cloudTrail).toHaveReceivedCommandTimes(LookupEventsCommand, 1);
    expect(await cloudTrail.call(0).thisValue.config.region()).toBe('us-east-1');
    expect(
      lookupNameOf({ resource: { type: 'AWS::ApiGateway::Stage', id: 'a1b2c3d4e5/prod', region: 'x' } }),
    ).toBe('a1b2c3d4e5');
  });
});

describe('attributeNewFindings', () => {
  const store = (state: AlertState | undefined): StateStore => ({
    load: async () => ({ state, version: undefined }),
    save: async () => undefined,
  });

  it('looks up only what the alerts will announce as new; an old finding is not searched again', async () => {
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [historyEvent(consoleChange?.detail ?? {})] });
    const report = aReport([sgFinding, criticalFinding]);
    const known = diffAgainstState(aReport([criticalFinding]), undefined, {
      now: NOW,
      remindAfterHours: 24,
    }).nextState;
    const attributed = await attributeNewFindings(report, store(known), { client, now: NOW });
    expect(attributed.findings.map((f) => [f.checkId, f.changedBy?.length])).toEqual([
      ['sg.world-ingress', 1],
      ['elb.internet-facing', undefined],
    ]);
    expect(cloudTrail).toHaveReceivedCommandTimes(LookupEventsCommand, 1);
  });
});

describe('変更者 in the alert', () => {
  const render = (finding: Finding) => {
    const report = aReport([finding]);
    const [message] = renderAlerts({
      report,
      diff: diffAgainstState(report, undefined, { now: NOW, remindAfterHours: 24 }),
    });
    return { text: message?.text ?? '', chat: message?.chatbot.content.description ?? '' };
  };

  it('names the actor, tool, time in JST, source IP and event in the email and the chat', async () => {
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [historyEvent(consoleChange?.detail ?? {})] });
    const [attributed] = await attributeByLookup([sgFinding], wanted(sgFinding), { client, now: NOW });
    const { text, chat } = render(attributed as Finding);
    expect(text).toContain(
      '変更者: Mateo（IAM ユーザー） — マネジメントコンソール、2026-11-21 18:12:33 JST、送信元 203.0.113.24、AuthorizeSecurityGroupIngress（イベント ID: 3f8e1b2a-6c4d-4e5f-8a9b-0c1d2e3f4a51）',
    );
    expect(chat).toContain(
      '変更者: Mateo（IAM ユーザー）・マネジメントコンソール・2026-11-21 18:12:33 JST・203.0.113.24',
    );
  });

  it('says 不明 when the history holds no change, 未確認 when it was not searched or not readable, and nothing in a preview', () => {
    expect(render({ ...sgFinding, changedBy: [] }).text).toContain(
      '変更者: 不明（CloudTrail のイベント履歴に該当する変更がありません',
    );
    expect(render({ ...sgFinding, changedByMissing: 'capped' }).text).toContain(
      '変更者: 未確認（今回の実行で照会できる件数の上限',
    );
    expect(render({ ...sgFinding, changedByMissing: 'lookup-failed' }).chat).toContain('変更者: 未確認');
    expect(render(sgFinding).text).not.toContain('変更者');
  });
});
