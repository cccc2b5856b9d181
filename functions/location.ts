import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { type FunctionLocation, locateFunction } from '../app/config.ts';

let sts: STSClient | undefined;

/**
 * Where the invoked function runs, for deployedTargets and the sinks: its own ARN when deployed; under
 * `serverless invoke local` (no ARN) the credentials' account, asked with STS GetCallerIdentity once per
 * invocation: the returned locator remembers its answer, so every caller of one invocation shares it.
 */
export const functionLocation = (context: Context): (() => Promise<FunctionLocation>) => {
  let location: Promise<FunctionLocation> | undefined;
  return () => {
    location ??= locateFunction(context.invokedFunctionArn, () => {
      sts ??= new STSClient({});
      return sts.send(new GetCallerIdentityCommand({}));
    });
    return location;
  };
};

/** The region the function runs in (Lambda sets AWS_REGION; invoke local takes it from the shell). */
export const functionRegion = (): string =>
  process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
