import { describe, expect, it } from 'vitest';
import { driftDistribution } from '../../../checks/drift/distribution.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aBehavior, aDistribution, anInventory, anOrigin } from '../../fixtures/inventory.ts';

const DIST = 'E2QWRUHAPOMQZL';
const RHP = '67f7725c-6f97-4210-82d7-5512b31e9d03';
const WAF = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/prod-cf/a1b2c3d4';
const apiOrigin = anOrigin({
  id: 'api',
  kind: 'custom',
  domainName: 'a1b2c3d4e5.execute-api.ap-northeast-1.amazonaws.com',
  originPath: '/prod',
  vpcOriginId: undefined,
  originProtocolPolicy: 'https-only',
  customHeaders: [{ name: 'X-Api-Key', valueFingerprint: 'hmac:0000000000000000000000000000aaaa' }],
});
const apiBehavior = aBehavior({ pathPattern: '/data/*', targetOriginId: 'api' });
const distribution = aDistribution({
  origins: [anOrigin(), apiOrigin],
  behaviors: [aBehavior(), apiBehavior],
});
const intent = anIntent({
  baseline: {
    distributions: {
      [DIST]: {
        origins: [
          'alb-vpc-origin vpc-origin internal-prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com vpcOrigin=vo_0a1b2c3d4e5f6 headers=-',
          'api custom a1b2c3d4e5.execute-api.ap-northeast-1.amazonaws.com/prod protocol=https-only headers=x-api-key',
        ],
        behaviors: [
          `* -> alb-vpc-origin redirect-to-https rhp=${RHP}`,
          `/data/* -> api redirect-to-https rhp=${RHP}`,
        ],
        webAclId: WAF,
      },
    },
  },
});
const withDistribution = (o: Parameters<typeof aDistribution>[0]) =>
  anInventory({ cloudfront: { distributions: [{ ...distribution, ...o }] } });

describe('drift.distribution', () => {
  it('passes a distribution that matches its baseline', () => {
    expect(run(driftDistribution, withDistribution({}), intent)).toEqual([]);
  });

  it('treats a rotated API key header value as no change: only header names are recorded', () => {
    const rotated = { ...apiOrigin, customHeaders: [{ name: 'x-api-key', valueFingerprint: 'hmac:ffff' }] };
    expect(run(driftDistribution, withDistribution({ origins: [anOrigin(), rotated] }), intent)).toEqual([]);
  });

  it('reports an origin whose API key header was removed, without any header value', () => {
    // Prepare
    const bare = { ...apiOrigin, customHeaders: [] };
    // Act
    const violations = run(driftDistribution, withDistribution({ origins: [anOrigin(), bare] }), intent);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toMatchObject({
      type: 'AWS::CloudFront::Distribution',
      id: DIST,
      region: 'global',
    });
    expect(violations[0]?.actual).toContain(
      '+ api custom a1b2c3d4e5.execute-api.ap-northeast-1.amazonaws.com/prod protocol=https-only headers=-',
    );
    expect(JSON.stringify(violations)).not.toContain('hmac:');
  });

  it('reports a behavior that now lets viewers use plain HTTP', () => {
    const violations = run(
      driftDistribution,
      withDistribution({ behaviors: [aBehavior(), { ...apiBehavior, viewerProtocolPolicy: 'allow-all' }] }),
      intent,
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toBe(
      `+ /data/* -> api allow-all rhp=${RHP}; - /data/* -> api redirect-to-https rhp=${RHP}`,
    );
  });

  it('reports behaviors whose order changed, since the first match wins', () => {
    const violations = run(
      driftDistribution,
      withDistribution({ behaviors: [apiBehavior, aBehavior()] }),
      intent,
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('順序');
  });

  it('reports a WAF web ACL removed from the distribution', () => {
    const violations = run(driftDistribution, withDistribution({ webAclId: '' }), intent);
    expect(violations).toEqual([
      expect.objectContaining({ expected: WAF, actual: 'なし', fact: `webAcl:${WAF}->` }),
    ]);
  });

  it('reports a baselined distribution that was deleted', () => {
    expect(run(driftDistribution, anInventory(), intent)).toEqual([
      expect.objectContaining({
        resource: { type: 'AWS::CloudFront::Distribution', id: DIST, region: 'global' },
        fact: 'deleted',
      }),
    ]);
  });

  it('does nothing without a baseline', () => {
    expect(run(driftDistribution, withDistribution({ webAclId: '' }), anIntent())).toEqual([]);
  });
});
