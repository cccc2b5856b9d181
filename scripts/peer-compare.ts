/**
 * Cross-check against other auditors (issue 3): feeds the `directly_comparable` cases of
 * ../shared/peer-corpus/peer-cases.json (CloudSploit's and Prowler's own test fixtures: recorded AWS API
 * responses and the verdicts those projects assert) through our normalizers and checks, and prints a
 * markdown table of agreement per family with an explanation for every disagreement.
 *
 * The corpus is read at run time and never copied into this repository (licences).
 * Run: `npx tsx scripts/peer-compare.ts > docs/peer-comparison.md`
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource, RestApi as SdkRestApi, Stage } from '@aws-sdk/client-api-gateway';
import type { DistributionSummary } from '@aws-sdk/client-cloudfront';
import type {
  SecurityGroup as AwsSecurityGroup,
  Subnet as AwsSubnet,
  Vpc as AwsVpc,
} from '@aws-sdk/client-ec2';
import type { LoadBalancer as SdkLoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseIntent } from '../app/intent-file.ts';
import type { Violation } from '../checks/define.ts';
import { CHECKS } from '../checks/index.ts';
import { normalizeResource, normalizeRestApi, normalizeStage } from '../collect/normalize/apigateway.ts';
import { normalizeDistribution } from '../collect/normalize/cloudfront.ts';
import { normalizeEc2 } from '../collect/normalize/ec2.ts';
import { normalizeLoadBalancer } from '../collect/normalize/elbv2.ts';
import { createFingerprinter } from '../collect/secrets.ts';
import type { IntentInput } from '../intent/schema.ts';
import { emptyInventory, type Inventory, type RestApi } from '../inventory/types.ts';
import { emptyEc2Raw } from '../test/fixtures/ec2-responses.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_PATH = resolve(ROOT, '../shared/peer-corpus/peer-cases.json');
/** A fixed instant, so the table does not depend on the day it is generated. */
const NOW = new Date('2026-11-21T00:00:00.000Z');

// ------------------------------------------------------------------------------------------ corpus

interface ApiCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly response?: Record<string, unknown>;
  readonly error?: unknown;
}

export interface PeerCase {
  readonly id: string;
  readonly family: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly peer_settings: Readonly<Record<string, unknown>>;
  readonly scenario: string;
  readonly source: { readonly repo: string; readonly peer_rule: string; readonly test: string };
  readonly input: { readonly api_calls: readonly ApiCall[] };
  readonly expected: {
    readonly verdict: string;
    readonly results?: readonly {
      readonly resource_id?: string;
      readonly resource_arn?: string;
      readonly asserted_by_test?: boolean;
      readonly resource_identified_by_test?: boolean;
    }[];
  };
  readonly flags: readonly string[];
  readonly directly_comparable: boolean;
}

export const readCorpus = (path: string = CORPUS_PATH): readonly PeerCase[] => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `The peer corpus is missing at ${path} (expected ../shared/peer-corpus/ beside the repository): ${String(error)}`,
    );
  }
  return (JSON.parse(text) as { cases: PeerCase[] }).cases;
};

// ---------------------------------------------------------------------------- responses → inventory

const calls = (c: PeerCase, service: string, operation: string) =>
  c.input.api_calls.filter((a) => a.service === service && a.operation === operation && a.response);

const list = <T>(
  c: PeerCase,
  service: string,
  operation: string,
  pick: (r: Record<string, unknown>) => unknown,
) =>
  calls(c, service, operation).map((a) => ({
    region: a.region,
    params: a.params,
    items: (pick(a.response!) ?? []) as T[],
  }));

/**
 * The inventory our collectors would have built from the recorded responses: each response goes
 * through the same pure normalizer the live collector uses (recorded JSON is the SDK's wire form, so
 * the SDK item types are the right reading of it). Responses our collectors never request (instances,
 * Lambda, WAF listings, classic ELB) are ignored.
 */
