import type { ResourceRef } from '../model/finding.ts';

/** The console host of the resource's partition; global resources open in us-east-1. */
const consoleBase = (region: string): { readonly host: string; readonly region: string } => {
  const r = region === 'global' || region === '' ? 'us-east-1' : region;
  if (r.startsWith('cn-')) return { host: `https://${r}.console.amazonaws.cn`, region: r };
  if (r.startsWith('us-gov-')) return { host: `https://${r}.console.amazonaws-us-gov.com`, region: r };
  return { host: `https://${r}.console.aws.amazon.com`, region: r };
};

const enc = encodeURIComponent;

/** `{apiId}/{stage}` or `arn:aws:apigateway:{region}::/restapis/{apiId}/stages/{stage}`. */
const apiIdOfStage = (id: string): string | undefined =>
  /\/restapis\/([^/]+)\/stages\//.exec(id)?.[1] ?? (id.includes('/') ? id.split('/')[0] : undefined);

/**
 * A console page for the resource, built from its CloudFormation type, region and id; undefined when
 * there is no sensible page (also for '*', every resource of a check). Account-level findings (audit.*) open CloudTrail's event history, where
 * the failed (denied, throttled) API calls of the audit role show up.
 */
export const consoleUrl = (resource: ResourceRef): string | undefined => {
  // An exception for `resource: '*'` (audit.exception-*) names every resource of its check: no one page.
  if (resource.id === '*') return undefined;
  const { host, region } = consoleBase(resource.region);
  const q = `region=${enc(region)}`;
  const id = resource.id;
  switch (resource.type) {
    case 'AWS::EC2::VPC':
      return `${host}/vpcconsole/home?${q}#VpcDetails:VpcId=${enc(id)}`;
    case 'AWS::EC2::Subnet':
      return `${host}/vpcconsole/home?${q}#SubnetDetails:subnetId=${enc(id)}`;
    case 'AWS::EC2::RouteTable':
      return `${host}/vpcconsole/home?${q}#RouteTableDetails:RouteTableId=${enc(id)}`;
    case 'AWS::EC2::NatGateway':
      return `${host}/vpcconsole/home?${q}#NatGatewayDetails:natGatewayId=${enc(id)}`;
    case 'AWS::EC2::SecurityGroup':
      return `${host}/ec2/home?${q}#SecurityGroup:groupId=${enc(id)}`;
    case 'AWS::EC2::NetworkInterface':
      return `${host}/ec2/home?${q}#NetworkInterface:networkInterfaceId=${enc(id)}`;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
      // Our inventory uses the LB ARN as its id; the console's detail page is keyed by ARN.
      const arn = resource.arn ?? (id.startsWith('arn:') ? id : undefined);
      return arn
        ? `${host}/ec2/home?${q}#LoadBalancer:loadBalancerArn=${enc(arn)}`
        : `${host}/ec2/home?${q}#LoadBalancers:search=${enc(id)}`;
    }
    case 'AWS::CloudFront::Distribution':
      // CloudFront is global; its console lives in us-east-1 whatever region the finding names.
      return `${consoleBase('us-east-1').host}/cloudfront/v4/home?region=us-east-1#/distributions/${enc(id)}`;
    case 'AWS::ApiGateway::RestApi':
      return `${host}/apigateway/main/apis/${enc(id)}/resources?api=${enc(id)}&${q}`;
    case 'AWS::ApiGateway::Stage': {
      const apiId = apiIdOfStage(id);
      return apiId
        ? `${host}/apigateway/main/apis/${enc(apiId)}/stages?api=${enc(apiId)}&${q}`
        : `${host}/apigateway/main/apis?${q}`;
    }
    case 'AWS::ApiGateway::VpcLink':
      return `${host}/apigateway/main/vpc-links/list?${q}`;
    case 'AWS::Account':
      return `${host}/cloudtrailv2/home?${q}#/events`;
    default:
      return undefined;
  }
};

/** The S3 console's page for one object (the reader signs in with their own AWS identity to open it). */
export const s3ObjectConsoleUrl = (bucket: string, key: string, region: string): string => {
  const base = consoleBase(region);
  return `${base.host}/s3/object/${enc(bucket)}?region=${enc(base.region)}&bucketType=general&prefix=${enc(key)}`;
};

/**
 * How a person signs in to the audited accounts' consoles: the IAM Identity Center access portal and
 * the permission set to open them with. Set, a console link opens in the finding's account.
 */
export interface ConsoleSignIn {
  /** The AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start */
  readonly portalUrl: string;
  /** The permission set (role) to open the account's console with, e.g. ReadOnlyAccess. */
  readonly roleName: string;
}

/**
 * The console page of the resource in its account: with a portal, an IAM Identity Center shortcut
 * link (`#/console?account_id=…&role_name=…&destination=…`), which signs in to that account with that
 * permission set and opens the page; without one, the page itself, which opens in whatever account
 * the browser is signed in to (the alert names the account beside the link).
 */
export const accountConsoleUrl = (
  resource: ResourceRef,
  accountId: string | undefined,
  signIn: ConsoleSignIn | undefined,
): string | undefined => {
  const page = consoleUrl(resource);
  if (!page || !signIn || !accountId || !/^\d{12}$/.test(accountId)) return page;
  const portal = signIn.portalUrl.replace(/\/+$/, '');
  return `${portal}/#/console?account_id=${enc(accountId)}&role_name=${enc(signIn.roleName)}&destination=${enc(page)}`;
};
