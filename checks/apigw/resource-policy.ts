import {
  type CallerLocation,
  callerLocations,
  evaluateCallers,
  OTHER_VPC,
  type Outcome,
  uniq,
} from '../../evaluate/api-callers.ts';
import { currentPolicy, servedPolicy } from '../../evaluate/api-policy.ts';
import {
  executeApiResourceExpander,
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
} from '../../evaluate/policy.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import { label, partitionOf } from '../../inventory/derive.ts';
import type { Inventory, RestApi } from '../../inventory/types.ts';
import type { Severity } from '../../model/finding.ts';
import { defineCheck, type Violation } from '../define.ts';
import { isPrivate, listSome, restApiRef } from './shared.ts';

/**
 * Decides whether a private REST API's resource policy admits callers other than the intended VPC
 * endpoints, by evaluating the policy for the representative callers of evaluate/api-callers.ts:
 *   (a) through each intended endpoint (with that endpoint's VPC as aws:SourceVpc),
 *   (b) through another endpoint in an intended endpoint's VPC,
 *   (c) through an endpoint the policy names but the intent does not, an endpoint in a VPC the policy
 *       names, or an endpoint in some other VPC / account (execute-api endpoints of any account can
 *       reach any private API: only the resource policy keeps them out),
 *   (d) with no endpoint at all (aws:SourceVpce absent), from inside and outside each aws:SourceIp range.
 * Each location is tried with the principals API Gateway would evaluate: anonymous for methods without
 * AWS_IAM authorization, IAM principals of this, another and every named account for AWS_IAM methods;
 * an ANY method with every verb.
 *
 * P8 accepts a policy that admits the intended VPC as a whole (aws:SourceVpc), so (b) is a finding only
 * where the intent asks for endpoint-exact policies (apiGateway.requireSourceVpce), and then at medium:
 * another endpoint in the same VPC is not another account. The severity and the wording follow the
 * widest class admitted: (c) critical, (b) and (d) medium ((d) cannot call a private API today).
 *
 * The policy in force is the one deployed with each stage (its export); the current policy stands in
 * for a stage whose export was not read (the collector reports that, so the audit is incomplete).
 * Where they differ, the finding says so: a fix that was never deployed, or a change that the next
 * deployment would put in force.
 */

/** A stage name standing for "whatever stage gets deployed" on an API without stages. */
const ANY_STAGE = 'stage';

/** Intended endpoints: the intent's list, or else the endpoints the API itself is associated with. */
const intendedEndpoints = (intent: ResolvedIntent, api: RestApi): readonly string[] =>
  intent.apiGateway.vpcEndpointIds.length > 0 ? intent.apiGateway.vpcEndpointIds : api.vpcEndpointIds;

const NEGATED_OPERATOR = /^(forallvalues:|foranyvalue:)?string(not(equals|like))(ignorecase)?(ifexists)?$/i;

/** Why an Allow statement admitted outsiders, in Japanese. */
const explainAllow = (s: PolicyStatement, total: number): string => {
  const name = s.sid ? `（Sid: ${s.sid}）` : total > 1 ? `（${s.index + 1} 番目）` : '';
  if (s.conditions.length === 0)
    return `条件のない Allow 文${name}により、呼び出し元を限定せずに許可されます`;
  const inverted = s.conditions.find(
    (c) => NEGATED_OPERATOR.test(c.operator) && /^aws:sourcevpce?$/i.test(c.key),
  );
  if (inverted) {
    const what = inverted.key.toLowerCase() === 'aws:sourcevpc' ? 'VPC' : 'VPC エンドポイント';
    return `Allow 文${name}の条件 ${inverted.operator} ${inverted.key} により、${what} ${inverted.values.join(', ')} 以外からの呼び出しがすべて許可されます`;
  }
  const clauses = s.conditions.map((c) => `${c.operator} ${c.key} = ${c.values.join(', ')}`).join('; ');
  return `Allow 文${name}の条件（${clauses}）を満たす呼び出しが許可されます`;
};

