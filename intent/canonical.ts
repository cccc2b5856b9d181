import { peerOf, protocolName, tcpUdpPorts } from '../inventory/derive.ts';
import { parsePolicyText } from '../inventory/policy-text.ts';
import type {
  ApiStage,
  CacheBehavior,
  CloudFrontOrigin,
  Distribution,
  LoadBalancer,
  RestApi,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
} from '../inventory/types.ts';

/**
 * Canonical string forms of the properties `baseline` records and the drift.* checks compare.
 *
 * One string per rule / route / origin / behavior / method, so a baseline entry is a list of plain
 * strings a reviewer can read and a drift is a set difference. Anything AWS regenerates without a
 * change of meaning is left out: security group rule ids (`sgr-`, new on every re-create), API
 * deployment ids (new on every deploy), custom header values and their fingerprints (secrets, and
 * keys rotate). Lists whose order carries no meaning are sorted; CloudFront behaviors keep their
 * order because the first match wins.
 */

/** Distinct values in a stable order: for lists whose order carries no meaning. */
export const uniqueSorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();

// ---------------------------------------------------------------------------------- Security groups

/** 'tcp', 'udp', 'icmp', 'icmpv6', '-1' for all traffic, or the IANA number for anything else. */
const protocolForm = (protocol: string): string => {
  const name = protocolName(protocol);
  return name === 'all' ? '-1' : name;
};

/**
 * Ports as one token. For TCP/UDP a missing or -1 bound means every port, and 0-65535 is the same
 * rule written differently, so both become 'all'. For ICMP the two numbers are the type and code.
 * Other protocols (all traffic, ESP, GRE…) have no ports.
 */
const portsForm = (protocol: string, from: number | undefined, to: number | undefined): string => {
  if (protocol === 'tcp' || protocol === 'udp') {
    const { from: lo, to: hi } = tcpUdpPorts(from, to);
    if (lo === 0 && hi === 65535) return 'all';
    return lo === hi ? `${lo}` : `${lo}-${hi}`;
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = from === undefined || from < 0 ? 'all' : `${from}`;
    return to === undefined || to < 0 ? type : `${type}:${to}`;
  }
  return 'all';
};

/** 'in tcp 443 from pl-58a04531', 'out -1 all to 0.0.0.0/0'. The rule id and description are left out. */
export const sgRuleForm = (rule: SecurityGroupRule): string => {
  const protocol = protocolForm(rule.protocol);
  const peer = peerOf(rule);
  return rule.egress
    ? `out ${protocol} ${portsForm(protocol, rule.fromPort, rule.toPort)} to ${peer}`
    : `in ${protocol} ${portsForm(protocol, rule.fromPort, rule.toPort)} from ${peer}`;
};

/** The rule set of a group: sorted and deduplicated (two rule ids with the same meaning are one rule). */
export const sgRulesForm = (group: Pick<SecurityGroup, 'rules'>): string[] =>
  uniqueSorted(group.rules.map(sgRuleForm));

// ------------------------------------------------------------------------------------- Route tables

/**
 * '0.0.0.0/0 -> nat-0a1b…'. A blackhole route (its NAT or ENI is gone) no longer carries traffic,
 * which is a change in what the table does, so the state is part of the form.
 */
export const routeForm = (route: Route): string =>
  `${route.destination} -> ${route.targetId}${route.state === 'blackhole' ? ' blackhole' : ''}`;

/**
 * Routes a VGW propagates (BGP from a VPN / Direct Connect) are left out: they change whenever the
 * on-premises side advertises a prefix, which is not a change anyone approves in this table.
 */
export const routesForm = (table: Pick<RouteTable, 'routes'>): string[] =>
  uniqueSorted(table.routes.filter((r) => r.propagated !== true).map(routeForm));

/** 'main' for the VPC's main table, 'subnet-…' per explicit association, 'gateway igw-…' per edge association. */
export const associationsForm = (table: Pick<RouteTable, 'isMain' | 'subnetIds' | 'gatewayIds'>): string[] =>
  uniqueSorted([
    ...(table.isMain ? ['main'] : []),
    ...table.subnetIds,
    ...table.gatewayIds.map((g) => `gateway ${g}`),
  ]);

// ----------------------------------------------------------------------------------- Load balancers

/** The load balancer fields `baseline` records (`name` identifies it to a reader of the intent file). */
export const loadBalancerForm = (
  lb: Pick<LoadBalancer, 'loadBalancerName' | 'scheme' | 'subnetIds' | 'securityGroupIds'>,
) => ({
  name: lb.loadBalancerName,
  scheme: lb.scheme,
  subnets: uniqueSorted(lb.subnetIds),
  securityGroups: uniqueSorted(lb.securityGroupIds),
});

// ------------------------------------------------------------------------------------ Distributions

/**
 * How CloudFront reaches the origin: the OAC/OAI of an S3 origin, the protocol of a custom origin,
 * the VPC origin id. Removing an OAC or downgrading to http-only is exactly the silent change P9 is for.
 */
const originAccessForm = (origin: CloudFrontOrigin): string => {
  if (origin.vpcOriginId) return ` vpcOrigin=${origin.vpcOriginId}`;
  if (origin.kind === 's3') {
    if (origin.originAccessControlId) return ` oac=${origin.originAccessControlId}`;
    if (origin.originAccessIdentity) return ` oai=${origin.originAccessIdentity}`;
    return ' access=none';
  }
  return origin.originProtocolPolicy ? ` protocol=${origin.originProtocolPolicy}` : '';
};

