import { describe, expect, it } from 'vitest';
import { cloudfrontSecurityHeaders } from '../../../checks/cloudfront/security-headers.ts';
import {
  aResponseHeadersPolicy,
  aSeed001Distribution,
  aSeed001Inventory,
  CUSTOM_POLICY_ID,
  MANAGED_SECURITY_HEADERS_POLICY_ID,
} from '../../fixtures/cloudfront.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aBehavior, anInventory } from '../../fixtures/inventory.ts';

const withBehaviors = (...behaviors: ReturnType<typeof aBehavior>[]) =>
  aSeed001Inventory(aSeed001Distribution({ behaviors }));

describe('cloudfront.security-headers', () => {
  it('passes a behavior whose policy sets HSTS, nosniff, Referrer-Policy and CSP (seed 001)', () => {
    expect(run(cloudfrontSecurityHeaders, aSeed001Inventory())).toEqual([]);
  });

  it('reports the twin that uses the AWS managed SecurityHeadersPolicy, which sets no CSP', () => {
    // Prepare
    const inventory = withBehaviors(
      aBehavior({ responseHeadersPolicyId: MANAGED_SECURITY_HEADERS_POLICY_ID }),
    );
    // Act
    const violations = run(cloudfrontSecurityHeaders, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('Content-Security-Policy');
    expect(violations[0]?.message).not.toContain('Strict-Transport-Security');
    expect(violations[0]?.fact).toBe(`*:${MANAGED_SECURITY_HEADERS_POLICY_ID}:Content-Security-Policy`);
  });

  it('reports a behavior without any response headers policy', () => {
    const violations = run(
      cloudfrontSecurityHeaders,
      withBehaviors(aBehavior({ responseHeadersPolicyId: undefined })),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toBe('レスポンスヘッダーポリシーなし');
  });

  it('lists every header a custom policy leaves out', () => {
    const inventory = anInventory({
      cloudfront: {
        distributions: [aSeed001Distribution()],
        responseHeadersPolicies: [aResponseHeadersPolicy({ hsts: false, referrerPolicy: false })],
      },
    });
    const violations = run(cloudfrontSecurityHeaders, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toBe(
      'prod-security-headers: Strict-Transport-Security, Referrer-Policy なし',
    );
  });

  it('reports each behavior separately', () => {
    const inventory = withBehaviors(
      aBehavior({ pathPattern: '/static/*', responseHeadersPolicyId: undefined }),
      aBehavior({ responseHeadersPolicyId: CUSTOM_POLICY_ID }),
      aBehavior({ pathPattern: '*', responseHeadersPolicyId: MANAGED_SECURITY_HEADERS_POLICY_ID }),
    );
    expect(run(cloudfrontSecurityHeaders, inventory).map((v) => v.fact)).toEqual([
      '/static/*:no-policy',
      `*:${MANAGED_SECURITY_HEADERS_POLICY_ID}:Content-Security-Policy`,
    ]);
  });

  it('treats a policy that is not in the inventory as unknown, not as missing headers', () => {
    const inventory = withBehaviors(
      aBehavior({ responseHeadersPolicyId: '11111111-2222-4333-8444-555555555555' }),
    );
    expect(run(cloudfrontSecurityHeaders, inventory)).toEqual([]);
  });

  it('does not require security headers when the intent says so', () => {
    const inventory = withBehaviors(aBehavior({ responseHeadersPolicyId: undefined }));
    expect(
      run(cloudfrontSecurityHeaders, inventory, anIntent({ cloudfront: { requireSecurityHeaders: false } })),
    ).toEqual([]);
  });

  it('ignores distributions that are not named front doors', () => {
    const inventory = withBehaviors(aBehavior({ responseHeadersPolicyId: undefined }));
    expect(
      run(cloudfrontSecurityHeaders, inventory, anIntent({ cloudfront: { frontDoors: ['E1A2B3C4D5E6F7'] } })),
    ).toEqual([]);
  });
});
