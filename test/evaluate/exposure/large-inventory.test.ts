import { describe, expect, it } from 'vitest';
import { exposureModel } from '../../../evaluate/exposure/paths.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { generateLargeInventory } from '../../fixtures/large-inventory.ts';

// Sizes only: timing belongs to scripts/bench-exposure.ts, never to a test.
describe('generateLargeInventory', () => {
  it('has the benchmark sizes and is deterministic', () => {
    // Prepare / Act
    const inventory = generateLargeInventory();
    // Assess
    expect(inventory.ec2.securityGroups.length).toBeGreaterThanOrEqual(2000);
    expect(inventory.ec2.securityGroups.reduce((n, g) => n + g.rules.length, 0)).toBeGreaterThanOrEqual(
      20_000,
    );
    expect(inventory.ec2.subnets).toHaveLength(500);
    expect(inventory.elbv2.loadBalancers).toHaveLength(300);
    expect(inventory.cloudfront.distributions).toHaveLength(100);
    expect(inventory.apigateway.restApis).toHaveLength(200);
    expect(inventory.apigateway.restApis.every((a) => a.resources.length >= 50)).toBe(true);
    expect(generateLargeInventory()).toEqual(inventory);
  });

  it('holds paths of every entry kind for the model to find', () => {
    const small = generateLargeInventory({
      securityGroups: 200,
      subnets: 60,
      loadBalancers: 30,
      restApis: 20,
    });
    const kinds = new Set(exposureModel(small, anIntent()).paths.map((p) => p.entry.kind));
    expect(kinds).toEqual(new Set(['public-ip', 'load-balancer', 'rest-api']));
  });
});
