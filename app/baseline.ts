import { Document, isScalar, type Scalar, type YAMLMap } from 'yaml';
import { EXCEPTION_UNUSED_ID } from '../checks/audit/exception-unused.ts';
import { CHECKS } from '../checks/index.ts';
import { evaluate } from '../engine/evaluate.ts';
import {
  associationsForm,
  behaviorsForm,
  endpointTypesForm,
  loadBalancerForm,
  methodsForm,
  originsForm,
  policyForm,
  routesForm,
  sgRulesForm,
  stagesForm,
  uniqueSorted,
} from '../intent/canonical.ts';
import { inferProfile } from '../intent/profile.ts';
import { subnetsOfTier } from '../intent/queries.ts';
import { resolveIntent } from '../intent/resolve.ts';
import { type IntentInput, intentSchema, type Profile } from '../intent/schema.ts';
import {
  cloudFrontPrefixListIds,
  effectiveRouteTables,
  internetRoutes,
  WORLD_CIDRS,
} from '../inventory/derive.ts';
import type {
  Inventory,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  SliceName,
  Subnet,
} from '../inventory/types.ts';

/**
 * `baseline`: turns an account the user approves into an intent file.
 *
 * The principles of the chosen profile stay on; what the account looks like today is recorded
 * (tiers, NAT mode, the security group chain, front doors, endpoint types, and the canonical state
 * the drift.* checks compare against). Whatever the checks find today becomes an explicit,
 * reviewable exception, so auditing the untouched account with this intent reports nothing, and
 * any later change shows up as a finding.
 */

export interface BaselineOptions {
  /** Architecture profile the intent holds the account to; default: inferred from the account. */
  readonly profile?: Profile;
  /** When the baseline is taken: recorded in the intent and in each exception's reason. */
  readonly now: Date;
}

type VpcInput = NonNullable<IntentInput['vpcs']>[number];
type TierInput = NonNullable<VpcInput['tiers']>[number];
type ChainLinkInput = NonNullable<NonNullable<IntentInput['securityGroups']>['chain']>[number];
type BaselineInput = NonNullable<IntentInput['baseline']>;

/** Tag keys that name a subnet's tier, as the seed architectures tag them. */
const TIER_TAG_KEYS = ['Tier', 'tier'] as const;

/**
 * A subnet name or tag value that says "database". Only then is a tier declared closed: a closed tier
 * raises a high finding on any internet route, so it is never guessed from routing alone.
 */
const DB_NAME = /(^|[^a-z0-9])(db|database|rds|aurora|isolated)([^a-z0-9]|$)/i;

const isDbLike = (subnet: Subnet): boolean =>
  [subnet.name ?? '', ...Object.values(subnet.tags)].some((v) => DB_NAME.test(v));

/** The route that makes a subnet egress through NAT: the whole internet to a NAT gateway or NAT instance. */
const natDefaultRoutes = (table: RouteTable) =>
  table.routes.filter(
    (r) =>
      r.state === 'active' &&
      WORLD_CIDRS.has(r.destination) &&
      ['nat-gateway', 'instance', 'network-interface'].includes(r.targetKind),
  );

const deriveTiers = (subnets: readonly Subnet[], tables: ReadonlyMap<string, RouteTable>): TierInput[] => {
  const routesOut = (s: Subnet): boolean => {
    const table = tables.get(s.id);
    return table !== undefined && internetRoutes(table).length > 0;
  };
  const viaNat = (s: Subnet): boolean => {
    const table = tables.get(s.id);
    return table !== undefined && natDefaultRoutes(table).length > 0;
  };

  const tagKey = TIER_TAG_KEYS.find((k) => subnets.some((s) => s.tags[k] !== undefined));
  if (tagKey !== undefined) {
    const byTier = new Map<string, Subnet[]>();
    for (const s of subnets) {
      const value = s.tags[tagKey];
      if (value !== undefined && value !== '') byTier.set(value, [...(byTier.get(value) ?? []), s]);
    }
    return [...byTier.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, members]) => ({
        name: value,
        tag: { key: tagKey, value },
        closed: DB_NAME.test(value) && !members.some(routesOut),
        egress: members.every(viaNat),
      }));
  }

  // No tier tags: only a closed DB tier is derived from routing, and only where the subnets say they
  // are a database. Other tiers are left for the reviewer rather than invented.
  const closed = subnets.filter((s) => !routesOut(s) && isDbLike(s));
  return closed.length > 0
    ? [{ name: 'db', subnetIds: uniqueSorted(closed.map((s) => s.id)), closed: true }]
    : [];
};

