import { blindSpotsOf, GLOBAL, isGlobalSlice, regionsThatLookDenied } from '../../evaluate/unseen.ts';
import { itemLabel } from '../../inventory/derive.ts';
import { type FailureCause, failureCause } from '../../inventory/failure-cause.ts';
import type { CollectionError } from '../../inventory/types.ts';
import { type CheckContext, defineCheck, type Violation } from '../define.ts';
import { withoutFinalStop } from './wording.ts';

/** The checks (enabled in the intent) that read one of the error's slices. */
const blindedChecks = (e: CollectionError, { checks, intent }: CheckContext): string[] =>
  checks
    .filter((c) => !intent.disabledChecks.includes(c.id) && c.needs.some((s) => e.slices.includes(s)))
    .map((c) => c.id);

/**
 * Japanese, for a failed per-item call: which checks it blinded and how far, as the engine scopes each
 * check (blindSpotsOf with the check's reach): only what hangs on the item, the whole region, or every
 * region (not run). A check the item's data cannot change is not named.
 */
const itemSentence = (e: CollectionError & { resourceId: string }, context: CheckContext): string => {
  const item = itemLabel(e);
  const groups = {
    resource: [] as string[],
    region: [] as string[],
    cloudFront: [] as string[],
    everywhere: [] as string[],
  };
  for (const c of context.checks) {
    if (context.intent.disabledChecks.includes(c.id)) continue;
    const spots = blindSpotsOf(c.needs, [e], c.unseenItem, context);
    if (spots === 'everywhere') {
      groups.everywhere.push(c.id);
      continue;
    }
    const whole = (region: string) => spots.some((s) => s.resourceId === undefined && s.region === region);
    if (whole(e.region)) groups.region.push(c.id);
    else if (spots.some((s) => s.resourceId !== undefined)) groups.resource.push(c.id);
    if (e.region !== GLOBAL && whole(GLOBAL)) groups.cloudFront.push(c.id);
  }
  const sentence = (ids: string[], text: string) => (ids.length > 0 ? `${ids.join(', ')} は${text}。` : '');
  return [
    `${e.region === GLOBAL ? '' : `${e.region} の `}${item} について ${e.slices.join(', ')} を確認できていません。`,
    sentence(groups.resource, ` ${item} に関わるリソースの結果が不明です（他のリソースは判定済み）`),
    sentence(groups.region, 'このリージョンの結果が不明です（他のリージョンは判定済み）'),
    sentence(groups.cloudFront, ' CloudFront 側の結果も不明です'),
    sentence(groups.everywhere, '全リージョンで実行していません'),
  ].join('');
};

/** Japanese: exactly what this failure left unseen, and which checks it blinded there. */
const unseenSentence = (e: CollectionError, context: CheckContext): string => {
  if (e.slices.length === 0) return '';
  if (e.resourceId !== undefined) return itemSentence({ ...e, resourceId: e.resourceId }, context);
  const slices = e.slices.join(', ');
  const checks = blindedChecks(e, context);
  const judged = checks.length === 0 ? '' : checks.join(', ');
  if (e.region === GLOBAL)
    return `${slices} を確認できていません。${judged ? `${judged} は全リージョンで実行していません。` : ''}`;
  const alsoGlobal = context.checks
    .filter((c) => checks.includes(c.id) && c.needs.some(isGlobalSlice))
    .map((c) => c.id);
  return [
    `${e.region} の ${slices} を確認できていません。`,
    judged ? `${judged} はこのリージョンの結果が不明です（他のリージョンは判定済み）。` : '',
    alsoGlobal.length > 0 ? `${alsoGlobal.join(', ')} は CloudFront 側の結果も不明です。` : '',
  ].join('');
};

/** One finding per region that looks denied as a whole (an SCP on aws:RequestedRegion), not one per call. */
const deniedRegionViolation = (
  region: string,
  errors: readonly CollectionError[],
  account: string,
): Violation => {
  const codes = [...new Set(errors.map((e) => e.code))].sort().join(', ');
  return {
    resource: { type: 'AWS::Account', id: account, region },
    message: `${region} では ${[...new Set(errors.map((e) => e.service))].sort().join('・')} の呼び出しがすべて拒否されました（${codes}、${errors.length} 件）。組織の SCP などでリージョンごと拒否されているようです。このリージョンの結果はすべて不明です（他のリージョンは判定済み）。意図した拒否なら、設計定義ファイルの deniedRegions に ${region} を加えるか --skip-region ${region} を指定すると、監査対象外のリージョンとして扱います。`,
    expected: `${region} の API 呼び出しの成功、または deniedRegions での宣言`,
    actual: `すべて拒否（${codes}）`,
    remediation: `意図した拒否なら、設計定義ファイルの deniedRegions に ${region} を加えるか、--skip-region ${region} を指定してください。意図しない拒否なら、組織の SCP（aws:RequestedRegion の条件）と監査ロールの権限を確認し、監査を再実行してください。`,
    fact: 'region-denied',
  };
};

