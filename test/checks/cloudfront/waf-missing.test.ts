import { describe, expect, it } from 'vitest';
import { cloudfrontWafMissing } from '../../../checks/cloudfront/waf-missing.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aDistribution, anInventory } from '../../fixtures/inventory.ts';

const withDistributions = (...distributions: ReturnType<typeof aDistribution>[]) =>
  anInventory({ cloudfront: { distributions } });

describe('cloudfront.waf-missing', () => {
  it('reports a front-door distribution without a web ACL', () => {
    // Prepare
    const inventory = withDistributions(aDistribution({ webAclId: '' }));
    // Act
    const violations = run(cloudfrontWafMissing, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe('E2QWRUHAPOMQZL');
    expect(violations[0]?.message).toContain('www.example.jp');
  });

  it('passes the twin with a WAFv2 web ACL attached', () => {
    const inventory = withDistributions(
      aDistribution({ webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/prod-cf/a1b2c3d4' }),
    );
    expect(run(cloudfrontWafMissing, inventory)).toEqual([]);
  });

  it('does not require WAF when the intent says so', () => {
    const inventory = withDistributions(aDistribution({ webAclId: '' }));
    expect(run(cloudfrontWafMissing, inventory, anIntent({ cloudfront: { requireWaf: false } }))).toEqual([]);
  });

  it('reports every distribution without WAF when no front door is named', () => {
    const inventory = withDistributions(
      aDistribution({ id: 'E2QWRUHAPOMQZL', webAclId: '' }),
      aDistribution({ id: 'E3LEGACYSITE01', webAclId: '' }),
    );
    expect(run(cloudfrontWafMissing, inventory)).toHaveLength(2);
  });

  it('ignores a distribution that is not a named front door', () => {
    const inventory = withDistributions(
      aDistribution({ id: 'E2QWRUHAPOMQZL' }),
      aDistribution({
        id: 'E3LEGACYSITE01',
        arn: 'arn:aws:cloudfront::123456789012:distribution/E3LEGACYSITE01',
        webAclId: '',
      }),
    );
    expect(
      run(cloudfrontWafMissing, inventory, anIntent({ cloudfront: { frontDoors: ['E2QWRUHAPOMQZL'] } })),
    ).toEqual([]);
  });

  it('accepts a front door named by its ARN', () => {
    const inventory = withDistributions(aDistribution({ webAclId: '' }));
    const intent = anIntent({
      cloudfront: { frontDoors: ['arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL'] },
    });
    expect(run(cloudfrontWafMissing, inventory, intent)).toHaveLength(1);
  });
});
