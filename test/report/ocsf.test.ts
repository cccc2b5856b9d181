import { describe, expect, it } from 'vitest';
import type { Finding } from '../../model/finding.ts';
import type { Report } from '../../model/report.ts';
import { OCSF_SEVERITY, type OcsfDetectionFinding, renderOcsf, toOcsf } from '../../report/ocsf.ts';
import { runCli } from '../fixtures/cli.ts';
import { NOW } from '../fixtures/evaluate.ts';
import {
  attributedDemoReport,
  DEMO_ALB_ARN,
  demoReportWithException,
  incompleteDemoReport,
  mergedDemoReport,
} from '../fixtures/reports.ts';

/**
 * The OCSF mapping on its own terms (runs everywhere); test/report/ocsf-schema.test.ts validates the
 * same records against the published OCSF schema where ../shared has it.
 */

const recordOf = (records: readonly OcsfDetectionFinding[], finding: Finding): OcsfDetectionFinding => {
  const record = records.find((r) => r.finding_info.uid === finding.fingerprint);
  if (!record) throw new Error(`no OCSF record for ${finding.checkId} ${finding.fingerprint}`);
  return record;
};

const findingOf = (report: Report, checkId: string, pick: (f: Finding) => boolean = () => true): Finding => {
  const finding = report.findings.find((f) => f.checkId === checkId && pick(f));
  if (!finding) throw new Error(`the report has no ${checkId} finding`);
  return finding;
};

