import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { logErrors } from './log-errors.ts';
import { validateEvent } from './validate-event.ts';

/**
 * Every function's Lambda entry point, composed the same way: the request id on each log line (keys
 * reset per invocation), one ERROR line for a failed invocation, and a payload validated by `schema`
 * (after `prepare`) before `fn` sees it.
 */
export const lambdaHandler = <S extends z.ZodType, R>(
  logger: Logger,
  schema: S,
  fn: (event: z.output<S>, context: Context) => Promise<R>,
  prepare?: (event: unknown) => unknown,
) =>
  middy<unknown, R, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logErrors(logger))
    .use(validateEvent(schema, prepare))
    .handler(fn as (event: unknown, context: Context) => Promise<R>);
