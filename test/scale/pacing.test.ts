import { describe, expect, it } from 'vitest';
import { AWS_LIMITS, Pacer, TokenBucket, withHeadroom } from '../../collect/pacing.ts';

/** A manual clock: sleeping advances it, so pacing is tested without waiting. */
const fakeTime = () => {
  let now = 0;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    slept,
  };
};

describe('pacing', () => {
  it('lets a burst through at once, then spaces calls at the refill rate', async () => {
    const t = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 2.5, burst: 5 }, t.clock, t.sleep);
    const waits = [];
    for (let i = 0; i < 7; i++) waits.push(bucket.reserve());
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // The sixth call waits one token (400 ms at 2.5/s), the seventh two.
    expect(waits[5]).toBeCloseTo(400);
    expect(waits[6]).toBeCloseTo(800);
  });

  it('refills while idle, never beyond the burst', () => {
    const t = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 4 }, t.clock, t.sleep);
    for (let i = 0; i < 4; i++) bucket.reserve();
    t.advance(60_000);
    const waits = Array.from({ length: 5 }, () => bucket.reserve());
    expect(waits.filter((w) => w === 0)).toHaveLength(4);
    expect(waits[4]).toBeCloseTo(100);
  });

  it('holds API Gateway GetResources to 5 per 2 seconds and every call to the total limit', async () => {
    const t = fakeTime();
    const pacer = new Pacer(AWS_LIMITS, t.clock, t.sleep);
    for (let i = 0; i < 45; i++)
      await pacer.acquire('apigateway', '111122223333', 'ap-northeast-1', 'GetResources');
    // 45 GetResources at 2.5/s (with headroom) after a burst of 4 take at least 41 / 2.375 s.
    expect(t.clock()).toBeGreaterThanOrEqual((41 / (2.5 * 0.95)) * 1000 - 1);
    expect(t.clock()).toBeLessThan((45 / (2.5 * 0.95)) * 1000);
  });

  it('paces each account and region separately, and leaves unlisted services alone', async () => {
    const t = fakeTime();
    const pacer = new Pacer(AWS_LIMITS, t.clock, t.sleep);
    const burst = withHeadroom(AWS_LIMITS.ec2.buckets[0].spec).burst;
    for (let i = 0; i < burst; i++)
      await pacer.acquire('ec2', '111122223333', 'ap-northeast-1', 'DescribeVpcs');
    await pacer.acquire('ec2', '444455556666', 'ap-northeast-1', 'DescribeVpcs');
    await pacer.acquire('ec2', '111122223333', 'us-east-1', 'DescribeVpcs');
    for (let i = 0; i < 50; i++)
      await pacer.acquire('cloudfront', '111122223333', 'global', 'ListDistributions');
    expect(t.slept).toEqual([]);
    await pacer.acquire('ec2', '111122223333', 'ap-northeast-1', 'DescribeSubnets');
    expect(t.slept).toHaveLength(1);
  });

  it('stays under the documented limits', () => {
    for (const service of Object.values(AWS_LIMITS)) {
      for (const b of service.buckets) {
        const paced = withHeadroom(b.spec);
        expect(paced.ratePerSecond).toBeLessThan(b.spec.ratePerSecond);
        expect(paced.burst).toBeLessThan(b.spec.burst);
      }
    }
  });
});
