import type { IntentException } from './schema.ts';

/** An exception is active until the end of its expiry day (UTC). */
export const isExpired = (exception: IntentException, now: Date): boolean =>
  exception.expires !== undefined && now.toISOString().slice(0, 10) > exception.expires;

/** Whether an exception covers a finding of `checkId` on a resource (by id, ARN, or '*'). */
export const exceptionCovers = (
  e: IntentException,
  checkId: string,
  resource: { readonly id: string; readonly arn?: string },
): boolean =>
  e.check === checkId && (e.resource === '*' || e.resource === resource.id || e.resource === resource.arn);
