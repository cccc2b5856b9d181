import { describe, expect, it } from 'vitest';
import { cloudfrontViewerHttp } from '../../../checks/cloudfront/viewer-http.ts';
import { anApiBehavior, aSeed000Distribution, aSeed000Inventory } from '../../fixtures/cloudfront.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aBehavior, aDistribution, anInventory } from '../../fixtures/inventory.ts';

describe('cloudfront.viewer-http', () => {
  it('reports a behavior whose viewer protocol policy is allow-all', () => {
    // Prepare
    const inventory = anInventory({
      cloudfront: {
        distributions: [aDistribution({ behaviors: [aBehavior({ viewerProtocolPolicy: 'allow-all' })] })],
      },
    });
    // Act
    const violations = run(cloudfrontViewerHttp, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toMatchObject({
      type: 'AWS::CloudFront::Distribution',
      id: 'E2QWRUHAPOMQZL',
    });
    expect(violations[0]?.message).toContain('デフォルトビヘイビア');
    expect(violations[0]?.actual).toBe('*: allow-all');
  });

  it('passes the twin whose behavior redirects HTTP to HTTPS', () => {
    const inventory = anInventory({
      cloudfront: {
        distributions: [
          aDistribution({ behaviors: [aBehavior({ viewerProtocolPolicy: 'redirect-to-https' })] }),
        ],
      },
    });
    expect(run(cloudfrontViewerHttp, inventory)).toEqual([]);
  });

  it('reports each allow-all behavior of a distribution by its path pattern', () => {
    const distribution = aSeed000Distribution({
      behaviors: [
        aBehavior({ targetOriginId: 's3-frontend' }),
        anApiBehavior({ viewerProtocolPolicy: 'allow-all' }),
      ],
    });
    const violations = run(cloudfrontViewerHttp, aSeed000Inventory(distribution));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('/prod/data/*');
    expect(violations[0]?.fact).toBe('/prod/data/*:allow-all');
  });

  it('judges only the front doors the intent names', () => {
    const allowAll = [aBehavior({ viewerProtocolPolicy: 'allow-all' })];
    const inventory = anInventory({
      cloudfront: {
        distributions: [
          aDistribution({ id: 'E2QWRUHAPOMQZL', behaviors: allowAll }),
          aDistribution({ id: 'E3LEGACYSITE01', arn: undefined, behaviors: allowAll }),
        ],
      },
    });
    const violations = run(
      cloudfrontViewerHttp,
      inventory,
      anIntent({ cloudfront: { frontDoors: ['E2QWRUHAPOMQZL'] } }),
    );
    expect(violations.map((v) => v.resource.id)).toEqual(['E2QWRUHAPOMQZL']);
    expect(run(cloudfrontViewerHttp, inventory).map((v) => v.resource.id)).toEqual([
      'E2QWRUHAPOMQZL',
      'E3LEGACYSITE01',
    ]);
  });
});
