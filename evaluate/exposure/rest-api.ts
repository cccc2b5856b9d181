import { formatIpv4, ipv4Cidr, PUBLIC_IPV4 } from '../../inventory/addresses.ts';
import { asDeployed, methodSignature } from '../../inventory/api-methods.ts';
import {
  label,
  methodsOf,
  refOf,
  resolveStageVariables,
  stageVariableNames,
} from '../../inventory/derive.ts';
import type {
  ApiMethod,
  ApiStage,
  DeployedMethod,
  RestApi,
  TargetGroup,
  VpcLink,
} from '../../inventory/types.ts';
import { INTERNET_ADDRESSES, OTHER_ACCOUNT, usesIamAuthorization } from '../api-callers.ts';
import { iamPrincipal, invokeJudge, servedPolicy, verbsOf } from '../api-policy.ts';
import { conditionValues, parsePolicy } from '../policy.ts';
import { type AccountIndex, targetGroupsOf } from './account-index.ts';
import { INTERNET, lbLabel, tgLabel, tgNote } from './hops.ts';
import type { ExposurePath, Hop } from './types.ts';

/**
 * Entry 3: a REGIONAL/EDGE REST API whose served method needs no API key and whose resource policy
 * admits internet callers (evaluate/api-callers.ts): API → stage/method → VPC link → NLB/ALB → target group.
 */

interface ServedMethod {
  readonly httpMethod: string;
  readonly path: string;
  readonly apiKeyRequired: boolean;
  readonly authorizationType: string;
  readonly connectionType: string;
  readonly connectionId?: string;
  readonly integrationTarget?: string;
}

/**
 * The methods a stage serves. A stage serves its deployment, not the API's current definition: when
 * the stage's export was collected (`deployedMethods`) it decides whether a key is required and where
 * the integration goes; otherwise the current methods stand in. A deployed method the current
 * definition still holds unchanged is read from it (it also knows the authorization type and a VPC
 * link v2's target); one that changed since keeps the authorization type of its current namesake.
 */
const servedMethods = (api: RestApi, deployed: readonly DeployedMethod[] | undefined): ServedMethod[] => {
  const current = methodsOf(api);
  const fromCurrent = (path: string, method: ApiMethod): ServedMethod => ({
    httpMethod: method.httpMethod,
    path,
    apiKeyRequired: method.apiKeyRequired,
    authorizationType: method.authorizationType,
    connectionType: method.integration?.connectionType ?? 'NONE',
    ...(method.integration?.connectionId ? { connectionId: method.integration.connectionId } : {}),
    ...(method.integration?.integrationTarget
      ? { integrationTarget: method.integration.integrationTarget }
      : {}),
  });
  if (!deployed) return current.map((c) => fromCurrent(c.path, c.method));
  const unchanged = new Map(current.map((c) => [methodSignature(asDeployed(c.path, c.method)), c]));
  return deployed.map((method): ServedMethod => {
    const same = unchanged.get(methodSignature(method));
    if (same) return fromCurrent(same.path, same.method);
    const httpMethod = method.httpMethod.toUpperCase();
    const namesake = current.find((c) => c.path === method.path && c.method.httpMethod === httpMethod);
    const integration = method.integration;
    return {
      httpMethod,
      path: method.path,
      apiKeyRequired: method.apiKeyRequired,
      authorizationType: namesake?.method.authorizationType ?? 'NONE',
      connectionType: integration ? (integration.connectionType || 'INTERNET').toUpperCase() : 'NONE',
      ...(integration?.connectionId ? { connectionId: integration.connectionId } : {}),
    };
  });
};

/**
 * The VPC link a method calls on one stage. A connection id taken from a stage variable
 * (`${stageVariables.vpcLinkId}`) resolves per stage; a stage that does not set it calls nothing (the
 * call fails), so it is undefined there.
 */
const linkIdOnStage = (connectionId: string | undefined, stage: ApiStage): string | undefined => {
  if (connectionId === undefined || stageVariableNames(connectionId).length === 0) return connectionId;
  const resolved = resolveStageVariables(connectionId, stage.variables ?? {});
  return 'value' in resolved ? resolved.value : undefined;
};

/**
 * The load balancers (as VPC links and integrations name them: ARNs) an API's VPC-link methods call on
 * any of its stages, before keys and policies are judged: every path of this API that goes through a
 * load balancer goes through one of these.
 */
export const loadBalancersCalledBy = (api: RestApi, vpcLinks: ReadonlyMap<string, VpcLink>): Set<string> => {
  const called = new Set<string>();
  for (const stage of api.stages) {
    for (const method of servedMethods(api, stage.deployedMethods)) {
      if (method.connectionType.toUpperCase() !== 'VPC_LINK') continue;
      const connectionId = linkIdOnStage(method.connectionId, stage);
      const link = connectionId ? vpcLinks.get(connectionId) : undefined;
      for (const target of method.integrationTarget ? [method.integrationTarget] : (link?.targetArns ?? []))
        called.add(target);
    }
  }
  return called;
};

type PolicyVerdict =
  | { readonly open: true; readonly note: string; readonly unknown?: string }
  | { readonly open: false };

/**
 * Whether the resource policy the stage serves lets an internet caller (no VPC endpoint) invoke this
 * method. Tried from generic internet addresses and from inside every public aws:SourceIp range the
 * policy names: an API restricted to a public range is still reachable from that part of the internet.
 */
