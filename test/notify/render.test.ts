import { describe, expect, it } from 'vitest';
import type { Report } from '../../model/report.ts';
import { consoleUrl } from '../../notify/console.ts';
import { renderPreview } from '../../notify/index.ts';
import type { AlertMessage, RenderInput } from '../../notify/message.ts';
import { renderAlerts } from '../../notify/render.ts';
import { MAX_SNS_MESSAGE_BYTES, snsEnvelopeBytes } from '../../notify/sns-message.ts';
import { diffAgainstState } from '../../notify/state.ts';
import { chatbotSchema } from './chatbot-schema.ts';
import {
  ACCOUNT,
  aFinding,
  anIncompleteReport,
  aReport,
  criticalFinding,
  highFinding,
  later,
  lowFinding,
  manyFindings,
  mediumFinding,
  NOW,
  REGION,
  sshWorldFinding,
} from './fixtures.ts';

/** Renders what a run against `previous` would send. */
const firstRun = (report: Report, extra: Partial<RenderInput> = {}): AlertMessage[] =>
  renderAlerts({
    report,
    diff: diffAgainstState(report, undefined, { now: NOW, remindAfterHours: 24 }),
    ...extra,
  });

const onlyMessage = (messages: readonly AlertMessage[]): AlertMessage => {
  expect(messages).toHaveLength(1);
  return messages[0] as AlertMessage;
};

