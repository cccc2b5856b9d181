import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInBlindSpot } from '../../evaluate/unseen.ts';
import type { Finding } from '../../model/finding.ts';
import type { Report } from '../../model/report.ts';
import { renderPreview } from '../../notify/index.ts';
import { runCli } from '../fixtures/cli.ts';
import {
  ACCESS_DENIED,
  type Answer,
  deriveCollectorCalls,
  installAccount,
  mocks,
  OPERATIONS,
  type OperationSpec,
  pathSet,
  REGION,
  type Service,
  serviceError,
  THROTTLED,
} from './account.ts';

/**
 * The fault matrix: for every operation the collectors call (derived from their source), each fault
 * injected at the SDK layer must end in a report whose other findings are intact, an audit.incomplete
 * finding naming service, operation, region and error code, exit code 1 from the CLI, and an alert
 * that says the audit is incomplete. Nothing may hang, crash, or invent a finding.
 */

interface Fault {
  readonly name: string;
  /** Only for operations called through a paginator. */
  readonly paginatedOnly?: boolean;
  readonly answer: (spec: OperationSpec) => Answer;
  readonly code: (spec: OperationSpec) => string;
}

const reject =
  (error: Error): Answer =>
  () =>
    Promise.reject(error);

/** A 5xx as each service sends it: EC2 says InternalError (500), the others ServiceUnavailable (503). */
const serverError = (service: Service) =>
  service === 'ec2'
    ? serviceError(service, 'InternalError', 500, 'An internal error has occurred')
    : serviceError(service, 'ServiceUnavailable', 503, 'Service Unavailable');

/** Node's own errors for a socket that timed out or was reset (what NodeHttpHandler rejects with). */
const socketTimeout = () =>
  Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' });
const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

const FAULTS: readonly Fault[] = [
  {
    name: 'AccessDenied',
    answer: (s) => reject(serviceError(s.service, ACCESS_DENIED[s.service], 403, 'not authorized')),
    code: (s) => ACCESS_DENIED[s.service],
  },
  {
    // What the SDK throws once every attempt of its retry budget was throttled.
    name: 'throttling beyond the retry budget',
    answer: (s) => reject(serviceError(s.service, THROTTLED[s.service], 400, 'Rate exceeded', 6)),
    code: (s) => THROTTLED[s.service],
  },
  {
    name: '5xx',
    answer: (s) => reject(serverError(s.service)),
    code: (s) => (s.service === 'ec2' ? 'InternalError' : 'ServiceUnavailable'),
  },
  { name: 'socket timeout', answer: () => reject(socketTimeout()), code: () => 'TimeoutError' },
  { name: 'connection reset', answer: () => reject(connectionReset()), code: () => 'ECONNRESET' },
  {
    name: 'malformed or partial response',
    answer: (s) => s.malformed,
    code: (s) => s.malformedCode ?? 'MalformedResponse',
  },
  {
    // A service that hands back the same next token with an empty page, forever.
    name: 'empty page repeating its next token',
    paginatedOnly: true,
    answer: (s) => {
      const paging = s.paging;
      if (!paging) throw new Error(`${s.operation} has no paging`);
      return () => pathSet(pathSet({}, paging.items, []), paging.next, 'c2FtZS10b2tlbg==');
    },
    code: () => 'PaginationLoop',
  },
];

/** `--all-regions` so DescribeRegions is called too; `--fail-on none` so only incompleteness fails. */
const audit = async (): Promise<{ code: number; report: Report; err: string }> => {
  const { code, out, err } = await runCli('audit', '--all-regions', '--format', 'json', '--fail-on', 'none');
  let report: Report;
  try {
    report = JSON.parse(out) as Report;
  } catch {
    throw new Error(`no JSON report (exit ${code}): ${err}`);
  }
  return { code, report, err };
};

const SERVICE_OF_CHECK: Readonly<Record<string, Service>> = {
  vpc: 'ec2',
  sg: 'ec2',
  elb: 'elbv2',
  cloudfront: 'cloudfront',
  apigw: 'apigateway',
};
const serviceOf = (f: Finding): Service | undefined => SERVICE_OF_CHECK[f.checkId.split('.')[0] ?? ''];
const isAudit = (f: Finding) => f.checkId.startsWith('audit.');
/** DescribeRegions is an EC2 call, but what it decides is which regions every regional service reads. */
const regionOf = (spec: OperationSpec) => (spec.service === 'cloudfront' ? 'global' : REGION);

const saved = { ...process.env };
let baseline: Report;

beforeAll(async () => {
  for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL']) delete process.env[key];
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'fault-matrix',
    AWS_SECRET_ACCESS_KEY: 'fault-matrix-not-a-secret',
  });
  installAccount();
  const run = await audit();
  expect(run.code, run.err).toBe(0);
  baseline = run.report;
});

afterAll(() => {
  process.env = saved;
});

