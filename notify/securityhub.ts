import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandOutput,
  type ImportFindingsError,
  type Partition,
  type Resource,
  type ResourceDetails,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { Finding, SuppressedFinding } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import { StateConflictError } from './errors.ts';
import { type AlertStateEntry, diffAgainstState, type RecoveredFinding, type StateStore } from './state.ts';

/**
 * Security Hub (CSPM) as a sink beside SNS: every open finding is imported with BatchImportFindings in
 * the AWS Security Finding Format under the account's default product, and a finding that is gone is
 * re-imported archived. What was imported is kept in a state of its own (the alert state's schema and
 * stores, decided by the same diff), so what to archive comes from our own record, never from
 * GetFindings, and an incomplete audit archives nothing it did not see, exactly as notify withholds
 * recoveries. The record is separate from the SNS alert state because either sink may run alone
 * (`audit --security-hub` without `--publish`) and a failure of one must not make the other lose what
 * it still has to send.
 */

export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** ASFF length limits (characters) of the Japanese text we send. */
export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendation: 512,
  productField: 2048,
} as const;

/** BatchImportFindings takes at most 100 findings per request and 10 requests per second. */
export const MAX_FINDINGS_PER_REQUEST = 100;
export const MAX_REQUESTS_PER_SECOND = 10;

/** Where the record of what was imported lives: beside the alert state (CLI file, Lambda S3 key). */
export const DEFAULT_SECURITY_HUB_STATE_PATH = '.arch-auditor/securityhub.json';
export const DEFAULT_SECURITY_HUB_STATE_KEY = 'arch-auditor/securityhub.json';

/** Open findings are re-imported at least this often, so Security Hub sees them as current. */
export const DEFAULT_REFRESH_AFTER_HOURS = 24;

/** A Security Hub security-best-practice finding about network reachability (ASFF Types namespace). */
const FINDING_TYPES = ['Software and Configuration Checks/AWS Security Best Practices/Network Reachability'];

/**
 * Our CloudFormation resource types and their ASFF `Resources[].Type`: the names Security Hub defines
 * a details object for (keys of the SDK's ResourceDetails, so a misspelt name does not compile).
 * Types without one (NAT gateways, VPC links, the account) are `Other`, as the ASFF asks.
 */
const ASFF_RESOURCE_TYPES: Readonly<Record<string, Exclude<keyof ResourceDetails, 'Other'>>> = {
  'AWS::EC2::SecurityGroup': 'AwsEc2SecurityGroup',
  'AWS::EC2::Subnet': 'AwsEc2Subnet',
  'AWS::EC2::VPC': 'AwsEc2Vpc',
  'AWS::EC2::NetworkInterface': 'AwsEc2NetworkInterface',
  'AWS::EC2::RouteTable': 'AwsEc2RouteTable',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'AwsElbv2LoadBalancer',
  'AWS::CloudFront::Distribution': 'AwsCloudFrontDistribution',
  'AWS::ApiGateway::RestApi': 'AwsApiGatewayRestApi',
  'AWS::ApiGateway::Stage': 'AwsApiGatewayStage',
};

export const asffResourceType = (type: string): string => ASFF_RESOURCE_TYPES[type] ?? 'Other';

/** `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`: the account's own product. */
export const defaultProductArn = (location: {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}): string =>
  `arn:${location.partition}:securityhub:${location.region}:${location.account}:product/${location.account}/default`;

const productArnParts = (productArn: string): { partition: string; region: string; account: string } => {
  const match = /^arn:([a-z-]+):securityhub:([a-z0-9-]+):(\d{12}):product\/\d{12}\/default$/.exec(productArn);
  if (!match) throw new Error(`not a default Security Hub product ARN: ${productArn}`);
  return { partition: match[1] as string, region: match[2] as string, account: match[3] as string };
};

/**
 * `text` cut to at most `max` UTF-16 units (how AWS counts string lengths), ending with '…' when cut.
 * It cuts between code points, so a character outside the BMP (a surrogate pair) is never split.
 */
export const cutText = (text: string, max: number): string => {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
};

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The resource's ARN, built from its type and id where AWS names it so (the same whether it comes from
 * a finding or from the state, so re-imports keep one resource id); the id itself otherwise.
 */