/**
 * '<originId> <kind> <domain><originPath> headers=<names>'. Header NAMES only, lower-cased (HTTP
 * header names are case-insensitive): values are secrets, and their fingerprints change on rotation.
 */
export const originForm = (origin: CloudFrontOrigin): string => {
  const headers = uniqueSorted(origin.customHeaders.map((h) => h.name.toLowerCase())).join(',');
  return `${origin.id} ${origin.kind} ${origin.domainName}${origin.originPath}${originAccessForm(origin)} headers=${headers || '-'}`;
};

/** Origins of a distribution, sorted (CloudFront picks an origin by id, never by position). */
export const originsForm = (distribution: Pick<Distribution, 'origins'>): string[] =>
  uniqueSorted(distribution.origins.map(originForm));

/** '<pathPattern> -> <originId> <viewerProtocolPolicy> rhp=<responseHeadersPolicyId or ->'. */
export const behaviorForm = (behavior: CacheBehavior): string =>
  `${behavior.pathPattern} -> ${behavior.targetOriginId} ${behavior.viewerProtocolPolicy} rhp=${behavior.responseHeadersPolicyId ?? '-'}`;

/** Behaviors in precedence order (default first, as the inventory keeps them): the first match wins. */
export const behaviorsForm = (distribution: Pick<Distribution, 'behaviors'>): string[] =>
  distribution.behaviors.map(behaviorForm);

// ---------------------------------------------------------------------------------------- REST APIs

/** JSON with object keys sorted at every depth, so key order never reads as a change. */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
};

/**
 * The policy document: the parsed one when the collector has it, else the raw text in either form
 * (plain or backslash-escaped). Text that is neither stays as text, so a change to it still shows.
 */
const policyDocument = (api: Pick<RestApi, 'policy' | 'policyText'>): unknown => {
  if (api.policy !== undefined) return api.policy;
  const text = api.policyText?.trim();
  if (!text) return undefined;
  return parsePolicyText(text) ?? text;
};

/** The resource policy as canonical JSON (sorted keys), '' when the API has none. */
export const policyForm = (api: Pick<RestApi, 'policy' | 'policyText'>): string => {
  const doc = policyDocument(api);
  return doc === undefined ? '' : typeof doc === 'string' ? doc : canonicalJson(doc);
};

/**
 * The statements of a canonical policy, each as canonical JSON; the whole policy as one item when it
 * has no statement list. Used to show a policy drift as added/removed statements instead of two blobs.
 */
export const policyStatements = (policy: string): string[] => {
  if (policy === '') return [];
  const doc = parsePolicyText(policy);
  if (doc === null || typeof doc !== 'object' || !('Statement' in doc)) return [policy];
  const statement = (doc as { Statement: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : [statement];
  // Version is the policy language's, not a grant: listing it would read as a removed statement.
  const rest = canonicalJson({
    ...(doc as Record<string, unknown>),
    Statement: undefined,
    Version: undefined,
  });
  return uniqueSorted([...list.map(canonicalJson), ...(rest === '{}' ? [] : [rest])]);
};

/**
 * 'prod waf=true throttling=false'. Only the name and the protections: the deployment id changes on
 * every deploy, which is routine (apigw.stale-deployment watches what a stage serves).
 */
export const stageForm = (stage: ApiStage): string => {
  const throttled = stage.throttling?.rateLimit !== undefined || stage.throttling?.burstLimit !== undefined;
  return `${stage.stageName} waf=${Boolean(stage.webAclArn)} throttling=${throttled}`;
};

export const stagesForm = (api: Pick<RestApi, 'stages'>): string[] => uniqueSorted(api.stages.map(stageForm));

/** 'GET /data key=true auth=NONE': what a caller must present to call the method. */
export const methodsForm = (api: Pick<RestApi, 'resources'>): string[] =>
  uniqueSorted(
    api.resources.flatMap((r) =>
      r.methods.map(
        (m) => `${m.httpMethod.toUpperCase()} ${r.path} key=${m.apiKeyRequired} auth=${m.authorizationType}`,
      ),
    ),
  );

export const endpointTypesForm = (api: Pick<RestApi, 'endpointTypes'>): string[] =>
  uniqueSorted(api.endpointTypes.map((t) => t.toUpperCase()));

// ------------------------------------------------------------------------------------------- Diffs

/** What changed between a recorded list and the live one, as '+ item' / '- item' lines. */
export interface ListDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export const diffLists = (recorded: readonly string[], live: readonly string[]): ListDiff => {
  const before = new Set(recorded);
  const after = new Set(live);
  return {
    added: uniqueSorted(live.filter((x) => !before.has(x))),
    removed: uniqueSorted(recorded.filter((x) => !after.has(x))),
  };
};

export const isEmptyDiff = (d: ListDiff): boolean => d.added.length === 0 && d.removed.length === 0;

/** '+ a; - b': the diff in one line, added first. Stable for the same diff, so it can be a fact. */
export const diffText = (d: ListDiff): string =>
  [...d.added.map((x) => `+ ${x}`), ...d.removed.map((x) => `- ${x}`)].join('; ');