/**
 * The NAT mode the VPC's subnets actually use: the availability mode of the NAT gateways their
 * default routes point at, 'instance' for a NAT instance / ENI, else what NAT gateways exist; 'any'
 * when the VPC mixes modes.
 */
const deriveNatMode = (
  inventory: Inventory,
  vpcId: string,
  region: string,
  tables: readonly RouteTable[],
): NonNullable<VpcInput['natMode']> => {
  const nats = inventory.ec2.natGateways.filter((n) => n.region === region && n.vpcId === vpcId);
  const natById = new Map(inventory.ec2.natGateways.map((n) => [n.id, n]));
  const modes = new Set<'regional' | 'zonal' | 'instance'>();
  for (const route of tables.flatMap(natDefaultRoutes)) {
    if (route.targetKind === 'nat-gateway') {
      const nat = natById.get(route.targetId);
      if (nat) modes.add(nat.availabilityMode);
    } else {
      modes.add('instance');
    }
  }
  if (modes.size === 0) {
    for (const n of nats.filter((n) => n.state === 'available')) modes.add(n.availabilityMode);
  }
  if (modes.size === 0) return 'none';
  return modes.size === 1 ? [...modes][0]! : 'any';
};

/**
 * Every VPC as it is today, default VPCs included: they are audited like the others, and an empty one
 * is accepted below as one vpc.default-vpc exception, so a later workload there is still reported.
 */
const deriveVpcs = (inventory: Inventory): VpcInput[] => {
  const effective = effectiveRouteTables(inventory);
  return inventory.ec2.vpcs.map((vpc) => {
    const subnets = inventory.ec2.subnets.filter((s) => s.region === vpc.region && s.vpcId === vpc.id);
    const tables = uniqueTables(subnets.flatMap((s) => effective.get(s.id) ?? []));
    const cidr = vpc.cidrBlocks[0];
    return {
      id: vpc.id,
      ...(cidr ? { cidr } : {}),
      natMode: deriveNatMode(inventory, vpc.id, vpc.region, tables),
      tiers: deriveTiers(subnets, effective),
    };
  });
};

/**
 * The tier that holds every load balancer's subnets, when one does: recording it lets
 * elb.outside-ingress-tier notice a load balancer later placed elsewhere. None when the load
 * balancers are spread over tiers (the reviewer decides).
 */
const deriveIngressTier = (inventory: Inventory, vpcs: readonly VpcInput[]): string | undefined => {
  const lbs = inventory.elbv2.loadBalancers;
  if (lbs.length === 0) return undefined;
  const membersOf = (vpcId: string, name: string): ReadonlySet<string> | undefined => {
    const tier = vpcs.find((v) => v.id === vpcId)?.tiers?.find((t) => t.name === name);
    if (!tier) return undefined;
    const parsed = {
      subnetIds: tier.subnetIds ?? [],
      ...(tier.tag ? { tag: tier.tag } : {}),
      closed: false,
      egress: false,
    };
    return new Set(subnetsOfTier(inventory, { name, ...parsed }).map((s) => s.id));
  };
  const names = uniqueSorted(vpcs.flatMap((v) => (v.tiers ?? []).map((t) => t.name)));
  return names.find((name) =>
    lbs.every((lb) => {
      const members = membersOf(lb.vpcId, name);
      return members !== undefined && lb.subnetIds.every((id) => members.has(id));
    }),
  );
};

const uniqueTables = (tables: readonly RouteTable[]): RouteTable[] => [
  ...new Map(tables.map((t) => [t.id, t])).values(),
];

// ------------------------------------------------------------------------------ Security group chain

const ingressOf = (g: SecurityGroup): readonly SecurityGroupRule[] => g.rules.filter((r) => !r.egress);

