import type { DistributionSummary, Origin } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import {
  normalizeDistribution,
  normalizeOrigin,
  normalizeResponseHeadersPolicy,
  originKind,
  summaryLacksOrigins,
} from '../../collect/normalize/cloudfront.ts';
import { createFingerprinter } from '../../collect/secrets.ts';
import { PEER_CORPUS, peerCases } from '../fixtures/peer-corpus.ts';
import { sharedPresent } from '../fixtures/shared.ts';

const fingerprint = createFingerprinter(Buffer.alloc(32, 3));
const origin = (o: Partial<Origin>): Origin => ({ Id: 'o1', DomainName: 'example.jp', ...o });

describe('originKind', () => {
  it.each([
    ['prod-static.s3.amazonaws.com', 's3'],
    ['prod-static.s3.ap-northeast-1.amazonaws.com', 's3'],
    ['prod-static.s3-ap-northeast-1.amazonaws.com', 's3'],
    ['prod-static.s3.cn-north-1.amazonaws.com.cn', 's3'],
    ['prod-static.s3-website-ap-northeast-1.amazonaws.com', 's3-website'],
    ['prod-static.s3-website.eu-west-1.amazonaws.com', 's3-website'],
    // A bucket whose name contains "s3-website", reached through its REST endpoint (OAC-capable).
    ['acme-s3-website-assets.s3.ap-northeast-1.amazonaws.com', 's3'],
    ['acme-s3-website-assets.s3-website-ap-northeast-1.amazonaws.com', 's3-website'],
    ['internal-prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com', 'custom'],
    ['a1b2c3d4e5.execute-api.ap-northeast-1.amazonaws.com', 'custom'],
    ['s3.example.jp', 'custom'],
  ] as const)('reads %s as %s', (domain, kind) => {
    expect(originKind(origin({ DomainName: domain }))).toBe(kind);
  });

  it('reads an origin with S3OriginConfig as S3 whatever its domain', () => {
    expect(originKind(origin({ S3OriginConfig: { OriginAccessIdentity: '' } }))).toBe('s3');
  });

  it('reads a VPC origin config as a VPC origin before looking at the domain', () => {
    expect(
      originKind(origin({ DomainName: 'bucket.s3.amazonaws.com', VpcOriginConfig: { VpcOriginId: 'vo_1' } })),
    ).toBe('vpc-origin');
  });
});

describe('normalizeOrigin', () => {
  it('keeps a legacy origin access identity and drops the empty OAC id AWS returns', () => {
    expect(
      normalizeOrigin(
        origin({
          DomainName: 'prod-static.s3.amazonaws.com',
          S3OriginConfig: { OriginAccessIdentity: 'origin-access-identity/cloudfront/E74FTE3AEXAMPLE' },
          OriginAccessControlId: '',
        }),
        fingerprint,
      ),
    ).toEqual({
      id: 'o1',
      domainName: 'prod-static.s3.amazonaws.com',
      originPath: '',
      kind: 's3',
      customHeaders: [],
      originAccessIdentity: 'origin-access-identity/cloudfront/E74FTE3AEXAMPLE',
    });
  });

  it('gives equal header values equal fingerprints and different values different ones', () => {
    const headers = (value: string) =>
      normalizeOrigin(
        origin({
          CustomHeaders: { Quantity: 1, Items: [{ HeaderName: 'x-origin-verify', HeaderValue: value }] },
        }),
        fingerprint,
      ).customHeaders[0]?.valueFingerprint;
    expect(headers('s3cr3t-a')).toBe(headers('s3cr3t-a'));
    expect(headers('s3cr3t-a')).not.toBe(headers('s3cr3t-b'));
    expect(headers('s3cr3t-a')).not.toContain('s3cr3t');
  });
});

describe('normalizeResponseHeadersPolicy', () => {
  it('counts a header as set only when its block is present', () => {
    expect(
      normalizeResponseHeadersPolicy({
        Id: 'p1',
        LastModifiedTime: new Date('2026-01-01T00:00:00.000Z'),
        ResponseHeadersPolicyConfig: {
          Name: 'csp-only',
          SecurityHeadersConfig: {
            ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: "default-src 'self'" },
          },
        },
      }),
    ).toEqual({
      id: 'p1',
      name: 'csp-only',
      hsts: false,
      contentTypeOptions: false,
      referrerPolicy: false,
      contentSecurityPolicy: true,
    });
  });
});

describe('summaryLacksOrigins', () => {
  it('is true only when the summary carries no origin items', () => {
    expect(summaryLacksOrigins({ Id: 'E1' } as DistributionSummary)).toBe(true);
    expect(
      summaryLacksOrigins({
        Id: 'E1',
        Origins: { Quantity: 0, Items: [] },
      } as unknown as DistributionSummary),
    ).toBe(false);
  });
});