describe('renderAlerts', () => {
  describe('new findings', () => {
    it.each([
      ['critical', criticalFinding],
      ['high', highFinding],
      ['medium', mediumFinding],
      ['low', lowFinding],
    ] as const)('renders a %s finding in Japanese for email and chat', (_severity, finding) => {
      // Act
      const message = onlyMessage(firstRun(aReport([finding])));
      // Assess
      expect(message.kind).toBe('findings');
      expect(message.subject).toMatchSnapshot('subject');
      expect(message.text).toMatchSnapshot('text');
      expect(message.chatbot).toMatchSnapshot('chatbot');
    });

    it('titles the run with counts by severity, account and region, worst emoji first', () => {
      const message = onlyMessage(
        firstRun(aReport([criticalFinding, highFinding, { ...sshWorldFinding, severity: 'high' }])),
      );
      expect(message.chatbot.content.title).toBe(
        '🔴 [arch-auditor] 新しい検出 3 件（緊急 1・高 2）— 123456789012 ap-northeast-1',
      );
      expect(message.text.startsWith(`${message.chatbot.content.title}\n`)).toBe(true);
    });

    it('groups findings by severity, most severe first, in one message', () => {
      // Act
      const message = onlyMessage(
        firstRun(aReport([lowFinding, mediumFinding, highFinding, criticalFinding, sshWorldFinding])),
      );
      // Assess
      const order = ['🔴 緊急 2 件', '🟠 高 1 件', '🟡 中 1 件', '🔵 低 1 件'].map((h) =>
        message.text.indexOf(h),
      );
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(message.text).toMatchSnapshot();
    });

    it('marks a severity change with the previous and current severity', () => {
      // Prepare
      const previous = diffAgainstState(aReport([mediumFinding]), undefined, {
        now: NOW,
        remindAfterHours: 24,
      }).nextState;
      const raised = { ...mediumFinding, severity: 'high' as const };
      const report = aReport([raised]);
      // Act
      const message = onlyMessage(
        renderAlerts({
          report,
          diff: diffAgainstState(report, previous, { now: later(1), remindAfterHours: 24 }),
        }),
      );
      // Assess
      expect(message.chatbot.content.title).toBe(
        '🟠 [arch-auditor] 重大度の変更 1 件（高 1）— 123456789012 グローバル',
      );
      expect(message.text).toContain(
        '■ [重大度変更 中→高] キャッシュビヘイビアが HTTP での閲覧を許可しています',
      );
    });

    it('says prominently that the audit is incomplete, naming the failed call', () => {
      // Act
      const message = onlyMessage(firstRun(anIncompleteReport([criticalFinding])));
      // Assess
      expect(message.chatbot.content.title).toBe(
        '🔴 [arch-auditor] 【監査不完全】新しい検出 2 件（緊急 1・高 1）— 123456789012 ap-northeast-1',
      );
      expect(message.subject).toMatch(/^arch-auditor \[INCOMPLETE\]: /);
      expect(message.chatbot.content.description).toMatch(
        /^⚠️ \*監査が不完全です\* — ec2:DescribeRouteTables（ap-northeast-1・UnauthorizedOperation）が失敗しました。/,
      );
      // The banner is the first thing under the title, before the account and the findings.
      expect(message.text.split('\n').slice(0, 4)).toEqual([
        message.chatbot.content.title,
        '',
        '━━━━━━━━━━━━━━━━━━━━',
        '⚠️ 監査が不完全です',
      ]);
      expect(message.text).toContain('確認できなかった範囲の検出は復旧を判定していません');
      // Exactly what was not seen: the region and the checks blind there.
      expect(message.text).toContain('- ap-northeast-1: vpc.public-subnet, vpc.db-tier-egress, vpc.nat-mode');
      expect(message.chatbot.content.description).toContain('不明な範囲: ap-northeast-1（3 チェック）');
      expect(message.text).toMatchSnapshot();
    });

    it('says every open finding is alerted when the state could not be read', () => {
      // Act
      const message = onlyMessage(
        firstRun(aReport([criticalFinding, highFinding]), {
          stateUnavailable: true,
          stateError:
            'cannot read alert state from s3://arch-auditor-state/arch-auditor/state.json: AccessDenied',
        }),
      );
      // Assess
      expect(message.chatbot.content.title).toBe(
        '🔴 [arch-auditor] 【全件再通知】未解決の検出 2 件（緊急 1・高 1）— 123456789012 ap-northeast-1',
      );
      expect(message.text).toContain('通知済みかどうか判別できないため、現在の検出をすべて通知します。');
      expect(message.text).toContain('AccessDenied');
      expect(message.chatbot.content.description).toContain('前回の通知状態を読み込めなかった');
    });

    it('escapes a Name tag so it cannot mention the channel or forge a link in chat', () => {
      const finding = aFinding({
        resource: {
          type: 'AWS::EC2::Subnet',
          id: 'subnet-0a1b2c3d4e5f60001',
          region: REGION,
          name: '<!channel> a&b',
        },
      });
      const { chatbot } = onlyMessage(firstRun(aReport([finding])));
      expect(chatbot.content.description).not.toContain('<!channel>');
      expect(chatbot.content.description).toContain('&lt;!channel&gt; a&amp;b');
    });

    it('keeps the email subject to printable ASCII, under 100 characters', () => {
      const messages = firstRun(anIncompleteReport([criticalFinding, highFinding]), {
        stateUnavailable: true,
      });
      for (const m of messages) expect(m.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    });
  });

  describe('recovery', () => {
    it('renders recovered findings in a separate message', () => {
      // Prepare
      const previous = diffAgainstState(aReport([criticalFinding, highFinding, lowFinding]), undefined, {
        now: NOW,
        remindAfterHours: 24,
      }).nextState;
      const report = aReport([lowFinding], { finishedAt: later(30).toISOString() });
      // Act
      const messages = renderAlerts({
        report,
        diff: diffAgainstState(report, previous, { now: later(30), remindAfterHours: 48 }),
      });
      // Assess
      const message = onlyMessage(messages);
      expect(message.kind).toBe('recovery');
      expect(message.chatbot.content.title).toBe(
        '✅ [arch-auditor] 復旧 2 件（緊急 1・高 1）— 123456789012 ap-northeast-1',
      );
      expect(message.subject).toMatchSnapshot('subject');
      expect(message.text).toMatchSnapshot('text');
      expect(message.chatbot).toMatchSnapshot('chatbot');
    });
  });

  describe('several accounts', () => {
    const MEMBER = { id: '444455556666', name: 'workload-prod' };
    const memberFinding = aFinding({ ...sshWorldFinding, account: MEMBER });
    const multiReport = (findings = [memberFinding, lowFinding]) =>
      aReport(findings, { account: undefined, accounts: [{ id: ACCOUNT }, MEMBER] });
    const portal = { portalUrl: 'https://d-9067aaaaaa.awsapps.com/start', roleName: 'ReadOnlyAccess' };

    it("names each finding's account beside its resource, in the email and in chat", () => {
      const message = onlyMessage(firstRun(multiReport()));
      expect(message.text).toContain(`アカウント: ${ACCOUNT}, workload-prod (444455556666)`);
      expect(message.text).toContain('/ アカウント workload-prod (444455556666) / ap-northeast-1');
      expect(message.text).toContain(`/ アカウント ${ACCOUNT} / ap-northeast-1`);
      expect(message.chatbot.content.description).toContain(
        '（workload-prod (444455556666)・ap-northeast-1）',
      );
      expect(message.chatbot.metadata?.additionalContext?.account).toBe(`${ACCOUNT},444455556666`);
      expect(message.subject).toContain(`${ACCOUNT}, 444455556666`);
    });

    it("opens console links in the finding's account through the access portal", () => {
      const message = onlyMessage(firstRun(multiReport(), { consoleSignIn: portal }));
      const page = consoleUrl(memberFinding.resource) as string;
      const link = `https://d-9067aaaaaa.awsapps.com/start/#/console?account_id=444455556666&role_name=ReadOnlyAccess&destination=${encodeURIComponent(page)}`;
      expect(message.text).toContain(`コンソール: ${link}`);
      expect(message.chatbot.content.description).toContain(`<${link}|`);
    });

    it('keeps the plain page link when no portal is configured (the account is named beside it)', () => {
      const message = onlyMessage(firstRun(multiReport()));
      expect(message.text).toContain(`コンソール: ${consoleUrl(memberFinding.resource)}`);
      expect(message.text).not.toContain('awsapps.com');
    });

    it('names the account of a recovered finding', () => {
      const previous = diffAgainstState(multiReport(), undefined, {
        now: NOW,
        remindAfterHours: 24,
      }).nextState;
      const report = multiReport([lowFinding]);
      const message = onlyMessage(
        renderAlerts({
          report,
          diff: diffAgainstState(report, previous, { now: later(1), remindAfterHours: 48 }),
        }),
      );
      expect(message.kind).toBe('recovery');
      expect(message.text).toContain('/ アカウント workload-prod (444455556666) / ap-northeast-1');
    });

    it('does not repeat the account on every finding of a single-account run', () => {
      const message = onlyMessage(firstRun(aReport([memberFinding])));
      expect(message.text).not.toContain('/ アカウント ');
    });
  });

  describe('reminders', () => {
    it('renders still-open findings as one digest with how long they have been open', () => {
      // Prepare
      const previous = diffAgainstState(aReport([criticalFinding, mediumFinding]), undefined, {
        now: NOW,
        remindAfterHours: 24,
      }).nextState;
      const report = aReport([criticalFinding, mediumFinding], { finishedAt: later(72).toISOString() });
      // Act
      const message = onlyMessage(
        renderAlerts({
          report,
          diff: diffAgainstState(report, previous, { now: later(72), remindAfterHours: 24 }),
          remindAfterHours: 24,
        }),
      );
      // Assess
      expect(message.kind).toBe('reminders');
      expect(message.chatbot.content.title).toBe(
        '🔁 [arch-auditor] 未対応の検出 2 件（緊急 1・中 1）— 123456789012 ap-northeast-1・グローバル',
      );
      expect(message.text).toContain('初回検出: 2026-11-21 09:00 JST（3 日経過）');
      expect(message.text).toMatchSnapshot();
    });
  });

  it('sends nothing when nothing is new, changed, due or recovered', () => {
    const report = aReport([highFinding]);
    const previous = diffAgainstState(report, undefined, { now: NOW, remindAfterHours: 24 }).nextState;
    expect(
      renderAlerts({
        report,
        diff: diffAgainstState(report, previous, { now: later(1), remindAfterHours: 24 }),
      }),
    ).toEqual([]);
  });

  describe('Chatbot payload', () => {
    it('matches the custom notification schema in every kind of message', () => {
      // Prepare
      const previous = diffAgainstState(aReport([criticalFinding, highFinding, mediumFinding]), undefined, {
        now: NOW,
        remindAfterHours: 24,
      }).nextState;
      const report = anIncompleteReport([criticalFinding, lowFinding, { ...mediumFinding, severity: 'low' }]);
      const withRecovery = aReport([criticalFinding]);
      // Act
      const messages = [
        ...renderAlerts({
          report,
          diff: diffAgainstState(report, previous, { now: later(48), remindAfterHours: 24 }),
        }),
        ...renderAlerts({
          report: withRecovery,
          diff: diffAgainstState(withRecovery, previous, { now: later(1), remindAfterHours: 24 }),
        }),
        ...firstRun(aReport(manyFindings(500))),
      ];
      // Assess
      expect(new Set(messages.map((m) => m.kind))).toEqual(new Set(['findings', 'reminders', 'recovery']));
      for (const m of messages) expect(chatbotSchema.parse(m.chatbot)).toEqual(m.chatbot);
    });
  });

  describe('size', () => {
    it('splits a large run into parts that each fit in one SNS message and cover every finding once', () => {
      // Prepare
      const findings = manyFindings(400);
      // Act
      const messages = firstRun(aReport(findings));
      // Assess
      expect(messages.length).toBeGreaterThan(1);
      for (const [i, m] of messages.entries()) {
        expect(snsEnvelopeBytes(m)).toBeLessThanOrEqual(MAX_SNS_MESSAGE_BYTES);
        expect(m).toMatchObject({ part: i + 1, parts: messages.length, total: 400, summarized: false });
        expect(m.chatbot.content.title).toContain(`（${i + 1}/${messages.length}）`);
      }
      const covered = messages.flatMap((m) => m.fingerprints);
      expect(covered).toHaveLength(400);
      expect(messages.flatMap((m) => m.covers)).toEqual(covered);
      expect(new Set(covered)).toEqual(new Set(findings.map((f) => f.fingerprint)));
    });

    it('falls back to one summary with counts of every finding when a run has thousands', () => {
      // Prepare
      const findings = manyFindings(5000);
      // Act
      const message = onlyMessage(firstRun(aReport(findings)));
      // Assess
      expect(snsEnvelopeBytes(message)).toBeLessThanOrEqual(MAX_SNS_MESSAGE_BYTES);
      expect(message).toMatchObject({ summarized: true, total: 5000 });
      expect(message.chatbot.content.title).toContain(
        '新しい検出 5000 件（緊急 1250・高 1250・中 1250・低 1250）',
      );
      expect(message.text).toContain('全 5000 件');
      const perCheck = [...message.text.matchAll(/^- \[.+?\] \S+ .+: (\d+) 件$/gm)].map((m) => Number(m[1]));
      expect(perCheck.reduce((a, b) => a + b, 0)).toBe(5000);
      expect(message.text).toContain(
        `ほか ${5000 - message.fingerprints.length} 件は件数が多いため省略しました`,
      );
      expect(message.fingerprints.length).toBeGreaterThan(0);
      // Counted is told: the state advances for all 5000, so the tail is not re-alerted every run.
      expect(new Set(message.covers)).toEqual(new Set(findings.map((f) => f.fingerprint)));
    });

    it('keeps recovery and reminder messages within the limit for thousands of entries', () => {
      // Prepare
      const findings = manyFindings(3000);
      const previous = diffAgainstState(aReport(findings), undefined, {
        now: NOW,
        remindAfterHours: 24,
      }).nextState;
      const stillOpen = findings.slice(0, 1500);
      const report = aReport(stillOpen);
      // Act
      const messages = renderAlerts({
        report,
        diff: diffAgainstState(report, previous, { now: later(25), remindAfterHours: 24 }),
      });
      // Assess
      expect(new Set(messages.map((m) => m.kind))).toEqual(new Set(['recovery', 'reminders']));
      for (const m of messages) {
        expect(snsEnvelopeBytes(m)).toBeLessThanOrEqual(MAX_SNS_MESSAGE_BYTES);
        expect(m.total).toBe(1500);
        expect(chatbotSchema.safeParse(m.chatbot).success).toBe(true);
      }
      for (const kind of ['recovery', 'reminders'] as const) {
        const ofKind = messages.filter((m) => m.kind === kind);
        const accounted = ofKind.some((m) => m.summarized)
          ? ofKind.length === 1 && ofKind[0]?.text.includes('全 1500 件')
          : ofKind.flatMap((m) => m.fingerprints).length === 1500;
        expect(accounted, kind).toBe(true);
      }
    });
  });

  describe('secrets', () => {
    it('never carries a custom header or API key value into any message', () => {
      // Prepare: the report holds no secret (collectors drop them); nothing here may invent one.
      const headerValue = 'x-origin-verify-3f1c9a7e-5b2d-4e8f-9a61-0c7d2e4b8f13';
      const apiKeyValue = 'Vq8sK2mXfT4rB7nLw1ZyE5hJ0cD3gP9uA6iO2kR8';
      const report = anIncompleteReport([
        criticalFinding,
        highFinding,
        mediumFinding,
        lowFinding,
        sshWorldFinding,
      ]);
      // Act
      const out = [
        ...firstRun(report).flatMap((m) => [m.subject, m.text, JSON.stringify(m.chatbot)]),
        renderPreview(report, 'slack'),
        renderPreview(report, 'chatbot-json'),
        renderPreview(report, 'email'),
      ].join('\n');
      // Assess
      expect(out).not.toContain(headerValue);
      expect(out).not.toContain(apiKeyValue);
    });
  });
});

describe('consoleUrl', () => {
  it.each([
    [
      'AWS::EC2::VPC',
      'vpc-0a1b2c3d4e5f60001',
      'vpcconsole/home?region=ap-northeast-1#VpcDetails:VpcId=vpc-0a1b2c3d4e5f60001',
    ],
    [
      'AWS::EC2::Subnet',
      'subnet-0a1b2c3d4e5f60001',
      'vpcconsole/home?region=ap-northeast-1#SubnetDetails:subnetId=subnet-0a1b2c3d4e5f60001',
    ],
    [
      'AWS::EC2::RouteTable',
      'rtb-0a1b2c3d4e5f60001',
      'vpcconsole/home?region=ap-northeast-1#RouteTableDetails:RouteTableId=rtb-0a1b2c3d4e5f60001',
    ],
    [
      'AWS::EC2::NatGateway',
      'nat-0a1b2c3d4e5f60001',
      'vpcconsole/home?region=ap-northeast-1#NatGatewayDetails:natGatewayId=nat-0a1b2c3d4e5f60001',
    ],
    [
      'AWS::EC2::SecurityGroup',
      'sg-0a1b2c3d4e5f60001',
      'ec2/home?region=ap-northeast-1#SecurityGroup:groupId=sg-0a1b2c3d4e5f60001',
    ],
    [
      'AWS::EC2::NetworkInterface',
      'eni-0a1b2c3d4e5f60001',
      'ec2/home?region=ap-northeast-1#NetworkInterface:networkInterfaceId=eni-0a1b2c3d4e5f60001',
    ],
    [
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      `arn:aws:elasticloadbalancing:ap-northeast-1:${ACCOUNT}:loadbalancer/net/prod-nlb/0a1b2c3d4e5f6071`,
      `ec2/home?region=ap-northeast-1#LoadBalancer:loadBalancerArn=${encodeURIComponent(`arn:aws:elasticloadbalancing:ap-northeast-1:${ACCOUNT}:loadbalancer/net/prod-nlb/0a1b2c3d4e5f6071`)}`,
    ],
    [
      'AWS::ApiGateway::RestApi',
      'a1b2c3d4e5',
      'apigateway/main/apis/a1b2c3d4e5/resources?api=a1b2c3d4e5&region=ap-northeast-1',
    ],
    [
      'AWS::ApiGateway::Stage',
      'a1b2c3d4e5/prod',
      'apigateway/main/apis/a1b2c3d4e5/stages?api=a1b2c3d4e5&region=ap-northeast-1',
    ],
    [
      'AWS::ApiGateway::Stage',
      'arn:aws:apigateway:ap-northeast-1::/restapis/a1b2c3d4e5/stages/prod',
      'apigateway/main/apis/a1b2c3d4e5/stages?api=a1b2c3d4e5&region=ap-northeast-1',
    ],
    ['AWS::ApiGateway::VpcLink', 'vl0a1b2c', 'apigateway/main/vpc-links/list?region=ap-northeast-1'],
    ['AWS::Account', ACCOUNT, 'cloudtrailv2/home?region=ap-northeast-1#/events'],
  ])('links %s %s to its console page', (type, id, path) => {
    expect(consoleUrl({ type, id, region: REGION })).toBe(
      `https://ap-northeast-1.console.aws.amazon.com/${path}`,
    );
  });

  it('opens a CloudFront distribution in us-east-1, whatever region the finding names', () => {
    expect(
      consoleUrl({ type: 'AWS::CloudFront::Distribution', id: 'E2QWRUHAPOMQZL', region: 'global' }),
    ).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudfront/v4/home?region=us-east-1#/distributions/E2QWRUHAPOMQZL',
    );
  });

  it('has no link for a type it does not know', () => {
    expect(consoleUrl({ type: 'Unknown', id: 'x', region: REGION })).toBeUndefined();
  });

  it("has no link for an exception's '*' (every resource of its check), but links its twin with an id", () => {
    expect(consoleUrl({ type: 'AWS::EC2::VPC', id: '*', region: 'global' })).toBeUndefined();
    expect(consoleUrl({ type: 'AWS::EC2::VPC', id: 'vpc-0a1b2c3d4e5f60001', region: REGION })).toBeDefined();
  });
});

