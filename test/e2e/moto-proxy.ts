import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

/**
 * A local AWS endpoint in front of moto_server, for the faults moto cannot be told to make (an SCP's
 * region deny, one item's throttling): `intercept` sees each signed request and may answer it itself;
 * every request it leaves alone goes to moto untouched (moto then checks the signature and IAM).
 */
export interface SignedRequest {
  /** The region and service (SigV4 signing name) the request is signed for. */
  readonly region: string;
  readonly service: string;
  readonly method: string;
  /** The request path without the query string (REST protocols). */
  readonly path: string;
  /** The query-protocol parameters (Action, LoadBalancerArn, ...) of a form-encoded body. */
  readonly params: URLSearchParams;
}

export interface MotoProxy {
  /** Point the SDK here (AWS_ENDPOINT_URL) instead of at moto. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

const SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export const startMotoProxy = async (
  target: string,
  /** Answers the request and returns true, or returns false to let moto answer it. */
  intercept: (signed: SignedRequest, res: ServerResponse) => boolean,
): Promise<MotoProxy> => {
  const upstream = new URL(target);
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const [, region = 'unknown', service = 'unknown'] = SCOPE.exec(req.headers.authorization ?? '') ?? [];
    const form = String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    const signed: SignedRequest = {
      region,
      service,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      params: new URLSearchParams(form ? body.toString('utf8') : ''),
    };
    if (intercept(signed, res)) return;
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
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