/** One TCP port, or undefined when the rule is a range, all ports or another protocol (not a clear link). */
const singleTcpPort = (rule: SecurityGroupRule): number | undefined => {
  const protocol = rule.protocol.toLowerCase();
  if (protocol !== 'tcp' && protocol !== '6') return undefined;
  return rule.fromPort !== undefined && rule.fromPort >= 0 && rule.fromPort === rule.toPort
    ? rule.fromPort
    : undefined;
};

const linkNameOf = (g: SecurityGroup, taken: ReadonlySet<string>): string => {
  const base =
    (g.name ?? g.groupName)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || g.id;
  let name = base === 'cloudfront' ? `${base}-sg` : base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
};

/**
 * The chain as the live graph draws it: groups admitting the CloudFront origin-facing prefix list are
 * front links, groups admitting a chain member are the next links, and so on. A link lists only the
 * chain-internal sources (CloudFront or another link) on the TCP ports they use. Any other source
 * (a CIDR, a foreign group) is an extra ingress path: it is not written into the intended chain, it
 * surfaces as a finding and so as a reviewable exception. A group whose chain rules are not single TCP
 * ports is not a clear link and ends that branch.
 */
const deriveChain = (inventory: Inventory): ChainLinkInput[] => {
  const cloudFront = cloudFrontPrefixListIds(inventory);
  const groups = inventory.ec2.securityGroups;
  const fromCloudFront = (r: SecurityGroupRule): boolean =>
    r.prefixListId !== undefined && cloudFront.has(r.prefixListId);

  const names = new Map<string, string>();
  const links: { group: SecurityGroup; name: string; front: boolean }[] = [];
  const visited = new Set<string>();
  const queue: { group: SecurityGroup; front: boolean }[] = groups
    .filter((g) => ingressOf(g).some(fromCloudFront))
    .map((group) => ({ group, front: true }));
  for (const { group } of queue) visited.add(group.id);

  while (queue.length > 0) {
    const { group, front } = queue.shift()!;
    const chainRules = ingressOf(group).filter(
      (r) => fromCloudFront(r) || (r.referencedGroupId !== undefined && names.has(r.referencedGroupId)),
    );
    if (chainRules.length === 0 || chainRules.some((r) => singleTcpPort(r) === undefined)) continue;
    const name = linkNameOf(group, new Set(names.values()));
    names.set(group.id, name);
    links.push({ group, name, front });
    for (const next of groups) {
      if (visited.has(next.id)) continue;
      if (ingressOf(next).some((r) => r.referencedGroupId === group.id)) {
        visited.add(next.id);
        queue.push({ group: next, front: false });
      }
    }
  }

  return links.map(({ group, name, front }) => {
    const chainRules = ingressOf(group).filter(
      (r) => fromCloudFront(r) || (r.referencedGroupId !== undefined && names.has(r.referencedGroupId)),
    );
    const from = uniqueSorted(
      chainRules.map((r) => (fromCloudFront(r) ? 'cloudfront' : names.get(r.referencedGroupId!)!)),
    );
    const ports = [...new Set(chainRules.map((r) => singleTcpPort(r)!))].sort((a, b) => a - b);
    return { name, groupId: group.id, ...(front ? { front: true } : {}), ports, from };
  });
};

// ------------------------------------------------------------------------------------ Baseline record

const recordBaseline = (inventory: Inventory, now: Date): BaselineInput => ({
  recordedAt: now.toISOString(),
  securityGroups: Object.fromEntries(
    inventory.ec2.securityGroups.map((g) => [
      g.id,
      { name: g.name ?? g.groupName, region: g.region, rules: sgRulesForm(g) },
    ]),
  ),
  routeTables: Object.fromEntries(
    inventory.ec2.routeTables.map((t) => [
      t.id,
      {
        ...(t.name ? { name: t.name } : {}),
        region: t.region,
        routes: routesForm(t),
        associations: associationsForm(t),
      },
    ]),
  ),
  loadBalancers: Object.fromEntries(
    inventory.elbv2.loadBalancers.map((lb) => [lb.id, { ...loadBalancerForm(lb), region: lb.region }]),
  ),
  loadBalancersComplete: true,
  distributions: Object.fromEntries(
    inventory.cloudfront.distributions.map((d) => [
      d.id,
      { origins: originsForm(d), behaviors: behaviorsForm(d), webAclId: d.webAclId },
    ]),
  ),
  restApis: Object.fromEntries(
    inventory.apigateway.restApis.map((api) => [
      api.id,
      {
        name: api.name ?? api.apiName,
        region: api.region,
        endpointTypes: endpointTypesForm(api),
        policy: policyForm(api),
        stages: stagesForm(api),
        methods: methodsForm(api),
      },
    ]),
  ),
});

