import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../checks/define.ts';
import { CHECKS } from '../../checks/index.ts';
import { vpcPublicSubnet } from '../../checks/vpc/public-subnet.ts';
import { evaluate } from '../../engine/evaluate.ts';
import type { IntentException } from '../../intent/schema.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anIntent } from '../fixtures/intent.ts';
import {
  aDeniedRead,
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
      errors: [aDeniedRead()],
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

  it('takes a violation’s own impact, and the check’s where the violation has none', () => {
    const impactOf = (impact?: string) =>
      evaluate({
        inventory: publicSubnetInventory,
        intent: anIntent(),
        checks: [
          defineCheck({
            ...vpcPublicSubnet,
            evaluate: (c) =>
              vpcPublicSubnet.evaluate(c).map((v) => ({ ...v, ...(impact ? { impact } : {}) })),
          }),
        ],
        now: NOW,
      }).findings[0]?.impact;
    expect(impactOf('この経路ではサブネット内の全インスタンスが到達可能です。')).toBe(
      'この経路ではサブネット内の全インスタンスが到達可能です。',
    );
    expect(impactOf()).toBe(vpcPublicSubnet.impact);
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

  describe('fact-level exceptions (an approved public ALB group that later opens SSH)', () => {
    const ALB_SG = 'sg-0a1b2c3d4e5f6a1b0';
    const worldRule = (id: string, port: number) =>
      aRule({ id, groupId: ALB_SG, protocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: '0.0.0.0/0' });
    const albGroup = (...ports: number[]) =>
      anInventory({
        ec2: {
          vpcs: [aVpc()],
          securityGroups: [
            aSecurityGroup({
              id: ALB_SG,
              rules: ports.map((port, i) => worldRule(`sgr-0a1b2c3d4e5f6000${i}`, port)),
            }),
          ],
        },
      });
    const approved = {
      check: 'sg.world-ingress',
      resource: ALB_SG,
      facts: ['tcp/443 from 0.0.0.0/0'],
      reason: 'baseline 時点で承認済み (2026-11-01)',
    };
    const auditWith = (inventory: ReturnType<typeof anInventory>, exception: IntentException) =>
      evaluate({
        inventory,
        intent: anIntent({ exceptions: [exception] }),
        checks: CHECKS,
        now: NOW,
        onlyChecks: ['sg.world-ingress'],
      });

    it('suppresses the accepted fact and carries the fact in the finding', () => {
      const report = auditWith(albGroup(443), approved);
      expect(report.findings).toEqual([]);
      expect(report.suppressed.map((f) => f.fact)).toEqual(['tcp/443 from 0.0.0.0/0']);
    });

    it('reports a new fact on the same resource at its own severity', () => {
      const report = auditWith(albGroup(443, 22), approved);
      expect(report.findings.map((f) => [f.checkId, f.resource.id, f.fact, f.severity])).toEqual([
        ['sg.world-ingress', ALB_SG, 'tcp/22 from 0.0.0.0/0', 'critical'],
      ]);
      expect(report.suppressed.map((f) => f.fact)).toEqual(['tcp/443 from 0.0.0.0/0']);
    });

    it('a whole-resource exception (no facts, written by hand) still accepts every fact on the resource', () => {
      const { facts: _, ...wholeResource } = approved;
      const report = auditWith(albGroup(443, 22), wholeResource);
      expect(report.findings).toEqual([]);
      expect(report.suppressed).toHaveLength(2);
    });

    it('an expired fact-level exception stops suppressing and raises audit.exception-expired', () => {
      const report = auditWith(albGroup(443), { ...approved, expires: '2026-11-20' });
      expect(report.findings.map((f) => [f.checkId, f.resource.id]).sort()).toEqual([
        ['audit.exception-expired', ALB_SG],
        ['sg.world-ingress', ALB_SG],
      ]);
      expect(report.findings.find((f) => f.checkId === 'audit.exception-expired')?.message).toContain(
        'tcp/443 from 0.0.0.0/0',
      );
    });
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
