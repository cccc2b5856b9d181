import { frontDoors } from '../../intent/queries.ts';
import { label } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { behaviorLabel, distributionRef, ownDistribution } from './distribution.ts';

export const cloudfrontViewerHttp = defineCheck({
  id: 'cloudfront.viewer-http',
  principle: 'P6',
  severity: 'medium',
  resourceType: 'AWS::CloudFront::Distribution',
  needs: ['cloudfront.distributions'],
  unseenItem: ownDistribution,
  title: 'キャッシュビヘイビアが暗号化されていない HTTP でのアクセスを許可しています',
  explanation:
    'ビューワープロトコルポリシーが allow-all のビヘイビアは、平文の HTTP リクエストにもそのまま応答します。通信内容や Cookie が経路上で盗聴・改ざんされる恐れがあります。',
  impact: '利用者との通信が暗号化されず、セッション情報などが漏えいする恐れがあります。',
  remediation:
    'ビヘイビアのビューワープロトコルポリシーを redirect-to-https（または https-only）に変更してください。',
  evaluate: ({ inventory, intent }) =>
    frontDoors(inventory, intent).flatMap((d) =>
      d.behaviors
        .filter((b) => b.viewerProtocolPolicy === 'allow-all')
        .map((b) => ({
          resource: distributionRef(d),
          message: `ディストリビューション ${label(d)} の${behaviorLabel(b)} は、ビューワープロトコルポリシーが allow-all で HTTP でのアクセスを許可しています。`,
          expected: 'redirect-to-https または https-only',
          actual: `${b.pathPattern}: allow-all`,
          fact: `${b.pathPattern}:allow-all`,
        })),
    ),
});
