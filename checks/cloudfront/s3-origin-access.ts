import { frontDoors } from '../../intent/queries.ts';
import { label, normalizeHost } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { distributionRef, ownDistribution } from './distribution.ts';

export const cloudfrontS3OriginAccess = defineCheck({
  id: 'cloudfront.s3-origin-access',
  principle: 'P6',
  severity: 'high',
  resourceType: 'AWS::CloudFront::Distribution',
  needs: ['cloudfront.distributions'],
  unseenItem: ownDistribution,
  title: 'S3 オリジンが Origin Access Control（OAC）で保護されていません',
  explanation:
    'S3 オリジンは OAC で CloudFront からの署名付きリクエストだけを受け付け、バケットは非公開にする設計です。OAC も OAI もない S3 オリジンや S3 ウェブサイトエンドポイントは、バケットを公開しないと動かないため、CloudFront を経由せずに中身を取得できます。従来の OAI は SSE-KMS や新しいリージョンに対応しておらず、AWS は OAC への移行を推奨しています。',
  impact: 'バケットの内容を、CloudFront と WAF を経由せずに直接取得される恐れがあります。',
  remediation:
    'OAC を作成してオリジンに設定し、バケットポリシーで cloudfront.amazonaws.com（AWS:SourceArn がこのディストリビューション）だけを許可してください。OAI を使っている場合は OAC に置き換えてください。意図して公開しているウェブサイトエンドポイントは、設計定義ファイルの cloudfront.allowPublicS3Origins に記載してください。',
  evaluate: ({ inventory, intent }) => {
    const allowed = new Set(intent.cloudfront.allowPublicS3Origins.map(normalizeHost));
    return frontDoors(inventory, intent).flatMap((d) =>
      d.origins.flatMap((origin) => {
        if (origin.kind !== 's3' && origin.kind !== 's3-website') return [];
        if (allowed.has(normalizeHost(origin.domainName))) return [];
        const base = {
          resource: distributionRef(d),
          expected: 'OAC（Origin Access Control）で保護された S3 オリジン',
        };
        const where = `ディストリビューション ${label(d)} のオリジン ${origin.id}（${origin.domainName}）`;
        // A website endpoint is a custom (HTTP) origin to CloudFront: OAC and OAI cannot apply, so the
        // bucket must be public for it to work at all.
        if (origin.kind === 's3-website') {
          return [
            {
              ...base,
              message: `${where}は S3 ウェブサイトエンドポイントのため、バケットを公開しないと動作しません。`,
              actual: 'S3 ウェブサイトエンドポイント（公開バケット）',
              fact: `${origin.id}:website`,
            },
          ];
        }
        if (origin.originAccessControlId) return [];
        if (origin.originAccessIdentity) {
          // Still private (the bucket admits only the OAI), but legacy: low, not high.
          return [
            {
              ...base,
              severity: 'low' as const,
              message: `${where}は従来の OAI（${origin.originAccessIdentity}）を使っており、OAC に移行していません。`,
              actual: `OAI: ${origin.originAccessIdentity}`,
              fact: `${origin.id}:oai`,
            },
          ];
        }
        return [
          {
            ...base,
            message: `${where}には OAC も OAI も設定されておらず、バケットを公開しないと動作しない構成です。`,
            actual: 'OAC・OAI なし',
            fact: `${origin.id}:none`,
          },
        ];
      }),
    );
  },
});
