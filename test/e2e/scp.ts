import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type MotoProxy, startMotoProxy } from './moto-proxy.ts';

/**
 * An organization SCP that denies every action in some regions (`aws:RequestedRegion`), in front of
 * moto_server. moto evaluates identity policies but ignores their conditions (moto 5.2.1 treats a
 * statement with an unknown condition key as matching everywhere), so a region deny cannot be said
 * to moto itself. The region an action is requested in is the region its SigV4 signature is scoped
 * to: requests signed for a denied region are refused here with the response AWS gives for an
 * explicit SCP deny in that service's protocol; every other request goes to moto untouched (moto
 * then checks the signature and the caller's IAM policy).
 */
export interface RegionDenyingScp extends MotoProxy {
  /** Requests seen per signing region (allowed or denied): a skipped region is never called. */
  readonly requestsByRegion: ReadonlyMap<string, number>;
}

const explicitDeny = (action: string, region: string): string =>
  `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ${action} on resource: * in region ${region} with an explicit deny in a service control policy`;

/** What AWS answers for an SCP explicit deny, per protocol (EC2 query, ELBv2 awsQuery, API Gateway REST-JSON). */
const deny = (res: ServerResponse, service: string, region: string, params: URLSearchParams): void => {
  const queryAction = params.get('Action') ?? 'Unknown';
  const requestId = randomUUID();
  if (service === 'ec2') {
    res.writeHead(403, { 'content-type': 'text/xml;charset=UTF-8' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. ${explicitDeny(`ec2:${queryAction}`, region)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    );
  } else if (service === 'apigateway') {
    res.writeHead(403, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'AccessDeniedException',
      'x-amzn-requestid': requestId,
    });
    res.end(JSON.stringify({ Message: explicitDeny('apigateway:GET', region) }));
  } else {
    // awsQuery services (elasticloadbalancing, sts): the ErrorResponse envelope.
    res.writeHead(403, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(
      `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${explicitDeny(`${service}:${queryAction}`, region)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
};

export const startRegionDenyingScp = async (
  target: string,
  deniedRegions: readonly string[],
): Promise<RegionDenyingScp> => {
  const requestsByRegion = new Map<string, number>();
  const proxy = await startMotoProxy(target, ({ region, service, params }, res) => {
    requestsByRegion.set(region, (requestsByRegion.get(region) ?? 0) + 1);
    if (!deniedRegions.includes(region)) return false;
    deny(res, service, region, params);
    return true;
  });
  return { ...proxy, requestsByRegion };
};
