/**
 * When a Lambda run stops collecting. Lambda kills an invocation at its timeout with nothing sent, so
 * collection must end early enough to evaluate and publish what it has: the alert then says the audit
 * is incomplete and names each call that did not finish (DeadlineExceeded), instead of no alert at all.
 */

/** Time kept back for evaluating, rendering and publishing (a few seconds in practice; 60 s is ample). */
export const DEADLINE_MARGIN_MS = 60_000;

/**
 * The margin for a run with `remainingMs` left: DEADLINE_MARGIN_MS, or a quarter of the remaining time
 * when that is shorter, so a function configured with a short timeout still collects for most of it.
 */
export const deadlineMargin = (remainingMs: number): number =>
  Math.min(DEADLINE_MARGIN_MS, Math.max(0, remainingMs) / 4);

/**
 * Aborts when collection must stop: the remaining time less the margin, measured from now. Without a
 * Lambda context (a direct call) there is no deadline.
 */
export const collectionDeadline = (
  context: { getRemainingTimeInMillis?: () => number } | undefined,
): AbortSignal | undefined => {
  if (typeof context?.getRemainingTimeInMillis !== 'function') return undefined;
  const remaining = context.getRemainingTimeInMillis();
  return AbortSignal.timeout(Math.max(0, Math.floor(remaining - deadlineMargin(remaining))));
};

/** `{ signal }` when there is a deadline, for spreading into collect options. */
export const deadlineOption = (context: { getRemainingTimeInMillis?: () => number } | undefined) => {
  const signal = collectionDeadline(context);
  return signal ? { signal } : {};
};