const ENDPOINT_TYPES = new Set(['PRIVATE', 'REGIONAL', 'EDGE']);

/**
 * Slices the baseline does not record: a failure there leaves the approved state fully known (the
 * audit that follows still reports it as incomplete).
 */
const NOT_RECORDED: ReadonlySet<SliceName> = new Set(['apigateway.stageExports']);

/**
 * Builds the intent of an approved account (pure apart from hashing in the engine). Throws when the
 * inventory has collection errors: what was not read cannot be approved, and a baseline missing it
 * would later report the unread resources as drift or, worse, never watch them.
 */
export const buildBaseline = (inventory: Inventory, options: BaselineOptions): IntentInput => {
  const blocking = inventory.errors.filter((e) => e.slices.some((s) => !NOT_RECORDED.has(s)));
  if (blocking.length > 0) {
    const names = blocking.map((e) => `${e.service}:${e.operation} in ${e.region}: ${e.code}`);
    throw new Error(
      `refusing to write a baseline: it would be built from an incomplete inventory (${names.join('; ')}). Fix access and collect again.`,
    );
  }
  const date = options.now.toISOString().slice(0, 10);

  const endpointTypes = Object.fromEntries(
    inventory.apigateway.restApis.flatMap((api) => {
      const type = endpointTypesForm(api)[0];
      return type !== undefined && ENDPOINT_TYPES.has(type) ? [[api.id, type]] : [];
    }),
  ) as Record<string, 'PRIVATE' | 'REGIONAL' | 'EDGE'>;

  const vpcs = deriveVpcs(inventory);
  const ingressTier = deriveIngressTier(inventory, vpcs);
  const profile = options.profile ?? inferProfile(inventory).profile;
  const draft: IntentInput = {
    version: 1,
    profile,
    regions: [...inventory.regions],
    // The classic layout keeps its workloads in private subnets: the profile's public-IP allowance is
    // for the load balancer and NAT side, so a workload later given a public IP stays a finding.
    ...(profile === 'classic' ? { network: { allowPublicIps: false } } : {}),
    vpcs,
    ...(ingressTier ? { loadBalancers: { ingressTier } } : {}),
    securityGroups: { chain: deriveChain(inventory) },
    cloudfront: { frontDoors: uniqueSorted(inventory.cloudfront.distributions.map((d) => d.id)) },
    apiGateway: {
      endpointTypes,
      vpcEndpointIds: uniqueSorted(
        inventory.ec2.vpcEndpoints.filter((e) => e.serviceName.endsWith('.execute-api')).map((e) => e.id),
      ),
    },
    exceptions: [],
    baseline: recordBaseline(inventory, options.now),
  };

  // One exception per (check, resource), accepting exactly the facts found today: a new rule, path or
  // setting on an approved resource is a new fact, so it stays a finding at its own severity.
  const reason = `baseline 時点で承認済み (${date})`;
  const accepted = new Map<string, { check: string; resource: string; facts: Set<string> }>();
  for (const f of findingsOf(inventory, draft, options.now)) {
    // audit.* findings are never excepted: the engine would ignore such an exception anyway, and an
    // audit that cannot see something must stay loud.
    if (f.checkId.startsWith('audit.')) continue;
    const key = `${f.checkId}\u0000${f.resource.id}`;
    const entry = accepted.get(key) ?? { check: f.checkId, resource: f.resource.id, facts: new Set() };
    entry.facts.add(f.fact);
    accepted.set(key, entry);
  }
  const exceptions = [...accepted.values()]
    .map(({ check, resource, facts }) => ({ check, resource, facts: uniqueSorted(facts), reason }))
    .sort((a, b) => a.check.localeCompare(b.check) || a.resource.localeCompare(b.resource));
  const intent: IntentInput = { ...draft, exceptions };

  // The promise of `baseline` is a silent first audit; a check that still fires, or an exception
  // written here that accepts nothing, is a bug to surface now.
  const left = findingsOf(inventory, intent, options.now).filter(
    (f) => !f.checkId.startsWith('audit.') || f.checkId === EXCEPTION_UNUSED_ID,
  );
  if (left.length > 0) {
    throw new Error(
      `baseline is not silent: ${left.map((f) => `${f.checkId} on ${f.resource.id}`).join(', ')} survived its exceptions`,
    );
  }
  return intent;
};

