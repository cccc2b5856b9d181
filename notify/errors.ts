/** Error classes of the alert pipeline. Each sets `name` and carries the underlying error as `cause`. */

/**
 * The alert state could not be read or written. On read, the caller alerts on every open finding
 * (and says so); on write after a successful publish, the invocation fails so the operator sees it,
 * and the next run may re-send that one message (never more, never fewer).
 */
export class StateStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}
