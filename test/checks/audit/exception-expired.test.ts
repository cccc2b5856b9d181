import { describe, expect, it } from 'vitest';
import { auditExceptionExpired } from '../../../checks/audit/exception-expired.ts';
import { NOW, run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { anInventory, aSecurityGroup } from '../../fixtures/inventory.ts';

const exception = { check: 'sg.world-ingress', resource: 'sg-0a1b2c3d4e5f60002', reason: '移行作業中。' };

describe('audit.exception-expired', () => {
  it('reports an exception whose expiry day has passed, on the excepted resource with its check type', () => {
    const violations = run(
      auditExceptionExpired,
      anInventory(),
      anIntent({ exceptions: [{ ...exception, expires: '2026-11-20' }] }),
    );
    expect(violations).toHaveLength(1);
    // Not in the inventory: the audited region, never 'global' for a security group.
    expect(violations[0]?.resource).toEqual({
      type: 'AWS::EC2::SecurityGroup',
      id: 'sg-0a1b2c3d4e5f60002',
      region: 'ap-northeast-1',
    });
    expect(violations[0]?.message).toContain('理由: 移行作業中）');
  });

  it('names the excepted resource by its own region and Name tag when the inventory has it', () => {
    const sg = aSecurityGroup({ id: 'sg-0a1b2c3d4e5f60002', name: 'prod-ecs-sg', region: 'us-west-2' });
    const [violation] = run(
      auditExceptionExpired,
      anInventory({ ec2: { securityGroups: [sg] } }),
      anIntent({ exceptions: [{ ...exception, expires: '2026-11-20' }] }),
    );
    expect(violation?.resource).toEqual({
      type: 'AWS::EC2::SecurityGroup',
      id: 'sg-0a1b2c3d4e5f60002',
      region: 'us-west-2',
      name: 'prod-ecs-sg',
    });
    expect(violation?.message).toMatch(
      /^prod-ecs-sg \(sg-0a1b2c3d4e5f60002\) に対する sg\.world-ingress の例外/,
    );
  });

  it("names a '*' entry for people (すべてのリソース), while a named resource keeps its id alone", () => {
    const [star] = run(
      auditExceptionExpired,
      anInventory(),
      anIntent({ exceptions: [{ ...exception, resource: '*', expires: '2026-11-20' }] }),
    );
    expect(star?.resource).toEqual({
      type: 'AWS::EC2::SecurityGroup',
      id: '*',
      region: 'ap-northeast-1',
      name: 'すべてのリソース',
    });
    expect(star?.message).toMatch(/^すべてのリソースに対する sg\.world-ingress の例外/);
  });

  it('keeps a CloudFront distribution global', () => {
    const [violation] = run(
      auditExceptionExpired,
      anInventory(),
      anIntent({
        exceptions: [
          {
            check: 'cloudfront.waf-missing',
            resource: 'E2QWRUHAPOMQZL',
            reason: '検証中',
            expires: '2026-11-20',
          },
        ],
      }),
    );
    expect(violation?.resource.region).toBe('global');
  });

  it('names the facts of an expired fact-level exception, one finding per exception on the resource', () => {
    const expired = (fact: string) => ({ ...exception, facts: [fact], expires: '2026-11-20' });
    const violations = run(
      auditExceptionExpired,
      anInventory(),
      anIntent({ exceptions: [expired('tcp/80 from 0.0.0.0/0'), expired('tcp/443 from 0.0.0.0/0')] }),
    );
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining('の例外（tcp/80 from 0.0.0.0/0）'),
      expect.stringContaining('の例外（tcp/443 from 0.0.0.0/0）'),
    ]);
    expect(new Set(violations.map((v) => v.fact)).size).toBe(2);
  });

  it('is silent on the expiry day itself (an exception lasts to the end of that day)', () => {
    const today = NOW.toISOString().slice(0, 10);
    expect(
      run(auditExceptionExpired, anInventory(), anIntent({ exceptions: [{ ...exception, expires: today }] })),
    ).toEqual([]);
  });

  it('is silent on an exception without expiry', () => {
    expect(run(auditExceptionExpired, anInventory(), anIntent({ exceptions: [exception] }))).toEqual([]);
  });
});
