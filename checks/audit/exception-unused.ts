import { type BlindSpot, dependsOnBlindSpot, GLOBAL } from '../../evaluate/unseen.ts';
import { type ExceptedFinding, exceptionCovers, isExpired } from '../../intent/exceptions.ts';
import { type VpcScope, vpcsInScope } from '../../intent/queries.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import type { IntentException } from '../../intent/schema.ts';
import { findResource, refOf, regionOfArn } from '../../inventory/derive.ts';
import type { Inventory } from '../../inventory/types.ts';
import type { AccountRef, ResourceRef, Severity } from '../../model/finding.ts';
import type { ExceptionUse, UnseenScope } from '../../model/report.ts';
import { type Check, defineCheck, type Violation } from '../define.ts';
import { exceptionSubject, withoutFinalStop } from './wording.ts';

export const EXCEPTION_UNUSED_ID = 'audit.exception-unused';

/**
 * An exception that accepts nothing any more (the resource was deleted, the rule fixed, the fact
 * changed) stays in the file ready to accept the deviation silently when it comes back. Whether it
 * is used depends on every other check's findings before suppression, and in a run over several
 * accounts on every account the entry applied to, so the engine judges it (exceptionUses, then
 * unusedExceptions below; engine/evaluate.ts, app/merge.ts), not this evaluate().
 */
export const auditExceptionUnused = defineCheck({
  id: EXCEPTION_UNUSED_ID,
  principle: 'P10',
  severity: 'low',
  resourceType: 'the excepted resource',
  needs: [],
  title: '該当する検出がない例外があります',
  explanation:
    '設計定義ファイルの例外が、今回の監査では何も許容していません。リソースの削除や設定の修正で不要になった例外を残すと、同じ逸脱が再び起きたときに通知されません。',
  impact: '再発した逸脱が、残った例外によって通知されないまま許容されます。',
  remediation:
    '不要になった例外は設計定義ファイルの exceptions から削除してください。まだ必要なら、resource と facts が現在のリソースと検出内容を指すように直してください。',
  // Judged by the engine from the other checks' findings (see above): nothing to read here.
  evaluate: () => [],
});

/** What the audit of one account knew when it applied the intent's exceptions. */
export interface ExceptionLook {
  /** The inventory audited (regions declared denied already removed). */
  readonly inventory: Inventory;
  readonly intent: ResolvedIntent;
  readonly now: Date;
  readonly account: AccountRef;
  readonly checks: readonly Pick<Check, 'id' | 'resourceType'>[];
  /** Ids of the checks selected to run (not disabled, not left out of an on-demand selection). */
  readonly selected: readonly string[];
  /** Ids of the selected checks not run at all: data they need could not be read anywhere. */
  readonly skippedChecks: readonly string[];
  /** Where the checks that ran could not see. */
  readonly unseen: readonly UnseenScope[];
  /** Regions declared denied by design. */
  readonly skippedRegions: readonly string[];
  /** Every finding of the checks, before exceptions were applied. */
  readonly raw: readonly ExceptedFinding[];
  readonly severity: Severity;
  /** The intent governs accounts this run does not audit: an entry this account does not own is theirs to judge too. */
  readonly sharedWithOtherAccounts?: boolean;
}

const accountOfArn = (arn: string): string | undefined =>
  arn.startsWith('arn:') ? arn.split(':')[4] || undefined : undefined;

/** The resource by id or ARN; an EC2 ARN (`…:security-group/sg-…`) also by the id it ends in. */
const findExcepted = (inventory: Inventory, resource: string) =>
  findResource(inventory, resource) ??
  (resource.startsWith('arn:')
    ? findResource(inventory, resource.slice(resource.lastIndexOf('/') + 1))
    : undefined);