const intendedVpcsOf = (locations: readonly CallerLocation[]): readonly string[] =>
  uniq(locations.filter((l) => l.reach === 'intended' && l.vpc !== OTHER_VPC).flatMap((l) => l.vpc ?? []));

/**
 * Why the Deny statements did not keep the outsiders out. The usual cause is a Deny whose
 * "unless aws:SourceVpce/SourceVpc is X" names the wrong X: it then denies the intended endpoint and
 * lets X through.
 */
const explainDenies = (
  document: PolicyDocument,
  intended: readonly string[],
  intendedVpcs: readonly string[],
): string => {
  const denies = document.statements.filter((s) => s.effect === 'Deny');
  if (denies.length === 0) return '';
  const wrong = denies.flatMap((s) =>
    s.conditions.filter((c) => {
      if (!NEGATED_OPERATOR.test(c.operator)) return false;
      const key = c.key.toLowerCase();
      const expectedIds =
        key === 'aws:sourcevpce' ? intended : key === 'aws:sourcevpc' ? intendedVpcs : undefined;
      return (
        expectedIds !== undefined && expectedIds.length > 0 && !c.values.some((v) => expectedIds.includes(v))
      );
    }),
  );
  if (wrong.length === 0) return 'Deny 文はこれらの呼び出しに一致しません。';
  return `${wrong
    .map(
      (c) =>
        `Deny 文の条件 ${c.operator} ${c.key} の値 ${c.values.join(', ')} が意図した${c.key.toLowerCase() === 'aws:sourcevpc' ? ' VPC' : ' VPC エンドポイント'}と一致しないため、その値からの呼び出しが拒否されません`,
    )
    .join('。')}。`;
};

// ------------------------------------------------------------------------------ Admitted caller classes

/** The widest class admitted decides severity and impact; 'any' is an open network side altogether. */
type CallerClass = 'any' | 'other' | 'same-vpc' | 'no-endpoint';

const CLASS_IMPACT: Readonly<Record<CallerClass, string>> = {
  any: '呼び出し元が限定されていません。どの AWS アカウントの VPC からでも execute-api の VPC エンドポイント経由でこの API を呼び出せ、エンドポイントタイプが PRIVATE でなくなればインターネットからも呼び出せます。',
  other:
    '他の VPC や他の AWS アカウントの execute-api VPC エンドポイントから、プライベートのはずの API を呼び出せます。',
  'same-vpc':
    '同じ VPC 内の別の execute-api VPC エンドポイントを通れば、意図したエンドポイント（とそのセキュリティグループ）を経由せずに API を呼び出せます。他の VPC や他のアカウントからは呼び出せません。',
  'no-endpoint':
    '現在はエンドポイントタイプが PRIVATE のため VPC エンドポイント経由でしか到達できませんが、ポリシーは VPC エンドポイントを経由しない呼び出しを拒否していないため、エンドポイントタイプを変えるとそのまま呼び出せるようになります。',
};

/** Severity per class; undefined keeps the check's critical. */
const CLASS_SEVERITY: Readonly<Record<CallerClass, Severity | undefined>> = {
  any: undefined,
  other: undefined,
  'same-vpc': 'medium',
  'no-endpoint': 'medium',
};

/** The classes a set of admitted locations falls in, widest first, with the narrower ones 'any' covers dropped. */
const classesOf = (admitted: readonly CallerLocation[]): readonly CallerClass[] => {
  const reaches = new Set(admitted.map((l) => l.reach));
  const open = admitted.some((l) => l.key === 'other-vpc') && admitted.some((l) => l.key === 'no-endpoint');
  if (open) return ['any'];
  const classes: CallerClass[] = [];
  if (reaches.has('other')) classes.push('other');
  else if (reaches.has('same-vpc')) classes.push('same-vpc');
  if (reaches.has('no-endpoint')) classes.push('no-endpoint');
  return classes;
};

