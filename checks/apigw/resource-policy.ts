import {
  accountOfArn,
  conditionValues,
  evaluatePolicy,
  executeApiResourceExpander,
  ipInCidr,
  type PolicyDocument,
  type PolicyRequest,
  type PolicyStatement,
  parsePolicy,
  principalValues,
  type RequestPrincipal,
} from '../../evaluate/policy.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import { label, partitionOf } from '../../inventory/derive.ts';
import type { Inventory, RestApi } from '../../inventory/types.ts';
import { defineCheck, type Violation } from '../define.ts';
import { isPrivate, methodsOf, restApiRef } from './shared.ts';

/**
 * Decides whether a private REST API's resource policy admits callers other than the intended VPC
 * endpoints, by evaluating the policy (evaluate/policy.ts) for representative callers:
 *   (a) through each intended endpoint (with that endpoint's VPC as aws:SourceVpc),
 *   (b) through another endpoint in an intended endpoint's VPC,
 *   (c) through an endpoint the policy names but the intent does not, an endpoint in a VPC the policy
 *       names, or an endpoint in some other VPC / account (execute-api endpoints of any account can
 *       reach any private API: only the resource policy keeps them out),
 *   (d) with no endpoint at all (aws:SourceVpce absent), from inside and outside each aws:SourceIp range.
 * Each location is tried with the principals API Gateway would evaluate: anonymous for methods without
 * AWS_IAM authorization, IAM principals of this, another and every named account for AWS_IAM methods.
 * Every class but (a) that is allowed is a finding.
 *
 * What it cannot see: the policy in force is the one deployed with the stage (a policy change needs a
 * redeployment); the check reads the API's current policy.
 */

/** Condition keys the caller model decides; conditions on any other key make the result unknown. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:sourceip',
  'aws:principalaccount',
  'aws:principalarn',
]);

// Synthetic identities for "somebody else": well-formed but not ids anyone uses, so they stand for
// any endpoint/VPC/account the policy does not name.
const OTHER_VPCE = 'vpce-0f0e0d0c0b0a09080';
const OTHER_VPC = 'vpc-0f0e0d0c0b0a09080';
const OTHER_ACCOUNT = '210987654321';
const OUTSIDE_IPS = ['198.51.100.23', '203.0.113.77', '192.0.2.45', '8.8.8.8', '2001:db8::17'];

/** Where a request enters from (the network side of a caller class). */
export interface CallerLocation {
  /** Stable key, part of the finding's fact. */
  readonly key: string;
  readonly intended: boolean;
  /** Japanese description for messages. */
  readonly label: string;
  readonly vpce?: string;
  readonly vpc?: string;
  readonly sourceIp?: string;
  /** True for (d): a private API cannot be called without an endpoint today. */
  readonly noEndpoint: boolean;
}

interface CallerPrincipal {
  readonly label: string;
  readonly principal: RequestPrincipal;
}

const isLiteral = (v: string): boolean => !v.includes('*') && !v.includes('?');
const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Intended endpoints: the intent's list, or else the endpoints the API itself is associated with. */
export const intendedEndpoints = (intent: ResolvedIntent, api: RestApi): readonly string[] =>
  intent.apiGateway.vpcEndpointIds.length > 0 ? intent.apiGateway.vpcEndpointIds : api.vpcEndpointIds;