/** What each class of failure means and what to do about it, as the person on call reads it. */
const ADVICE: Readonly<
  Record<
    FailureCause,
    { readonly label: string; readonly why: (e: CollectionError) => string; readonly fix: string }
  >
> = {
  network: {
    label: '接続できない・AWS 以外の応答',
    why: () => 'AWS のエンドポイントに接続できないか、AWS 以外からの応答（HTML のページなど）が返りました。',
    fix: 'リージョン名と、AWS_ENDPOINT_URL などのエンドポイント設定を確認してください。プロキシ、ファイアウォール、VPC エンドポイントを経由する場合は、その経路で AWS の API に届くかを確認してから監査を再実行してください。',
  },
  region: {
    label: 'リージョンが無効',
    why: (e) => `リージョン ${e.region} が存在しないか、このアカウントで有効になっていません。`,
    fix: '--region（または設計定義ファイルの regions、AUDIT_REGIONS）のリージョン名を確認してください。オプトインが必要なリージョンは、アカウントで有効にしてから監査してください。',
  },
  credentials: {
    label: '認証情報が無効',
    why: () => '認証情報が無効か、期限が切れています。',
    fix: 'AWS_PROFILE、SSO のセッション（aws sso login）、環境変数の認証情報を確認し、有効な認証情報で監査を再実行してください。オプトインが必要なリージョンを有効にしていない場合にも、このエラーになります。',
  },
  permission: {
    label: '権限不足',
    why: (e) => `監査に使うロールに、${e.service} の ${e.operation} を呼び出す権限がありません。`,
    fix: '監査ロールのポリシーに読み取り権限を追加してください（必要な権限の一覧は serverless.yml と infra/member-role.yml にあります）。SCP や権限境界で拒否されていないかも確認してください。',
  },
  throttling: {
    label: 'スロットリング',
    why: () => 'API の呼び出し回数の上限（スロットリング）に達しました。',
    fix: '同じアカウントで API を大量に呼び出している処理がないか確認し、時間をおいて監査を再実行してください。繰り返す場合は、監査の間隔を空けるか AWS_MAX_ATTEMPTS を増やしてください。',
  },
  deadline: {
    label: '時間切れ',
    why: () => '実行時間の上限に達したため、この呼び出しを打ち切りました。',
    fix: 'Lambda のタイムアウトを延ばすか、アカウントやリージョンごとに分けて監査してください（ファンアウト構成）。',
  },
  service: {
    label: 'AWS 側のエラー',
    why: () => 'AWS から想定外の応答、またはサーバーエラーが返りました。',
    fix: '一時的な障害の可能性があります。時間をおいて監査を再実行し、続く場合は AWS Health Dashboard を確認してください。',
  },
};

/** The failure's class in a few words, for lists of failed calls (the alert's banner). */
export const failureLabel = (e: Pick<CollectionError, 'code' | 'message' | 'region'>): string =>
  ADVICE[failureCause(e)].label;

export const auditIncomplete = defineCheck({
  id: 'audit.incomplete',
  principle: 'P10',
  severity: 'high',
  resourceType: 'AWS::Account',
  needs: [],
  title: '監査が不完全です（一部の情報を取得できませんでした）',
  explanation:
    'AWS API の呼び出しが失敗したため、一部のリソースを確認できていません。確認できなかった部分は「問題なし」ではなく「不明」です。',
  impact: '取得できなかったリソースに問題があっても検知できません。',
  remediation: '失敗の原因（検出内容を参照）を解消し、監査を再実行してください。',
  evaluate: (context) => {
    const { inventory } = context;
    const denied = regionsThatLookDenied(inventory.errors);
    return [
      ...denied.map((region) =>
        deniedRegionViolation(
          region,
          inventory.errors.filter((e) => e.region === region),
          inventory.account,
        ),
      ),
      ...inventory.errors
        .filter((e) => !denied.includes(e.region))
        .map((e) => {
          const advice = ADVICE[failureCause(e)];
          return {
            resource: { type: 'AWS::Account', id: inventory.account, region: e.region },
            message: `${e.service} の ${e.operation}（${e.region}）が失敗しました: ${e.code}。${advice.why(e)}${unseenSentence(e, context)}詳細: 「${withoutFinalStop(e.message)}」`,
            expected: `${e.service}:${e.operation} の成功`,
            actual: `${e.code}`,
            remediation: advice.fix,
            fact: `${e.service}:${e.operation}:${e.code}`,
          };
        }),
    ];
  },
});