// ------------------------------------------------------------------------------------------ Verdicts

/** What one policy, in force on some stages, lets in. */
type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'no-policy' }
  | { readonly kind: 'unparseable'; readonly reason: string }
  | {
      readonly kind: 'undecided';
      readonly undecided: readonly CallerLocation[];
      readonly reasons: readonly string[];
    }
  | {
      readonly kind: 'admits';
      readonly document: PolicyDocument;
      readonly locations: readonly CallerLocation[];
      readonly admitted: readonly CallerLocation[];
      /** The admitted locations the intent does not accept: what makes this a finding. */
      readonly causes: readonly CallerLocation[];
      readonly outcomes: ReadonlyMap<string, Outcome>;
      readonly methodCount: number;
    };

const judgePolicy = (
  inventory: Inventory,
  intent: ResolvedIntent,
  api: RestApi,
  raw: unknown,
  stages: readonly string[],
): Verdict => {
  if (raw === undefined || raw === null || raw === '') return { kind: 'no-policy' };
  const parsed = parsePolicy(raw);
  if (!parsed.ok) return { kind: 'unparseable', reason: parsed.reason };
  const intended = intendedEndpoints(intent, api);
  const locations = callerLocations(inventory, intended, parsed.document);
  const { outcomes, methodCount } = evaluateCallers(inventory, api, parsed.document, locations, stages);
  const admits = (l: CallerLocation) => (outcomes.get(l.key)?.allowedPrincipals.size ?? 0) > 0;
  const outsiders = locations.filter((l) => l.reach !== 'intended');
  const admitted = outsiders.filter(admits);
  // Under the default intent the intended VPC as a whole is accepted (P8: aws:SourceVpc), and with it
  // any endpoint in it; an endpoint the policy names in that VPC is accepted only if the VPC is.
  const vpcWide = new Set(
    admitted.filter((l) => l.key.startsWith('same-vpc:')).flatMap((l) => (l.vpc ? [l.vpc] : [])),
  );
  const accepted = (l: CallerLocation) =>
    !intent.apiGateway.requireSourceVpce &&
    l.reach === 'same-vpc' &&
    l.vpc !== undefined &&
    vpcWide.has(l.vpc);
  const causes = admitted.filter((l) => !accepted(l));
  if (causes.length > 0)
    return { kind: 'admits', document: parsed.document, locations, admitted, causes, outcomes, methodCount };
  const undecided = outsiders.filter(
    (l) => !admits(l) && (outcomes.get(l.key)?.unknownReasons.size ?? 0) > 0,
  );
  if (undecided.length > 0)
    return {
      kind: 'undecided',
      undecided,
      reasons: uniq(undecided.flatMap((l) => [...(outcomes.get(l.key)?.unknownReasons ?? [])])),
    };
  return { kind: 'ok' };
};

/** Which policy a finding is about: the API's (served everywhere), some stages' deployed one, or the undeployed current one. */
type Scope =
  | { readonly kind: 'api' }
  | { readonly kind: 'stages'; readonly stages: string }
  | { readonly kind: 'current' };

/** A verdict put into words. */
interface Described {
  readonly message: string;
  readonly expected: string;
  readonly actual: string;
  readonly fact: string;
  readonly impact: string;
  readonly severity?: Severity;
}

