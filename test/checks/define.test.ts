import { describe, expect, it } from 'vitest';
import { auditIncomplete } from '../../checks/audit/incomplete.ts';
import { type Check, defineCheck } from '../../checks/define.ts';
import { vpcPublicSubnet } from '../../checks/vpc/public-subnet.ts';

/** A well-formed declaration, so each case below changes exactly one field. */
const declared: Check = { ...vpcPublicSubnet, id: 'vpc.example', evaluate: () => [] };

const refusal = (check: Check): string => {
  try {
    defineCheck(check);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('defineCheck', () => {
  it('accepts a well-formed check and returns it unchanged', () => {
    expect(defineCheck(declared)).toBe(declared);
  });

  it('accepts a check about the audit itself that reads no slice', () => {
    expect(defineCheck({ ...auditIncomplete, id: 'audit.example' }).needs).toEqual([]);
  });

  it.each([
    ['an id without a group', { id: 'world-ingress' }, 'id must be <group>.<name>'],
    ['an id in upper case', { id: 'SG.World-Ingress' }, 'id must be <group>.<name>'],
    ['an id with an empty name part', { id: 'sg.-open' }, 'id must be <group>.<name>'],
    ['an unknown principle', { principle: 'P11' }, 'principle must be one of P1–P10'],
    ['an unknown severity', { severity: 'urgent' }, 'severity must be one of critical, high, medium, low'],
    ['an empty resource type', { resourceType: ' ' }, 'resourceType must name'],
    ['an English title', { title: 'Subnet routes to an internet gateway' }, 'title must be Japanese text'],
    ['an empty explanation', { explanation: '' }, 'explanation must be Japanese text'],
    ['an empty impact', { impact: '' }, 'impact must be Japanese text'],
    ['a missing remediation', { remediation: undefined }, 'remediation must be Japanese text'],
    ['no slice read by an account check', { needs: [] }, 'needs must list the inventory slices'],
    ['an unknown slice', { needs: ['ec2.subnet'] }, 'needs names unknown slices: ec2.subnet'],
  ])('refuses %s, naming the field and the guide', (_, change, problem) => {
    const message = refusal({ ...declared, ...change } as unknown as Check);
    expect(message).toContain(problem);
    expect(message).toContain('docs/adding-a-check.md');
  });

  it('lists every problem of a declaration at once', () => {
    const message = refusal({ ...declared, id: 'bad', title: 'English' });
    expect(message).toContain('id must be');
    expect(message).toContain('title must be Japanese text');
  });
});
