import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

/**
 * A throttling AWS in front of moto_server, for one item at a time: moto answers every call it knows,
 * and cannot be told to refuse one load balancer's DescribeListeners or one usage plan's keys. The
 * calls `throttled` picks are answered with the throttling error the service returns (in its protocol,
 * every retry alike); every other request goes to moto untouched.
 */
export interface ThrottledCall {
  /** The SigV4 signing name: elasticloadbalancing, apigateway, cloudfront, ec2, ... */
  readonly service: string;
  readonly method: string;
  /** The request path without the query string (REST protocols). */
  readonly path: string;
  /** The query-protocol parameters (Action, LoadBalancerArn, ...) of a form-encoded body. */
  readonly params: URLSearchParams;
}

export interface ThrottlingProxy {
  /** Point the SDK here (AWS_ENDPOINT_URL) instead of at moto. */
  readonly endpoint: string;
  /** How many requests were answered with a throttling error: a fault that never fired tests nothing. */
  readonly throttled: () => number;
  stop(): Promise<void>;
}

const SCOPE = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** What AWS answers a throttled caller, per protocol (API Gateway REST-JSON; the XML services). */
const throttle = (res: ServerResponse, service: string): void => {
  const requestId = randomUUID();
  if (service === 'apigateway') {
    res.writeHead(429, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'TooManyRequestsException',
      'x-amzn-requestid': requestId,
    });
    res.end(JSON.stringify({ message: 'Too Many Requests' }));
    return;
  }
  res.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  res.end(
    `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
};

export const startThrottlingProxy = async (
  target: string,
  throttled: (call: ThrottledCall) => boolean,
): Promise<ThrottlingProxy> => {
  const upstream = new URL(target);
  let count = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const [, service = 'unknown'] = SCOPE.exec(req.headers.authorization ?? '') ?? [];
    const form = String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    const call: ThrottledCall = {
      service,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      params: new URLSearchParams(form ? body.toString('utf8') : ''),
    };
    if (throttled(call)) {
      count += 1;
      throttle(res, service);
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
    throttled: () => count,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
