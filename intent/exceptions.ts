import type { IntentException } from './schema.ts';

/** An exception is active until the end of its expiry day (UTC). */
export const isExpired = (exception: IntentException, now: Date): boolean =>
  exception.expires !== undefined && now.toISOString().slice(0, 10) > exception.expires;

/**
 * True when an ARN names the resource with this id: EC2 ARNs end in `<type>/<id>`
 * (`arn:aws:ec2:ap-northeast-1:123456789012:route-table/rtb-…`). Route tables, VPCs, NAT gateways and
 * network interfaces carry no ARN in the inventory, yet users copy ARNs from the console or IaC.
 */
const arnNamesId = (arn: string, id: string): boolean => arn.startsWith('arn:') && arn.endsWith(`/${id}`);

/** What an exception is matched against: a finding's check, resource and fact. */
export interface ExceptedFinding {
  readonly checkId: string;
  readonly resource: { readonly id: string; readonly arn?: string };
  readonly fact: string;
}

/**
 * Whether an exception covers a finding: its check, on its resource (by id, ARN, or '*'), and — when
 * the exception lists facts — one of those facts. A fact-level exception accepts what was approved and
 * nothing else, so a new rule or path on an accepted resource is a finding at its own severity.
 */
export const exceptionCovers = (e: IntentException, finding: ExceptedFinding): boolean => {
  const { resource } = finding;
  return (
    e.check === finding.checkId &&
    (e.resource === '*' ||
      e.resource === resource.id ||
      e.resource === resource.arn ||
      arnNamesId(e.resource, resource.id)) &&
    (e.facts === undefined || e.facts.includes(finding.fact))
  );
};
