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

/** Whether an exception covers a finding of `checkId` on a resource (by id, ARN, or '*'). */
export const exceptionCovers = (
  e: IntentException,
  checkId: string,
  resource: { readonly id: string; readonly arn?: string },
): boolean =>
  e.check === checkId &&
  (e.resource === '*' ||
    e.resource === resource.id ||
    e.resource === resource.arn ||
    arnNamesId(e.resource, resource.id));