/** The representative locations for one API and policy (see the module comment). */
export const callerLocations = (
  inventory: Inventory,
  intended: readonly string[],
  document: PolicyDocument,
): readonly CallerLocation[] => {
  const vpcOf = new Map(inventory.ec2.vpcEndpoints.map((e) => [e.id, e.vpcId]));
  const intendedVpcs = uniq(intended.flatMap((e) => vpcOf.get(e) ?? []));
  const namedVpces = conditionValues(document, 'aws:SourceVpce').filter(isLiteral);
  const namedVpcs = conditionValues(document, 'aws:SourceVpc').filter(isLiteral);
  const cidrs = conditionValues(document, 'aws:SourceIp');
  const locations: CallerLocation[] = [
    ...intended.map((e) => ({
      key: `intended:${e}`,
      intended: true,
      label: `意図した VPC エンドポイント ${e}`,
      vpce: e,
      vpc: vpcOf.get(e) ?? OTHER_VPC,
      noEndpoint: false,
    })),
    ...intendedVpcs.map((v) => ({
      key: `same-vpc:${v}`,
      intended: false,
      label: `同じ VPC ${v} 内の別の VPC エンドポイント`,
      vpce: OTHER_VPCE,
      vpc: v,
      noEndpoint: false,
    })),
    ...namedVpces
      .filter((e) => !intended.includes(e))
      .map((e) => ({
        key: `endpoint:${e}`,
        intended: false,
        label: `意図していない VPC エンドポイント ${e}`,
        vpce: e,
        vpc: vpcOf.get(e) ?? OTHER_VPC,
        noEndpoint: false,
      })),
    ...namedVpcs
      .filter((v) => !intendedVpcs.includes(v))
      .map((v) => ({
        key: `vpc:${v}`,
        intended: false,
        label: `VPC ${v} の VPC エンドポイント`,
        vpce: OTHER_VPCE,
        vpc: v,
        noEndpoint: false,
      })),
    {
      key: 'other-vpc',
      intended: false,
      label: '他の VPC・他の AWS アカウントの VPC エンドポイント',
      vpce: OTHER_VPCE,
      vpc: OTHER_VPC,
      noEndpoint: false,
    },
  ];
  // (d): one caller inside each aws:SourceIp range the policy names, and one outside all of them.
  for (const cidr of cidrs) {
    const ip = cidr.split('/')[0] ?? cidr;
    locations.push({
      key: `no-endpoint:${cidr}`,
      intended: false,
      label: `VPC エンドポイントを経由しない ${cidr} からの呼び出し`,
      sourceIp: ip,
      noEndpoint: true,
    });
  }
  const outside = OUTSIDE_IPS.find((ip) => cidrs.every((c) => ipInCidr(ip, c) === false));
  if (outside)
    locations.push({
      key: 'no-endpoint',
      intended: false,
      label: 'VPC エンドポイントを経由しないインターネットからの呼び出し',
      sourceIp: outside,
      noEndpoint: true,
    });
  return locations;
};

/** Principals for AWS_IAM methods: this account, another account, and every account or ARN the policy names. */
const iamPrincipals = (account: string, document: PolicyDocument): readonly CallerPrincipal[] => {
  const named = principalValues(document).filter((v) => v !== '*');
  const namedAccounts = uniq([
    ...named.flatMap((v) => (/^\d{12}$/.test(v) ? [v] : (accountOfArn(v) ?? []))),
    ...conditionValues(document, 'aws:PrincipalAccount').filter((v) => /^\d{12}$/.test(v)),
  ]).filter((a) => a !== account);
  const other = [OTHER_ACCOUNT, '109876543210'].find((a) => a !== account && !namedAccounts.includes(a));
  const accountPrincipal = (a: string, text: string): CallerPrincipal => ({
    label: text,
    principal: { kind: 'iam', account: a, arn: `arn:aws:iam::${a}:role/arch-auditor-representative` },
  });
  return [
    accountPrincipal(account, '同じアカウントの IAM プリンシパル'),
    ...namedAccounts.map((a) => accountPrincipal(a, `アカウント ${a} の IAM プリンシパル`)),
    ...(other ? [accountPrincipal(other, '他アカウントの IAM プリンシパル')] : []),
    ...named
      .filter((v) => v.startsWith('arn:') && !v.endsWith(':root') && accountOfArn(v) !== undefined)
      .map((arn) => ({
        label: arn,
        principal: { kind: 'iam' as const, account: accountOfArn(arn) as string, arn },
      })),
  ];
};

const ANONYMOUS: CallerPrincipal = { label: '匿名', principal: { kind: 'anonymous' } };

