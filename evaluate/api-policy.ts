/**
 * How API Gateway judges one call of a REST API against a resource policy: `execute-api:Invoke` on
 * `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<VERB>/<path>` with the condition keys
 * the caller brings. apigw.resource-policy (who gets into a private API) and the exposure model (does
 * an internet caller get into a public API) both ask through here, so they read a policy alike.
 */
import { partitionOf } from '../inventory/derive.ts';
import type { ApiStage, RestApi } from '../inventory/types.ts';
import {
  evaluatePolicy,
  executeApiResourceExpander,
  type PolicyDocument,
  type PolicyStatement,
  type RequestPrincipal,
} from './policy.ts';

/** Condition keys the caller model decides; a condition on any other key makes the outcome unknown. */
const INVOKE_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:sourceip',
  'aws:principalaccount',
  'aws:principalarn',
]);

/** The verbs a client can send. */
export const HTTP_VERBS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** An ANY method answers every verb, and the policy sees the verb actually sent (`…/POST/…`). */
export const verbsOf = (httpMethod: string): readonly string[] => {
  const verb = httpMethod.toUpperCase();
  return verb === 'ANY' ? HTTP_VERBS : [verb];
};

/** The request path of a resource path template as the ARN spells it (`/{proxy+}` → `x/y`). */
const concretePath = (path: string): string =>
  path
    .replace(/\{[^}]+\+\}/g, 'x/y')
    .replace(/\{[^}]+\}/g, 'x')
    .replace(/^\//, '');

/** A role of `account` in the API's partition, standing for every IAM principal of that account. */
export const iamPrincipal = (api: Pick<RestApi, 'arn'>, account: string): RequestPrincipal => ({
  kind: 'iam',
  account,
  arn: `arn:${partitionOf(api)}:iam::${account}:role/arch-auditor-representative`,
});

/** Who calls, and from where: the network keys a request carries (absent keys are absent). */
export interface InvokeCaller {
  readonly principal: RequestPrincipal;
  readonly vpce?: string;
  readonly vpc?: string;
  readonly sourceIp?: string;
}

/** One method of one stage: the resource path as defined (`/items/{id}`) and its HTTP method (ANY too). */
export interface InvokeTarget {
  readonly stage: string;
  readonly httpMethod: string;
  readonly path: string;
}

export interface InvokeOutcome {
  /** allow when some verb of the method is allowed; unknown when none is but some cannot be decided. */
  readonly decision: 'allow' | 'deny' | 'unknown';
  readonly allowedVerbs: readonly string[];
  readonly allowedBy: readonly PolicyStatement[];
  /** Why an outcome could not be decided (`StringEquals aws:PrincipalOrgID`). */
  readonly unknown: readonly string[];
}

/** A judge of calls to one API (in `account`) under one policy document. */
export const invokeJudge = (api: RestApi, account: string, document: PolicyDocument) => {
  const partition = partitionOf(api);
  const expandResource = executeApiResourceExpander(partition, api.region, account, api.id);
  return (target: InvokeTarget, caller: InvokeCaller): InvokeOutcome => {
    const p = caller.principal;
    const keys: Record<string, string> = {
      ...(caller.vpce ? { 'aws:sourcevpce': caller.vpce } : {}),
      ...(caller.vpc ? { 'aws:sourcevpc': caller.vpc } : {}),
      ...(caller.sourceIp ? { 'aws:sourceip': caller.sourceIp } : {}),
      ...(p.kind === 'iam' ? { 'aws:principalaccount': p.account, 'aws:principalarn': p.arn } : {}),
    };
    const path = concretePath(target.path);
    const allowedVerbs: string[] = [];
    const allowedBy = new Map<number, PolicyStatement>();
    const unknown = new Set<string>();
    for (const verb of verbsOf(target.httpMethod)) {
      const decision = evaluatePolicy(
        document,
        {
          principal: p,
          action: 'execute-api:Invoke',
          resource: `arn:${partition}:execute-api:${api.region}:${account}:${api.id}/${target.stage}/${verb}/${path}`,
          keys,
          knownKeys: INVOKE_KEYS,
        },
        { expandResource },
      );
      if (decision.decision === 'allow') {
        allowedVerbs.push(verb);
        for (const s of decision.allowedBy) allowedBy.set(s.index, s);
      } else if (decision.decision === 'unknown') {
        for (const u of decision.unknown) unknown.add(u.reason);
      }
    }
    return {
      decision: allowedVerbs.length > 0 ? 'allow' : unknown.size > 0 ? 'unknown' : 'deny',
      allowedVerbs,
      allowedBy: [...allowedBy.values()].sort((a, b) => a.index - b.index),
      unknown: [...unknown],
    };
  };
};

/** The policy a stage serves, and whether it was read from the stage's own deployment. */
export interface ServedPolicy {
  /** The policy as collected (a document or its text); undefined when none is in force. */
  readonly policy: unknown;
  readonly deployed: boolean;
}

/**
 * A REST API's policy takes effect only when the API is deployed: a stage serves the policy of its
 * deployment (its export), and the API's current policy stands in when the export was not read.
 */
export const servedPolicy = (api: RestApi, stage: ApiStage): ServedPolicy =>
  stage.deployedPolicy
    ? { policy: stage.deployedPolicy.document, deployed: true }
    : { policy: currentPolicy(api), deployed: false };

/** The API's current (possibly undeployed) policy: the parsed document, else its raw text. */
export const currentPolicy = (api: RestApi): unknown => {
  const raw = api.policy ?? api.policyText;
  return raw === null || raw === '' ? undefined : raw;
};
