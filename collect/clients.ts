import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type Pacer, pacingPlugin } from './pacing.ts';

/**
 * SDK clients, configured the standard way: the default credential chain (env, profile via
 * AWS_PROFILE, SSO, container/instance roles), AWS_REGION, AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_MAX_ATTEMPTS / AWS_RETRY_MODE — all read by the SDK itself.
 * We only pick the region, a retry strategy suited to a read-heavy batch job and, for another
 * account, the assumed role's credentials; every regional client is paced at that account's limits.
 */
export interface RegionalClients {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly apigateway: APIGatewayClient;
}

export interface ClientOptions {
  /** Credentials of another account (AssumeRole); default: the SDK's credential chain. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Whose rate limits the calls count against; 'self' for the caller's own account. */
  readonly account?: string;
  /** Token buckets shared by every client of one account and region; default: the process-wide one. */
  readonly pacer?: Pacer;
}

/** Adaptive retry backs off client-side on throttling instead of hammering; env settings still win. */
const retryConfig = () => ({
  ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
  ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: 6 }),
});

/**
 * The SDK sets no socket timeout by default, so a connection that stalls would wait for the Lambda's
 * own timeout. A stalled call instead fails as TimeoutError, is retried within the retry budget, and
 * past it becomes that operation's incomplete audit.
 */
export const HTTP_TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 30_000 } as const;

const baseConfig = (region: string, options: ClientOptions) => ({
  region,
  ...retryConfig(),
  requestHandler: { ...HTTP_TIMEOUTS },
  ...(options.credentials ? { credentials: options.credentials } : {}),
});

const paced = <C extends { middlewareStack: { use: (p: ReturnType<typeof pacingPlugin>) => void } }>(
  client: C,
  service: string,
  region: string,
  options: ClientOptions,
): C => {
  client.middlewareStack.use(
    pacingPlugin({
      service,
      account: options.account ?? 'self',
      region,
      ...(options.pacer ? { pacer: options.pacer } : {}),
    }),
  );
  return client;
};

export const createRegionalClients = (region: string, options: ClientOptions = {}): RegionalClients => ({
  ec2: paced(new EC2Client(baseConfig(region, options)), 'ec2', region, options),
  elbv2: paced(new ElasticLoadBalancingV2Client(baseConfig(region, options)), 'elbv2', region, options),
  apigateway: paced(new APIGatewayClient(baseConfig(region, options)), 'apigateway', region, options),
});

/** CloudFront is global; its control plane lives in us-east-1. */
export const createCloudFrontClient = (options: ClientOptions = {}): CloudFrontClient =>
  paced(new CloudFrontClient(baseConfig('us-east-1', options)), 'cloudfront', 'us-east-1', options);

/** CloudTrail's event history of one region (global services' changes are in us-east-1), paced. */
export const createCloudTrailClient = (region: string, options: ClientOptions = {}): CloudTrailClient =>
  paced(new CloudTrailClient(baseConfig(region, options)), 'cloudtrail', region, options);

export const createStsClient = (region: string, options: ClientOptions = {}): STSClient =>
  paced(new STSClient(baseConfig(region, options)), 'sts', region, options);
