import { describe, expect, it } from 'vitest';
import { cloudfrontApiStagePath } from '../../../checks/cloudfront/api-stage-path.ts';
import {
  anApiBehavior,
  anApiOrigin,
  anS3Origin,
  aSeed000Distribution,
  aSeed000Inventory,
} from '../../fixtures/cloudfront.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aBehavior, aRestApi, aStage } from '../../fixtures/inventory.ts';

/** Seed 000 with the API origin's path and the API behaviors replaced. */
const seed000With = (originPath: string, ...patterns: string[]) =>
  aSeed000Inventory(
    aSeed000Distribution({
      origins: [anS3Origin(), anApiOrigin({ originPath })],
      behaviors: [
        aBehavior({ targetOriginId: 's3-frontend' }),
        ...patterns.map((pathPattern) => anApiBehavior({ pathPattern })),
      ],
    }),
  );

describe('cloudfront.api-stage-path', () => {
  it('passes /prod/data/* with an empty origin path: the first segment is stage prod (seed 000)', () => {
    expect(run(cloudfrontApiStagePath, seed000With('', '/prod/data/*'))).toEqual([]);
  });

  it('reports the twin /data/* with an empty origin path: the API reads "data" as the stage', () => {
    // Prepare
    const inventory = seed000With('', '/data/*');
    // Act
    const violations = run(cloudfrontApiStagePath, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe('E1A2B3C4D5E6F7');
    expect(violations[0]?.message).toContain('ステージ data はありません');
    expect(violations[0]?.actual).toBe('ステージ data（/data/*）');
    expect(violations[0]?.fact).toBe('/data/*:api-gateway:data');
  });

  it('passes origin path /prod with pattern /data/*: requests reach /prod/data/...', () => {
    expect(run(cloudfrontApiStagePath, seed000With('/prod', '/data/*'))).toEqual([]);
  });

  it('reports an origin path whose first segment is not a stage', () => {
    const violations = run(cloudfrontApiStagePath, seed000With('/v1', '/prod/data/*'));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toBe('ステージ v1（/v1/prod/data/*）');
  });

  it('passes origin path /prod with pattern /prod/data/*: the stage exists (the doubled /prod/prod path is a resource mismatch, not a missing stage)', () => {
    expect(run(cloudfrontApiStagePath, seed000With('/prod', '/prod/data/*'))).toEqual([]);
  });

  it('compares stage names case-sensitively', () => {
    expect(run(cloudfrontApiStagePath, seed000With('', '/Prod/data/*'))).toHaveLength(1);
  });

  it('treats a path pattern without its leading slash the same', () => {
    expect(run(cloudfrontApiStagePath, seed000With('', 'prod/data/*'))).toEqual([]);
    expect(run(cloudfrontApiStagePath, seed000With('', 'data/*'))).toHaveLength(1);
  });

  it('skips a behavior whose first segment is a wildcard', () => {
    expect(run(cloudfrontApiStagePath, seed000With('', '*', '/pro*/data', '*.json'))).toEqual([]);
  });

  it('reports every behavior that misses a stage', () => {
    const inventory = seed000With('', '/prod/data/*', '/api/*', '/v2/*');
    expect(run(cloudfrontApiStagePath, inventory).map((v) => v.fact)).toEqual([
      '/api/*:api-gateway:api',
      '/v2/*:api-gateway:v2',
    ]);
  });

  it('reports a stage that was deleted from the API', () => {
    const inventory = aSeed000Inventory(undefined, {
      restApis: [aRestApi({ stages: [aStage({ stageName: 'v1' })] })],
    });
    const violations = run(cloudfrontApiStagePath, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.expected).toBe('API a1b2c3d4e5 のステージ（v1）');
  });

  it('skips an execute-api origin whose API is not in the inventory', () => {
    const distribution = aSeed000Distribution({
      origins: [anS3Origin(), anApiOrigin({ domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com' })],
      behaviors: [aBehavior({ targetOriginId: 's3-frontend' }), anApiBehavior({ pathPattern: '/data/*' })],
    });
    expect(run(cloudfrontApiStagePath, aSeed000Inventory(distribution))).toEqual([]);
  });

  it('ignores behaviors that target other origins', () => {
    const inventory = seed000With('');
    expect(run(cloudfrontApiStagePath, inventory)).toEqual([]);
  });

  it('ignores a distribution that is not a named front door', () => {
    const intent = anIntent({ cloudfront: { frontDoors: ['E2QWRUHAPOMQZL'] } });
    expect(run(cloudfrontApiStagePath, seed000With('', '/data/*'), intent)).toEqual([]);
  });
});