const policyAdmits = (
  index: AccountIndex,
  api: RestApi,
  stage: ApiStage,
  method: ServedMethod,
): PolicyVerdict => {
  const { policy, deployed } = servedPolicy(api, stage);
  const which = deployed ? 'デプロイ済みのリソースポリシー' : 'リソースポリシー';
  if (policy === undefined) return { open: true, note: `${which}なし` };
  const parsed = parsePolicy(policy);
  if (!parsed.ok) return { open: true, note: `${which}を解釈できない`, unknown: parsed.reason };
  const judge = invokeJudge(api, index.inventory.account, parsed.document);
  const named = conditionValues(parsed.document, 'aws:SourceIp').flatMap((c) => {
    const r = ipv4Cidr(c);
    if (!r || !PUBLIC_IPV4.some((p) => p.lo <= r.lo && r.lo <= p.hi)) return [];
    return [formatIpv4(r.hi > r.lo ? r.lo + 1 : r.lo)];
  });
  const principal = usesIamAuthorization(method.authorizationType)
    ? iamPrincipal(api, OTHER_ACCOUNT)
    : ({ kind: 'anonymous' } as const);
  const target = { stage: stage.stageName, httpMethod: method.httpMethod, path: method.path };
  let unknown: string | undefined;
  for (const ip of [...INTERNET_ADDRESSES, ...named]) {
    const outcome = judge(target, { principal, sourceIp: ip });
    if (outcome.decision === 'allow') {
      // ANY with some verbs denied: name the verbs that still get through.
      const what =
        outcome.allowedVerbs.length < verbsOf(method.httpMethod).length
          ? ` ${outcome.allowedVerbs.join('/')} `
          : '呼び出し';
      return { open: true, note: `${which}が ${ip} からの${what}を許可` };
    }
    if (outcome.decision === 'unknown')
      unknown ??= outcome.unknown.filter(Boolean).join(', ') || 'unknown condition';
  }
  return unknown ? { open: true, note: `${which}の条件を判定できない`, unknown } : { open: false };
};

export const restApiPaths = (index: AccountIndex): ExposurePath[] =>
  index.inventory.apigateway.restApis.flatMap((api): ExposurePath[] => {
    // A private API has no public endpoint; with the execute-api endpoint disabled, only a custom domain
    // name (not collected) could serve it.
    const types = api.endpointTypes.map((t) => t.toUpperCase());
    if (types.includes('PRIVATE') || api.disableExecuteApiEndpoint) return [];
    const ref = refOf('AWS::ApiGateway::RestApi', api);
    const apiLabel = label(api);
    const reason = index.declaredReason(api.id, api.arn, api.apiName);
    // target group ARN → first method that reaches it, and every method that does.
    const reached = new Map<string, { hops: Hop[]; methods: string[]; tg: TargetGroup; unknown?: string }>();
    for (const stage of api.stages) {
      for (const method of servedMethods(api, stage.deployedMethods)) {
        // The API key is the door key CloudFront carries (seed 000); a method without it is open to anyone.
        if (method.apiKeyRequired || method.connectionType.toUpperCase() !== 'VPC_LINK') continue;
        const connectionId = linkIdOnStage(method.connectionId, stage);
        if (method.connectionId !== undefined && connectionId === undefined) continue;
        const fromVariable =
          connectionId !== method.connectionId ? `、ステージ変数 ${method.connectionId}` : '';
        const link = connectionId ? index.vpcLinks.get(connectionId) : undefined;
        // A failed or deleting VPC link forwards nothing; a pending one will, so it counts.
        if (link && ['FAILED', 'DELETING'].includes(link.status.toUpperCase())) continue;
        const targets = method.integrationTarget ? [method.integrationTarget] : (link?.targetArns ?? []);
        const verdict = policyAdmits(index, api, stage, method);
        if (!verdict.open) continue;
        const signature = `${stage.stageName}: ${method.httpMethod} ${method.path}`;
        for (const target of targets) {
          const lb = index.loadBalancers.get(target);
          if (!lb || !index.inScope.has(lb.vpcId)) continue;
          for (const tg of targetGroupsOf(index, lb)) {
            const key = tg.arn ?? tg.id;
            const existing = reached.get(key);
            if (existing) {
              if (!existing.methods.includes(signature)) existing.methods.push(signature);
              continue;
            }
            reached.set(key, {
              tg,
              methods: [signature],
              ...(verdict.unknown ? { unknown: verdict.unknown } : {}),
              hops: [
                INTERNET,
                {
                  kind: 'rest-api',
                  id: api.id,
                  label: apiLabel,
                  note: `${types.join('/')}、execute-api エンドポイント有効、${verdict.note}`,
                },
                {
                  kind: 'stage',
                  id: `${api.id}/${stage.stageName}`,
                  label: `ステージ ${stage.stageName}`,
                  note: `${method.httpMethod} ${method.path} は API キー不要`,
                },
                link
                  ? {
                      kind: 'vpc-link',
                      id: link.id,
                      label: label(link),
                      note: `${link.status}${fromVariable}`,
                    }
                  : {
                      kind: 'vpc-link',
                      id: connectionId ?? '-',
                      label: 'VPC リンク (v2)',
                      note: target,
                    },
                {
                  kind: 'load-balancer',
                  id: lb.arn ?? lb.id,
                  label: lbLabel(lb),
                  note: `${lb.type === 'network' ? 'NLB' : 'ALB'}、${lb.scheme}`,
                },
                { kind: 'target-group', id: key, label: tgLabel(tg), note: tgNote(tg) },
              ],
            });
          }
        }
      }
    }
    return [...reached.entries()].map(([key, r]) => ({
      entry: { kind: 'rest-api', resource: ref, label: apiLabel },
      workload: {
        kind: 'target-group',
        id: key,
        label: tgLabel(r.tg),
        ...(r.tg.vpcId ? { vpcId: r.tg.vpcId } : {}),
      },
      hops: r.hops,
      ports: 'tcp 443',
      methods: r.methods,
      ...(reason ? { intended: reason } : {}),
      ...(r.unknown ? { unknown: r.unknown } : {}),
    }));
  });
