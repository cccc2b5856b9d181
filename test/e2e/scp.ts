import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

/**
 * An organization SCP that denies every action in some regions (`aws:RequestedRegion`), in front of
 * moto_server. moto evaluates identity policies but ignores their conditions (moto 5.2.1 treats a
 * statement with an unknown condition key as matching everywhere), so a region deny cannot be said
 * to moto itself. The region an action is requested in is the region its SigV4 signature is scoped
 * to: requests signed for a denied region are refused here with the response AWS gives for an
 * explicit SCP deny in that service's protocol; every other request goes to moto untouched (moto
 * then checks the signature and the caller's IAM policy).
 */
export interface RegionDenyingScp {
  /** Point the SDK here (AWS_ENDPOINT_URL) instead of at moto. */
  readonly endpoint: string;
  /** Requests seen per signing region (allowed or denied): a skipped region is never called. */
  readonly requestsByRegion: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

const SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const explicitDeny = (action: string, region: string): string =>
  `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ${action} on resource: * in region ${region} with an explicit deny in a service control policy`;

/** What AWS answers for an SCP explicit deny, per protocol (EC2 query, ELBv2 awsQuery, API Gateway REST-JSON). */
const deny = (res: ServerResponse, service: string, region: string, body: Buffer): void => {
  const queryAction = new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown';
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
  const upstream = new URL(target);
  const requestsByRegion = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const [, region = 'unknown', service = 'unknown'] = SCOPE.exec(req.headers.authorization ?? '') ?? [];
    requestsByRegion.set(region, (requestsByRegion.get(region) ?? 0) + 1);
    if (deniedRegions.includes(region)) {
      deny(res, service, region, body);
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requestsByRegion,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
