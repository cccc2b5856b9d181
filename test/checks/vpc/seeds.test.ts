import { describe, expect, it } from 'vitest';
import { VPC_CHECKS } from '../../../checks/vpc/index.ts';
import { run } from '../../fixtures/evaluate.ts';
import { seed001Intent, seed001Inventory, seed002Intent, seed002Inventory } from '../../fixtures/vpc.ts';

describe('vpc.* on the seed architectures', () => {
  it.each(VPC_CHECKS.map((c) => [c.id, c] as const))(
    '%s passes the seed-001 VPC: 3 AZs × 3 private tiers, Regional NAT, IGW for the VPC origin',
    (_, check) => {
      // Act
      const violations = run(check, seed001Inventory(), seed001Intent());
      // Assess
      expect(violations).toEqual([]);
    },
  );

  it.each(VPC_CHECKS.map((c) => [c.id, c] as const))(
    '%s passes the seed-002 classic VPC: public subnets, zonal NAT per AZ',
    (_, check) => {
      expect(run(check, seed002Inventory(), seed002Intent())).toEqual([]);
    },
  );
});