// ------------------------------------------------------------------------------- peer corpus

interface PeerCase {
  readonly id: string;
  readonly family: string;
  readonly directly_comparable: boolean;
  readonly flags: readonly string[];
  readonly input: {
    readonly api_calls: readonly {
      readonly service: string;
      readonly operation: string;
      readonly response?: { readonly DistributionList?: { readonly Items?: DistributionSummary[] } } | null;
    }[];
  };
  readonly expected: { readonly verdict: string };
}

const hasCorpus = sharedPresent(PEER_CORPUS, 'CloudFront normalizers on the peer corpus');

describe.skipIf(!hasCorpus)('CloudFront normalizers on the peer corpus', () => {
  const cases = peerCases<PeerCase>();
  const withDistributions = cases
    .map((c) => ({
      peerCase: c,
      summaries: c.input.api_calls.flatMap((call) =>
        call.service === 'cloudfront' && call.operation === 'ListDistributions'
          ? (call.response?.DistributionList?.Items ?? [])
          : [],
      ),
    }))
    .filter((c) => c.summaries.length > 0);

  it('normalizes every recorded distribution into plain JSON without throwing', () => {
    expect(withDistributions.length).toBeGreaterThan(30);
    for (const { peerCase, summaries } of withDistributions) {
      for (const summary of summaries) {
        const distribution = normalizeDistribution(summary, fingerprint);
        expect(JSON.parse(JSON.stringify(distribution)), peerCase.id).toStrictEqual(distribution);
        expect(distribution.region).toBe('global');
      }
    }
  });

  it('keeps the default behavior’s viewer policy that cloudfront-http-allowed cases are judged on', () => {
    const judged = withDistributions.filter(
      (c) =>
        c.peerCase.family === 'cloudfront-http-allowed' &&
        c.peerCase.directly_comparable &&
        c.summaries.length === 1,
    );
    expect(judged.length).toBeGreaterThan(0);
    for (const { peerCase, summaries } of judged) {
      const [first] = normalizeDistribution(summaries[0]!, fingerprint).behaviors;
      expect(first?.pathPattern, peerCase.id).toBe('*');
      expect(first?.viewerProtocolPolicy === 'allow-all', peerCase.id).toBe(
        peerCase.expected.verdict === 'non-compliant',
      );
    }
  });

  it('keeps the web ACL id that cloudfront-waf-missing cases are judged on', () => {
    const judged = withDistributions.filter(
      (c) =>
        c.peerCase.family === 'cloudfront-waf-missing' &&
        c.peerCase.directly_comparable &&
        c.summaries.length === 1,
    );
    expect(judged.length).toBeGreaterThan(0);
    for (const { peerCase, summaries } of judged) {
      const distribution = normalizeDistribution(summaries[0]!, fingerprint);
      expect(distribution.webAclId === '', peerCase.id).toBe(peerCase.expected.verdict === 'non-compliant');
    }
  });
});

describe('normalizeDistribution origin groups', () => {
  const summary = (originGroups?: DistributionSummary['OriginGroups']): DistributionSummary =>
    ({
      Id: 'E1A2B3C4D5E6F7',
      DomainName: 'd2abcdefghijkl.cloudfront.net',
      Origins: {
        Quantity: 2,
        Items: [
          { Id: 'api-primary', DomainName: 'a1b2c3d4e5.execute-api.ap-northeast-1.amazonaws.com' },
          { Id: 'api-secondary', DomainName: 'f6g7h8i9j0.execute-api.ap-northeast-3.amazonaws.com' },
        ],
      },
      ...(originGroups ? { OriginGroups: originGroups } : {}),
    }) as DistributionSummary;

  it('keeps each group with its member origin ids, primary first', () => {
    const d = normalizeDistribution(
      summary({
        Quantity: 1,
        Items: [
          {
            Id: 'api-failover',
            FailoverCriteria: { StatusCodes: { Quantity: 2, Items: [500, 503] } },
            Members: { Quantity: 2, Items: [{ OriginId: 'api-primary' }, { OriginId: 'api-secondary' }] },
          },
        ],
      }),
      fingerprint,
    );
    expect(d.originGroups).toEqual([{ id: 'api-failover', originIds: ['api-primary', 'api-secondary'] }]);
  });

  it('leaves the field out when the distribution has no origin group', () => {
    const d = normalizeDistribution(summary({ Quantity: 0 }), fingerprint);
    expect(d).not.toHaveProperty('originGroups');
  });
});
