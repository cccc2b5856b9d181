import type { ChangedBy, ChangeTool, Finding } from '../../model/finding.ts';
import type { CloudTrailRecord } from './events.ts';

/**
 * Who made a change, read from its CloudTrail record (pure). `name` is what a reader recognises: the
 * IAM user, the person behind an IAM Identity Center session (the session of an `AWSReservedSSO_*`
 * role is named after the user), the role and session of any other assumed role, or the AWS service
 * that acted (`invokedBy`).
 */
export const actorOf = (record: CloudTrailRecord): ChangedBy => {
  const identity = record.userIdentity;
  const arn = identity.arn ?? identity.sessionContext?.sessionIssuer?.arn ?? '';
  const { type, name } = principalOf(identity, arn);
  return {
    arn,
    type,
    name,
    sourceIp: record.sourceIPAddress ?? '',
    userAgent: record.userAgent ?? '',
    tool: toolOf(record),
    eventName: record.eventName,
    eventId: record.eventID,
    eventTime: record.eventTime,
  };
};

const principalOf = (
  identity: CloudTrailRecord['userIdentity'],
  arn: string,
): { type: string; name: string } => {
  if (identity.type === 'AssumedRole') {
    // arn:aws:sts::111122223333:assumed-role/<role>/<session>
    const [, role = '', session = ''] = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn) ?? [];
    if (role.startsWith('AWSReservedSSO_')) return { type: 'IdentityCenterUser', name: session || role };
    return { type: 'AssumedRole', name: role && session ? `${role}/${session}` : arn };
  }
  if (identity.type === 'IAMUser')
    return { type: 'IAMUser', name: identity.userName ?? arn.split('/').pop() ?? arn };
  if (identity.type === 'Root') return { type: 'Root', name: 'root' };
  if (identity.type === 'AWSService')
    return { type: 'AWSService', name: identity.invokedBy ?? 'AWS service' };
  return { type: identity.type, name: identity.userName ?? (arn || identity.principalId || identity.type) };
};

/**
 * The tool a change was made with, from its user agent (and CloudFormation's own marks: it calls with
 * `invokedBy`/source `cloudformation.amazonaws.com`; CDK deploys through it). Terraform's agent also
 * names the Go SDK and the CLI's names botocore, so they are recognised before the SDKs.
 */
export const toolOf = (record: CloudTrailRecord): ChangeTool => {
  const agent = record.userAgent ?? '';
  const byCloudFormation = [record.userIdentity.invokedBy, record.sourceIPAddress, agent].some(
    (v) => v === 'cloudformation.amazonaws.com',
  );
  if (byCloudFormation || /(^|\s)aws-cdk\//i.test(agent)) return 'cloudformation';
  if (/terraform/i.test(agent) || /HashiCorp/.test(agent)) return 'terraform';
  if (
    /^console(\.[a-z0-9-]+)?\.amazonaws\.com$/.test(agent) ||
    agent === 'AWS Internal' ||
    record.sessionCredentialFromConsole === 'true' ||
    /^Mozilla\//.test(agent)
  )
    return 'console';
  if (/(^|\s)aws-cli\//.test(agent)) return 'cli';
  if (/(^|\s)(aws-sdk-[a-z0-9-]+|Boto3|botocore|aws-sdk)\//i.test(agent)) return 'sdk';
  return 'unknown';
};

/** AWS ids as they appear in request and response elements (sg-…, rtb-…, subnet-…, eni-…, …). */
const AWS_ID = /^[a-z]{1,12}-[0-9a-z]{8,17}$/;
/** Keys whose value names a resource that has no id prefix (API Gateway ids, CloudFront ids). */
const ID_KEYS = new Set(['id', 'restApiId', 'usagePlanId', 'vpcLinkId', 'keyId', 'distributionId']);

/**
 * The resources a change touched, as the report names them: ids and ARNs found in its request and
 * response, a REST API's stage as `<api id>/<stage>`, a listener's load balancer as its ARN.
 */
export const touchedIds = (record: CloudTrailRecord): Set<string> => {
  const ids = new Set<string>();
  const visit = (value: unknown, key: string | undefined, depth: number): void => {
    if (depth > 12 || value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (AWS_ID.test(value) || (key !== undefined && ID_KEYS.has(key) && value.length > 0)) ids.add(value);
      if (value.startsWith('arn:')) addArn(ids, value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key, depth + 1);
      return;
    }
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, k, depth + 1);
    }
  };
  visit(record.requestParameters, undefined, 0);
  visit(record.responseElements, undefined, 0);
  const params = record.requestParameters as { restApiId?: unknown; stageName?: unknown } | undefined;
  if (typeof params?.restApiId === 'string' && typeof params.stageName === 'string') {
    ids.add(`${params.restApiId}/${params.stageName}`);
  }
  return ids;
};

const addArn = (ids: Set<string>, arn: string): void => {
  ids.add(arn);
  // A listener or rule names its load balancer: …:listener/app/<name>/<lb id>/<listener id>.
  const listener =
    /^(arn:[^:]+:elasticloadbalancing:[^:]+:\d+:)listener(?:-rule)?\/((?:app|net|gwy)\/[^/]+\/[^/]+)/.exec(
      arn,
    );
  if (listener) ids.add(`${listener[1]}loadbalancer/${listener[2]}`);
  // A stage's web ACL association: arn:aws:apigateway:<region>::/restapis/<api>/stages/<stage>.
  const stage = /:apigateway:[^:]*::\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(arn);
  if (stage) ids.add(`${stage[1]}/${stage[2]}`).add(stage[1] as string);
};

/** True when one of the ids names the finding's resource (or, for a stage, its API). */
export const touches = (finding: Pick<Finding, 'resource'>, ids: ReadonlySet<string>): boolean => {
  const { id, arn } = finding.resource;
  return ids.has(id) || (arn !== undefined && ids.has(arn)) || ids.has(id.split('/')[0] as string);
};

/**
 * Each finding whose resource a change of the batch touched carries who made those changes, the most
 * recent first; the others are returned as they were.
 */
export const attributeFromEvents = <F extends Finding>(
  findings: readonly F[],
  records: readonly CloudTrailRecord[],
): F[] => {
  const touched = records.map((record) => ({ record, ids: touchedIds(record) }));
  return findings.map((finding) => {
    const by = touched
      .filter((t) => touches(finding, t.ids))
      .map((t) => actorOf(t.record))
      .sort((a, b) => b.eventTime.localeCompare(a.eventTime));
    return by.length > 0 ? { ...finding, changedBy: by } : finding;
  });
};