/** The region `baseline` recorded for a resource no longer in the inventory, if it recorded one. */
const recordedRegion = (intent: ResolvedIntent, id: string): string | undefined => {
  const recorded = intent.baseline;
  if (!recorded) return undefined;
  if (Object.hasOwn(recorded.distributions, id)) return GLOBAL;
  for (const records of [
    recorded.securityGroups,
    recorded.routeTables,
    recorded.loadBalancers,
    recorded.restApis,
  ])
    if (Object.hasOwn(records, id)) return records[id]?.region;
  return undefined;
};

interface Place {
  readonly at: ResourceRef;
  readonly present: boolean;
  readonly here: boolean;
  /** Whether this audit saw everywhere the exception applies. */
  readonly looked: boolean;
}

/**
 * Where the exception applies in this account and whether the audit looked there. A resource found
 * in the inventory is judged where it is; one not found (deleted, or never this account's) where its
 * ARN or the baseline puts it, else anywhere the check looked; `*` everywhere. Looking everywhere needs
 * the check blind nowhere and every region the intent lists audited.
 */
const placeOf = (look: ExceptionLook, inScope: VpcScope, e: IntentException, type: string): Place => {
  const { inventory, intent } = look;
  const spots: BlindSpot[] = look.unseen.filter((u) => u.checkId === e.check);
  const audited = (region: string) => region === GLOBAL || inventory.regions.includes(region);
  const everywhere =
    spots.length === 0 && intent.regions.filter((r) => !look.skippedRegions.includes(r)).every(audited);
  if (e.resource === '*') {
    // Named for people: a bare '*' reads as nothing (and as markup in chat).
    const at = { type, id: '*', region: GLOBAL, name: 'すべてのリソース' };
    return { at, present: false, here: false, looked: everywhere };
  }
  const found = findExcepted(inventory, e.resource);
  if (found) {
    const vpcId = 'vpcId' in found && typeof found.vpcId === 'string' ? found.vpcId : found.id;
    return {
      at: { ...refOf(type, found), id: e.resource },
      present: true,
      here: true,
      looked: inScope.has(vpcId) && !dependsOnBlindSpot(found, spots),
    };
  }
  const owner = accountOfArn(e.resource);
  const region =
    regionOfArn(e.resource) ??
    recordedRegion(intent, e.resource) ??
    (type.startsWith('AWS::CloudFront::') ? GLOBAL : undefined);
  const at = { type, id: e.resource, region: region ?? GLOBAL };
  // Another account's resource: that account's audit judges it, when the run includes it.
  if (owner !== undefined && owner !== inventory.account)
    return { at, present: false, here: false, looked: false };
  const looked =
    region === undefined
      ? everywhere && look.skippedRegions.length === 0
      : audited(region) && !dependsOnBlindSpot({ id: e.resource, region }, spots);
  return { at, present: false, here: owner === inventory.account, looked };
};

/**
 * How each exception of the intent fared in this account's audit (pure). Used means covered by a
 * finding before suppression (exceptionCovers, as the engine applies it): a fact-level entry is used
 * when each of its facts is.
 */
export const exceptionUses = (look: ExceptionLook): ExceptionUse[] => {
  if (look.intent.exceptions.length === 0) return [];
  // Pushed, not spread: a large account has thousands of findings per check.
  const byCheck = new Map<string, ExceptedFinding[]>();
  for (const f of look.raw) {
    const list = byCheck.get(f.checkId);
    if (list) list.push(f);
    else byCheck.set(f.checkId, [f]);
  }
  // Once, not per entry: each entry found in the inventory asks whether its VPC is audited.
  const inScope = vpcsInScope(look.inventory, look.intent);
  return look.intent.exceptions.map((e, index) => {
    const type = look.checks.find((c) => c.id === e.check)?.resourceType ?? 'Unknown';
    const place = placeOf(look, inScope, e, type);
    // An entry this account does not own ('*', a resource not found here) may be used in an account
    // the run does not audit: with a shared intent only the multi-account run can say it is unused.
    const looked = place.looked && (place.here || look.sharedWithOtherAccounts !== true);
    const matchedFacts = [
      ...new Set((byCheck.get(e.check) ?? []).filter((f) => exceptionCovers(e, f)).map((f) => f.fact)),
    ].sort();
    const used = e.facts ? e.facts.every((f) => matchedFacts.includes(f)) : matchedFacts.length > 0;
    const status: ExceptionUse['status'] = isExpired(e, look.now)
      ? 'expired'
      : !look.selected.includes(e.check)
        ? 'not-run'
        : used
          ? 'used'
          : look.skippedChecks.includes(e.check) || !looked
            ? 'unseen'
            : 'unused';
    return {
      intent: look.intent.source ?? 'intent',
      index,
      check: e.check,
      resource: e.resource,
      ...(e.facts ? { facts: e.facts } : {}),
      reason: e.reason,
      account: look.account,
      status,
      matchedFacts,
      present: place.present,
      here: place.here,
      at: place.at,
      severity: look.severity,
    };
  });
};

