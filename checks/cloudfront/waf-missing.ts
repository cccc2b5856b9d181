import { frontDoors } from '../../intent/queries.ts';
import { label } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { distributionRef, ownDistribution } from './distribution.ts';

export const cloudfrontWafMissing = defineCheck({
  id: 'cloudfront.waf-missing',
  principle: 'P6',
  severity: 'high',
  resourceType: 'AWS::CloudFront::Distribution',
  needs: ['cloudfront.distributions'],
  unseenItem: ownDistribution,
  title: 'CloudFront ディストリビューションに WAF の Web ACL が関連付けられていません',
  explanation:
    'インターネットからの入口となるディストリビューションでは、AWS WAF の Web ACL で SQL インジェクションやボット、過剰なリクエストを手前で遮断する設計です。Web ACL がないと、すべてのリクエストがそのままオリジンに届きます。',
  impact: '攻撃的なリクエストや大量アクセスがオリジン（API Gateway・ALB など）まで到達します。',
  remediation:
    'us-east-1 に CLOUDFRONT スコープの Web ACL を作成し、ディストリビューションに関連付けてください。',
  evaluate: ({ inventory, intent }) => {
    if (!intent.cloudfront.requireWaf) return [];
    return frontDoors(inventory, intent)
      .filter((d) => d.webAclId === '')
      .map((d) => ({
        resource: distributionRef(d),
        message: `ディストリビューション ${label(d)} に WAF の Web ACL が関連付けられていません。`,
        expected: 'WAF の Web ACL が関連付けられている',
        actual: 'Web ACL なし',
        fact: 'no-web-acl',
      }));
  },
});
