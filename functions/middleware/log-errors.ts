import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';

/**
 * Logs an invocation that fails (bad payload, unreadable intent, a failed phase) as one ERROR line with
 * the error and its cause, before Lambda records the failure. Use it after injectLambdaContext so the
 * line carries the request id.
 */
export const logErrors = (logger: Logger): middy.MiddlewareObj => ({
  onError: async (request) => {
    logger.error('invocation failed', { error: request.error as Error });
  },
});
