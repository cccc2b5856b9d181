import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actorOf, attributeFromEvents, touchedIds } from '../../../app/changes/actor.ts';
import { type ChangeEvent, changeSetOf, parseChangeBatch } from '../../../app/changes/events.ts';
import type { Finding } from '../../../model/finding.ts';
import { InputValidationError } from '../../../support/errors.ts';

/** The sample events (events/): what the queue hands the changes function, and the CLI's replay form. */
const ROOT = new URL('../../../', import.meta.url).pathname;
const sample = (name: string): unknown => JSON.parse(readFileSync(`${ROOT}events/${name}`, 'utf8'));
const batch = () => parseChangeBatch(sample('change-batch.json'));
const replay = () => parseChangeBatch(sample('change-events.json'));
const AUDIT = { account: '123456789012', regions: ['ap-northeast-1'] };

const refusal = (input: unknown): InputValidationError => {
  try {
    parseChangeBatch(input, 'events.json');
  } catch (error) {
    if (error instanceof InputValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('parseChangeBatch', () => {
  it('reads an SQS batch as Lambda hands it over, and a JSON array of EventBridge events', () => {
    expect(batch().map((e) => e.detail.eventName)).toEqual([
      'AuthorizeSecurityGroupIngress',
      'ModifySecurityGroupRules',
      'CreateRoute',
      'CreateLoadBalancer',
      'AuthorizeSecurityGroupIngress',
    ]);
    expect(replay().map((e) => e.detail.eventName)).toEqual([
      'UpdateDistribution2020_05_31',
      'AuthorizeSecurityGroupIngress',
    ]);
  });

  it('refuses a bad event naming its field, and the whole batch with it', () => {
    const sqs = sample('change-batch.json') as { Records: { body: string }[] };
    const missingId = structuredClone(sqs);
    const body = JSON.parse(missingId.Records[2]?.body ?? '{}');
    delete body.detail.eventID;
    (missingId.Records[2] as { body: string }).body = JSON.stringify(body);
    expect(refusal(missingId).issues.map((i) => i.path)).toEqual(['Records[2].body.detail.eventID']);

    const notJson = structuredClone(sqs);
    (notJson.Records[1] as { body: string }).body = '{"detail-type":';
    expect(refusal(notJson).issues).toEqual([
      { path: 'Records[1].body', message: 'is not JSON (an EventBridge event was expected)' },
    ]);

    const scheduled = [sample('eventbridge-envelope.json')];
    expect(refusal(scheduled).issues.map((i) => i.path)).toContain('[0].detail-type');
    expect(refusal({ trigger: 'schedule' }).issues[0]?.message).toMatch(/JSON array of EventBridge events/);
    expect(refusal([]).issues[0]?.message).toBe('holds no event');
  });
});

describe('changeSetOf', () => {
  it('audits each CloudTrail event once: a repeated delivery is set aside, and the scope is what changed', () => {
    const set = changeSetOf(batch(), AUDIT);
    expect(set.events.map((e) => e.detail.eventID)).toHaveLength(4);
    expect(set.ignored).toEqual({ duplicate: 1, failed: 0, unwatched: 0, outOfScope: 0 });
    expect([...(set.scope.regions.get('ap-northeast-1') ?? [])].sort()).toEqual(['ec2', 'elbv2']);
    expect(set.scope.cloudfront).toBe(false);
  });

  it('recognises a repeat across batches by the event ids already audited', () => {
    const first = changeSetOf(batch(), AUDIT);
    const again = changeSetOf(batch(), {
      ...AUDIT,
      seen: new Set(first.events.map((e) => e.detail.eventID)),
    });
    expect(again.events).toEqual([]);
    expect(again.ignored.duplicate).toBe(5);
  });

  it('sets aside a refused call, and reads CloudFront (logged in us-east-1) for any audited region', () => {
    const set = changeSetOf(replay(), AUDIT);
    expect(set.events.map((e) => e.detail.eventSource)).toEqual(['cloudfront.amazonaws.com']);
    expect(set.ignored.failed).toBe(1);
    expect(set.scope).toEqual({ regions: new Map(), cloudfront: true });
  });

  it('leaves out another account, a region not audited, and calls no check reads', () => {
    const [event] = batch() as [ChangeEvent];
    const elsewhere = { ...event, detail: { ...event.detail, eventID: 'x1', awsRegion: 'eu-west-1' } };
    const otherAccount = {
      ...event,
      detail: { ...event.detail, eventID: 'x2', recipientAccountId: '999999999999' },
    };
    const tags = { ...event, detail: { ...event.detail, eventID: 'x3', eventName: 'CreateTags' } };
    const set = changeSetOf([elsewhere, otherAccount, tags], AUDIT);
    expect(set.events).toEqual([]);
    expect(set.ignored).toEqual({ duplicate: 0, failed: 0, unwatched: 1, outOfScope: 2 });
  });
});

describe('who made a change', () => {
  it('names the console user, the Identity Center user, the Terraform role session and the CloudFormation deploy', () => {
    const actors = batch()
      .slice(0, 4)
      .map((e) => actorOf(e.detail));
    expect(actors.map((a) => [a.type, a.name, a.tool])).toEqual([
      ['IAMUser', 'Mateo', 'console'],
      ['IdentityCenterUser', 'alice@example.com', 'cli'],
      ['AssumedRole', 'terraform-deployer/terraform-ci-4821', 'terraform'],
      [
        'AssumedRole',
        'cdk-hnb659fds-cfn-exec-role-123456789012-ap-northeast-1/AWSCloudFormation',
        'cloudformation',
      ],
    ]);
    expect(actors[0]).toEqual({
      arn: 'arn:aws:iam::123456789012:user/Mateo',
      type: 'IAMUser',
      name: 'Mateo',
      sourceIp: '203.0.113.24',
      userAgent: 'AWS Internal',
      tool: 'console',
      eventName: 'AuthorizeSecurityGroupIngress',
      eventId: '3f8e1b2a-6c4d-4e5f-8a9b-0c1d2e3f4a51',
      eventTime: '2026-11-21T09:12:33Z',
    });
  });

  it('reads the tool from the user agent: the SDKs, and unknown for anything else', () => {
    const [event] = batch() as [ChangeEvent];
    const as = (userAgent: string) =>
      actorOf({ ...event.detail, userAgent, sessionCredentialFromConsole: undefined }).tool;
    expect(
      as('Boto3/1.35.60 md/Botocore#1.35.60 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.12.7'),
    ).toBe('sdk');
    expect(as('aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#22.11.0 api/ec2#3.700.0')).toBe(
      'sdk',
    );
    expect(as('aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0 lang/python#3.12.6')).toBe('cli');
    expect(as('curl/8.5.0')).toBe('unknown');
  });

  it('finds the resources a change touched: ids, ARNs, a listener’s load balancer, a stage', () => {
    const [console, , terraform, cloudformation] = batch() as ChangeEvent[];
    expect(touchedIds((console as ChangeEvent).detail)).toContain('sg-0a1b2c3d4e5f60001');
    expect([...touchedIds((terraform as ChangeEvent).detail)]).toEqual(
      expect.arrayContaining(['rtb-0c1d2e3f4a5b60003', 'igw-0d1e2f3a4b5c60004']),
    );
    expect(touchedIds((cloudformation as ChangeEvent).detail)).toContain(
      'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/public-alb/50dc6c495c0c9188',
    );
    const listener = {
      ...(console as ChangeEvent).detail,
      requestParameters: {
        listenerArn:
          'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener/app/public-alb/50dc6c495c0c9188/f2f7dc8efc522ab2',
      },
    };
    expect(touchedIds(listener)).toContain(
      'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/public-alb/50dc6c495c0c9188',
    );
    const waf = {
      ...(console as ChangeEvent).detail,
      requestParameters: {
        resourceArn: 'arn:aws:apigateway:ap-northeast-1::/restapis/a1b2c3d4e5/stages/prod',
      },
    };
    expect(touchedIds(waf)).toContain('a1b2c3d4e5/prod');
  });

  it('attributes a finding whose resource a change touched, and no other', () => {
    const finding = (id: string): Finding =>
      ({
        checkId: 'sg.world-ingress',
        resource: { type: 'AWS::EC2::SecurityGroup', id, region: 'ap-northeast-1' },
      }) as Finding;
    const set = changeSetOf(batch(), AUDIT);
    const [touched, untouched] = attributeFromEvents(
      [finding('sg-0a1b2c3d4e5f60001'), finding('sg-0fffffffffffffff9')],
      set.events.map((e) => e.detail),
    );
    expect(touched?.changedBy?.map((c) => c.name)).toEqual(['Mateo']);
    expect(untouched).not.toHaveProperty('changedBy');
    // The group the SSO user modified and the load balancer was created with: the most recent first.
    const [both] = attributeFromEvents(
      [finding('sg-0a1b2c3d4e5f60002')],
      set.events.map((e) => e.detail),
    );
    expect(both?.changedBy?.map((c) => c.eventName)).toEqual([
      'CreateLoadBalancer',
      'ModifySecurityGroupRules',
    ]);
  });
});
