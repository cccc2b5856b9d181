import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * SDK clients, configured the standard way: the default credential chain (env, profile via
 * AWS_PROFILE, SSO, container/instance roles), AWS_REGION, AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_MAX_ATTEMPTS / AWS_RETRY_MODE — all read by the SDK itself.
 * We only pick the region and a retry strategy suited to a read-heavy batch job.
 */
export interface RegionalClients {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly apigateway: APIGatewayClient;
}

/** Adaptive retry backs off client-side on throttling instead of hammering; env settings still win. */
const retryConfig = () => ({
  ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
  ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: 6 }),
});

export const createRegionalClients = (region: string): RegionalClients => ({
  ec2: new EC2Client({ region, ...retryConfig() }),
  elbv2: new ElasticLoadBalancingV2Client({ region, ...retryConfig() }),
  apigateway: new APIGatewayClient({ region, ...retryConfig() }),
});

/** CloudFront is global; its control plane lives in us-east-1. */
export const createCloudFrontClient = (): CloudFrontClient =>
  new CloudFrontClient({ region: 'us-east-1', ...retryConfig() });

export const createStsClient = (region: string): STSClient => new STSClient({ region, ...retryConfig() });