describe('renderPreview', () => {
  it('shows the chat message as Slack shows it for slack: title, description and next steps, no JSON', () => {
    const out = renderPreview(aReport([criticalFinding]), 'slack');
    const [message] = renderAlerts({
      report: aReport([criticalFinding]),
      diff: diffAgainstState(aReport([criticalFinding]), undefined, { now: NOW, remindAfterHours: Infinity }),
    });
    expect(
      out.startsWith(`*${message?.chatbot.content.title}*\n${message?.chatbot.content.description}\n`),
    ).toBe(true);
    expect(out).toContain('*次の対応*\n• ');
    expect(out).not.toContain('"textType"');
    expect(out).not.toContain('\\n');
  });

  it('shows the chat payloads as JSON for chatbot-json', () => {
    const out = renderPreview(aReport([criticalFinding]), 'chatbot-json');
    expect(chatbotSchema.parse(JSON.parse(out))).toMatchObject({ source: 'custom' });
  });

  it('shows subject and body for email', () => {
    const out = renderPreview(aReport([criticalFinding]), 'email');
    expect(out).toMatch(
      /^Subject: arch-auditor: 1 new \(critical 1\) \| account 123456789012 \| ap-northeast-1\n\n🔴 /,
    );
  });

  it('says there is nothing to send for a clean report', () => {
    expect(renderPreview(aReport([]), 'email')).toBe('通知する検出はありません。\n');
  });
});