export const inventoryOf = (c: PeerCase): Inventory => {
  const regions = [...new Set(c.input.api_calls.map((a) => a.region))].sort();
  const base = emptyInventory('111122223333', regions, NOW.toISOString());
  const fingerprint = createFingerprinter(Buffer.alloc(32));

  const ec2 = regions.map((region) => {
    const inRegion = <T>(operation: string, key: string) =>
      list<T>(c, 'ec2', operation, (r) => r[key])
        .filter((l) => l.region === region)
        .flatMap((l) => l.items);
    return normalizeEc2(
      {
        ...emptyEc2Raw(),
        vpcs: inRegion<AwsVpc>('DescribeVpcs', 'Vpcs'),
        subnets: inRegion<AwsSubnet>('DescribeSubnets', 'Subnets'),
        // No DescribeSecurityGroupRules in the recordings: rules are expanded from IpPermissions.
        securityGroups: inRegion<AwsSecurityGroup>('DescribeSecurityGroups', 'SecurityGroups'),
        securityGroupRules: undefined,
      },
      region,
    );
  });

  const loadBalancers = list<SdkLoadBalancer>(
    c,
    'elbv2',
    'DescribeLoadBalancers',
    (r) => r.LoadBalancers,
  ).flatMap((l) => l.items.map((lb) => normalizeLoadBalancer(lb, l.region)));

  const distributions = list<DistributionSummary>(
    c,
    'cloudfront',
    'ListDistributions',
    (r) => (r.DistributionList as { Items?: unknown[] } | undefined)?.Items,
  ).flatMap((l) => l.items.map((d) => normalizeDistribution(d, fingerprint)));

  const restApis = list<SdkRestApi>(c, 'apigateway', 'GetRestApis', (r) => r.items).flatMap((l) =>
    l.items.map((api): RestApi => {
      const forApi = (operation: string, key: string) =>
        list<unknown>(c, 'apigateway', operation, (r) => r[key])
          .filter((x) => x.region === l.region && x.params?.restApiId === api.id)
          .flatMap((x) => x.items);
      return normalizeRestApi(api, l.region, {
        resources: (forApi('GetResources', 'items') as Resource[]).map(normalizeResource),
        stages: (forApi('GetStages', 'item') as Stage[]).map(normalizeStage),
      });
    }),
  );

  return {
    ...base,
    ec2: {
      ...base.ec2,
      ...Object.fromEntries(
        Object.keys(base.ec2).map((k) => [k, ec2.flatMap((e) => e[k as keyof typeof e] as unknown[])]),
      ),
    } as Inventory['ec2'],
    elbv2: { ...base.elbv2, loadBalancers },
    cloudfront: { ...base.cloudfront, distributions },
    apigateway: { ...base.apigateway, restApis },
  };
};

// ------------------------------------------------------------------------------------------ families

interface Family {
  /** Our checks that answer the family's question; any violation of one of them is "non-compliant". */
  readonly checks: readonly string[];
  /** Intent beyond the private-backend defaults. */
  readonly intent?: Partial<IntentInput>;
}

/** The corpus families our catalogue covers, and the check(s) that answer each. */
export const FAMILIES: Readonly<Record<string, Family>> = {
  'sg-world-ingress-all-ports': { checks: ['sg.world-ingress'] },
  'sg-world-ingress-any-port': { checks: ['sg.world-ingress'] },
  'sg-world-ingress-port': { checks: ['sg.world-ingress'] },
  'sg-world-ingress-from-public-ip': { checks: ['sg.world-ingress', 'sg.cidr-source'] },
  'sg-ingress-rfc1918-cidr': { checks: ['sg.cidr-source'] },
  // An empty default VPC's default group is reported once, on its VPC, as vpc.default-vpc.
  'sg-default-not-restricted': { checks: ['sg.default-has-rules', 'vpc.default-vpc'] },
  'lb-internet-facing-and-sg-public': { checks: ['elb.internet-facing'] },
  'subnet-map-public-ip-on-launch': { checks: ['vpc.auto-public-ip'] },
  'cloudfront-waf-missing': { checks: ['cloudfront.waf-missing'] },
  'cloudfront-http-allowed': { checks: ['cloudfront.viewer-http'] },
  'cloudfront-s3-origin-no-oai-oac': { checks: ['cloudfront.s3-origin-access'] },
  'apigw-waf-missing': { checks: ['apigw.waf-missing'] },
  'apigw-endpoint-not-private': {
    checks: ['apigw.endpoint-type'],
    intent: { apiGateway: { endpointTypes: { '*': 'PRIVATE' } } },
  },
};