describe('report/ocsf: findings as OCSF 1.6.0 Detection Findings', () => {
  const report = demoReportWithException();
  const records = toOcsf(report);

  it('emits one record per finding and per suppressed finding, each a Detection Finding (2004) being created', () => {
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.suppressed).toHaveLength(1);
    expect(records).toHaveLength(report.findings.length + report.suppressed.length);
    for (const record of records) {
      expect(record).toMatchObject({
        class_uid: 2004,
        category_uid: 2,
        activity_id: 1,
        type_uid: 200401,
        metadata: { version: '1.6.0', product: { name: 'arch-auditor' }, profiles: ['cloud'] },
      });
    }
  });

  it('maps an open finding: fingerprint, check, ARN, account, region, severity, remediation, time, status New', () => {
    const finding = findingOf(report, 'apigw.resource-policy');
    expect(recordOf(records, finding)).toMatchObject({
      finding_info: {
        uid: finding.fingerprint,
        title: finding.title,
        desc: finding.message,
        analytic: { uid: 'apigw.resource-policy', type_id: 1, type: 'Rule', category: 'P8' },
      },
      resources: [
        {
          uid: 'arn:aws:apigateway:ap-northeast-1::/restapis/d3m0priv01',
          uid_alt: 'd3m0priv01',
          type: 'AWS::ApiGateway::RestApi',
          name: 'internal-s3-proxy',
          region: 'ap-northeast-1',
          cloud_partition: 'aws',
          role_id: 1,
        },
      ],
      cloud: {
        provider: 'AWS',
        account: { uid: '210987654321', type_id: 10 },
        region: 'ap-northeast-1',
      },
      severity_id: 5,
      severity: 'Critical',
      remediation: { desc: finding.remediation },
      risk_details: finding.impact,
      message: finding.message,
      status_id: 1,
      status: 'New',
      is_alert: true,
      unmapped: { expected: finding.expected, actual: finding.actual },
    });
    // OCSF time is epoch milliseconds: the moment the audit finished.
    expect(recordOf(records, finding).time).toBe(NOW.getTime());
  });

  it('maps a suppressed finding to status Suppressed with the exception’s reason, not an alert', () => {
    const suppressed = report.suppressed[0]!;
    expect(suppressed.checkId).toBe('elb.internet-facing');
    const record = recordOf(records, suppressed);
    expect(record).toMatchObject({
      status_id: 3,
      status: 'Suppressed',
      status_detail: '負荷試験の期間だけ公開する',
      is_alert: false,
      severity_id: 5,
      finding_info: { uid: suppressed.fingerprint, analytic: { uid: 'elb.internet-facing' } },
      resources: [{ uid: DEMO_ALB_ARN, type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' }],
      unmapped: { exception: { reason: '負荷試験の期間だけ公開する', expires: '2099-12-31' } },
    });
    // The ALB's id is its ARN: no alternate id repeating it.
    expect(record.resources[0]).not.toHaveProperty('uid_alt');
  });

  it('names a resource without an ARN by its id, and guesses no partition', () => {
    const finding = findingOf(report, 'sg.world-ingress');
    expect(finding.resource.arn).toBeUndefined();
    const [resource] = recordOf(records, finding).resources;
    expect(resource).toMatchObject({ uid: finding.resource.id, region: 'ap-northeast-1' });
    expect(resource).not.toHaveProperty('cloud_partition');
    expect(recordOf(records, finding).cloud).not.toHaveProperty('cloud_partition');
  });

  it("gives CloudFront's global resources no region", () => {
    const finding = findingOf(report, 'cloudfront.origin-bypass');
    expect(finding.resource.region).toBe('global');
    const record = recordOf(records, finding);
    expect(record.cloud).not.toHaveProperty('region');
    expect(record.resources[0]).not.toHaveProperty('region');
    expect(record.cloud.account?.uid).toBe('210987654321');
  });

  it('maps every severity to its OCSF severity_id', () => {
    expect(Object.fromEntries(Object.entries(OCSF_SEVERITY).map(([s, v]) => [s, v.id]))).toEqual({
      low: 2,
      medium: 3,
      high: 4,
      critical: 5,
    });
    for (const finding of [...report.findings, ...report.suppressed]) {
      expect(recordOf(records, finding).severity_id).toBe(OCSF_SEVERITY[finding.severity].id);
    }
  });

  it('reports an incomplete audit as its audit.incomplete finding', () => {
    const incomplete = incompleteDemoReport();
    const finding = findingOf(incomplete, 'audit.incomplete');
    expect(recordOf(toOcsf(incomplete), finding)).toMatchObject({
      severity_id: 4,
      status: 'New',
      resources: [{ uid: '210987654321', type: 'AWS::Account', region: 'ap-northeast-1' }],
      unmapped: { actual: 'UnauthorizedOperation' },
    });
  });

  it("takes each finding's own account from a merged multi-account report", () => {
    const merged = mergedDemoReport();
    const accounts = toOcsf(merged).map((r) => r.cloud.account);
    expect(new Set(accounts.map((a) => JSON.stringify(a)))).toEqual(
      new Set([
        JSON.stringify({ uid: '111122223333', name: 'staging', type_id: 10, type: 'AWS Account' }),
        JSON.stringify({ uid: '210987654321', type_id: 10, type: 'AWS Account' }),
      ]),
    );
    expect(merged.account).toBeUndefined();
  });

  it('names who made the changes behind a finding as evidences, and says why nobody is named', () => {
    const attributed = attributedDemoReport();
    const [changed, capped, untouched] = attributed.findings;
    const all = toOcsf(attributed);
    expect(recordOf(all, changed!).evidences).toEqual([
      {
        actor: {
          user: {
            uid: 'arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/sato',
            name: 'sato',
            type_id: 1,
            type: 'User',
          },
        },
        api: {
          operation: 'AuthorizeSecurityGroupIngress',
          request: { uid: '3f8e1b2a-6c4d-4e5f-8a9b-0c1d2e3f4a51' },
        },
        src_endpoint: { ip: '203.0.113.24' },
        http_request: { user_agent: expect.stringContaining('Mozilla/5.0') },
        data: { event_time: '2026-11-20T23:58:01Z', tool: 'console' },
      },
      expect.objectContaining({
        actor: {
          user: expect.objectContaining({
            name: 'cloudformation.amazonaws.com',
            type_id: 4,
            type: 'Service',
          }),
        },
        // A call an AWS service made on someone's behalf comes from the service, not an address.
        src_endpoint: { domain: 'cloudformation.amazonaws.com' },
      }),
    ]);
    expect(recordOf(all, capped!)).not.toHaveProperty('evidences');
    expect(recordOf(all, capped!).unmapped.changedByMissing).toBe('capped');
    expect(recordOf(all, untouched!)).not.toHaveProperty('evidences');
    expect(recordOf(all, untouched!).unmapped).not.toHaveProperty('changedByMissing');
  });

  it('names a role session as CloudTrail types it (99 Other), and leaves out an empty address or agent', () => {
    const report = attributedDemoReport();
    const [first, ...rest] = report.findings;
    const session = {
      ...first!.changedBy![0]!,
      arn: 'arn:aws:sts::210987654321:assumed-role/terraform-apply/ci',
      type: 'AssumedRole',
      name: 'terraform-apply/ci',
      sourceIp: '',
      userAgent: '',
    };
    const [evidence] = recordOf(
      toOcsf({ ...report, findings: [{ ...first!, changedBy: [session] }, ...rest] }),
      first!,
    ).evidences!;
    expect(evidence?.actor.user).toMatchObject({ type_id: 99, type: 'AssumedRole' });
    expect(evidence).not.toHaveProperty('src_endpoint');
    expect(evidence).not.toHaveProperty('http_request');
  });

  it('renders JSON lines, and nothing for a report without findings', () => {
    const lines = renderOcsf(report).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(records);
    expect(renderOcsf({ ...report, findings: [], suppressed: [] })).toBe('');
  });

  it('is what `audit --format ocsf` prints, with the same exit code as the other formats', async () => {
    const { code, out } = await runCli('audit', '--demo', '--format', 'ocsf');
    expect(code).toBe(1);
    const printed = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcsfDetectionFinding);
    const { out: json } = await runCli('audit', '--demo', '--format', 'json');
    const fromJson = JSON.parse(json) as Report;
    expect(printed.map((r) => r.finding_info.uid)).toEqual(fromJson.findings.map((f) => f.fingerprint));
    expect(printed.every((r) => r.status === 'New' && r.class_uid === 2004)).toBe(true);
  });
});