const describeVerdict = (
  api: RestApi,
  intended: readonly string[],
  verdict: Exclude<Verdict, { kind: 'ok' }>,
  scope: Scope,
  requireSourceVpce: boolean,
): Described => {
  const subject =
    scope.kind === 'stages'
      ? `プライベート API ${label(api)} のステージ ${scope.stages} にデプロイされているリソースポリシー`
      : scope.kind === 'current'
        ? `プライベート API ${label(api)} の現在の（未デプロイの）リソースポリシー`
        : `プライベート API ${label(api)} のリソースポリシー`;
  const intendedText =
    intended.length > 0 ? intended.join(', ') : '未定義（設計定義ファイルにも API の設定にもありません）';
  const expected =
    intended.length > 0
      ? `${intended.join(', ')} 経由の呼び出しのみ許可`
      : '意図した VPC エンドポイントのみ許可';
  switch (verdict.kind) {
    case 'no-policy':
      return {
        message:
          scope.kind === 'stages'
            ? `プライベート API ${label(api)} のステージ ${scope.stages} には、リソースポリシーのないデプロイが公開されています。呼び出しを許可する VPC エンドポイントが定義されていません。`
            : scope.kind === 'current'
              ? `プライベート API ${label(api)} の現在のリソースポリシーは削除されています。各ステージはデプロイ済みのポリシーで動いていますが、このままでは API を再デプロイできません。`
              : `プライベート API ${label(api)} にリソースポリシーがありません。呼び出しを許可する VPC エンドポイントが定義されておらず、この状態では API をデプロイすることもできません。`,
        expected: 'aws:SourceVpce で意図した VPC エンドポイントに限定するリソースポリシー',
        actual: 'リソースポリシーなし',
        fact: 'no-policy',
        impact:
          'リソースポリシーがないため、呼び出し元を VPC エンドポイントに限定できず、API を再デプロイすることもできません。',
      };
    case 'unparseable':
      return {
        message: `${subject}を解釈できないため、呼び出し元が限定されているか判定できません（${verdict.reason}）。`,
        expected: '解釈できるリソースポリシー',
        actual: `解釈できないポリシー: ${verdict.reason}`,
        fact: 'unparseable-policy',
        impact: 'ポリシーを解釈できないため、意図しない呼び出し元を許可しているか判定できません。',
      };
    case 'undecided':
      return {
        message: `${subject}には評価できない条件（${verdict.reasons.join(', ')}）があるため、意図した VPC エンドポイント（${intendedText}）以外からの呼び出しが拒否されるか判定できません。対象: ${verdict.undecided.map((l) => l.label).join('、')}。手動で確認してください。`,
        expected,
        actual: `判定不能: ${verdict.reasons.join(', ')}`,
        fact: `undecided:${verdict.undecided.map((l) => l.key).join(',')}`,
        impact: 'ポリシーの条件を評価できないため、意図しない呼び出し元を許可しているか判定できません。',
      };
    case 'admits': {
      const { admitted, causes, outcomes, document, locations } = verdict;
      const callers = admitted.map((l) => {
        const o = outcomes.get(l.key);
        const principals = [...(o?.allowedPrincipals ?? [])];
        const methods = [...(o?.allowedMethods ?? [])];
        // An ANY method or a Deny scoped to some verbs or stages: say which calls get through.
        const only = methods.length < verdict.methodCount ? `、${listSome(methods)} のみ` : '';
        return `${l.label}（${principals.join('・')}${only}）`;
      });
      const statements = new Map<number, PolicyStatement>();
      for (const l of admitted)
        for (const [i, s] of outcomes.get(l.key)?.allowedBy ?? []) statements.set(i, s);
      const why = [...statements.values()]
        .sort((a, b) => a.index - b.index)
        .map((s) => explainAllow(s, document.statements.length));
      const denyNote = explainDenies(document, intended, intendedVpcsOf(locations));
      // The inverted conditions of seed 003 also lock the intended callers out; say so.
      const lockedOut = locations.filter(
        (l) =>
          l.reach === 'intended' &&
          outcomes.get(l.key)?.allowedPrincipals.size === 0 &&
          outcomes.get(l.key)?.unknownReasons.size === 0,
      );
      const lockedNote =
        lockedOut.length > 0
          ? `一方、${lockedOut.map((l) => l.label).join('、')} からの呼び出しは拒否されます。`
          : '';
      const classes = classesOf(causes);
      const widest = classes[0] ?? 'no-endpoint';
      // A private API is reachable only through an execute-api VPC endpoint today, so callers without
      // an endpoint are a latent gap (it opens if the endpoint type changes), not an open door.
      const latentNote =
        widest === 'no-endpoint'
          ? '現在はエンドポイントタイプが PRIVATE のため VPC エンドポイント経由でしか到達できませんが、ポリシー自体は送信元を限定していません。'
          : '';
      const sameVpcNote =
        widest === 'same-vpc' && requireSourceVpce
          ? '設計定義ファイルは aws:SourceVpce で VPC エンドポイントまで限定することを求めています（apiGateway.requireSourceVpce）。同じ VPC 内の別のエンドポイントを締め出すには、aws:SourceVpce に意図したエンドポイントを指定してください。'
          : '';
      const severity = CLASS_SEVERITY[widest];
      return {
        message: `${subject}は、意図した VPC エンドポイント（${intendedText}）以外からの呼び出しを許可しています。許可される呼び出し元: ${callers.join('、')}。${why.join('。')}。${denyNote}${lockedNote}${latentNote}${sameVpcNote}`,
        expected,
        actual: `許可: ${admitted.map((l) => l.label).join('、')}`,
        fact: `admits:${admitted.map((l) => l.key).join(',')}`,
        impact: classes.map((c) => CLASS_IMPACT[c]).join(''),
        ...(severity ? { severity } : {}),
      };
    }
  }
};