/** A concrete request path for a resource path template (`/{proxy+}` → `/x/y`). */
const concretePath = (path: string): string =>
  path
    .replace(/\{[^}]+\+\}/g, 'x/y')
    .replace(/\{[^}]+\}/g, 'x')
    .replace(/^\//, '');

interface Outcome {
  readonly allowedPrincipals: Set<string>;
  readonly allowedBy: Map<number, PolicyStatement>;
  readonly unknownReasons: Set<string>;
}

/** Evaluates every caller class against the API's policy; returns outcomes per location key. */
export const evaluateCallers = (
  inventory: Inventory,
  api: RestApi,
  document: PolicyDocument,
  locations: readonly CallerLocation[],
): ReadonlyMap<string, Outcome> => {
  const partition = partitionOf(api);
  const expandResource = executeApiResourceExpander(partition, api.region, inventory.account, api.id);
  const stages = api.stages.length > 0 ? api.stages.map((s) => s.stageName) : ['stage'];
  const methods = methodsOf(api);
  // API Gateway evaluates the principal only when the method uses IAM authorization; any other
  // method (NONE, Cognito, Lambda authorizer) reaches the policy as an anonymous caller.
  const targets =
    methods.length > 0
      ? methods.map(({ path, method }) => ({
          verb: method.httpMethod.toUpperCase() === 'ANY' ? 'GET' : method.httpMethod.toUpperCase(),
          path: concretePath(path),
          iam: method.authorizationType.toUpperCase() === 'AWS_IAM',
        }))
      : [
          { verb: 'GET', path: '', iam: false },
          { verb: 'GET', path: '', iam: true },
        ];
  const iam = iamPrincipals(inventory.account, document);
  const outcomes = new Map<string, Outcome>();
  for (const location of locations) {
    const outcome: Outcome = {
      allowedPrincipals: new Set(),
      allowedBy: new Map(),
      unknownReasons: new Set(),
    };
    outcomes.set(location.key, outcome);
    for (const stage of stages) {
      for (const target of targets) {
        for (const caller of target.iam ? iam : [ANONYMOUS]) {
          const p = caller.principal;
          const keys: Record<string, string> = {
            ...(location.vpce ? { 'aws:sourcevpce': location.vpce } : {}),
            ...(location.vpc ? { 'aws:sourcevpc': location.vpc } : {}),
            ...(location.sourceIp ? { 'aws:sourceip': location.sourceIp } : {}),
            ...(p.kind === 'iam' ? { 'aws:principalaccount': p.account, 'aws:principalarn': p.arn } : {}),
          };
          const request: PolicyRequest = {
            principal: p,
            action: 'execute-api:Invoke',
            resource: `arn:${partition}:execute-api:${api.region}:${inventory.account}:${api.id}/${stage}/${target.verb}/${target.path}`,
            keys,
            knownKeys: KNOWN_KEYS,
          };
          const decision = evaluatePolicy(document, request, { expandResource });
          if (decision.decision === 'allow') {
            outcome.allowedPrincipals.add(caller.label);
            for (const s of decision.allowedBy) outcome.allowedBy.set(s.index, s);
          } else if (decision.decision === 'unknown') {
            for (const u of decision.unknown) outcome.unknownReasons.add(u.reason);
          }
        }
      }
    }
  }
  return outcomes;
};

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
  uniq(locations.filter((l) => l.intended && l.vpc !== OTHER_VPC).flatMap((l) => l.vpc ?? []));

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

const describePolicyViolation = (
  api: RestApi,
  intended: readonly string[],
  document: PolicyDocument,
  locations: readonly CallerLocation[],
  outcomes: ReadonlyMap<string, Outcome>,
): Violation | undefined => {
  const outsiders = locations.filter((l) => !l.intended);
  const admitted = outsiders.filter((l) => (outcomes.get(l.key)?.allowedPrincipals.size ?? 0) > 0);
  const undecided = outsiders.filter(
    (l) => !admitted.includes(l) && (outcomes.get(l.key)?.unknownReasons.size ?? 0) > 0,
  );
  if (admitted.length === 0 && undecided.length === 0) return undefined;
  const intendedText =
    intended.length > 0 ? intended.join(', ') : '未定義（設計定義ファイルにも API の設定にもありません）';
  const expected =
    intended.length > 0
      ? `${intended.join(', ')} 経由の呼び出しのみ許可`
      : '意図した VPC エンドポイントのみ許可';
  const resource = restApiRef(api);
  if (admitted.length === 0) {
    const reasons = uniq(undecided.flatMap((l) => [...(outcomes.get(l.key)?.unknownReasons ?? [])]));
    return {
      resource,
      message: `プライベート API ${label(api)} のリソースポリシーには評価できない条件（${reasons.join(', ')}）があるため、意図した VPC エンドポイント（${intendedText}）以外からの呼び出しが拒否されるか判定できません。対象: ${undecided.map((l) => l.label).join('、')}。手動で確認してください。`,
      expected,
      actual: `判定不能: ${reasons.join(', ')}`,
      fact: `undecided:${undecided.map((l) => l.key).join(',')}`,
    };
  }
  const callers = admitted.map((l) => {
    const principals = [...(outcomes.get(l.key)?.allowedPrincipals ?? [])];
    return `${l.label}（${principals.join('・')}）`;
  });
  const statements = new Map<number, PolicyStatement>();
  for (const l of admitted) for (const [i, s] of outcomes.get(l.key)?.allowedBy ?? []) statements.set(i, s);
  const why = [...statements.values()]
    .sort((a, b) => a.index - b.index)
    .map((s) => explainAllow(s, document.statements.length));
  const denyNote = explainDenies(document, intended, intendedVpcsOf(locations));
  // The inverted conditions of seed 003 also lock the intended callers out; say so.
  const lockedOut = locations.filter(
    (l) =>
      l.intended &&
      outcomes.get(l.key)?.allowedPrincipals.size === 0 &&
      outcomes.get(l.key)?.unknownReasons.size === 0,
  );
  const lockedNote =
    lockedOut.length > 0
      ? `一方、${lockedOut.map((l) => l.label).join('、')} からの呼び出しは拒否されます。`
      : '';
  // A private API is reachable only through an execute-api VPC endpoint today, so callers without an
  // endpoint are a latent gap (it opens if the endpoint type changes), not an open door.
  const onlyLatent = admitted.every((l) => l.noEndpoint);
  return {
    resource,
    message: `プライベート API ${label(api)} のリソースポリシーは、意図した VPC エンドポイント（${intendedText}）以外からの呼び出しを許可しています。許可される呼び出し元: ${callers.join('、')}。${why.join('。')}。${denyNote}${lockedNote}${onlyLatent ? '現在はエンドポイントタイプが PRIVATE のため VPC エンドポイント経由でしか到達できませんが、ポリシー自体は送信元を限定していません。' : ''}`,
    expected,
    actual: `許可: ${admitted.map((l) => l.label).join('、')}`,
    fact: `admits:${admitted.map((l) => l.key).join(',')}`,
    ...(onlyLatent ? { severity: 'medium' as const } : {}),
  };
};

export const apigwResourcePolicy = defineCheck({
  id: 'apigw.resource-policy',
  principle: 'P8',
  severity: 'critical',
  resourceType: 'AWS::ApiGateway::RestApi',
  needs: ['apigateway.restApis', 'ec2.vpcEndpoints'],
  title: 'プライベート API のリソースポリシーが意図した VPC エンドポイント以外からの呼び出しを許可しています',
  explanation:
    'プライベート REST API には、どのアカウントの execute-api VPC エンドポイントからでも到達できます。呼び出し元を意図した VPC エンドポイントに限定するのはリソースポリシーだけです。条件のない Allow や、StringNotEquals で条件を逆向きに書いた Allow は、締め出すつもりの呼び出し元をすべて通してしまいます。',
  impact: '他の VPC や他の AWS アカウントから、プライベートのはずの API を呼び出せる恐れがあります。',
  remediation:
    '「aws:SourceVpce が意図した VPC エンドポイント ID と一致しなければ Deny（StringNotEquals）」の文と、execute-api:/* への Allow の文を組み合わせたリソースポリシーにしてください。VPC エンドポイント ID が正しいことを確認し、ポリシーを変更したら API を再デプロイしてください。',
  evaluate: ({ inventory, intent }) =>
    inventory.apigateway.restApis.filter(isPrivate).flatMap((api): Violation[] => {
      const intended = intendedEndpoints(intent, api);
      const raw = api.policy ?? api.policyText;
      if (raw === undefined || raw === null || raw === '') {
        return [
          {
            resource: restApiRef(api),
            message: `プライベート API ${label(api)} にリソースポリシーがありません。呼び出しを許可する VPC エンドポイントが定義されておらず、この状態では API をデプロイすることもできません。`,
            expected: 'aws:SourceVpce で意図した VPC エンドポイントに限定するリソースポリシー',
            actual: 'リソースポリシーなし',
            fact: 'no-policy',
          },
        ];
      }
      const parsed = parsePolicy(raw);
      if (!parsed.ok) {
        return [
          {
            resource: restApiRef(api),
            message: `プライベート API ${label(api)} のリソースポリシーを解釈できないため、呼び出し元が限定されているか判定できません（${parsed.reason}）。`,
            expected: '解釈できるリソースポリシー',
            actual: `解釈できないポリシー: ${parsed.reason}`,
            fact: 'unparseable-policy',
          },
        ];
      }
      const locations = callerLocations(inventory, intended, parsed.document);
      const outcomes = evaluateCallers(inventory, api, parsed.document, locations);
      const violation = describePolicyViolation(api, intended, parsed.document, locations, outcomes);
      return violation ? [violation] : [];
    }),
});
