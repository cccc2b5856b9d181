import { describe, expect, it } from 'vitest';
import { cloudfrontS3OriginAccess } from '../../../checks/cloudfront/s3-origin-access.ts';
import {
  anApiOrigin,
  anS3Origin,
  aSeed000Distribution,
  aSeed000Inventory,
} from '../../fixtures/cloudfront.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';

const WEBSITE = 'prod-frontend-123456789012.s3-website-ap-northeast-1.amazonaws.com';
const withS3Origin = (origin: ReturnType<typeof anS3Origin>) =>
  aSeed000Inventory(aSeed000Distribution({ origins: [origin, anApiOrigin()] }));

describe('cloudfront.s3-origin-access', () => {
  it('passes an S3 origin read through Origin Access Control (seed 000)', () => {
    expect(run(cloudfrontS3OriginAccess, aSeed000Inventory())).toEqual([]);
  });

  it('reports the twin without OAC or OAI at the default severity', () => {
    // Prepare
    const inventory = withS3Origin(anS3Origin({ originAccessControlId: undefined }));
    // Act
    const violations = run(cloudfrontS3OriginAccess, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.severity).toBeUndefined();
    expect(violations[0]?.actual).toBe('OAC・OAI なし');
    expect(violations[0]?.fact).toBe('s3-frontend:none');
  });

  it('reports a legacy Origin Access Identity as low', () => {
    const inventory = withS3Origin(
      anS3Origin({
        originAccessControlId: undefined,
        originAccessIdentity: 'origin-access-identity/cloudfront/E2OAIEXAMPLE01',
      }),
    );
    const violations = run(cloudfrontS3OriginAccess, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.severity).toBe('low');
    expect(violations[0]?.message).toContain('OAI');
  });

  it('reports a public S3 website endpoint the intent does not declare', () => {
    const inventory = withS3Origin(
      anS3Origin({ kind: 's3-website', domainName: WEBSITE, originAccessControlId: undefined }),
    );
    const violations = run(cloudfrontS3OriginAccess, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.severity).toBeUndefined();
    expect(violations[0]?.fact).toBe('s3-frontend:website');
  });

  it('passes the website endpoint listed in allowPublicS3Origins', () => {
    const inventory = withS3Origin(
      anS3Origin({ kind: 's3-website', domainName: WEBSITE, originAccessControlId: undefined }),
    );
    const intent = anIntent({ cloudfront: { allowPublicS3Origins: [WEBSITE] } });
    expect(run(cloudfrontS3OriginAccess, inventory, intent)).toEqual([]);
  });

  it('reports each unprotected S3 origin and ignores non-S3 origins', () => {
    const inventory = aSeed000Inventory(
      aSeed000Distribution({
        origins: [
          anS3Origin({ id: 'assets', originAccessControlId: undefined }),
          anS3Origin({ id: 'images', originAccessControlId: undefined }),
          anS3Origin({ id: 'docs' }),
          anApiOrigin(),
        ],
      }),
    );
    expect(run(cloudfrontS3OriginAccess, inventory).map((v) => v.fact)).toEqual([
      'assets:none',
      'images:none',
    ]);
  });

  it('ignores a distribution that is not a named front door', () => {
    const inventory = withS3Origin(anS3Origin({ originAccessControlId: undefined }));
    const intent = anIntent({ cloudfront: { frontDoors: ['E2QWRUHAPOMQZL'] } });
    expect(run(cloudfrontS3OriginAccess, inventory, intent)).toEqual([]);
  });
});
