import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { OCSF_PROFILES, type OcsfDetectionFinding, toOcsf } from '../../report/ocsf.ts';
import { deriveOcsfJsonSchema, OCSF_SCHEMA_DIR } from '../fixtures/ocsf-schema.ts';
import {
  attributedDemoReport,
  demoReportWithException,
  incompleteDemoReport,
  mergedDemoReport,
} from '../fixtures/reports.ts';
import { sharedPresent } from '../fixtures/shared.ts';

/**
 * Every record `--format ocsf` writes is validated against a JSON Schema derived from the published
 * OCSF 1.6.0 schema (../shared/ocsf-schema-1.6.0): class and category, required attributes of the class
 * and of each object, attribute types from the dictionary, enum ids and their captions, object
 * constraints, and no attribute the class does not define. The schema is read in place, never copied.
 */

const hasSchema = sharedPresent(OCSF_SCHEMA_DIR, 'OCSF schema validation');

describe.skipIf(!hasSchema)('OCSF output against the published OCSF 1.6.0 schema', () => {
  let validate: ValidateFunction;

  beforeAll(() => {
    const schema = deriveOcsfJsonSchema('detection_finding', OCSF_PROFILES);
    // allErrors: a failure lists every problem of the record, not just the first.
    validate = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    }).compile(schema);
  });

  const problems = (record: unknown): string[] =>
    validate(record) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);

  const reports = {
    'an audit with findings and a suppressed one': demoReportWithException,
    'an incomplete audit': incompleteDemoReport,
    'a merged multi-account audit': mergedDemoReport,
    'an audit naming who made the changes': attributedDemoReport,
  };

  it.each(Object.entries(reports))('validates every record of %s', (_, build) => {
    const records = toOcsf(build());
    expect(records.length).toBeGreaterThan(0);
    const invalid = records
      .map((record) => ({ check: record.finding_info.analytic.uid, problems: problems(record) }))
      .filter((r) => r.problems.length > 0);
    expect(invalid).toEqual([]);
  });

  it('declares the one profile it applies, the one the schema was derived with', () => {
    for (const record of toOcsf(demoReportWithException()))
      expect(record.metadata.profiles).toEqual([...OCSF_PROFILES]);
  });

  describe('rejects a record the schema does not allow (the validation can fail)', () => {
    const base = (): OcsfDetectionFinding => {
      const [record] = toOcsf(demoReportWithException());
      return structuredClone(record!);
    };
    const broken: Record<string, (r: Record<string, unknown>) => void> = {
      'time as an ISO string instead of epoch milliseconds': (r) => {
        r.time = '2026-11-21T00:00:00.000Z';
      },
      'time in fractional seconds': (r) => {
        r.time = 1763683200.5;
      },
      'a severity_id outside the enum': (r) => {
        r.severity_id = 7;
      },
      'a severity caption that does not match severity_id': (r) => {
        r.severity = 'Low';
      },
      'status Suppressed with the status_id of New': (r) => {
        r.status = 'Suppressed';
      },
      'another class': (r) => {
        r.class_uid = 2003;
      },
      'a type_uid not matching the activity': (r) => {
        r.type_uid = 200402;
      },
      'no finding_info.uid (required)': (r) => {
        delete (r.finding_info as Record<string, unknown>).uid;
      },
      'no cloud (required by the cloud profile)': (r) => {
        delete r.cloud;
      },
      'a resource with neither uid nor name': (r) => {
        r.resources = [{ type: 'AWS::EC2::VPC' }];
      },
      'an attribute the class does not define': (r) => {
        r.check_id = 'apigw.resource-policy';
      },
      'remediation without its required desc': (r) => {
        r.remediation = {};
      },
      'an evidence user typed User with the type_id of Service': (r) => {
        r.evidences = [
          { actor: { user: { uid: 'arn:aws:iam::210987654321:user/sato', type_id: 4, type: 'User' } } },
        ];
      },
      'an evidence API call without its required operation': (r) => {
        r.evidences = [{ api: { request: { uid: '3f8e1b2a-6c4d-4e5f-8a9b-0c1d2e3f4a51' } } }];
      },
    };

    it.each(Object.entries(broken))('%s', (_, breakIt) => {
      const record = base() as unknown as Record<string, unknown>;
      expect(problems(record)).toEqual([]);
      breakIt(record);
      expect(problems(record)).not.toEqual([]);
    });
  });
});
