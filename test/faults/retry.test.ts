import { createServer, type Server, type Socket } from 'node:net';
import { type EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRegionalClients } from '../../collect/clients.ts';
import { collectEc2 } from '../../collect/ec2.ts';

/**
 * The matrix above stubs `send`, so it sees one attempt. Here real SDK clients, built exactly as the
 * auditor builds them, run their own retry strategy: a fault is injected by middleware below the retry
 * step on every attempt, so we see what the SDK does with its retry budget and what we report after.
 */

const REGION = 'ap-northeast-1';

/** An EC2 error response as the SDK raises it. (Not the matrix's helper: that module mocks the clients.) */
const serviceError = (_service: 'ec2', name: string, httpStatusCode: number, message: string) =>
  new EC2ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
    message,
  });
const saved = { ...process.env };

beforeAll(() => {
  for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL']) {
    delete process.env[key];
  }
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'retry-budget',
    AWS_SECRET_ACCESS_KEY: 'retry-budget-not-a-secret',
    // A short budget keeps the backoff (up to 20 s between attempts) out of the test's wall time, and
    // standard mode keeps adaptive mode's client-side slow-down after throttling out of it too.
    AWS_MAX_ATTEMPTS: '2',
    AWS_RETRY_MODE: 'standard',
  });
});

afterAll(() => {
  process.env = saved;
});

/** Adds middleware that answers every attempt of every call with `fault()`, counting attempts per call. */
const inject = (client: EC2Client, fault: () => Error) => {
  const attempts = new Map<string, number>();
  client.middlewareStack.add(
    (_next, context) => async () => {
      const name = context.commandName ?? '';
      attempts.set(name, (attempts.get(name) ?? 0) + 1);
      throw fault();
    },
    // deserialize runs below the retry middleware (finalizeRequest): each retry comes through here.
    { step: 'deserialize', name: 'faultInjection', priority: 'high' },
  );
  return attempts;
};

describe('retry budget (real SDK clients)', () => {
  it('the auditor configures six attempts with adaptive retry when the environment says nothing', async () => {
    const env = { attempts: process.env.AWS_MAX_ATTEMPTS, mode: process.env.AWS_RETRY_MODE };
    delete process.env.AWS_MAX_ATTEMPTS;
    delete process.env.AWS_RETRY_MODE;
    try {
      const { ec2 } = createRegionalClients(REGION);
      expect(await ec2.config.maxAttempts()).toBe(6);
      expect(((await ec2.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
    } finally {
      Object.assign(process.env, { AWS_MAX_ATTEMPTS: env.attempts, AWS_RETRY_MODE: env.mode });
    }
  });

  it.each([
    [
      'throttling',
      () => serviceError('ec2', 'RequestLimitExceeded', 503, 'Request limit exceeded.'),
      'RequestLimitExceeded',
    ],
    [
      '5xx',
      () => serviceError('ec2', 'InternalError', 500, 'An internal error has occurred'),
      'InternalError',
    ],
    [
      'socket timeout',
      () => Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' }),
      'TimeoutError',
    ],
    [
      'connection reset',
      () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'ECONNRESET',
    ],
  ])(
    '%s on every attempt: retried to the budget, then the error is the slice’s, code kept',
    async (_, fault, code) => {
      const { ec2 } = createRegionalClients(REGION);
      const attempts = inject(ec2, fault);
      const { errors } = await collectEc2(ec2, REGION);
      // Every Describe* call used its whole budget and failed with the fault's own code.
      expect(new Set(attempts.values())).toEqual(new Set([2]));
      expect(errors).toHaveLength(12);
      expect(new Set(errors.map((e) => e.code))).toEqual(new Set([code]));
    },
    60_000,
  );

  it('AccessDenied is not retried: one attempt, then reported', async () => {
    const { ec2 } = createRegionalClients(REGION);
    const attempts = inject(ec2, () => serviceError('ec2', 'UnauthorizedOperation', 403, 'not authorized'));
    const { errors } = await collectEc2(ec2, REGION);
    expect(new Set(attempts.values())).toEqual(new Set([1]));
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['UnauthorizedOperation']));
  });
});

describe('a socket that never answers (real HTTP handler)', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let endpoint = '';

  beforeAll(async () => {
    // Accepts the connection, reads the request, never responds.
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('the run deadline cancels the hung call and names it DeadlineExceeded', async () => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    const { ec2 } = createRegionalClients(REGION);
    const started = Date.now();
    const { errors } = await collectEc2(ec2, REGION, { signal: AbortSignal.timeout(300) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(errors).toHaveLength(12);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['DeadlineExceeded']));
    expect(errors.map((e) => e.operation)).toContain('DescribeRouteTables');
  });
});