/** Families of the corpus we do not compare, and why (printed under the table). */
export const NOT_COMPARED: Readonly<Record<string, string>> = {
  'sg-world-ingress-port-not-allowlisted':
    'no directly comparable case (the allow-list lives in peer settings)',
  'sg-wide-open-public-ipv4': 'also judges egress rules; our catalogue audits ingress sources only',
  'instance-internet-exposed':
    'built from DescribeInstances, which our collectors never call; exposure.unintended-entry reasons from ENIs, routes and ACLs, which these fixtures do not record',
  'instance-public-ip-open-sg': 'built from DescribeInstances (see above)',
  'lb-internet-facing': 'Classic Load Balancers (elb), which the catalogue does not cover (ELBv2 only)',
  'lb-http-listener':
    'listener protocols are not a check of the catalogue (TLS is not a network-architecture principle here)',
  'lb-waf-missing': 'no WAF check on load balancers: the intended front door is CloudFront',
  'vpc-public-private-subnet-separation': 'a different question (does a VPC have both kinds of subnet)',
  'igw-not-attached': 'unattached gateways carry no traffic; no check of the catalogue',
  'igw-unused': 'as above',
  'vpc-no-managed-nat-gateway':
    'NAT mode is judged against the intent (vpc.nat-mode), which these fixtures cannot state',
  'nat-gateway-single-az': 'as above',
  'cloudfront-viewer-tls-insecure': 'certificate and TLS policy are not a check of the catalogue',
  'cloudfront-origin-http-allowed':
    'origin protocol is not a check of the catalogue (VPC origins and OAC replace public origins)',
  'cloudfront-origin-tls-deprecated': 'as above',
  'apigw-no-authorizer':
    'authorizers are not a check of the catalogue (APIs behind CloudFront require an API key instead)',
  'apigw-public-without-authorizer': 'as above',
  'apigw-default-endpoint-enabled':
    'not a check of the catalogue (the API key and the resource policy close the default endpoint)',
};

export type Verdict = 'compliant' | 'non-compliant';

export interface Outcome {
  readonly peerCase: PeerCase;
  readonly ours: Verdict;
  readonly violations: readonly (Violation & { readonly checkId: string })[];
  readonly agree: boolean;
}

/** VPC ids any recorded resource names: peers audit default VPCs too, so the comparison scopes them in. */
const vpcIdsOf = (inventory: Inventory): string[] =>
  [
    ...new Set(
      [
        ...inventory.ec2.vpcs.map((v) => v.id),
        ...inventory.ec2.subnets.map((s) => s.vpcId),
        ...inventory.ec2.securityGroups.map((g) => g.vpcId),
        ...inventory.elbv2.loadBalancers.map((lb) => lb.vpcId),
      ].filter((id) => id.startsWith('vpc-')),
    ),
  ].sort();

export const runCase = (c: PeerCase): Outcome => {
  const family = FAMILIES[c.family];
  if (!family) throw new Error(`family ${c.family} is not compared`);
  const inventory = inventoryOf(c);
  const intent = parseIntent(
    JSON.stringify({
      version: 1,
      profile: 'private-backend',
      vpcs: vpcIdsOf(inventory).map((id) => ({ id })),
      ...family.intent,
    }),
    `peer case ${c.id}`,
  );
  const violations = family.checks.flatMap((id) => {
    const check = CHECKS.find((k) => k.id === id);
    if (!check) throw new Error(`check ${id} is not registered`);
    return check
      .evaluate({ inventory, intent, now: NOW, checks: CHECKS })
      .map((v) => ({ ...v, checkId: id }));
  });
  // Where the peer's test names the resources it asserts on (Prowler), judge those resources only: the
  // recordings also hold resources the test does not look at (moto's default VPC, its default SGs).
  const asserted = (c.expected.results ?? []).filter(
    (r) => r.asserted_by_test && r.resource_identified_by_test,
  );
  const names = new Set(
    asserted.flatMap((r) => [r.resource_id, r.resource_arn]).filter((x) => x !== undefined),
  );
  // vpc.default-vpc stands for an empty default VPC's public subnets and default group: it names them
  // in details.covers.
  const covered = (v: Violation): readonly string[] => {
    const covers = v.details?.covers;
    return Array.isArray(covers) ? covers.filter((c): c is string => typeof c === 'string') : [];
  };
  const relevant =
    asserted.length === 0
      ? violations
      : violations.filter((v) =>
          [v.resource.id, v.resource.arn, v.resource.name, ...covered(v)].some((x) => x && names.has(x)),
        );
  const ours: Verdict = relevant.length > 0 ? 'non-compliant' : 'compliant';
  return { peerCase: c, ours, violations: relevant, agree: ours === c.expected.verdict };
};