export interface UnusedException {
  readonly violation: Violation;
  readonly account: AccountRef;
  readonly severity: Severity;
}

/** The Japanese finding for an entry that accepts nothing (`unmatched`: the facts of a fact-level one). */
const unusedViolation = (use: ExceptionUse, unmatched: readonly string[] | undefined): Violation => {
  const subject = exceptionSubject(use.resource, use.at, use.check);
  const reason = `（理由: ${withoutFinalStop(use.reason)}）`;
  const partial = unmatched !== undefined && unmatched.length < (use.facts?.length ?? 0);
  const what = partial
    ? `${subject}${reason}のうち、${unmatched.join('、')} に該当する検出がありません（ほかの facts は引き続き該当しています）。`
    : `${subject}${unmatched ? `（${unmatched.join('、')}）` : ''}${reason}に該当する検出がありません。`;
  const gone =
    use.resource !== '*' && !use.present
      ? '対象のリソースが見つかりません（削除されたか、作り直されて ID が変わった可能性があります）。'
      : '';
  return {
    resource: use.at,
    message: `${what}${gone}`,
    expected: '許容する検出がある例外だけが設計定義ファイルに残っている',
    actual: unmatched ? `該当なし: ${unmatched.join(', ')}` : '該当する検出なし',
    fact: unmatched ? `${use.check}:${use.resource}:${unmatched.join('|')}` : `${use.check}:${use.resource}`,
  };
};

/**
 * The judgement (pure): each exception that accepts nothing although the audit looked, from its uses
 * in every account it applied to (one account, or each account of a run that shares the intent).
 * Any account's finding makes an entry used; what is left is judged by the account whose resource it
 * is, else by every account: all of them must have looked. An audit that could not look, an expired
 * entry (audit.exception-expired's) or a check not run says nothing. Of a fact-level entry the facts
 * that matched nothing are reported: they would accept that deviation silently when it returns, while
 * the others still do their job.
 */
export const unusedExceptions = (uses: readonly ExceptionUse[]): UnusedException[] => {
  const entries = new Map<string, ExceptionUse[]>();
  for (const use of uses) {
    const key = `${use.intent}\u0000${use.index}`;
    const entry = entries.get(key);
    if (entry) entry.push(use);
    else entries.set(key, [use]);
  }
  return [...entries.values()].flatMap((entry): UnusedException[] => {
    if (entry.some((u) => u.status === 'expired' || u.status === 'not-run')) return [];
    const matched = new Set(entry.flatMap((u) => u.matchedFacts));
    const first = entry[0] as ExceptionUse;
    const unmatched = first.facts?.filter((f) => !matched.has(f));
    if (unmatched ? unmatched.length === 0 : matched.size > 0) return [];
    const owners = entry.filter((u) => u.here);
    const judges = (owners.length > 0 ? owners : entry).sort((a, b) =>
      a.account.id.localeCompare(b.account.id),
    );
    if (judges.some((u) => u.status !== 'unused')) return [];
    const judge = judges[0] as ExceptionUse;
    return [
      { violation: unusedViolation(judge, unmatched), account: judge.account, severity: judge.severity },
    ];
  });
};
