import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditEventSchema, normalizeEvent } from '../../functions/event.ts';
import { validateEvent } from '../../functions/middleware/validate-event.ts';
import { expectCleanRefusal, FUZZ_TIMEOUT_MS, mutate, mutations, weirdValue } from './mutate.ts';

/** The middy `before` step the Lambda runs on every payload; it replaces the event when valid. */
const middleware = validateEvent(auditEventSchema, normalizeEvent);
const runBefore = async (
  event: unknown,
): Promise<{ ok: true; event: unknown } | { ok: false; error: unknown }> => {
  const request = { event };
  try {
    await (middleware.before as (r: { event: unknown }) => Promise<void>)(request);
    return { ok: true, event: request.event };
  } catch (error) {
    return { ok: false, error };
  }
};

const GOOD = {
  regions: ['ap-northeast-1', 'us-east-1'],
  checks: ['sg.world-ingress', 'vpc.public-subnet'],
  dryRun: true,
  trigger: 'manual',
};
const SCHEDULED = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-03-02T00:00:00Z',
  region: 'ap-northeast-1',
  resources: ['arn:aws:events:ap-northeast-1:123456789012:rule/arch-auditor-prod-audit'],
  detail: {},
};

/** A valid payload is exactly the typed event; an invalid one is refused naming the field. */
const check = async (event: unknown) => {
  const result = await runBefore(event);
  if (result.ok) {
    expect(auditEventSchema.parse(result.event)).toEqual(result.event);
    return;
  }
  const error = expectCleanRefusal(result.error);
  expect(error.message).toMatch(/^event payload is invalid:/);
  for (const issue of error.issues) {
    if (issue.path === '' && !/expected object|Unrecognized key/i.test(issue.message)) {
      throw new Error(`issue names no field: ${JSON.stringify(issue)}`);
    }
  }
};

describe('fuzz: invoke payloads', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('refuses mutated payloads naming the field, or passes a typed event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), mutations, async (scheduled, ms) => {
        await check(mutate(scheduled ? SCHEDULED : GOOD, ms));
      }),
      { numRuns: 1_500 },
    );
  });

  it('refuses arbitrary values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(weirdValue, fc.anything({ maxDepth: 2 })), async (event) => {
        await check(event);
      }),
      { numRuns: 1_000 },
    );
  });

  it('refuses regions and check ids that are not names, naming the element', async () => {
    for (const [event, path] of [
      [{ regions: ['ap-northeast-1', 'ap-northeast-1; rm -rf /'] }, 'regions[1]'],
      [{ regions: [] }, 'regions'],
      [{ checks: ['sg.world-ingress', '../x'] }, 'checks[1]'],
      [{ dryRun: 'false' }, 'dryRun'],
      [{ trigger: 'schedule', extra: 1 }, 'extra'],
    ] as const) {
      const result = await runBefore(event);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(expectCleanRefusal(result.error).issues.map((i) => i.path)).toContain(path);
    }
  });

  it('treats a bare EventBridge schedule envelope as a scheduled run', async () => {
    expect(await runBefore(SCHEDULED)).toEqual({
      ok: true,
      event: { trigger: 'schedule', dryRun: false },
    });
  });
});
