import type { MiddlewareObj } from '@middy/core';
import type { z } from 'zod';
import { validate } from '../../support/validate.ts';

/**
 * Validates (and replaces) the event with a zod schema before the handler runs, so the handler
 * only ever sees a typed payload and a bad one fails naming the field.
 */
export const validateEvent = <S extends z.ZodType>(
  schema: S,
  prepare: (event: unknown) => unknown = (event) => event,
): MiddlewareObj<unknown> => {
  const validateEventBefore = async (request: { event: unknown }): Promise<void> => {
    request.event = validate(schema, prepare(request.event), 'event payload');
  };
  return { before: validateEventBefore };
};
