import { isIP } from 'node:net';
import type {
  AccountRef,
  ChangedBy,
  ChangeTool,
  Finding,
  ResourceRef,
  Severity,
  SuppressedFinding,
} from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import packageJson from '../package.json' with { type: 'json' };

/**
 * `--format ocsf`: each finding as an OCSF 1.6.0 Detection Finding (class 2004), one JSON object per
 * line, for security lakes and SIEMs (Amazon Security Lake, Security Hub's OCSF findings, …). The
 * mapping is documented in docs/report.md; test/report/ocsf-schema.test.ts validates every record
 * against the published schema.
 */

export const OCSF_VERSION = '1.6.0';

/** The one profile applied: it adds `cloud` (account, region) to the event. */
export const OCSF_PROFILES = ['cloud'] as const;

const CREATE = { activity_id: 1, activity_name: 'Create' } as const;

/** OCSF severity_id: 1 Informational … 5 Critical; ours start at Low. */
export const OCSF_SEVERITY: Readonly<
  Record<Severity, { readonly id: 2 | 3 | 4 | 5; readonly name: string }>
> = {
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** Finding status_id: an open finding is New (nobody has reviewed it); an excepted one is Suppressed. */
const NEW = { status_id: 1, status: 'New' } as const;
const SUPPRESSED = { status_id: 3, status: 'Suppressed' } as const;

const ACCOUNT_ID = /^\d{12}$/;

interface OcsfAccount {
  readonly uid: string;
  /** The account's name, where Organizations gives one. */
  readonly name?: string;
  readonly type_id: 10;
  readonly type: 'AWS Account';
}

interface OcsfResource {
  /** The ARN where we know it, otherwise the resource's own id. */
  readonly uid: string;
  /** The resource's id when `uid` is its ARN. */
  readonly uid_alt?: string;
  /** CloudFormation type name, as in our report. */
  readonly type: string;
  readonly name?: string;
  readonly region?: string;
  readonly cloud_partition?: string;
  readonly role_id: 1;
  readonly role: 'Target';
}

/** One change behind a finding (`changedBy`): who made it, with which API call, from where. */
interface OcsfEvidence {
  readonly actor: {
    readonly user: {
      readonly uid: string;
      readonly name: string;
      readonly type_id: 1 | 2 | 4 | 99;
      readonly type: string;
    };
  };
  /** The CloudTrail event: its name and id. */
  readonly api: { readonly operation: string; readonly request: { readonly uid: string } };
  readonly src_endpoint?: { readonly ip: string } | { readonly domain: string };
  readonly http_request?: { readonly user_agent: string };
  /** What OCSF's evidence has no attribute for: when the change was made, and with which tool. */
  readonly data: { readonly event_time: string; readonly tool: ChangeTool };
}

/** The attributes we emit; every other attribute of the class is left out. */
export interface OcsfDetectionFinding {
  readonly activity_id: 1;
  readonly activity_name: 'Create';
  readonly category_uid: 2;
  readonly category_name: 'Findings';
  readonly class_uid: 2004;
  readonly class_name: 'Detection Finding';
  readonly type_uid: 200401;
  readonly type_name: 'Detection Finding: Create';
  readonly severity_id: 2 | 3 | 4 | 5;
  readonly severity: string;
  readonly status_id: 1 | 3;
  readonly status: 'New' | 'Suppressed';
  /** Why it is suppressed: the exception's reason. */
  readonly status_detail?: string;
  /** When the audit observed it: epoch milliseconds. */
  readonly time: number;
  /** Japanese. */
  readonly message: string;
  readonly is_alert: boolean;
  readonly metadata: {
    readonly version: typeof OCSF_VERSION;
    readonly product: { readonly name: string; readonly vendor_name: string; readonly version: string };
    readonly profiles: readonly string[];
  };
  readonly cloud: {
    readonly provider: 'AWS';
    readonly account?: OcsfAccount;
    readonly region?: string;
    readonly cloud_partition?: string;
  };
  readonly finding_info: {
    /** Our fingerprint: the same fact keeps the same uid across runs. */
    readonly uid: string;
    /** Japanese. */
    readonly title: string;
    /** Japanese: the finding's message. */
    readonly desc: string;
    readonly analytic: {
      /** The check id. */
      readonly uid: string;
      readonly name: string;
      readonly type_id: 1;
      readonly type: 'Rule';
      /** The architecture principle the check enforces (P1–P10). */
      readonly category?: string;
    };
  };
  readonly resources: readonly OcsfResource[];
  /** Who made the changes behind the finding, most recent first. */
  readonly evidences?: readonly OcsfEvidence[];
  /** Japanese. */
  readonly remediation?: { readonly desc: string };
  /** Japanese: the impact in one sentence. */
  readonly risk_details?: string;
  /** Our fields OCSF has no attribute for. */
  readonly unmapped: {
    readonly expected?: string;
    readonly actual?: string;
    readonly details?: Readonly<Record<string, unknown>>;
    readonly exception?: SuppressedFinding['exception'];
    readonly changedByMissing?: Finding['changedByMissing'];
  };
}

const PRODUCT = { name: 'arch-auditor', vendor_name: 'arch-auditor', version: packageJson.version };

/** 'global' (CloudFront) is not a region: such a resource carries none. */
const regionOf = (resource: ResourceRef): string | undefined =>
  resource.region === 'global' ? undefined : resource.region;

/** The partition only where an ARN says it; never guessed. */
const partitionOf = (resource: ResourceRef): string | undefined => resource.arn?.split(':')[1] || undefined;

const ocsfResource = (resource: ResourceRef): OcsfResource => {
  const region = regionOf(resource);
  const partition = partitionOf(resource);
  return {
    uid: resource.arn ?? resource.id,
    ...(resource.arn && resource.arn !== resource.id ? { uid_alt: resource.id } : {}),
    type: resource.type,
    ...(resource.name ? { name: resource.name } : {}),
    ...(region ? { region } : {}),
    ...(partition ? { cloud_partition: partition } : {}),
    role_id: 1,
    role: 'Target',
  };
};

/** CloudTrail's identity types by OCSF user type (1 User, 2 Admin, 4 Service); any other is 99 Other, named as CloudTrail names it. */
const USER_TYPES: Readonly<Record<string, { readonly id: 1 | 2 | 4; readonly caption: string }>> = {
  IAMUser: { id: 1, caption: 'User' },
  IdentityCenterUser: { id: 1, caption: 'User' },
  Root: { id: 2, caption: 'Admin' },
  AWSService: { id: 4, caption: 'Service' },
};

const ocsfEvidence = (change: ChangedBy): OcsfEvidence => {
  const userType = USER_TYPES[change.type];
  return {
    actor: {
      user: {
        uid: change.arn,
        name: change.name,
        type_id: userType?.id ?? 99,
        type: userType?.caption ?? change.type,
      },
    },
    api: { operation: change.eventName, request: { uid: change.eventId } },
    // CloudTrail records an address, or the name of the AWS service that made the call.
    ...(change.sourceIp
      ? { src_endpoint: isIP(change.sourceIp) ? { ip: change.sourceIp } : { domain: change.sourceIp } }
      : {}),
    ...(change.userAgent ? { http_request: { user_agent: change.userAgent } } : {}),
    data: { event_time: change.eventTime, tool: change.tool },
  };
};

/** The finding's own account (every finding names it), when it is a well-formed account id. */
const accountOf = (finding: Finding): AccountRef | undefined =>
  ACCOUNT_ID.test(finding.account.id) ? finding.account : undefined;

const toDetectionFinding = (
  finding: Finding,
  report: Report,
  exception?: SuppressedFinding['exception'],
): OcsfDetectionFinding => {
  const account = accountOf(finding);
  const region = regionOf(finding.resource);
  const partition = partitionOf(finding.resource);
  const severity = OCSF_SEVERITY[finding.severity];
  return {
    ...CREATE,
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: severity.id,
    severity: severity.name,
    ...(exception ? { ...SUPPRESSED, status_detail: exception.reason } : NEW),
    time: Date.parse(report.finishedAt),
    message: finding.message,
    is_alert: !exception,
    metadata: { version: OCSF_VERSION, product: PRODUCT, profiles: [...OCSF_PROFILES] },
    cloud: {
      provider: 'AWS',
      ...(account
        ? {
            account: {
              uid: account.id,
              ...(account.name ? { name: account.name } : {}),
              type_id: 10,
              type: 'AWS Account',
            },
          }
        : {}),
      ...(region ? { region } : {}),
      ...(partition ? { cloud_partition: partition } : {}),
    },
    finding_info: {
      uid: finding.fingerprint,
      title: finding.title,
      desc: finding.message,
      analytic: {
        uid: finding.checkId,
        name: finding.checkId,
        type_id: 1,
        type: 'Rule',
        ...(finding.principle ? { category: finding.principle } : {}),
      },
    },
    resources: [ocsfResource(finding.resource)],
    ...(finding.changedBy?.length ? { evidences: finding.changedBy.map(ocsfEvidence) } : {}),
    ...(finding.remediation ? { remediation: { desc: finding.remediation } } : {}),
    ...(finding.impact ? { risk_details: finding.impact } : {}),
    unmapped: {
      ...(finding.expected !== undefined ? { expected: finding.expected } : {}),
      ...(finding.actual !== undefined ? { actual: finding.actual } : {}),
      ...(finding.details !== undefined ? { details: finding.details } : {}),
      ...(exception ? { exception } : {}),
      ...(finding.changedByMissing ? { changedByMissing: finding.changedByMissing } : {}),
    },
  };
};

/** Every finding, then every suppressed one, as Detection Findings. */
export const toOcsf = (report: Report): readonly OcsfDetectionFinding[] => [
  ...report.findings.map((f) => toDetectionFinding(f, report)),
  ...report.suppressed.map((f) => toDetectionFinding(f, report, f.exception)),
];

/** JSON lines: one Detection Finding per line; nothing at all for a report without findings. */
export const renderOcsf = (report: Report): string =>
  toOcsf(report)
    .map((record) => `${JSON.stringify(record)}\n`)
    .join('');