export const resourceId = (
  resource: { readonly type: string; readonly id: string; readonly region: string },
  account: string | undefined,
  partition: string,
): string => {
  const { type, id, region } = resource;
  if (id.startsWith('arn:')) return id;
  if (type === 'AWS::Account') return `AWS::::Account:${id}`;
  const ec2 = {
    'AWS::EC2::SecurityGroup': 'security-group',
    'AWS::EC2::Subnet': 'subnet',
    'AWS::EC2::VPC': 'vpc',
    'AWS::EC2::NetworkInterface': 'network-interface',
    'AWS::EC2::RouteTable': 'route-table',
    'AWS::EC2::NatGateway': 'natgateway',
  }[type];
  if (ec2 && account) return `arn:${partition}:ec2:${region}:${account}:${ec2}/${id}`;
  if (type === 'AWS::CloudFront::Distribution' && account) {
    return `arn:${partition}:cloudfront::${account}:distribution/${id}`;
  }
  if (type === 'AWS::ApiGateway::RestApi') return `arn:${partition}:apigateway:${region}::/restapis/${id}`;
  if (type === 'AWS::ApiGateway::Stage') {
    const [api, stage] = id.split('/');
    if (api && stage) return `arn:${partition}:apigateway:${region}::/restapis/${api}/stages/${stage}`;
  }
  if (type === 'AWS::ApiGateway::VpcLink') return `arn:${partition}:apigateway:${region}::/vpclinks/${id}`;
  return id;
};

const PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov'];

const asffResource = (
  resource: { readonly type: string; readonly id: string; readonly region: string },
  account: string | undefined,
  partition: string,
): Resource => {
  const type = asffResourceType(resource.type);
  return {
    Type: type,
    Id: resourceId(resource, account, partition),
    ...(PARTITIONS.includes(partition) ? { Partition: partition as Partition } : {}),
    // CloudFront is global: no region.
    ...(resource.region !== 'global' ? { Region: resource.region } : {}),
    // Where ASFF has no type of its own, say which CloudFormation type it is.
    ...(type === 'Other' ? { Details: { Other: { CloudFormationType: resource.type } } } : {}),
  };
};

/** The finding's own account in a merged multi-account report, else the report's. */
/** The audited account a resource lives in (every finding names it), when it is an account id. */
const accountIdOr = (account: string | undefined): string | undefined =>
  account !== undefined && ACCOUNT_ID.test(account) ? account : undefined;

const accountOf = (finding: Finding, report: Report): string | undefined =>
  accountIdOr(finding.account?.id ?? report.account);

const SEVERITY_LABEL = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' } as const;

/** What every finding we import shares. */
export interface AsffContext {
  /** The default product of the account calling BatchImportFindings. */
  readonly productArn: string;
  /** When this import happens (UpdatedAt). */
  readonly now: Date;
}

interface Common {
  readonly checkId: string;
  readonly severity: Finding['severity'];
  readonly fingerprint: string;
  readonly resource: { readonly type: string; readonly id: string; readonly region: string };
  readonly resourceAccount: string | undefined;
  readonly title: string;
  readonly description: string;
  readonly remediation?: string | undefined;
  readonly firstSeen: string;
  readonly lastObserved: string;
  readonly productFields: Readonly<Record<string, string>>;
}

const asffFinding = (
  common: Common,
  state: { readonly record: 'ACTIVE' | 'ARCHIVED'; readonly compliance: 'FAILED' | 'PASSED' },
  context: AsffContext,
): AwsSecurityFinding => {
  const { partition, account } = productArnParts(context.productArn);
  const severity = { Label: SEVERITY_LABEL[common.severity], Original: common.severity };
  const productFields = Object.fromEntries(
    Object.entries(common.productFields).map(([k, v]) => [k, cutText(v, ASFF_LIMITS.productField)]),
  );
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: common.fingerprint,
    ProductArn: context.productArn,
    ProductName: 'arch-auditor',
    CompanyName: 'arch-auditor',
    GeneratorId: `arch-auditor/${common.checkId}`,
    // The default product imports findings of the calling account only; the audited account of a
    // multi-account run is in the resource ARN and ProductFields.
    AwsAccountId: account,
    Types: FINDING_TYPES,
    CreatedAt: common.firstSeen,
    UpdatedAt: context.now.toISOString(),
    FirstObservedAt: common.firstSeen,
    LastObservedAt: common.lastObserved,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: FINDING_TYPES },
    Title: cutText(common.title, ASFF_LIMITS.title),
    Description: cutText(common.description, ASFF_LIMITS.description),
    ...(common.remediation
      ? { Remediation: { Recommendation: { Text: cutText(common.remediation, ASFF_LIMITS.recommendation) } } }
      : {}),
    ProductFields: productFields,
    Resources: [asffResource(common.resource, common.resourceAccount ?? account, partition)],
    Compliance: { Status: state.compliance },
    RecordState: state.record,
  };
};

