import { describe, expect, it } from 'vitest';
import { cloudfrontApiKeyHeader } from '../../../checks/cloudfront/api-key-header.ts';
import {
  anApiBehavior,
  anApiOrigin,
  anS3Origin,
  aSeed000Distribution,
  aSeed000Inventory,
  KEY_FINGERPRINT,
  OTHER_FINGERPRINT,
} from '../../fixtures/cloudfront.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  aBehavior,
  aMethod,
  anApiKey,
  anApiResource,
  aRestApi,
  aStage,
  aUsagePlan,
} from '../../fixtures/inventory.ts';

/** Seed 000 with the API origin (and its behaviors) replaced. */
const withApiOrigin = (
  origin: ReturnType<typeof anApiOrigin>,
  behaviors = [aBehavior({ targetOriginId: 's3-frontend' }), anApiBehavior()],
) => aSeed000Distribution({ origins: [anS3Origin(), origin], behaviors });

/** After rotation: the old key (the header's value) and its replacement, attached to the plan. */
const oldKey = anApiKey({ id: 'key0001', name: 'cloudfront-key-2025', valueFingerprint: KEY_FINGERPRINT });
const newKey = anApiKey({ id: 'key0002', name: 'cloudfront-key-2026', valueFingerprint: OTHER_FINGERPRINT });

const noSecrets = (violations: ReturnType<typeof run>) =>
  violations.every((v) => !JSON.stringify(v).includes('hmac:'));