/** Two policies are the same when they parse alike once `execute-api:/…` is written out as the ARN. */
const policyKey = (inventory: Inventory, api: RestApi, raw: unknown): string => {
  if (raw === undefined || raw === null || raw === '') return '';
  const parsed = parsePolicy(raw);
  if (!parsed.ok) return `unparseable:${typeof raw === 'string' ? raw : JSON.stringify(raw)}`;
  const expand = executeApiResourceExpander(partitionOf(api), api.region, inventory.account, api.id);
  return JSON.stringify(
    parsed.document.statements.map((s) => ({
      ...s,
      resource: s.resource?.map(expand),
      notResource: s.notResource?.map(expand),
    })),
  );
};

/** Stages that serve the same policy, judged together. */
interface StageGroup {
  readonly stages: readonly string[];
  readonly policy: unknown;
  readonly key: string;
  readonly deployed: boolean;
}

const stageGroups = (inventory: Inventory, api: RestApi): readonly StageGroup[] => {
  if (api.stages.length === 0) {
    const policy = currentPolicy(api);
    return [{ stages: [ANY_STAGE], policy, key: policyKey(inventory, api, policy), deployed: false }];
  }
  const groups = new Map<string, { stages: string[]; policy: unknown; deployed: boolean }>();
  for (const stage of api.stages) {
    const served = servedPolicy(api, stage);
    const key = policyKey(inventory, api, served.policy);
    const group = groups.get(key) ?? { stages: [], policy: served.policy, deployed: true };
    group.stages.push(stage.stageName);
    // A group is "deployed" when every stage in it was read from its deployment.
    group.deployed &&= served.deployed;
    groups.set(key, group);
  }
  return [...groups.entries()].map(([key, g]) => ({ ...g, key }));
};

