import { GLOBAL, regionsThatLookDenied } from '../../evaluate/unseen.ts';
import type { CollectionError } from '../../inventory/types.ts';
import { type CheckContext, defineCheck, type Violation } from '../define.ts';

const withoutFinalStop = (message: string): string => message.replace(/[。.]\s*$/, '');

/** The checks (enabled in the intent) that read one of the error's slices. */
const blindedChecks = (e: CollectionError, { checks, intent }: CheckContext): string[] =>
  checks
    .filter((c) => !intent.disabledChecks.includes(c.id) && c.needs.some((s) => e.slices.includes(s)))
    .map((c) => c.id);

/** Japanese: exactly what this failure left unseen, and which checks it blinded there. */
const unseenSentence = (e: CollectionError, context: CheckContext): string => {
  if (e.slices.length === 0) return '';
  const slices = e.slices.join(', ');
  const checks = blindedChecks(e, context);
  const judged = checks.length === 0 ? '' : checks.join(', ');
  if (e.region === GLOBAL && e.resourceId === undefined)
    return `${slices} を確認できていません。${judged ? `${judged} は全リージョンで実行していません。` : ''}`;
  const where = e.resourceId === undefined ? `${e.region} の` : `${e.region} の ${e.resourceId} について`;
  const scope =
    e.resourceId === undefined
      ? 'このリージョンの結果が不明です（他のリージョンは判定済み）'
      : 'このリソースの結果が不明です（他のリソースは判定済み）';
  const alsoGlobal = context.checks
    .filter((c) => checks.includes(c.id) && c.needs.some((s) => s.startsWith('cloudfront.')))
    .map((c) => c.id);
  return [
    `${where} ${slices} を確認できていません。`,
    judged ? `${judged} は${scope}。` : '',
    e.region !== GLOBAL && alsoGlobal.length > 0
      ? `${alsoGlobal.join(', ')} は CloudFront 側の結果も不明です。`
      : '',
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
    message: `${region} では ${[...new Set(errors.map((e) => e.service))].sort().join('・')} の呼び出しがすべて拒否されました（${codes}、${errors.length} 件）。組織の SCP などでリージョンごと拒否されているようです。このリージョンの結果はすべて不明です（他のリージョンは判定済み）。意図した拒否なら、インテントの deniedRegions に ${region} を加えるか --skip-region ${region} を指定すると、監査対象外のリージョンとして扱います。`,
    expected: `${region} の API 呼び出しの成功、または deniedRegions での宣言`,
    actual: `すべて拒否（${codes}）`,
    fact: 'region-denied',
  };
};

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
  remediation:
    '監査ロールの権限（AccessDenied の場合）や API のスロットリング状況を確認し、監査を再実行してください。',
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
        .map((e) => ({
          resource: { type: 'AWS::Account', id: inventory.account, region: e.region },
          message: `${e.service} の ${e.operation}（${e.region}）が失敗しました: ${e.code}: ${withoutFinalStop(e.message)}。${unseenSentence(e, context)}`,
          expected: `${e.service}:${e.operation} の成功`,
          actual: `${e.code}`,
          fact: `${e.service}:${e.operation}:${e.code}`,
        })),
    ];
  },
});