describe('cloudfront.api-key-header', () => {
  describe('API origins in an origin group (failover)', () => {
    // The behavior targets the group; CloudFront sends its requests to the primary and, when the primary
    // answers with a failover status, to the secondary: both must carry an accepted key.
    const inGroup = (secondary: ReturnType<typeof anApiOrigin>) =>
      aSeed000Distribution({
        origins: [anS3Origin(), anApiOrigin(), secondary],
        originGroups: [{ id: 'api-failover', originIds: ['api-gateway', 'api-gateway-secondary'] }],
        behaviors: [
          aBehavior({ targetOriginId: 's3-frontend' }),
          anApiBehavior({ targetOriginId: 'api-failover' }),
        ],
      });

    it('reports a secondary origin of the group that has no API-key header', () => {
      const inventory = aSeed000Inventory(
        inGroup(anApiOrigin({ id: 'api-gateway-secondary', customHeaders: [] })),
      );
      expect(run(cloudfrontApiKeyHeader, inventory).map((v) => v.fact)).toEqual([
        'api-gateway-secondary:no-header',
      ]);
    });

    it('passes the twin whose secondary origin carries the key too', () => {
      const inventory = aSeed000Inventory(inGroup(anApiOrigin({ id: 'api-gateway-secondary' })));
      expect(run(cloudfrontApiKeyHeader, inventory)).toEqual([]);
    });
  });

  it('passes a header carrying an enabled key of the usage plan on stage prod (seed 000)', () => {
    expect(run(cloudfrontApiKeyHeader, aSeed000Inventory())).toEqual([]);
  });

  it('reports a stale header after rotation: the old key is disabled', () => {
    // Prepare
    const inventory = aSeed000Inventory(undefined, {
      apiKeys: [{ ...oldKey, enabled: false }, newKey],
      usagePlans: [aUsagePlan({ apiKeyIds: ['key0002'] })],
    });
    // Act
    const violations = run(cloudfrontApiKeyHeader, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe('E1A2B3C4D5E6F7');
    expect(violations[0]?.message).toContain('無効化');
    expect(violations[0]?.message).toContain('cloudfront-key-2025 (key0001)');
    expect(violations[0]?.fact).toBe('api-gateway:prod:disabled:key0001');
    expect(noSecrets(violations)).toBe(true);
  });

  it('passes the twin whose header was updated to the new key', () => {
    const inventory = aSeed000Inventory(
      withApiOrigin(
        anApiOrigin({ customHeaders: [{ name: 'x-api-key', valueFingerprint: OTHER_FINGERPRINT }] }),
      ),
      {
        apiKeys: [{ ...oldKey, enabled: false }, newKey],
        usagePlans: [aUsagePlan({ apiKeyIds: ['key0002'] })],
      },
    );
    expect(run(cloudfrontApiKeyHeader, inventory)).toEqual([]);
  });

  it('reports a stale header after rotation: the old key is still enabled but detached from the plan', () => {
    const inventory = aSeed000Inventory(undefined, {
      apiKeys: [oldKey, newKey],
      usagePlans: [aUsagePlan({ apiKeyIds: ['key0002'] })],
    });
    const violations = run(cloudfrontApiKeyHeader, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'ステージ prod を対象とする使用量プランに関連付けられていません',
    );
    expect(violations[0]?.fact).toBe('api-gateway:prod:not-in-plan:key0001');
    expect(noSecrets(violations)).toBe(true);
  });

  it('reports a header value that matches no API key (the old key was deleted)', () => {
    const inventory = aSeed000Inventory(undefined, {
      apiKeys: [newKey],
      usagePlans: [aUsagePlan({ apiKeyIds: ['key0002'] })],
    });
    const violations = run(cloudfrontApiKeyHeader, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.fact).toBe('api-gateway:prod:unknown-value');
  });

  it('reports a key attached only to a plan on another stage', () => {
    const inventory = aSeed000Inventory(undefined, {
      usagePlans: [aUsagePlan({ apiStages: [{ apiId: 'a1b2c3d4e5', stage: 'staging' }] })],
    });
    const violations = run(cloudfrontApiKeyHeader, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.fact).toBe('api-gateway:prod:no-plan');
  });

  it('reports an API origin without the key header', () => {
    const inventory = aSeed000Inventory(withApiOrigin(anApiOrigin({ customHeaders: [] })));
    const violations = run(cloudfrontApiKeyHeader, inventory);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.actual).toBe('x-api-key ヘッダーなし');
    expect(violations[0]?.fact).toBe('api-gateway:no-header');
  });

  it('matches the header name case-insensitively', () => {
    const inventory = aSeed000Inventory(
      withApiOrigin(
        anApiOrigin({ customHeaders: [{ name: 'X-API-Key', valueFingerprint: KEY_FINGERPRINT }] }),
      ),
    );
    expect(run(cloudfrontApiKeyHeader, inventory)).toEqual([]);
  });

  it('looks for the header name the intent configures', () => {
    const intent = anIntent({ cloudfront: { apiKeyHeader: 'x-origin-key' } });
    const violations = run(cloudfrontApiKeyHeader, aSeed000Inventory(), intent);
    expect(violations.map((v) => v.fact)).toEqual(['api-gateway:no-header']);
  });

  it('reads the stage from the origin path when there is one', () => {
    const origin = anApiOrigin({ originPath: '/staging' });
    const inventory = aSeed000Inventory(withApiOrigin(origin, [anApiBehavior({ pathPattern: '/data/*' })]), {
      restApis: [aRestApi({ stages: [aStage(), aStage({ stageName: 'staging' })] })],
    });
    expect(run(cloudfrontApiKeyHeader, inventory).map((v) => v.fact)).toEqual([
      'api-gateway:staging:no-plan',
    ]);
  });

  it('checks each stage the behaviors reach, once', () => {
    const inventory = aSeed000Inventory(
      withApiOrigin(anApiOrigin(), [
        anApiBehavior({ pathPattern: '/prod/data/*' }),
        anApiBehavior({ pathPattern: '/prod/users/*' }),
        anApiBehavior({ pathPattern: '/v2/data/*' }),
      ]),
      { restApis: [aRestApi({ stages: [aStage(), aStage({ stageName: 'v2' })] })] },
    );
    expect(run(cloudfrontApiKeyHeader, inventory).map((v) => v.fact)).toEqual(['api-gateway:v2:no-plan']);
  });

  it('leaves a stage that does not exist to cloudfront.api-stage-path', () => {
    const inventory = aSeed000Inventory(
      withApiOrigin(anApiOrigin(), [anApiBehavior({ pathPattern: '/data/*' })]),
    );
    expect(run(cloudfrontApiKeyHeader, inventory)).toEqual([]);
  });

  it('accepts a key of any plan on the API when the behavior reaches an unknown stage (default behavior)', () => {
    const behaviors = [aBehavior({ targetOriginId: 'api-gateway' })];
    expect(run(cloudfrontApiKeyHeader, aSeed000Inventory(withApiOrigin(anApiOrigin(), behaviors)))).toEqual(
      [],
    );
    const stale = aSeed000Inventory(withApiOrigin(anApiOrigin(), behaviors), {
      apiKeys: [{ ...oldKey, enabled: false }],
    });
    expect(run(cloudfrontApiKeyHeader, stale).map((v) => v.fact)).toEqual(['api-gateway:*:disabled:key0001']);
  });

  it('reports each front door with a stale header, and only named front doors', () => {
    const second = aSeed000Distribution({ id: 'E9STAGING00001', arn: undefined, aliases: [] });
    const inventory = {
      ...aSeed000Inventory(undefined, { apiKeys: [{ ...oldKey, enabled: false }] }),
    };
    const both = {
      ...inventory,
      cloudfront: { ...inventory.cloudfront, distributions: [aSeed000Distribution(), second] },
    };
    expect(run(cloudfrontApiKeyHeader, both).map((v) => v.resource.id)).toEqual([
      'E1A2B3C4D5E6F7',
      'E9STAGING00001',
    ]);
    const intent = anIntent({ cloudfront: { frontDoors: ['E9STAGING00001'] } });
    expect(run(cloudfrontApiKeyHeader, both, intent).map((v) => v.resource.id)).toEqual(['E9STAGING00001']);
  });

  describe('applicability', () => {
    const noHeader = withApiOrigin(anApiOrigin({ customHeaders: [] }));
    const keylessApi = aRestApi({
      resources: [anApiResource({ methods: [aMethod({ apiKeyRequired: false })] })],
    });

    it('judges an API whose methods need no key yet when the intent requires API keys (private-backend)', () => {
      expect(
        run(cloudfrontApiKeyHeader, aSeed000Inventory(noHeader, { restApis: [keylessApi] })),
      ).toHaveLength(1);
    });

    it('skips an API that uses no keys where the intent does not require them (classic)', () => {
      const inventory = aSeed000Inventory(noHeader, { restApis: [keylessApi] });
      expect(run(cloudfrontApiKeyHeader, inventory, anIntent({ profile: 'classic' }))).toEqual([]);
    });

    it('still judges an API whose methods require a key under the classic profile', () => {
      expect(
        run(cloudfrontApiKeyHeader, aSeed000Inventory(noHeader), anIntent({ profile: 'classic' })),
      ).toHaveLength(1);
    });

    it('skips an API whose keys come from a Lambda authorizer', () => {
      const inventory = aSeed000Inventory(noHeader, { restApis: [aRestApi({ apiKeySource: 'AUTHORIZER' })] });
      expect(run(cloudfrontApiKeyHeader, inventory)).toEqual([]);
    });

    it('skips an execute-api origin in a region that was not collected', () => {
      const origin = anApiOrigin({
        customHeaders: [],
        domainName: 'a1b2c3d4e5.execute-api.us-west-2.amazonaws.com',
      });
      expect(run(cloudfrontApiKeyHeader, aSeed000Inventory(withApiOrigin(origin)))).toEqual([]);
    });

    it('skips an execute-api origin that is not a known REST API (e.g. an HTTP API)', () => {
      const origin = anApiOrigin({
        customHeaders: [],
        domainName: 'zz9y8x7w6v.execute-api.ap-northeast-1.amazonaws.com',
      });
      expect(run(cloudfrontApiKeyHeader, aSeed000Inventory(withApiOrigin(origin)))).toEqual([]);
    });

    it('skips an API origin no behavior routes to', () => {
      const inventory = aSeed000Inventory(
        withApiOrigin(anApiOrigin({ customHeaders: [] }), [aBehavior({ targetOriginId: 's3-frontend' })]),
      );
      expect(run(cloudfrontApiKeyHeader, inventory)).toEqual([]);
    });
  });
});
