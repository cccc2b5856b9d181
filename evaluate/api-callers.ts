import { methodsOf } from '../inventory/derive.ts';
import type { Inventory, RestApi } from '../inventory/types.ts';
import { type InvokeCaller, type InvokeTarget, iamPrincipal, invokeJudge, verbsOf } from './api-policy.ts';
import {
  accountOfArn,
  conditionValues,
  ipInCidr,
  type PolicyDocument,
  type PolicyStatement,
  principalValues,
} from './policy.ts';

/**
 * The representative callers of a REST API under a resource policy: who calls (the principal API
 * Gateway evaluates) and from where (through which VPC endpoint, from which address). apigw.resource-policy
 * asks which of them a private API admits; the exposure model asks whether an internet caller gets into
 * a public one. Both take their callers from here, so they stand for the same outsiders.
 */

/**
 * API Gateway evaluates the principal only when the method uses IAM authorization; any other method
 * (NONE, Cognito, Lambda authorizer) reaches the policy as an anonymous caller.
 */
export const usesIamAuthorization = (authorizationType: string): boolean =>
  authorizationType.toUpperCase() === 'AWS_IAM';

/** Where a caller stands relative to the intent: the classes findings are worded and ranked by. */
export type Reach = 'intended' | 'same-vpc' | 'other' | 'no-endpoint';

// Synthetic identities for "somebody else": well-formed but not ids anyone uses, so they stand for
// any endpoint/VPC/account the policy does not name.
export const OTHER_VPCE = 'vpce-0f0e0d0c0b0a09080';
export const OTHER_VPC = 'vpc-0f0e0d0c0b0a09080';
export const OTHER_ACCOUNT = '210987654321';
/** IPv4 addresses standing for "anybody on the internet" (documentation ranges and a well-known resolver). */
export const INTERNET_ADDRESSES: readonly string[] = ['198.51.100.23', '203.0.113.77', '8.8.8.8'];
/** Candidates for a caller outside every aws:SourceIp range a policy names: IPv4, then IPv6. */
const OUTSIDE_IPS = [...INTERNET_ADDRESSES, '192.0.2.45', '2001:db8::17'];

/** Where a request enters from (the network side of a caller class). */
export interface CallerLocation {
  /** Stable key, part of the finding's fact. */
  readonly key: string;
  readonly reach: Reach;
  /** Japanese description for messages. */
  readonly label: string;
  readonly vpce?: string;
  readonly vpc?: string;
  readonly sourceIp?: string;
}

export interface CallerPrincipal {
  readonly label: string;
  readonly principal: InvokeCaller['principal'];
}

const isLiteral = (v: string): boolean => !v.includes('*') && !v.includes('?');
export const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/**
 * The representative locations for one API and policy:
 *   (a) through each intended endpoint (with that endpoint's VPC as aws:SourceVpc),
 *   (b) through another endpoint in an intended endpoint's VPC,
 *   (c) through an endpoint the policy names but the intent does not, an endpoint in a VPC the policy
 *       names, or an endpoint in some other VPC / account,
 *   (d) with no endpoint at all (aws:SourceVpce absent), from inside each aws:SourceIp range the
 *       policy names and from outside all of them.
 */
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
      reach: 'intended' as const,
      label: `意図した VPC エンドポイント ${e}`,
      vpce: e,
      vpc: vpcOf.get(e) ?? OTHER_VPC,
    })),
    ...intendedVpcs.map((v) => ({
      key: `same-vpc:${v}`,
      reach: 'same-vpc' as const,
      label: `同じ VPC ${v} 内の別の VPC エンドポイント`,
      vpce: OTHER_VPCE,
      vpc: v,
    })),
    ...namedVpces
      .filter((e) => !intended.includes(e))
      .map((e) => {
        const vpc = vpcOf.get(e);
        const sameVpc = vpc !== undefined && intendedVpcs.includes(vpc);
        return {
          key: `endpoint:${e}`,
          reach: sameVpc ? ('same-vpc' as const) : ('other' as const),
          label: sameVpc
            ? `同じ VPC ${vpc} 内の意図していない VPC エンドポイント ${e}`
            : `意図していない VPC エンドポイント ${e}`,
          vpce: e,
          vpc: vpc ?? OTHER_VPC,
        };
      }),
    ...namedVpcs
      .filter((v) => !intendedVpcs.includes(v))
      .map((v) => ({
        key: `vpc:${v}`,
        reach: 'other' as const,
        label: `VPC ${v} の VPC エンドポイント`,
        vpce: OTHER_VPCE,
        vpc: v,
      })),
    {
      key: 'other-vpc',
      reach: 'other',
      label: '他の VPC・他の AWS アカウントの VPC エンドポイント',
      vpce: OTHER_VPCE,
      vpc: OTHER_VPC,
    },
  ];
  // (d): one caller inside each aws:SourceIp range the policy names, and one outside all of them.
  for (const cidr of cidrs) {
    const ip = cidr.split('/')[0] ?? cidr;
    locations.push({
      key: `no-endpoint:${cidr}`,
      reach: 'no-endpoint',
      label: `VPC エンドポイントを経由しない ${cidr} からの呼び出し`,
      sourceIp: ip,
    });
  }
  const outside = OUTSIDE_IPS.find((ip) => cidrs.every((c) => ipInCidr(ip, c) === false));
  if (outside)
    locations.push({
      key: 'no-endpoint',
      reach: 'no-endpoint',
      label: 'VPC エンドポイントを経由しないインターネットからの呼び出し',
      sourceIp: outside,
    });
  return locations;
};