const describeFinding = (finding: Finding): string =>
  [
    finding.message,
    finding.impact ? `影響: ${finding.impact}` : undefined,
    finding.expected !== undefined ? `期待: ${finding.expected}` : undefined,
    finding.actual !== undefined ? `実際: ${finding.actual}` : undefined,
  ]
    .filter((line) => line !== undefined)
    .join('\n');

const commonOf = (finding: Finding, report: Report, firstSeen: string): Omit<Common, 'description'> => ({
  checkId: finding.checkId,
  severity: finding.severity,
  fingerprint: finding.fingerprint,
  resource: finding.resource,
  resourceAccount: accountOf(finding, report),
  title: finding.title,
  remediation: finding.remediation,
  firstSeen,
  lastObserved: report.finishedAt,
  productFields: {
    'arch-auditor/checkId': finding.checkId,
    'arch-auditor/fact': finding.fact,
    ...(accountOf(finding, report) ? { 'arch-auditor/account': accountOf(finding, report) as string } : {}),
    ...(finding.principle ? { 'arch-auditor/principle': finding.principle } : {}),
  },
});

/** An open finding: active and failed. */
export const activeFinding = (
  finding: Finding,
  report: Report,
  firstSeen: string,
  context: AsffContext,
): AwsSecurityFinding =>
  asffFinding(
    { ...commonOf(finding, report, firstSeen), description: describeFinding(finding) },
    { record: 'ACTIVE', compliance: 'FAILED' },
    context,
  );

/** A finding an exception now accepts: archived, still failed (the fact is there, accepted). */
export const acceptedFinding = (
  finding: SuppressedFinding,
  report: Report,
  firstSeen: string,
  context: AsffContext,
): AwsSecurityFinding => {
  const { reason, expires } = finding.exception;
  return asffFinding(
    {
      ...commonOf(finding, report, firstSeen),
      description: `例外として承認されました（理由: ${reason}${expires ? `、期限: ${expires}` : ''}）。\n${describeFinding(finding)}`,
    },
    { record: 'ARCHIVED', compliance: 'FAILED' },
    context,
  );
};

/** A finding gone from a complete look at its scope: archived and passed. */
export const resolvedFinding = (
  entry: RecoveredFinding,
  report: Report,
  context: AsffContext,
): AwsSecurityFinding => {
  const where = entry.resourceName ? `${entry.resourceName} (${entry.resourceId})` : entry.resourceId;
  const title = entry.title ?? entry.checkId;
  return asffFinding(
    {
      checkId: entry.checkId,
      severity: entry.severity,
      fingerprint: entry.fingerprint,
      resource: { type: entry.resourceType, id: entry.resourceId, region: entry.region },
      resourceAccount: accountIdOr(entry.accountId ?? report.account),
      title,
      description: `${where} の「${title}」は ${report.finishedAt} の監査で検出されなくなりました（解消済み）。`,
      firstSeen: entry.firstSeen,
      lastObserved: entry.lastAlerted,
      productFields: { 'arch-auditor/checkId': entry.checkId },
    },
    { record: 'ARCHIVED', compliance: 'PASSED' },
    context,
  );
};

/** BatchImportFindings failed, or refused some findings: the run must fail, naming them. */
export class SecurityHubImportError extends Error {
  readonly failed: readonly ImportFindingsError[];

