import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import { InputValidationError } from '../../support/errors.ts';

/**
 * Logs an invocation that fails (bad payload, unreadable intent, a failed phase) as one ERROR line with
 * the error and its cause, before Lambda records the failure. Use it after injectLambdaContext so the
 * line carries the request id. Bad input is logged by its message alone: no stack, no cause's stack.
 */
export const logErrors = (logger: Logger): middy.MiddlewareObj => ({
  onError: async (request) => {
    const error = request.error as Error;
    logger.error('invocation failed', {
      error: error instanceof InputValidationError ? { name: error.name, message: error.message } : error,
    });
  },
});