export const comparableCases = (cases: readonly PeerCase[]): readonly PeerCase[] =>
  cases.filter((c) => c.directly_comparable && FAMILIES[c.family] !== undefined);

// ------------------------------------------------------------------------------------ explanations

const WORLD = new Set(['0.0.0.0/0', '::/0']);
/**
 * The source CIDR of a sg.* violation, read from its `fact` ('tcp/80 from 0.0.0.0/0'): the fact is the
 * stable form (it feeds fingerprints), while `actual` is Japanese display text that may be reworded.
 */
const sourceOf = (v: Violation): string | undefined => v.fact?.split(' from ')[1];

export interface Explanation {
  readonly key: string;
  readonly title: string;
  /** One sentence: why our verdict is the right one for this architecture. */
  readonly sentence: string;
  readonly applies: (o: Outcome) => boolean;
}

/** Every kind of disagreement we know of; the first that applies explains a case. */
export const EXPLANATIONS: readonly Explanation[] = [
  {
    key: 'fail-once',
    title: 'Prowler reports an SG once across its rules; we report the rule',
    sentence:
      'Prowler passes a port-specific (or from-IP) check for an SG that its all-ports check already failed, to avoid reporting it twice; sg.world-ingress reports each world-open rule exactly once, so the SG is non-compliant here as well and nothing is reported twice.',
    applies: (o) =>
      o.ours === 'non-compliant' &&
      /pass_to_avoid_fail_twice|already_failed/.test(o.peerCase.id) &&
      o.violations.some((v) => v.checkId === 'sg.world-ingress'),
  },
  {
    key: 'world-any-port',
    title: 'No world source on any port',
    sentence:
      'P4 admits no 0.0.0.0/0 or ::/0 source on any port (the only public door is CloudFront, through its origin-facing prefix list), so a world-open rule on a port the peer rule does not look at (tcp/80, tcp/443) is still a finding.',
    applies: (o) =>
      o.ours === 'non-compliant' &&
      o.peerCase.family.startsWith('sg-') &&
      o.violations.every((v) => v.checkId === 'sg.world-ingress' && WORLD.has(sourceOf(v) ?? '')),
  },
  {
    key: 'private-cidr',
    title: 'CIDR sources, private ones included',
    sentence:
      'P4 requires security-group references (or the CloudFront prefix list) as sources, because a CIDR such as 10.0.0.0/8 admits every host in the range and lets them bypass the ALB → ECS → DB chain; sg.cidr-source reports it where the peer fails public ranges only.',
    applies: (o) =>
      o.ours === 'non-compliant' &&
      o.violations.every((v) => v.checkId === 'sg.cidr-source' && !WORLD.has(sourceOf(v) ?? '')),
  },
  {
    key: 'scheme-alone',
    title: 'An internet-facing scheme is the finding',
    sentence:
      'Prowler fails an internet-facing load balancer only when one of its SGs is also world-open; under private-backend a load balancer must be internal (reached through a CloudFront VPC origin or a VPC link), so the scheme alone exposes it and elb.internet-facing reports it.',
    applies: (o) =>
      o.ours === 'non-compliant' &&
      o.peerCase.family.startsWith('lb-') &&
      o.violations.every((v) => v.checkId === 'elb.internet-facing'),
  },
  {
    key: 'legacy-oai',
    title: 'A legacy OAI is reported (low)',
    sentence:
      'CloudSploit accepts an Origin Access Identity; we report it at low severity because OAI is the legacy mechanism (no SSE-KMS, no newer regions) and the architecture reads S3 through Origin Access Control.',
    applies: (o) =>
      o.ours === 'non-compliant' &&
      o.peerCase.family === 'cloudfront-s3-origin-no-oai-oac' &&
      o.violations.every((v) => v.checkId === 'cloudfront.s3-origin-access' && v.actual?.startsWith('OAI')),
  },
];