  constructor(message: string, failed: readonly ImportFindingsError[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecurityHubImportError';
    this.failed = failed;
  }
}

export interface ImportOptions {
  /** Waits between requests (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly clock?: () => number;
}

/**
 * Imports `findings` in requests of at most 100, started at least 1/10 s apart (the API's 10 requests
 * per second; the SDK retries a throttled one). Every request is made even when one refuses findings;
 * then the refused findings (FailedFindings) are thrown together, each named with its id, check and
 * error, never dropped. A request that fails outright stops the import with its cause.
 * Returns the number of requests made.
 */
export const importFindings = async (
  client: SecurityHubClient,
  findings: readonly AwsSecurityFinding[],
  options: ImportOptions = {},
): Promise<number> => {
  const wait = options.sleep ?? sleep;
  const clock = options.clock ?? Date.now;
  const spacingMs = 1000 / MAX_REQUESTS_PER_SECOND;
  const failed: ImportFindingsError[] = [];
  let requests = 0;
  let lastStart: number | undefined;
  for (let i = 0; i < findings.length; i += MAX_FINDINGS_PER_REQUEST) {
    const batch = findings.slice(i, i + MAX_FINDINGS_PER_REQUEST);
    if (lastStart !== undefined) {
      const due = lastStart + spacingMs - clock();
      if (due > 0) await wait(due);
    }
    lastStart = clock();
    requests += 1;
    let output: BatchImportFindingsCommandOutput;
    try {
      output = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      throw new SecurityHubImportError(
        `Security Hub BatchImportFindings failed for findings ${i + 1}-${i + batch.length} of ${findings.length}: ${name}`,
        failed,
        { cause: error },
      );
    }
    failed.push(...(output.FailedFindings ?? []));
    if ((output.FailedCount ?? 0) > (output.FailedFindings?.length ?? 0)) {
      throw new SecurityHubImportError(
        `Security Hub refused ${output.FailedCount} finding(s) without naming them`,
        failed,
      );
    }
  }
  if (failed.length > 0) {
    const byId = new Map(findings.map((f) => [f.Id, f]));
    const lines = failed.map((f) => {
      const finding = f.Id ? byId.get(f.Id) : undefined;
      const about = finding ? ` (${finding.GeneratorId}, ${finding.Resources?.[0]?.Id})` : '';
      return `  - ${f.Id}${about}: ${f.ErrorCode}: ${f.ErrorMessage}`;
    });
    throw new SecurityHubImportError(
      `Security Hub refused ${failed.length} of ${findings.length} finding(s):\n${lines.join('\n')}`,
      failed,
    );
  }
  return requests;
};

/** Races another run may win on the Security Hub state before this one gives up. */
export const MAX_STATE_CONFLICTS = 5;

export interface SyncSecurityHubInput {
  readonly report: Report;
  /** What was imported, by fingerprint (the alert state's schema and stores). */
  readonly store: StateStore;
  readonly client: SecurityHubClient;
  readonly productArn: string;
  readonly now: Date;
  /** Re-import still-open findings unchanged for this many hours. */
  readonly refreshAfterHours?: number;
  /** A run restricted to some checks: the others' findings are neither re-imported nor archived. */
  readonly checksRun?: readonly string[];
  readonly importOptions?: ImportOptions;
}

export interface SyncSecurityHubResult {
  /** Findings imported active (new, changed severity, or due for refresh). */
  readonly active: number;
  /** Findings archived: resolved (PASSED) or now accepted by an exception. */
  readonly archived: number;
  readonly requests: number;
  readonly stateConflicts: number;
}

/**
 * Brings Security Hub up to date with the report: imports what is open (new, changed, due for a
 * refresh), archives what this run saw resolved or now accepted, then records it. A failed import
 * throws before the record is saved, so the next run imports all of it again (imports are idempotent:
 * the same Id updates the finding). A save another run beat is retried from the fresher record.
 */
export const syncSecurityHub = async (input: SyncSecurityHubInput): Promise<SyncSecurityHubResult> => {
  const { report, store, now } = input;
  const context: AsffContext = { productArn: input.productArn, now };
  for (let conflicts = 0; ; ) {
    const { state: previous, version } = await store.load();
    const diff = diffAgainstState(report, previous, {
      now,
      remindAfterHours: input.refreshAfterHours ?? DEFAULT_REFRESH_AFTER_HOURS,
      ...(input.checksRun ? { checksRun: input.checksRun } : {}),
    });
    const seen = (fingerprint: string): AlertStateEntry | undefined => previous?.findings[fingerprint];
    const firstSeen = (fingerprint: string): string =>
      diff.nextState.findings[fingerprint]?.firstSeen ?? now.toISOString();
    const open = [...diff.newFindings, ...diff.changed.map((c) => c.finding), ...diff.reminders];
    const accepted = [
      ...new Map(
        report.suppressed.filter((f) => seen(f.fingerprint)).map((f) => [f.fingerprint, f]),
      ).values(),
    ];
    const findings = [
      ...open.map((f) => activeFinding(f, report, firstSeen(f.fingerprint), context)),
      ...accepted.map((f) =>
        acceptedFinding(f, report, seen(f.fingerprint)?.firstSeen ?? now.toISOString(), context),
      ),
      ...diff.recovered.map((entry) => resolvedFinding(entry, report, context)),
    ];
    const requests =
      findings.length > 0 ? await importFindings(input.client, findings, input.importOptions) : 0;
    try {
      await store.save(diff.nextState, version);
    } catch (error) {
      if (!(error instanceof StateConflictError) || conflicts + 1 >= MAX_STATE_CONFLICTS) throw error;
      conflicts += 1;
      continue;
    }
    return {
      active: open.length,
      archived: accepted.length + diff.recovered.length,
      requests,
      stateConflicts: conflicts,
    };
  }
};
