import {
  CloudFrontClient,
  CloudFrontServiceException,
  GetDistributionConfigCommand,
  GetResponseHeadersPolicyCommand,
  GetVpcOriginCommand,
  ListDistributionsCommand,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectCloudFront } from '../../collect/cloudfront.ts';
import { createFingerprinter } from '../../collect/secrets.ts';
import {
  ALB_ARN,
  distributionsPage1,
  distributionsPage2,
  MANAGED_SECURITY_HEADERS_POLICY_ID,
  mockCloudFrontAccount,
  motoDistributionConfig,
  motoSummary,
  onePageOf,
  SECRET_HEADER_VALUE,
  STATIC_POLICY_ID,
  VPC_ORIGIN_ID,
  websiteDistribution,
} from '../fixtures/cloudfront-responses.ts';

const cloudfront = mockClient(CloudFrontClient);
const client = new CloudFrontClient({ region: 'us-east-1' });
const fingerprint = createFingerprinter(Buffer.alloc(32, 7));

const accessDenied = (action: string) =>
  new CloudFrontServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::123456789012:assumed-role/auditor/session is not authorized to perform: cloudfront:${action}`,
  });

const mockHappyAccount = () => mockCloudFrontAccount(cloudfront);

describe('collectCloudFront', () => {
  beforeEach(() => cloudfront.reset());

  it('reads both pages of distributions with their origins in summary order', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { cloudfront: inventory, errors } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(errors).toEqual([]);
    expect(cloudfront).toReceiveCommandTimes(ListDistributionsCommand, 2);
    expect(cloudfront).toReceiveCommandWith(ListDistributionsCommand, { MaxItems: 1000 });
    expect(inventory.distributions.map((d) => [d.id, d.region, d.webAclId, d.aliases])).toEqual([
      ['E2QWRUHAPOMQZL', 'global', expect.stringContaining(':global/webacl/prod-cf/'), ['www.example.jp']],
      ['E1WEBSITE0EXAM', 'global', '', []],
    ]);
    expect(inventory.distributions[0]?.origins).toEqual([
      {
        id: 'alb-vpc-origin',
        domainName: 'internal-prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com',
        originPath: '',
        kind: 'vpc-origin',
        customHeaders: [],
        vpcOriginId: VPC_ORIGIN_ID,
      },
      {
        id: 'static-s3',
        domainName: 'prod-static-123456789012.s3.ap-northeast-1.amazonaws.com',
        originPath: '',
        kind: 's3',
        customHeaders: [],
        originAccessControlId: 'E2OACEXAMPLE01',
      },
      {
        id: 'api-origin',
        domainName: 'a1b2c3d4e5.execute-api.ap-northeast-1.amazonaws.com',
        originPath: '/prod',
        kind: 'custom',
        customHeaders: [{ name: 'x-api-key', valueFingerprint: fingerprint(SECRET_HEADER_VALUE) }],
        originProtocolPolicy: 'https-only',
      },
    ]);
    expect(inventory.distributions[1]?.origins[0]?.kind).toBe('s3-website');
  });

  it('lists the default behavior first, then the cache behaviors in order', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { cloudfront: inventory } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(inventory.distributions[0]?.behaviors).toEqual([
      {
        pathPattern: '*',
        targetOriginId: 'alb-vpc-origin',
        viewerProtocolPolicy: 'redirect-to-https',
        responseHeadersPolicyId: MANAGED_SECURITY_HEADERS_POLICY_ID,
      },
      {
        pathPattern: '/api/*',
        targetOriginId: 'api-origin',
        viewerProtocolPolicy: 'https-only',
        responseHeadersPolicyId: MANAGED_SECURITY_HEADERS_POLICY_ID,
      },
      {
        pathPattern: '/static/*',
        targetOriginId: 'static-s3',
        viewerProtocolPolicy: 'redirect-to-https',
        responseHeadersPolicyId: STATIC_POLICY_ID,
      },
    ]);
    expect(inventory.distributions[1]?.behaviors).toEqual([
      { pathPattern: '*', targetOriginId: 'legacy-website', viewerProtocolPolicy: 'allow-all' },
    ]);
  });

  it('calls GetDistributionConfig only for a summary that lacks its origins', async () => {
    // Prepare
    mockHappyAccount();
    cloudfront
      .on(ListDistributionsCommand)
      .resolves(onePageOf(websiteDistribution, motoSummary))
      .on(GetDistributionConfigCommand, { Id: 'E3MOTOEXAMPLE1' })
      .resolves(motoDistributionConfig);

    // Act
    const { cloudfront: inventory, errors } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(errors).toEqual([]);
    expect(cloudfront).toReceiveCommandTimes(GetDistributionConfigCommand, 1);
    expect(cloudfront).toReceiveCommandWith(GetDistributionConfigCommand, { Id: 'E3MOTOEXAMPLE1' });
    expect(inventory.distributions[1]).toMatchObject({
      id: 'E3MOTOEXAMPLE1',
      domainName: 'd333333abcdef8.cloudfront.net',
      aliases: ['api.example.jp'],
      webAclId: expect.stringContaining(':global/webacl/api-cf/'),
      origins: [{ id: 'api-origin', kind: 'custom', customHeaders: [{ name: 'x-api-key' }] }],
      behaviors: [{ pathPattern: '*', targetOriginId: 'api-origin', viewerProtocolPolicy: 'https-only' }],
    });
  });

  it('fetches each referenced VPC origin once and reads its target ARN', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { cloudfront: inventory } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(cloudfront).toReceiveCommandTimes(GetVpcOriginCommand, 1);
    expect(inventory.vpcOrigins).toEqual([
      {
        id: VPC_ORIGIN_ID,
        arn: `arn:aws:cloudfront::123456789012:vpcorigin/${VPC_ORIGIN_ID}`,
        region: 'global',
        name: 'prod-alb-vpc-origin',
        tags: {},
        targetArn: ALB_ARN,
        status: 'Deployed',
      },
    ]);
  });

  it('makes no GetVpcOrigin call when no distribution uses a VPC origin', async () => {
    // Prepare
    mockHappyAccount();
    cloudfront.on(ListDistributionsCommand).resolves(distributionsPage2);

    // Act
    const { cloudfront: inventory, errors } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(errors).toEqual([]);
    expect(cloudfront).not.toReceiveCommand(GetVpcOriginCommand);
    expect(cloudfront).not.toReceiveCommand(GetResponseHeadersPolicyCommand);
    expect(inventory.vpcOrigins).toEqual([]);
  });

  it('fetches each referenced response headers policy once, reduced to the security headers it sets', async () => {
    // Prepare
    mockHappyAccount();

    // Act
    const { cloudfront: inventory } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(cloudfront).toReceiveCommandTimes(GetResponseHeadersPolicyCommand, 2);
    expect(inventory.responseHeadersPolicies).toEqual([
      {
        id: MANAGED_SECURITY_HEADERS_POLICY_ID,
        name: 'Managed-SecurityHeadersPolicy',
        hsts: true,
        contentTypeOptions: true,
        referrerPolicy: true,
        contentSecurityPolicy: false,
      },
      {
        id: STATIC_POLICY_ID,
        name: 'static-cors-only',
        hsts: false,
        contentTypeOptions: false,
        referrerPolicy: false,
        contentSecurityPolicy: false,
      },
    ]);
  });

  it('never lets a custom origin header value into the result', async () => {
    // Prepare
    mockHappyAccount();
    cloudfront
      .on(ListDistributionsCommand)
      .resolvesOnce(distributionsPage1)
      .resolvesOnce({
        DistributionList: { ...distributionsPage2.DistributionList, Items: [motoSummary] },
      } as typeof distributionsPage2)
      .on(GetDistributionConfigCommand)
      .resolves(motoDistributionConfig);

    // Act
    const result = await collectCloudFront(client, fingerprint);

    // Assess
    expect(cloudfront).toReceiveCommandTimes(GetDistributionConfigCommand, 1);
    const json = JSON.stringify(result);
    expect(json).not.toContain(SECRET_HEADER_VALUE);
    expect(json).not.toContain(SECRET_HEADER_VALUE.slice(3, 20));
    expect(json).toContain(fingerprint(SECRET_HEADER_VALUE));
  });

  it('turns AccessDenied on GetResponseHeadersPolicy into an error for that policy only', async () => {
    // Prepare
    mockHappyAccount();
    cloudfront
      .on(GetResponseHeadersPolicyCommand, { Id: STATIC_POLICY_ID })
      .rejects(accessDenied('GetResponseHeadersPolicy'));

    // Act
    const { cloudfront: inventory, errors } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(errors).toEqual([
      {
        service: 'cloudfront',
        operation: 'GetResponseHeadersPolicy',
        region: 'global',
        code: 'AccessDenied',
        message: expect.stringContaining('cloudfront:GetResponseHeadersPolicy'),
        slices: ['cloudfront.responseHeadersPolicies'],
        resourceId: STATIC_POLICY_ID,
        resourceType: 'AWS::CloudFront::ResponseHeadersPolicy',
      },
    ]);
    expect(inventory.responseHeadersPolicies.map((p) => p.id)).toEqual([MANAGED_SECURITY_HEADERS_POLICY_ID]);
    expect(inventory.distributions).toHaveLength(2);
    expect(inventory.vpcOrigins).toHaveLength(1);
  });

  it('names the one VPC origin GetVpcOrigin could not read, and still reads the distributions', async () => {
    // Prepare
    mockHappyAccount();
    cloudfront.on(GetVpcOriginCommand, { Id: VPC_ORIGIN_ID }).rejects(accessDenied('GetVpcOrigin'));

    // Act
    const { cloudfront: inventory, errors } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(errors).toEqual([
      {
        service: 'cloudfront',
        operation: 'GetVpcOrigin',
        region: 'global',
        code: 'AccessDenied',
        message: expect.stringContaining('cloudfront:GetVpcOrigin'),
        slices: ['cloudfront.vpcOrigins'],
        resourceId: VPC_ORIGIN_ID,
        resourceType: 'AWS::CloudFront::VpcOrigin',
      },
    ]);
    expect(inventory.vpcOrigins).toEqual([]);
    expect(inventory.distributions.map((d) => d.id)).toEqual(['E2QWRUHAPOMQZL', 'E1WEBSITE0EXAM']);
    expect(inventory.responseHeadersPolicies).toHaveLength(2);
  });

  it('names the one distribution whose GetDistributionConfig failed, and reads the others in full', async () => {
    // Prepare: two summaries without origins (as moto returns them); one config is throttled.
    mockHappyAccount();
    const other = { ...motoSummary, Id: 'E4MOTOEXAMPLE2', DomainName: 'd444444abcdef8.cloudfront.net' };
    cloudfront
      .on(ListDistributionsCommand)
      .resolves(onePageOf(motoSummary, other))
      .on(GetDistributionConfigCommand, { Id: 'E3MOTOEXAMPLE1' })
      .rejects(
        new CloudFrontServiceException({
          name: 'Throttling',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'Rate exceeded',
        }),
      )
      .on(GetDistributionConfigCommand, { Id: 'E4MOTOEXAMPLE2' })
      .resolves(motoDistributionConfig);

    // Act
    const result = await collectCloudFront(client, fingerprint);

    // Assess
    expect(result.errors).toEqual([
      {
        service: 'cloudfront',
        operation: 'GetDistributionConfig',
        region: 'global',
        code: 'Throttling',
        message: 'Rate exceeded',
        slices: ['cloudfront.distributions', 'cloudfront.vpcOrigins', 'cloudfront.responseHeadersPolicies'],
        resourceId: 'E3MOTOEXAMPLE1',
        resourceType: 'AWS::CloudFront::Distribution',
      },
    ]);
    expect(result.cloudfront.distributions.find((d) => d.id === 'E4MOTOEXAMPLE2')).toMatchObject({
      origins: [{ id: 'api-origin', kind: 'custom', customHeaders: [{ name: 'x-api-key' }] }],
    });
    // The failed one's custom header value never reached us; the read one's is a fingerprint only.
    expect(JSON.stringify(result)).not.toContain(SECRET_HEADER_VALUE);
  });

  it('marks every CloudFront slice missing when ListDistributions is denied, and calls nothing else', async () => {
    // Prepare
    mockHappyAccount();
    cloudfront.on(ListDistributionsCommand).rejects(accessDenied('ListDistributions'));

    // Act
    const { cloudfront: inventory, errors } = await collectCloudFront(client, fingerprint);

    // Assess
    expect(errors).toEqual([
      expect.objectContaining({
        operation: 'ListDistributions',
        code: 'AccessDenied',
        slices: ['cloudfront.distributions', 'cloudfront.vpcOrigins', 'cloudfront.responseHeadersPolicies'],
      }),
    ]);
    expect(cloudfront).toReceiveCommandTimes(ListDistributionsCommand, 1);
    expect(inventory).toEqual({ distributions: [], vpcOrigins: [], responseHeadersPolicies: [] });
  });
});
