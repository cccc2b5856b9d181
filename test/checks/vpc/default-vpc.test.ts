import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../checks/index.ts';
import { vpcDefaultVpc } from '../../../checks/vpc/default-vpc.ts';
import { evaluate } from '../../../engine/evaluate.ts';
import type { Inventory, Vpc } from '../../../inventory/types.ts';
import { DEFAULT_VPC, defaultVpcParts } from '../../fixtures/default-vpc.ts';
import { NOW, run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aNetworkInterface, anInventory, aVpc, REGION } from '../../fixtures/inventory.ts';

const withDefaultVpc = (extra: Partial<Inventory['ec2']> = {}): Inventory =>
  anInventory({ ec2: { ...defaultVpcParts(REGION, '1'), ...extra } });

describe('vpc.default-vpc', () => {
  it('reports an empty default VPC once, saying how many public subnets it keeps', () => {
    // Prepare
    const inventory = withDefaultVpc();
    // Act
    const violations = run(vpcDefaultVpc, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::EC2::VPC', id: DEFAULT_VPC, region: REGION },
      fact: 'unused-default-vpc',
    });
    expect(violations[0]?.message).toContain('デフォルトサブネット 3 個');
    // What it stands for: the public default subnets and the default group with AWS's rules.
    expect(violations[0]?.details?.covers).toEqual([
      'subnet-0d0d0d0d0d0d1000',
      'subnet-0d0d0d0d0d0d1001',
      'subnet-0d0d0d0d0d0d1002',
      'sg-0d0d0d0d0d0d00001',
    ]);
  });

  it('passes a default VPC that holds a workload: its own findings come from the other checks', () => {
    const inventory = withDefaultVpc({
      networkInterfaces: [aNetworkInterface({ vpcId: DEFAULT_VPC, subnetId: 'subnet-0d0d0d0d0d0d1000' })],
    });
    expect(run(vpcDefaultVpc, inventory)).toEqual([]);
  });

  it('passes an empty VPC that is not a default VPC', () => {
    const inventory = anInventory({ ec2: { vpcs: [aVpc()] } });
    expect(run(vpcDefaultVpc, inventory)).toEqual([]);
  });

  it('passes a default VPC the intent excludes', () => {
    const intent = anIntent({ excludeVpcs: [{ id: DEFAULT_VPC, reason: 'kept for a vendor appliance' }] });
    expect(run(vpcDefaultVpc, withDefaultVpc(), intent)).toEqual([]);
  });

  it('is the only finding of an empty default VPC, in each region (no flood under --all-regions)', () => {
    const regions = ['ap-northeast-1', 'us-east-1', 'eu-west-1'];
    const parts = regions.map((r, i) => defaultVpcParts(r, String(i + 1)));
    const inventory: Inventory = {
      ...anInventory(),
      regions,
      ec2: {
        ...anInventory().ec2,
        vpcs: parts.flatMap((p) => p.vpcs),
        subnets: parts.flatMap((p) => p.subnets),
        routeTables: parts.flatMap((p) => p.routeTables),
        securityGroups: parts.flatMap((p) => p.securityGroups),
      },
    };
    const report = evaluate({ inventory, intent: anIntent(), checks: CHECKS, now: NOW });
    expect(report.findings.map((f) => `${f.checkId} ${f.resource.region}`).sort()).toEqual(
      regions.map((r) => `vpc.default-vpc ${r}`).sort(),
    );
    expect(report.findings.every((f) => f.severity === 'low')).toBe(true);
  });

  it('gives way to the workload findings once something is launched there', () => {
    const vpc = (defaultVpcParts(REGION, '1').vpcs[0] as Vpc).id;
    const inventory = withDefaultVpc({
      networkInterfaces: [
        aNetworkInterface({
          vpcId: vpc,
          subnetId: 'subnet-0d0d0d0d0d0d1000',
          instanceId: 'i-0d0d0d0d0d0d00001',
          publicIp: '54.199.10.20',
        }),
      ],
    });
    const report = evaluate({ inventory, intent: anIntent(), checks: CHECKS, now: NOW });
    const checks = new Set(report.findings.map((f) => f.checkId));
    expect(checks.has('vpc.default-vpc')).toBe(false);
    expect([...checks].sort()).toEqual(
      ['sg.default-has-rules', 'vpc.auto-public-ip', 'vpc.public-eni', 'vpc.public-subnet'].sort(),
    );
  });
});