/** Principals for AWS_IAM methods: this account, another account, and every account or ARN the policy names. */
export const iamPrincipals = (
  api: RestApi,
  account: string,
  document: PolicyDocument,
): readonly CallerPrincipal[] => {
  const named = principalValues(document).filter((v) => v !== '*');
  const namedAccounts = uniq([
    ...named.flatMap((v) => (/^\d{12}$/.test(v) ? [v] : (accountOfArn(v) ?? []))),
    ...conditionValues(document, 'aws:PrincipalAccount').filter((v) => /^\d{12}$/.test(v)),
  ]).filter((a) => a !== account);
  const other = [OTHER_ACCOUNT, '109876543210'].find((a) => a !== account && !namedAccounts.includes(a));
  const accountPrincipal = (a: string, text: string): CallerPrincipal => ({
    label: text,
    principal: iamPrincipal(api, a),
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

export const ANONYMOUS: CallerPrincipal = { label: '匿名', principal: { kind: 'anonymous' } };

export interface Outcome {
  readonly allowedPrincipals: Set<string>;
  /** `POST /{proxy+}` (prefixed by the stage when several are judged): what the caller gets to call. */
  readonly allowedMethods: Set<string>;
  readonly allowedBy: Map<number, PolicyStatement>;
  readonly unknownReasons: Set<string>;
}

/** Evaluates every caller class against the policy for the given stages; outcomes per location key. */
export const evaluateCallers = (
  inventory: Inventory,
  api: RestApi,
  document: PolicyDocument,
  locations: readonly CallerLocation[],
  stages: readonly string[],
): { readonly outcomes: ReadonlyMap<string, Outcome>; readonly methodCount: number } => {
  const judge = invokeJudge(api, inventory.account, document);
  const methods = methodsOf(api);
  const targets =
    methods.length > 0
      ? methods.map(({ path, method }) => ({
          httpMethod: method.httpMethod,
          path,
          iam: usesIamAuthorization(method.authorizationType),
        }))
      : [
          { httpMethod: 'GET', path: '/', iam: false },
          { httpMethod: 'GET', path: '/', iam: true },
        ];
  const iam = iamPrincipals(api, inventory.account, document);
  const outcomes = new Map<string, Outcome>();
  for (const location of locations) {
    const outcome: Outcome = {
      allowedPrincipals: new Set(),
      allowedMethods: new Set(),
      allowedBy: new Map(),
      unknownReasons: new Set(),
    };
    outcomes.set(location.key, outcome);
    for (const stage of stages) {
      for (const t of targets) {
        const target: InvokeTarget = { stage, httpMethod: t.httpMethod, path: t.path };
        for (const caller of t.iam ? iam : [ANONYMOUS]) {
          const result = judge(target, {
            principal: caller.principal,
            ...(location.vpce ? { vpce: location.vpce } : {}),
            ...(location.vpc ? { vpc: location.vpc } : {}),
            ...(location.sourceIp ? { sourceIp: location.sourceIp } : {}),
          });
          if (result.decision === 'allow') {
            outcome.allowedPrincipals.add(caller.label);
            for (const verb of result.allowedVerbs)
              outcome.allowedMethods.add(`${stages.length > 1 ? `${stage}: ` : ''}${verb} ${t.path}`);
            for (const s of result.allowedBy) outcome.allowedBy.set(s.index, s);
          } else if (result.decision === 'unknown') {
            for (const u of result.unknown) outcome.unknownReasons.add(u);
          }
        }
      }
    }
  }
  const methodCount =
    stages.length * uniq(targets.flatMap((t) => verbsOf(t.httpMethod).map((v) => `${v} ${t.path}`))).length;
  return { outcomes, methodCount };
};
