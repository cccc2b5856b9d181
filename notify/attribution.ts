import type { ChangedBy, ChangeTool, Finding } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { formatJstSeconds } from '../report/time.ts';

/**
 * "変更者" in an alert: who made the change behind a new or changed finding, as a Japanese SRE reads
 * it (person, tool, time in JST, source IP, the call and its CloudTrail event id). A finding whose
 * history was searched without a match says 不明, one not searched says why: never silently nothing.
 */

const TOOL_LABEL: Readonly<Record<ChangeTool, string>> = {
  console: 'マネジメントコンソール',
  terraform: 'Terraform',
  cloudformation: 'CloudFormation / CDK',
  cli: 'AWS CLI',
  sdk: 'AWS SDK',
  unknown: 'ツール不明',
};

const TYPE_LABEL: Readonly<Record<string, string>> = {
  IAMUser: 'IAM ユーザー',
  AssumedRole: 'ロール',
  IdentityCenterUser: 'IAM Identity Center ユーザー',
  AWSService: 'AWS サービス',
  Root: 'ルートユーザー',
  FederatedUser: 'フェデレーションユーザー',
};

/** Changes listed per finding; the JSON report has them all. */
const SHOWN = 3;

const who = (c: ChangedBy): string => `${c.name}（${TYPE_LABEL[c.type] ?? c.type}）`;

const NONE_FOUND =
  '不明（CloudTrail のイベント履歴に該当する変更がありません。90 日より前の変更か、記録されない経路の変更です）';
const MISSING: Readonly<Record<NonNullable<Finding['changedByMissing']>, string>> = {
  capped: '未確認（今回の実行で照会できる件数の上限を超えました。次回以降の実行で照会します）',
  'lookup-failed': '未確認（CloudTrail のイベント履歴を読めませんでした）',
};

/** Plain-text lines (email). Empty when the finding was not attributed at all (a preview). */
export const changedByLines = (finding: Pick<Finding, 'changedBy' | 'changedByMissing'>): string[] => {
  if (finding.changedByMissing) return [`変更者: ${MISSING[finding.changedByMissing]}`];
  if (!finding.changedBy) return [];
  if (finding.changedBy.length === 0) return [`変更者: ${NONE_FOUND}`];
  const lines = finding.changedBy
    .slice(0, SHOWN)
    .map(
      (c) =>
        `変更者: ${who(c)} — ${TOOL_LABEL[c.tool]}、${formatJstSeconds(c.eventTime)}、送信元 ${c.sourceIp || '不明'}、${c.eventName}（イベント ID: ${c.eventId}）`,
    );
  const more = finding.changedBy.length - SHOWN;
  return more > 0 ? [...lines, `（ほか ${more} 件の変更は監査レポート（JSON）にあります）`] : lines;
};

/** One chat line (the caller escapes it), or undefined when the finding was not attributed. */
export const changedByChat = (
  finding: Pick<Finding, 'changedBy' | 'changedByMissing'>,
): string | undefined => {
  if (finding.changedByMissing) return `変更者: ${MISSING[finding.changedByMissing].replace(/（.*$/, '')}`;
  if (!finding.changedBy) return undefined;
  const [latest] = finding.changedBy;
  if (!latest) return '変更者: 不明（該当する変更の記録なし）';
  const more = finding.changedBy.length > 1 ? ` ほか ${finding.changedBy.length - 1} 件` : '';
  return `変更者: ${who(latest)}・${TOOL_LABEL[latest.tool]}・${formatJstSeconds(latest.eventTime)}・${latest.sourceIp || '送信元不明'}・${latest.eventName}${more}`;
};

/** The banner of a run whose changes cannot reach the change-triggered audit (every message of it). */
export const changeDetectionLines = (report: Pick<Report, 'changeDetection'>): string[] =>
  report.changeDetection && !report.changeDetection.working
    ? [`⚠️ 変更の即時検知が働いていません: ${report.changeDetection.reason}`]
    : [];
