import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../checks/define.ts';
import { CHECKS } from '../../checks/index.ts';
import { vpcPublicSubnet } from '../../checks/vpc/public-subnet.ts';
import { evaluate } from '../../evaluate/engine.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anIntent } from '../fixtures/intent.ts';
import {
  anInventory,
  aRoute,
  aRouteTable,
  aRule,
  aSecurityGroup,
  aSubnet,
  aVpc,
} from '../fixtures/inventory.ts';

const publicSubnetInventory = anInventory({
  ec2: {
    vpcs: [aVpc()],
    subnets: [aSubnet()],
    routeTables: [
      aRouteTable({
        routes: [
          aRoute(),
          aRoute({ destination: '0.0.0.0/0', targetKind: 'internet-gateway', targetId: 'igw-0123' }),
        ],
      }),
    ],
  },
});

describe('evaluate', () => {
  it('reports a finding with the report contract fields', () => {
    const report = evaluate({
      inventory: publicSubnetInventory,
      intent: anIntent(),
      checks: CHECKS,
      now: NOW,
    });
    expect(report.complete).toBe(true);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      checkId: 'vpc.public-subnet',
      severity: 'high',
      resource: { type: 'AWS::EC2::Subnet', id: 'subnet-0a1b2c3d4e5f60001', region: 'ap-northeast-1' },
    });
    expect(report.findings[0]?.fingerprint).toMatch(/^[0-9a-f]{20}$/);
  });

  it('a failed slice in the only region blinds its checks there: no finding, audit.incomplete instead of a pass', () => {
    const inventory = {
      ...publicSubnetInventory,
      errors: [
        {
          service: 'ec2',
          operation: 'DescribeRouteTables',
          region: 'ap-northeast-1',
          code: 'UnauthorizedOperation',
          message: 'You are not authorized to perform this operation.',
          slices: ['ec2.routeTables' as const],
        },
      ],
    };
    const report = evaluate({ inventory, intent: anIntent(), checks: CHECKS, now: NOW });
    expect(report.complete).toBe(false);
    expect(report.unseen).toContainEqual({ checkId: 'vpc.public-subnet', region: 'ap-northeast-1' });
    expect(report.skippedChecks).toEqual([]);
    expect(report.findings.map((f) => f.checkId)).toEqual(['audit.incomplete']);
    expect(report.findings[0]?.message).toContain('DescribeRouteTables');
    expect(report.errors[0]).toEqual({
      service: 'ec2',
      operation: 'DescribeRouteTables',
      region: 'ap-northeast-1',
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
    });
  });

  it('turns a check that throws into audit.incomplete naming the check', () => {
    const broken = defineCheck({
      ...vpcPublicSubnet,
      id: 'vpc.broken',
      evaluate: () => {
        throw new Error('boom');
      },
    });
    const report = evaluate({
      inventory: publicSubnetInventory,
      intent: anIntent(),
      checks: [...CHECKS, broken],
      now: NOW,
    });
    expect(report.complete).toBe(false);
    expect(report.findings.find((f) => f.checkId === 'audit.incomplete')?.message).toContain('vpc.broken');
  });

  it('moves an excepted finding to suppressed, never dropping it', () => {
    const intent = anIntent({
      exceptions: [
        {
          check: 'vpc.public-subnet',
          resource: 'subnet-0a1b2c3d4e5f60001',
          reason: '移行中',
          expires: '2026-12-31',
        },
      ],
    });
    const report = evaluate({ inventory: publicSubnetInventory, intent, checks: CHECKS, now: NOW });
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toHaveLength(1);
    expect(report.suppressed[0]?.exception.reason).toBe('移行中');
  });

  it('stops suppressing after expiry and raises audit.exception-expired', () => {
    const intent = anIntent({
      exceptions: [
        {
          check: 'vpc.public-subnet',
          resource: 'subnet-0a1b2c3d4e5f60001',
          reason: '移行中',
          expires: '2026-11-20',
        },
      ],
    });
    const report = evaluate({ inventory: publicSubnetInventory, intent, checks: CHECKS, now: NOW });
    expect(report.findings.map((f) => f.checkId).sort()).toEqual([
      'audit.exception-expired',
      'vpc.public-subnet',
    ]);
    expect(report.findings.find((f) => f.checkId === 'audit.exception-expired')?.resource.type).toBe(
      'AWS::EC2::Subnet',
    );
    expect(report.suppressed).toEqual([]);
  });

  it('applies a severity override from the intent', () => {
    const report = evaluate({
      inventory: publicSubnetInventory,
      intent: anIntent({ severity: { 'vpc.public-subnet': 'low' } }),
      checks: CHECKS,
      now: NOW,
    });
    expect(report.findings[0]?.severity).toBe('low');
  });

  describe('severity of a check that sets its own per-violation severity (sg.world-ingress: SSH is critical)', () => {
    const sshOpenToWorld = anInventory({
      ec2: {
        vpcs: [aVpc()],
        securityGroups: [
          aSecurityGroup({
            id: 'sg-0bastion000000001',
            rules: [
              aRule({
                id: 'sgr-0ssh0000000000001',
                groupId: 'sg-0bastion000000001',
                protocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                cidrIpv4: '0.0.0.0/0',
              }),
            ],
          }),
        ],
      },
    });
    const severityOf = (intent: ReturnType<typeof anIntent>) =>
      evaluate({
        inventory: sshOpenToWorld,
        intent,
        checks: CHECKS,
        now: NOW,
        onlyChecks: ['sg.world-ingress'],
      }).findings.find((f) => f.checkId === 'sg.world-ingress')?.severity;

    it('keeps the per-violation severity when the intent says nothing about the check', () => {
      expect(severityOf(anIntent())).toBe('critical');
    });

    it('lets an explicit intent override win over the per-violation severity', () => {
      expect(severityOf(anIntent({ severity: { 'sg.world-ingress': 'medium' } }))).toBe('medium');
    });
  });

  it('runs only the requested checks plus audit checks', () => {
    const report = evaluate({
      inventory: publicSubnetInventory,
      intent: anIntent(),
      checks: CHECKS,
      now: NOW,
      onlyChecks: ['sg.world-ingress'],
    });
    expect(report.findings).toEqual([]);
  });
});