const findingsOf = (inventory: Inventory, intent: IntentInput, now: Date) =>
  evaluate({ inventory, intent: resolveIntent(intentSchema.parse(intent)), checks: CHECKS, now }).findings;

// --------------------------------------------------------------------------------------------- YAML

const HEADER = [
  ' arch-auditor intent, generated by `arch-auditor baseline`.',
  ' 現在のアカウントの状態から生成した設計定義ファイルです。承認する前に次を確認してください。',
  ' Review before approving:',
  '   profile               the principles the account is held to (private-backend / classic), inferred',
  '                         from the account; the comment above it names the facts that decided it',
  '                         適用する設計原則。アカウントの構成から推定し、根拠を profile の上に記載しています',
  '   vpcs[].tiers          tiers read from Tier tags; closed = DB tier that must have no internet route',
  '                         Tier タグから読み取った層。closed の層はインターネットへのルートを一切持てません',
  '   excludeVpcs           every VPC is audited, default ones included; leave one out as {id|tag, reason}',
  '                         デフォルト VPC も含め全 VPC を監査します。対象外にする VPC は理由とともに書いてください',
  '   securityGroups.chain  CloudFront -> front SG -> ... as the live rules draw it; fix any wrong link',
  '                         現在のルールから読み取った SG チェーン。意図と違うリンクは直してください',
  '   cloudfront.frontDoors every distribution found; remove any that is not an intended entry',
  '                         見つかった全ディストリビューション。意図した入口でないものは外してください',
  '   exceptions            every finding of today, accepted fact by fact: a new fact on the same resource',
  '                         is still reported; delete each one you do not accept',
  '                         現時点の指摘を facts（検出内容）ごとに承認しています。同じリソースでも新しい検出は通知されます。',
  '                         承認できないものは削除してください',
  '   baseline              the approved state; any later change is reported by the drift.* checks',
  '                         承認時点の状態。以後の変更は drift.* チェックが検知します',
].join('\n');

const KEY_COMMENTS: Readonly<Record<string, string>> = {
  profile: ' 設計原則のプロファイル / architecture profile',
  network: ' classic でもワークロードにはパブリック IP を付けない / workloads stay on private addresses',
  vpcs: ' VPC ごとの意図（デフォルト VPC を含む。全 VPC が監査対象）/ what each VPC is meant to be (every VPC is audited)',
  securityGroups: ' SG チェーン（現在のルールから導出）/ SG chain derived from the live rules',
  cloudfront: ' 意図した入口のディストリビューション / intended front doors',
  apiGateway:
    ' API のエンドポイントタイプと許可する VPC エンドポイント / endpoint types, allowed VPC endpoints',
  exceptions: ' baseline 時点の指摘。承認できないものは削除 / findings accepted at baseline time',
  baseline: ' 承認時点の状態（drift.* の比較対象）/ the approved state drift.* compares against',
};

/**
 * The intent as readable YAML with a header and a comment per section saying what to review;
 * `profileWhy` (see chooseProfile) is written above `profile`.
 */
export const baselineToYaml = (intent: IntentInput, profileWhy: readonly string[] = []): string => {
  const doc = new Document(intent);
  doc.commentBefore = HEADER;
  const comments: Record<string, string | undefined> = { ...KEY_COMMENTS };
  if (profileWhy.length > 0) {
    comments.profile = [
      comments.profile,
      ` ${intent.profile} とした根拠 / why ${intent.profile}:`,
      ...profileWhy.map((line) => `   - ${line}`),
    ].join('\n');
  }
  const top = doc.contents as YAMLMap<Scalar<string>, unknown>;
  for (const pair of top.items) {
    const comment = isScalar(pair.key) ? comments[String(pair.key.value)] : undefined;
    if (comment && isScalar(pair.key)) pair.key.commentBefore = comment;
  }
  return doc.toString({ lineWidth: 0 });
};
