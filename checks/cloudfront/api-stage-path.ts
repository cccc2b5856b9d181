import { frontDoors } from '../../intent/queries.ts';
import { label } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import {
  behaviorLabel,
  behaviorsTargeting,
  distributionRef,
  ownDistribution,
  resolvedPath,
  resolvedStage,
  restApiOfOrigin,
} from './distribution.ts';

export const cloudfrontApiStagePath = defineCheck({
  id: 'cloudfront.api-stage-path',
  principle: 'P6',
  severity: 'medium',
  resourceType: 'AWS::CloudFront::Distribution',
  needs: ['cloudfront.distributions', 'apigateway.restApis'],
  unseenItem: ownDistribution,
  title: 'ビヘイビアが API Gateway の存在しないステージにリクエストを送っています',
  explanation:
    'CloudFront はオリジンパスの後ろにリクエストパスをそのまま付けて API Gateway に転送し、API Gateway はその先頭のセグメントをステージ名として扱います。オリジンパスとパスパターンの組み合わせがステージ名と一致しないと、そのビヘイビアへのリクエストはすべてエラーになります。',
  impact: 'そのパスへの API リクエストがすべて 403/404 エラーになります。',
  remediation:
    'ステージ名をパスに含めるなら、オリジンパスを空にしてパスパターンを /<ステージ名>/... にするか、オリジンパスを /<ステージ名> にしてパスパターンからステージ名を外してください。',
  evaluate: ({ inventory, intent }) =>
    frontDoors(inventory, intent).flatMap((d) =>
      d.origins.flatMap((origin) => {
        // Only judged where the REST API is known: an uncollected region or an HTTP API proves nothing.
        const api = restApiOfOrigin(inventory, origin);
        if (!api) return [];
        const stages = new Set(api.stages.map((s) => s.stageName));
        return behaviorsTargeting(d, origin).flatMap((b) => {
          const stage = resolvedStage(origin, b);
          // Stage names are case-sensitive in API Gateway. A wildcard first segment (e.g. the default
          // behavior '*') could reach any stage, so nothing can be concluded.
          if (stage === undefined || stages.has(stage)) return [];
          return [
            {
              resource: distributionRef(d),
              message: `ディストリビューション ${label(d)} の${behaviorLabel(b)} のリクエストはオリジン ${origin.id}（${origin.originPath ? `オリジンパス ${origin.originPath}` : 'オリジンパスなし'}）経由で ${resolvedPath(origin, b)} に転送されますが、API ${label(api)} にステージ ${stage} はありません。`,
              expected: `API ${api.id} のステージ（${[...stages].join(', ') || 'なし'}）`,
              actual: `ステージ ${stage}（${resolvedPath(origin, b)}）`,
              fact: `${b.pathPattern}:${origin.id}:${stage}`,
            },
          ];
        });
      }),
    ),
});