const judgeApi = (inventory: Inventory, intent: ResolvedIntent, api: RestApi): Violation[] => {
  const intended = intendedEndpoints(intent, api);
  const resource = restApiRef(api);
  const groups = stageGroups(inventory, api);
  const current = currentPolicy(api);
  const currentKey = policyKey(inventory, api, current);
  const allStages = groups.flatMap((g) => g.stages);
  let currentVerdict: Verdict | undefined;
  const judgeCurrent = () => {
    currentVerdict ??= judgePolicy(inventory, intent, api, current, allStages);
    return currentVerdict;
  };
  const strict = intent.apiGateway.requireSourceVpce;
  const violations: Violation[] = groups.flatMap((group): Violation[] => {
    const verdict = judgePolicy(inventory, intent, api, group.policy, group.stages);
    if (verdict.kind === 'ok') return [];
    const undeployed = group.deployed && group.key !== currentKey;
    const stagesText = group.stages.join(', ');
    const scope: Scope =
      undeployed || groups.length > 1 ? { kind: 'stages', stages: stagesText } : { kind: 'api' };
    const d = describeVerdict(api, intended, verdict, scope, strict);
    const fixNote = !undeployed
      ? ''
      : judgeCurrent().kind === 'ok'
        ? `現在のリソースポリシーは修正済みですが、修正済みのポリシーがデプロイされていません。API をステージ ${stagesText} に再デプロイしてください。`
        : '現在のリソースポリシーはこれと異なりますが、まだデプロイされていません。';
    return [
      {
        resource,
        message: `${d.message}${fixNote}`,
        expected: d.expected,
        actual: undeployed ? `デプロイ済み: ${d.actual}` : d.actual,
        fact: groups.length > 1 ? `${d.fact}@${stagesText}` : d.fact,
        impact: d.impact,
        ...(d.severity ? { severity: d.severity } : {}),
      },
    ];
  });
  // A change no stage serves yet: every stage was read from its deployment and none has this policy.
  if (groups.every((g) => g.deployed && g.key !== currentKey)) {
    const verdict = judgeCurrent();
    if (verdict.kind !== 'ok') {
      const d = describeVerdict(api, intended, verdict, { kind: 'current' }, strict);
      // A private API without a policy cannot be deployed at all: what is at stake is the next deployment.
      const removed = verdict.kind === 'no-policy';
      violations.push({
        resource,
        message: removed
          ? d.message
          : `${d.message}このポリシーはまだどのステージにもデプロイされていませんが、次に API をデプロイした時点で有効になります。`,
        expected: d.expected,
        actual: `未デプロイ: ${d.actual}`,
        fact: `undeployed:${d.fact}`,
        impact: removed
          ? 'ステージはデプロイ済みのポリシーのままですが、リソースポリシーを戻すまで API を再デプロイできません。'
          : `未デプロイのため現在は有効ではありませんが、次のデプロイで有効になります。${d.impact}`,
        // Not in force yet: the next deployment, not the current traffic, is at stake.
        severity: d.severity === 'low' ? 'low' : 'medium',
      });
    }
  }
  return violations;
};

export const apigwResourcePolicy = defineCheck({
  id: 'apigw.resource-policy',
  principle: 'P8',
  severity: 'critical',
  resourceType: 'AWS::ApiGateway::RestApi',
  // The stage exports carry the policy each stage serves: when one is not read, the current policy
  // stands in and the verdict on that stage is unseen (a finding it served does not recover).
  needs: ['apigateway.restApis', 'apigateway.stageExports', 'ec2.vpcEndpoints'],
  title: 'プライベート API のリソースポリシーが意図した VPC エンドポイント以外からの呼び出しを許可しています',
  explanation:
    'プライベート REST API には、どのアカウントの execute-api VPC エンドポイントからでも到達できます。呼び出し元を意図した VPC エンドポイント（または意図した VPC）に限定するのはリソースポリシーだけです。条件のない Allow や、StringNotEquals で条件を逆向きに書いた Allow は、締め出すつもりの呼び出し元をすべて通してしまいます。ポリシーは API をデプロイして初めてステージに反映されます。',
  impact: '意図した VPC エンドポイント以外から、プライベートのはずの API を呼び出せる恐れがあります。',
  remediation:
    '「aws:SourceVpce が意図した VPC エンドポイント ID と一致しなければ Deny（StringNotEquals）」の文（VPC 単位で許可する場合は aws:SourceVpc に意図した VPC ID）と、execute-api:/* への Allow の文を組み合わせたリソースポリシーにしてください。ID が正しいことを確認し、ポリシーを変更したら API を再デプロイしてください。',
  evaluate: ({ inventory, intent }) =>
    inventory.apigateway.restApis.filter(isPrivate).flatMap((api) => judgeApi(inventory, intent, api)),
});
