import { fingerprintOf } from '../../engine/evaluate.ts';
import { type Finding, type ResourceRef, SEVERITIES, type Severity } from '../../model/finding.ts';
import type { Report } from '../../model/report.ts';

/** The audit time of every report here; alert state timestamps are relative to it. */
export const NOW = new Date('2026-11-21T00:00:00.000Z');
export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:arch-auditor-alerts`;

const hoursAfter = (date: Date, hours: number): Date => new Date(date.getTime() + hours * 3_600_000);
export const later = (hours: number): Date => hoursAfter(NOW, hours);

/** A finding as the engine emits it; the fingerprint is computed the engine's way from `fact`. */
export const aFinding = (overrides: Partial<Omit<Finding, 'fingerprint'>> = {}): Finding => {
  const { fact, ...rest } = overrides;
  const base: Omit<Finding, 'fingerprint' | 'fact'> = {
    checkId: 'vpc.public-subnet',
    severity: 'high',
    resource: {
      type: 'AWS::EC2::Subnet',
      id: 'subnet-0a1b2c3d4e5f60001',
      region: REGION,
      name: 'prod-web-a',
    },
    account: { id: ACCOUNT },
    title:
      'サブネットがインターネットゲートウェイへのデフォルトルートを持っています（パブリックサブネット化）',
    message:
      'サブネット prod-web-a (subnet-0a1b2c3d4e5f60001) は明示的に関連付けられたルートテーブル prod-public-rt (rtb-0a1b2c3d4e5f60001) で 0.0.0.0/0 を igw-0a1b2c3d4e5f60001 に向けています。',
    expected: '0.0.0.0/0 はインターネットゲートウェイ以外（NAT Gateway など）へ',
    actual: '0.0.0.0/0 → igw-0a1b2c3d4e5f60001',
    impact: 'CloudFront を経由しない経路でワークロードがインターネットに露出する恐れがあります。',
    remediation:
      'ルートテーブルからインターネットゲートウェイ（igw-）宛てのデフォルトルートを削除し、外向き通信は NAT Gateway 経由にしてください。',
    principle: 'P2',
  };
  const merged = { ...base, ...rest, fact: fact ?? rest.message ?? base.message };
  return { ...merged, fingerprint: fingerprintOf(merged.checkId, merged.resource, merged.fact) };
};

const lb: ResourceRef = {
  type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  id: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/prod-alb/50dc6c495c0c9188`,
  arn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/prod-alb/50dc6c495c0c9188`,
  region: REGION,
  name: 'prod-alb',
};

/** One realistic finding per severity, as the catalogue defines them. */
export const criticalFinding = aFinding({
  checkId: 'elb.internet-facing',
  severity: 'critical',
  resource: lb,
  title: 'ロードバランサーがインターネットに公開されています（internet-facing）',
  message: 'ロードバランサー prod-alb のスキームが internet-facing です。インテントでは internal です。',
  expected: 'internal',
  actual: 'internet-facing',
  impact: 'CloudFront と WAF を経由せずに、インターネットから直接アプリケーションへ到達できます。',
  remediation:
    'internal スキームのロードバランサーを作り直し、CloudFront の VPC オリジン経由で公開してください（スキームは作成後に変更できません）。',
  principle: 'P5',
  fact: 'scheme:internet-facing',
});

export const highFinding = aFinding({ fact: '0.0.0.0/0->igw-0a1b2c3d4e5f60001' });

export const mediumFinding = aFinding({
  checkId: 'cloudfront.viewer-http',
  severity: 'medium',
  resource: {
    type: 'AWS::CloudFront::Distribution',
    id: 'E2QWRUHAPOMQZL',
    region: 'global',
    name: 'prod-web',
  },
  title: 'キャッシュビヘイビアが HTTP での閲覧を許可しています',
  message:
    'ディストリビューション prod-web (E2QWRUHAPOMQZL) のビヘイビア /static/* は HTTP での閲覧を許可しています（allow-all）。',
  expected: 'redirect-to-https または https-only',
  actual: 'allow-all',
  impact: '利用者とのあいだの通信が暗号化されず、セッション情報などが漏えいする恐れがあります。',
  remediation:
    'ビヘイビアのビューワープロトコルポリシーを redirect-to-https（または https-only）に変更してください。',
  principle: 'P6',
  fact: 'behavior:/static/*:allow-all',
});

export const lowFinding = aFinding({
  checkId: 'sg.default-has-rules',
  severity: 'low',
  resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0a1b2c3d4e5f60009', region: REGION, name: 'default' },
  title: 'VPC のデフォルトセキュリティグループにルールが残っています',
  message:
    'VPC prod-vpc (vpc-0a1b2c3d4e5f60001) のデフォルトセキュリティグループ sg-0a1b2c3d4e5f60009 にインバウンド 1 件・アウトバウンド 1 件のルールがあります。',
  expected: 'ルールなし',
  actual: 'インバウンド 1 件・アウトバウンド 1 件',
  impact: 'セキュリティグループの指定漏れがあったリソースが、意図しない相手と通信できてしまいます。',
  remediation:
    'デフォルトセキュリティグループのインバウンドルールとアウトバウンドルールをすべて削除し、各リソースには専用のセキュリティグループを付けてください。',
  principle: 'P4',
  fact: 'default-sg-rules',
});

export const sshWorldFinding = aFinding({
  checkId: 'sg.world-ingress',
  severity: 'critical',
  resource: {
    type: 'AWS::EC2::SecurityGroup',
    id: 'sg-0a1b2c3d4e5f60002',
    region: REGION,
    name: 'prod-app-sg',
  },
  title: 'セキュリティグループがインターネット全体（0.0.0.0/0・::/0）からの通信を許可しています',
  message:
    'セキュリティグループ prod-app-sg (sg-0a1b2c3d4e5f60002) のインバウンドルール sgr-0a1b2c3d4e5f60002 が 0.0.0.0/0 から tcp/22（SSH）への通信を許可しています。',
  expected: '送信元はセキュリティグループ参照またはプレフィックスリスト',
  actual: '0.0.0.0/0 → tcp/22',
  impact:
    'インターネットから直接ワークロードやデータベースへ接続され、不正アクセスや情報漏えいにつながる恐れがあります。',
  remediation:
    'インバウンドルールの送信元を 0.0.0.0/0 から、通信元のセキュリティグループ参照に置き換えてください。運用者のアクセスは SSM Session Manager を使い、SSH のポートは開けないでください。',
  principle: 'P4',
  fact: 'tcp/22 from 0.0.0.0/0',
});

export const incompleteFinding = aFinding({
  checkId: 'audit.incomplete',
  severity: 'high',
  resource: { type: 'AWS::Account', id: ACCOUNT, region: REGION },
  title: '監査が不完全です（一部の情報を取得できませんでした）',
  message:
    'ec2 の DescribeRouteTables（ap-northeast-1）が失敗しました: UnauthorizedOperation: You are not authorized to perform this operation.。ec2.routeTables を確認できていません。',
  expected: 'ec2:DescribeRouteTables が成功すること',
  actual: 'UnauthorizedOperation',
  impact: '取得できなかったリソースに問題があっても検知できません。',
  remediation:
    '監査ロールの権限（AccessDenied の場合）や API のスロットリング状況を確認し、監査を再実行してください。',
  principle: 'P10',
  fact: 'ec2:DescribeRouteTables:UnauthorizedOperation',
});

/** A report around the given findings, with the summary the engine would compute. */
export const aReport = (findings: readonly Finding[], overrides: Partial<Report> = {}): Report => ({
  account: ACCOUNT,
  accounts: [{ id: ACCOUNT }],
  regions: [REGION],
  profile: 'private-backend',
  startedAt: new Date(NOW.getTime() - 42_000).toISOString(),
  finishedAt: NOW.toISOString(),
  complete: true,
  errors: [],
  findings,
  suppressed: [],
  skippedChecks: [],
  excludedVpcs: [],
  unseen: [],
  skippedRegions: [],
  summary: {
    checksRun: 34,
    bySeverity: Object.fromEntries(
      SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]),
    ) as Record<Severity, number>,
  },
  ...overrides,
});

/** The report of an audit whose DescribeRouteTables was denied. */
export const anIncompleteReport = (findings: readonly Finding[]): Report =>
  aReport([incompleteFinding, ...findings], {
    complete: false,
    errors: [
      {
        service: 'ec2',
        operation: 'DescribeRouteTables',
        region: REGION,
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
      },
    ],
    // What the engine reports for this failure: the route-table checks ran, blind in this region.
    unseen: ['vpc.public-subnet', 'vpc.db-tier-egress', 'vpc.nat-mode'].map((checkId) => ({
      checkId,
      region: REGION,
    })),
  });

/** `count` distinct findings spread over checks and severities, with long Japanese text. */
export const manyFindings = (count: number): Finding[] =>
  Array.from({ length: count }, (_, i) => {
    const severity = SEVERITIES[i % 4] ?? 'low';
    const n = String(i).padStart(5, '0');
    return aFinding({
      checkId:
        ['sg.world-ingress', 'vpc.public-eni', 'cloudfront.viewer-http', 'sg.cidr-source'][i % 4] ?? '',
      severity,
      resource: {
        type: 'AWS::EC2::SecurityGroup',
        id: `sg-0a1b2c3d4e${n}`,
        region: REGION,
        name: `app-${n}-セキュリティグループ`,
      },
      message:
        `セキュリティグループ app-${n} (sg-0a1b2c3d4e${n}) のインバウンドルール sgr-0a1b2c3d4e${n} が 0.0.0.0/0 から tcp/${1024 + i} への通信を許可しています。`.repeat(
          3,
        ),
      fact: `rule-${n}`,
    });
  });