describe('fault matrix', () => {
  it('covers exactly the operations the collectors call, paginated ones as paginated', async () => {
    const derived = await deriveCollectorCalls();
    expect(OPERATIONS.map((s) => `${s.pkg}:${s.operation}:${Boolean(s.paging)}`).sort()).toEqual(
      derived.map((c) => `${c.pkg}:${c.operation}:${c.paginated}`).sort(),
    );
  });

  it('the fixture account is audited complete, calls every operation, and has findings in three services', () => {
    expect(baseline.complete).toBe(true);
    expect(baseline.errors).toEqual([]);
    const uncalled = OPERATIONS.filter((s) => mocks[s.service].commandCalls(s.command).length === 0);
    expect(uncalled.map((s) => s.operation)).toEqual([]);
    const services = new Set(baseline.findings.map(serviceOf));
    for (const service of ['ec2', 'cloudfront', 'apigateway'] as const) {
      expect(services, service).toContain(service);
    }
  });

  it.each([
    // The join of the region's EC2 lists meets a null route: the region's EC2 data is reported unreadable.
    [
      'DescribeRouteTables',
      'ec2',
      'normalize',
      (page: object) => {
        const p = page as { RouteTables: { Routes?: unknown[] }[] };
        return { ...p, RouteTables: p.RouteTables.map((t, i) => (i === 0 ? { ...t, Routes: [null] } : t)) };
      },
    ],
    // One load balancer's normalizer meets a null zone: that load balancer is dropped, loudly.
    [
      'DescribeLoadBalancers',
      'elbv2',
      'DescribeLoadBalancers',
      (page: object) => {
        const p = page as { LoadBalancers?: object[] };
        return {
          ...p,
          LoadBalancers: (p.LoadBalancers ?? []).map((lb) => ({ ...lb, AvailabilityZones: [null] })),
        };
      },
    ],
  ] as const)(
    'a normalizer that throws on %s is reported as MalformedResponse, not a crash',
    async (operation, service, named, mangle) => {
      const spec = OPERATIONS.find((s) => s.operation === operation) as OperationSpec;
      installAccount({ [operation]: (input) => mangle(spec.respond(input)) });
      const { code, report, err } = await audit();
      expect(code, err).toBe(1);
      expect(report.errors).toContainEqual(
        expect.objectContaining({ service, operation: named, region: REGION, code: 'MalformedResponse' }),
      );
      expect(report.findings.some((f) => serviceOf(f) === 'cloudfront')).toBe(true);
      expect(renderPreview(report, 'slack')).toContain('監査が不完全');
    },
  );

  describe.each(OPERATIONS.map((spec) => [`${spec.service}:${spec.operation}`, spec] as const))(
    '%s',
    (_, spec) => {
      const faults = FAULTS.filter((f) => !f.paginatedOnly || spec.paging);
      it.each(faults.map((f) => [f.name, f] as const))('%s ends loudly incomplete', async (_name, fault) => {
        // Prepare
        installAccount({ [spec.operation]: fault.answer(spec) });
        // Act
        const { code, report, err } = await audit();
        // Assess: exit 1, incomplete, the error named precisely.
        expect(code, err).toBe(1);
        expect(report.complete).toBe(false);
        const expected = {
          service: spec.service,
          operation: spec.operation,
          region: regionOf(spec),
          code: fault.code(spec),
        };
        expect(report.errors).toContainEqual(expect.objectContaining(expected));
        // Only the faulty operation failed: nothing else was dragged down with it.
        expect(report.errors.filter((e) => e.operation !== spec.operation)).toEqual([]);
        const incomplete = report.findings.filter((f) => f.checkId === 'audit.incomplete');
        expect(incomplete.map((f) => f.message)).toContainEqual(
          expect.stringContaining(
            `${spec.service} の ${spec.operation}（${regionOf(spec)}）が失敗しました: ${expected.code}`,
          ),
        );
        // Every finding outside what the fault hid is intact; no finding is invented.
        const fingerprints = new Set(report.findings.map((f) => f.fingerprint));
        const expectedIntact = baseline.findings.filter(
          (f) =>
            !isAudit(f) &&
            !report.skippedChecks.includes(f.checkId) &&
            !isInBlindSpot(
              f.resource,
              report.unseen.filter((u) => u.checkId === f.checkId),
            ),
        );
        expect(expectedIntact.filter((f) => !fingerprints.has(f.fingerprint)).map((f) => f.message)).toEqual(
          [],
        );
        const before = new Set(baseline.findings.map((f) => f.fingerprint));
        expect(
          report.findings.filter((f) => !isAudit(f) && !before.has(f.fingerprint)).map((f) => f.message),
        ).toEqual([]);
        // A known finding of another service is still reported (unless the fault hid every region).
        if (spec.operation !== 'DescribeRegions') {
          expect(report.findings.some((f) => serviceOf(f) && serviceOf(f) !== spec.service)).toBe(true);
        } else {
          expect(report.findings.some((f) => serviceOf(f) === 'cloudfront')).toBe(true);
        }
        // The alert says so.
        expect(renderPreview(report, 'slack')).toContain('監査が不完全');
        expect(renderPreview(report, 'email')).toContain('監査が不完全');
      });

      if (spec.paging) {
        it('an empty page with a next token is followed, and the audit is complete', async () => {
          const paging = spec.paging as NonNullable<OperationSpec['paging']>;
          const EMPTY = 'ZW1wdHktcGFnZQ==';
          installAccount({
            [spec.operation]: (input) =>
              input[paging.input] === EMPTY
                ? spec.respond({ ...input, [paging.input]: undefined })
                : input[paging.input] === undefined
                  ? pathSet(pathSet({}, paging.items, []), paging.next, EMPTY)
                  : spec.respond(input),
          });
          const { code, report, err } = await audit();
          expect(code, err).toBe(0);
          expect(report.complete).toBe(true);
          expect(report.findings.map((f) => f.fingerprint).sort()).toEqual(
            baseline.findings.map((f) => f.fingerprint).sort(),
          );
        });
      }
    },
  );
});
