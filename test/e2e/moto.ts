import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Starts moto_server (the moto AWS emulator the machine image ships) on 127.0.0.1 for end-to-end tests
 * that drive the real SDK wire protocol. A missing moto_server fails the run with the fix, never skips.
 */
export interface Moto {
  readonly endpoint: string;
  /** Environment for the SDK: endpoint, fake credentials, region. */
  readonly env: Record<string, string>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const waitUntilUp = async (endpoint: string, child: ChildProcess): Promise<void> => {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('moto_server did not start within 30 s');
};

export interface MotoOptions {
  /**
   * Extra environment for moto_server, e.g. INITIAL_NO_AUTH_ACTION_COUNT: moto lets that many requests
   * through unauthenticated, then checks every request's signature and the caller's IAM policies.
   */
  readonly env?: Readonly<Record<string, string>>;
}

export const startMoto = async (options: MotoOptions = {}): Promise<Moto> => {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "moto_server is not installed: the end-to-end tests need it. Install it with: pip install 'moto[server]'",
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, ...options.env },
  });
  await waitUntilUp(endpoint, child);
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: 'testing',
      AWS_REGION: 'ap-northeast-1',
      AWS_MAX_ATTEMPTS: '2',
    },
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};

export interface SdkMotoOptions extends MotoOptions {
  /** More variables a test must not inherit from the developer's shell (e.g. ALERT_TOPIC_ARN). */
  readonly unset?: readonly string[];
}

/**
 * moto, with this process's SDK pointed at it: the endpoint, fake credentials and region in the
 * environment, and no AWS profile (a developer's profile would win over the fake credentials). stop()
 * also puts the environment back as it was.
 */
export const startMotoForSdk = async ({ unset = [], ...options }: SdkMotoOptions = {}): Promise<Moto> => {
  const saved = { ...process.env };
  const moto = await startMoto(options);
  for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', ...unset]) delete process.env[key];
  Object.assign(process.env, moto.env);
  return {
    ...moto,
    stop: async () => {
      process.env = saved;
      await moto.stop();
    },
  };
};
