/** Error classes of the alert pipeline. Each sets `name` and carries the underlying error as `cause`. */

/**
 * The alert state could not be read or written. On read, the caller alerts on every open finding
 * (and says so); on write after a successful publish, the invocation fails so the operator sees it,
 * and the next run may re-send that one message (never more, never fewer).
 */
export class StateStoreError extends Error {
  /**
   * The version of a stored state that was read but is not an alert state (not JSON, another shape),
   * so that the run which says so can replace it. Undefined when nothing could be read.
   */
  readonly version: string | undefined;

  constructor(message: string, options?: ErrorOptions & { readonly version?: string }) {
    super(message, options);
    this.name = 'StateStoreError';
    this.version = options?.version;
  }
}

/**
 * Another run wrote the alert state after this run read it (S3 answered 412 PreconditionFailed or 409
 * ConditionalRequestConflict to the conditional PutObject, or the state file changed): nothing was
 * written. sendAlerts re-reads the state and decides again what is still to be announced.
 */
export class StateConflictError extends StateStoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateConflictError';
  }
}
