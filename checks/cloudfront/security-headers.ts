import { frontDoors } from '../../intent/queries.ts';
import { byId, label } from '../../inventory/derive.ts';
import type { ResponseHeadersPolicy } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';
import { behaviorLabel, distributionRef, distributionSpots, ownDistribution } from './distribution.ts';

/** The four headers seed 001 adds to every response, with how a message names each. */
const REQUIRED: readonly { readonly name: string; readonly isSet: (p: ResponseHeadersPolicy) => boolean }[] =
  [
    { name: 'Strict-Transport-Security', isSet: (p) => p.hsts },
    { name: 'X-Content-Type-Options', isSet: (p) => p.contentTypeOptions },
    { name: 'Referrer-Policy', isSet: (p) => p.referrerPolicy },
    { name: 'Content-Security-Policy', isSet: (p) => p.contentSecurityPolicy },
  ];

export const cloudfrontSecurityHeaders = defineCheck({
  id: 'cloudfront.security-headers',
  principle: 'P6',
  severity: 'low',
  resourceType: 'AWS::CloudFront::Distribution',
  needs: ['cloudfront.distributions', 'cloudfront.responseHeadersPolicies'],
  unseenItem: {
    ...ownDistribution,
    // A policy not read is judged on no behavior (neither finding nor pass): only the distributions
    // whose behaviors use it may be missing a finding.
    'AWS::CloudFront::ResponseHeadersPolicy': (items, { inventory }) =>
      distributionSpots(
        inventory.cloudfront.distributions.filter((d) =>
          d.behaviors.some((b) => items.some((p) => p.resourceId === b.responseHeadersPolicyId)),
        ),
      ),
  },
  title: 'キャッシュビヘイビアのレスポンスにセキュリティヘッダーが付与されていません',
  explanation:
    'HSTS・X-Content-Type-Options・Referrer-Policy・Content-Security-Policy は、ダウングレード攻撃、MIME スニッフィング、リファラーからの情報漏えい、XSS をブラウザー側で防ぎます。CloudFront のレスポンスヘッダーポリシーで一元的に付与する設計です。なお、AWS マネージドの SecurityHeadersPolicy には CSP が含まれません。',
  impact: 'ブラウザー側の防御が働かず、XSS や情報漏えいの被害が広がりやすくなります。',
  remediation:
    '4 つのヘッダーをすべて設定したカスタムのレスポンスヘッダーポリシーを作成し、各ビヘイビアに関連付けてください（CSP はアプリケーションに合わせて定義します）。',
  evaluate: ({ inventory, intent }) => {
    if (!intent.cloudfront.requireSecurityHeaders) return [];
    const policies = byId(inventory.cloudfront.responseHeadersPolicies);
    return frontDoors(inventory, intent).flatMap((d) =>
      d.behaviors.flatMap((b) => {
        const policyId = b.responseHeadersPolicyId;
        if (!policyId) {
          return [
            {
              resource: distributionRef(d),
              message: `ディストリビューション ${label(d)} の${behaviorLabel(b)} に、レスポンスヘッダーポリシーが関連付けられていません。`,
              expected: REQUIRED.map((h) => h.name).join(', '),
              actual: 'レスポンスヘッダーポリシーなし',
              fact: `${b.pathPattern}:no-policy`,
            },
          ];
        }
        // The collector fetches every policy a behavior references (managed ones included), so an id
        // missing here means it could not be read: unknown, never a finding (and never a pass reported).
        const policy = policies.get(policyId);
        if (!policy) return [];
        const missing = REQUIRED.filter((h) => !h.isSet(policy)).map((h) => h.name);
        if (missing.length === 0) return [];
        return [
          {
            resource: distributionRef(d),
            message: `ディストリビューション ${label(d)} の${behaviorLabel(b)} のレスポンスヘッダーポリシー ${policy.name} (${policy.id}) は ${missing.join(', ')} を付与していません。`,
            expected: REQUIRED.map((h) => h.name).join(', '),
            actual: `${policy.name}: ${missing.join(', ')} なし`,
            fact: `${b.pathPattern}:${policy.id}:${missing.join(',')}`,
          },
        ];
      }),
    );
  },
});
