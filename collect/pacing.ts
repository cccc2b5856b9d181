import type {
  FinalizeHandler,
  FinalizeHandlerArguments,
  HandlerExecutionContext,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';

/**
 * Client-side pacing at the documented control-plane limits, so a large account is read at the rate
 * AWS allows instead of provoking throttling and riding retries (a retry storm costs more wall time
 * than waiting for a token, and a throttled call that exhausts its retries makes the audit incomplete).
 *
 * The limits are token buckets on the AWS side, per account and region; ours mirror them:
 * - EC2 non-mutating (Describe*) actions: bucket 100, refill 20/s (EC2 API reference, "Request
 *   throttling", non-mutating actions).
 * - ELBv2 Describe*: 10/s, burst 40.
 * - API Gateway management API: all operations together 10/s, burst 40; GetResources on its own
 *   5 per 2 seconds (API Gateway developer guide, "quotas for creating, deploying and managing an API").
 * - CloudTrail LookupEvents (who made a change): 2 per second per account and region.
 * CloudFront and STS publish no per-call limit low enough to matter here and are left unpaced (their
 * clients still pass through the pacer, which only counts their calls).
 */
export interface BucketSpec {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Bucket capacity: calls that may go out at once after a quiet period. */
  readonly burst: number;
}

export interface ServiceLimits {
  /** Buckets every call of the service draws from, in order, with the operations they apply to. */
  readonly buckets: readonly {
    readonly name: string;
    readonly spec: BucketSpec;
    readonly appliesTo: (operation: string) => boolean;
  }[];
}

const describe = (operation: string) => operation.startsWith('Describe');

export const AWS_LIMITS = {
  ec2: { buckets: [{ name: 'describe', spec: { ratePerSecond: 20, burst: 100 }, appliesTo: describe }] },
  elbv2: { buckets: [{ name: 'describe', spec: { ratePerSecond: 10, burst: 40 }, appliesTo: describe }] },
  apigateway: {
    buckets: [
      {
        name: 'GetResources',
        spec: { ratePerSecond: 2.5, burst: 5 },
        appliesTo: (op: string) => op === 'GetResources',
      },
      { name: 'total', spec: { ratePerSecond: 10, burst: 40 }, appliesTo: () => true },
    ],
  },
  // CloudTrail LookupEvents: 2 requests per second per account and region (CloudTrail quotas).
  cloudtrail: {
    buckets: [
      {
        name: 'LookupEvents',
        spec: { ratePerSecond: 2, burst: 2 },
        appliesTo: (op: string) => op === 'LookupEvents',
      },
    ],
  },
} as const satisfies Record<string, ServiceLimits>;

export type PacedService = keyof typeof AWS_LIMITS;

/**
 * How far under the documented limit we stay. The server counts arrivals, and network jitter can
 * bunch requests that left evenly; a few percent under the rate and one token under the burst keeps
 * that jitter from ever tipping a call into throttling.
 */
export const HEADROOM = { rate: 0.95, burstSlack: 1 } as const;

export const withHeadroom = (spec: BucketSpec): BucketSpec => ({
  ratePerSecond: spec.ratePerSecond * HEADROOM.rate,
  burst: Math.max(1, spec.burst - HEADROOM.burstSlack),
});

export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket that hands out reservations: a caller takes a token now, or the next one due, and
 * waits until then. Reservations are first come, first served, so no caller starves and the calls go
 * out exactly at the refill rate once the burst is spent.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly spec: BucketSpec,
    private readonly clock: Clock = Date.now,
    private readonly sleep: Sleep = realSleep,
  ) {
    this.tokens = spec.burst;
    this.last = clock();
  }

  /** Milliseconds the caller must wait for its token (0 when one is available now). Reserves it. */
  reserve(): number {
    const now = this.clock();
    this.tokens = Math.min(
      this.spec.burst,
      this.tokens + ((now - this.last) / 1000) * this.spec.ratePerSecond,
    );
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.spec.ratePerSecond) * 1000;
  }

  async take(): Promise<number> {
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait);
    return wait;
  }
}

/**
 * The buckets of every (service, account, region) seen in this process, shared by all clients of that
 * triple: two clients of one account and region draw from the same AWS-side bucket, so from ours too.
 */
export class Pacer {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Total time callers spent waiting for tokens, per service, for the benchmark's figures. */
  readonly waitedMs = new Map<string, number>();
  /** Attempts that went through this pacer, every service (paced or not), for progress and logs. */
  calls = 0;

  constructor(
    private readonly limits: Readonly<Record<string, ServiceLimits>> = AWS_LIMITS,
    private readonly clock: Clock = Date.now,
    private readonly sleep: Sleep = realSleep,
  ) {}

  private bucket(key: string, spec: BucketSpec): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(withHeadroom(spec), this.clock, this.sleep);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Waits until one call of `operation` may go out for this service, account and region. */
  async acquire(service: string, account: string, region: string, operation: string): Promise<void> {
    this.calls += 1;
    const limits = this.limits[service];
    if (!limits) return;
    for (const b of limits.buckets) {
      if (!b.appliesTo(operation)) continue;
      const waited = await this.bucket(`${service}|${account}|${region}|${b.name}`, b.spec).take();
      if (waited > 0) this.waitedMs.set(service, (this.waitedMs.get(service) ?? 0) + waited);
    }
  }
}

/** The process-wide pacer every client built by collect/clients.ts uses. */
export const defaultPacer = new Pacer();

export interface PacingTarget {
  readonly service: PacedService | string;
  /** The account whose limits the calls count against ('self' for the caller's own credentials). */
  readonly account: string;
  readonly region: string;
  readonly pacer?: Pacer;
}

const operationOf = (context: HandlerExecutionContext): string =>
  (context.commandName ?? '').replace(/Command$/, '');

/**
 * SDK middleware that takes a token before each attempt. It sits right after the retry middleware,
 * so a retried attempt is paced like a first one and never bypasses the limit.
 */
export const pacingPlugin = (target: PacingTarget): Pluggable<object, MetadataBearer> => ({
  applyToStack: (stack) => {
    const pacer = target.pacer ?? defaultPacer;
    stack.addRelativeTo(
      <Output extends MetadataBearer>(
        next: FinalizeHandler<object, Output>,
        context: HandlerExecutionContext,
      ) =>
        async (args: FinalizeHandlerArguments<object>) => {
          await pacer.acquire(target.service, target.account, target.region, operationOf(context));
          return next(args);
        },
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'archAuditorPacing', override: true },
    );
  },
});