export const explain = (o: Outcome): Explanation | undefined =>
  o.agree ? undefined : EXPLANATIONS.find((e) => e.applies(o));

// ------------------------------------------------------------------------------------------ report

export const COMMAND = 'npx tsx scripts/peer-compare.ts > docs/peer-comparison.md';

export const renderMarkdown = (outcomes: readonly Outcome[]): string => {
  const families = Object.keys(FAMILIES).filter((f) => outcomes.some((o) => o.peerCase.family === f));
  const disagreements = outcomes.filter((o) => !o.agree);
  const agreeCount = outcomes.length - disagreements.length;
  const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)}%`);
  const lines: string[] = [
    '# Peer comparison: our verdicts on other auditors’ test cases',
    '',
    `<!-- Generated; do not edit by hand. Regenerate with: ${COMMAND} -->`,
    '',
    `Regenerate with \`${COMMAND}\` (test/peer/peer-compare.test.ts fails when this file is stale).`,
    '',
    'Source: `../shared/peer-corpus/peer-cases.json` (fixtures and asserted verdicts from the unit tests of',
    'CloudSploit and Prowler, read at run time, never copied here). Compared: the `directly_comparable` cases of',
    'the families our catalogue covers. Each case’s recorded AWS responses go through the same normalizers as the',
    'live collectors (collect/normalize/*) into an inventory; the check(s) below run with the `private-backend`',
    'profile and every VPC the recording names in scope (peers audit default VPCs too). Where the peer’s test',
    'names the resources it asserts on, only those resources are judged. Any violation = non-compliant.',
    '',
    '## Agreement per family',
    '',
    '| family | our check(s) | cases | agree | disagree |',
    '| --- | --- | ---: | ---: | ---: |',
    ...families.map((f) => {
      const of = outcomes.filter((o) => o.peerCase.family === f);
      const agree = of.filter((o) => o.agree).length;
      const checks = FAMILIES[f]!.checks.map((c) => `\`${c}\``).join(', ');
      return `| \`${f}\` | ${checks} | ${of.length} | ${agree} | ${of.length - agree} |`;
    }),
    `| **total** | | **${outcomes.length}** | **${agreeCount}** (${pct(agreeCount, outcomes.length)}) | **${disagreements.length}** |`,
    '',
    '## Disagreements, and why our verdict is right for this architecture',
    '',
  ];
  if (disagreements.length === 0) lines.push('None.', '');
  const groups = [...EXPLANATIONS, undefined].map((e) => ({
    e,
    cases: disagreements.filter((o) => explain(o) === e),
  }));
  for (const { e, cases } of groups.filter((g) => g.cases.length > 0)) {
    lines.push(`### ${e ? e.title : 'UNEXPLAINED'} (${cases.length})`, '');
    lines.push(e ? e.sentence : 'UNEXPLAINED: no known semantic difference accounts for these cases.', '');
    lines.push('| case | family | peer | ours | our finding |', '| --- | --- | --- | --- | --- |');
    for (const o of cases) {
      const finding = [...new Set(o.violations.map((v) => `${v.checkId}: ${v.actual ?? ''}`))].join('; ');
      lines.push(
        `| \`${o.peerCase.id}\` | \`${o.peerCase.family}\` | ${o.peerCase.expected.verdict} | ${o.ours} | ${finding || '–'} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## Families not compared',
    '',
    '| family | why |',
    '| --- | --- |',
    ...Object.entries(NOT_COMPARED).map(([f, why]) => `| \`${f}\` | ${why} |`),
    '',
  );
  return lines.join('\n');
};

export const compareCorpus = (cases: readonly PeerCase[] = readCorpus()): readonly Outcome[] =>
  comparableCases(cases).map(runCase);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(renderMarkdown(compareCorpus()));
}
