import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../app/intent-file.ts';
import { exceptionCovers } from '../../intent/exceptions.ts';
import { IntentValidationError } from '../../support/errors.ts';

const routeTable = { id: 'rtb-0a1b2c3d4e5f60003' };
const natFinding = (resource: { id: string; arn?: string } = routeTable, fact = 'mode:instance:i-0a1b') => ({
  checkId: 'vpc.nat-mode',
  resource,
  fact,
});
const exceptionFor = (resource: string) => ({
  check: 'vpc.nat-mode',
  resource,
  reason: 'NAT インスタンスから NAT ゲートウェイへ移行中',
});

describe('exceptionCovers', () => {
  it('covers a resource without an ARN in the inventory when the exception names it by its EC2 ARN', () => {
    const e = exceptionFor('arn:aws:ec2:ap-northeast-1:123456789012:route-table/rtb-0a1b2c3d4e5f60003');
    expect(exceptionCovers(e, natFinding())).toBe(true);
  });

  it('does not cover it when the ARN names another route table', () => {
    const e = exceptionFor('arn:aws:ec2:ap-northeast-1:123456789012:route-table/rtb-0a1b2c3d4e5f60099');
    expect(exceptionCovers(e, natFinding())).toBe(false);
  });

  it('covers by id, by the carried ARN and by *, for its own check only', () => {
    const lb = {
      id: 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/prod-alb/50dc6c495c0c9188',
      arn: 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/prod-alb/50dc6c495c0c9188',
    };
    expect(exceptionCovers(exceptionFor('rtb-0a1b2c3d4e5f60003'), natFinding())).toBe(true);
    expect(
      exceptionCovers(
        { ...exceptionFor(lb.arn), check: 'elb.internet-facing' },
        { checkId: 'elb.internet-facing', resource: lb, fact: 'scheme:internet-facing' },
      ),
    ).toBe(true);
    expect(exceptionCovers(exceptionFor('*'), { ...natFinding(), checkId: 'vpc.public-subnet' })).toBe(false);
  });

  describe('with facts', () => {
    const alb = { id: 'sg-0a1b2c3d4e5f60001' };
    const worldOpen = (fact: string) => ({ checkId: 'sg.world-ingress', resource: alb, fact });
    const accepted = {
      check: 'sg.world-ingress',
      resource: alb.id,
      facts: ['tcp/80 from 0.0.0.0/0', 'tcp/443 from 0.0.0.0/0'],
      reason: '公開 ALB（承認済み）',
    };

    it('covers each accepted fact on the resource', () => {
      expect(exceptionCovers(accepted, worldOpen('tcp/443 from 0.0.0.0/0'))).toBe(true);
      expect(exceptionCovers(accepted, worldOpen('tcp/80 from 0.0.0.0/0'))).toBe(true);
    });

    it('does not cover a new fact on the same resource', () => {
      expect(exceptionCovers(accepted, worldOpen('tcp/22 from 0.0.0.0/0'))).toBe(false);
      expect(exceptionCovers(accepted, worldOpen('tcp/443 from ::/0'))).toBe(false);
    });

    it('does not cover an accepted fact on another resource, unless the resource is *', () => {
      const other = { ...worldOpen('tcp/443 from 0.0.0.0/0'), resource: { id: 'sg-0a1b2c3d4e5f60099' } };
      expect(exceptionCovers(accepted, other)).toBe(false);
      expect(exceptionCovers({ ...accepted, resource: '*' }, other)).toBe(true);
    });

    it('a v1 exception without facts keeps covering every fact on its resource', () => {
      const { facts: _, ...wholeResource } = accepted;
      expect(exceptionCovers(wholeResource, worldOpen('tcp/22 from 0.0.0.0/0'))).toBe(true);
    });
  });
});

describe('exceptions in the intent file', () => {
  const intentWith = (exception: string) =>
    `version: 1\nprofile: private-backend\nexceptions:\n  - check: sg.world-ingress\n    resource: sg-0a1b2c3d4e5f60001\n${exception}    reason: 公開 ALB\n`;

  it('reads the facts an exception accepts', () => {
    const intent = parseIntent(intentWith('    facts:\n      - tcp/443 from 0.0.0.0/0\n'));
    expect(intent.exceptions[0]?.facts).toEqual(['tcp/443 from 0.0.0.0/0']);
  });

  it('keeps loading a v1 exception without facts (it accepts the whole resource)', () => {
    expect(parseIntent(intentWith('')).exceptions[0]).toEqual({
      check: 'sg.world-ingress',
      resource: 'sg-0a1b2c3d4e5f60001',
      reason: '公開 ALB',
    });
  });

  it.each([
    // A block list starts on its first item's line (7), a flow list or a scalar on the key's (6).
    ['an empty list', '    facts: []\n', /at least one fact/, 6],
    ['an empty fact', '    facts:\n      - ""\n', /too small|at least 1/i, 7],
    [
      'the same fact twice',
      '    facts:\n      - tcp/443 from 0.0.0.0/0\n      - tcp/443 from 0.0.0.0/0\n',
      /twice/,
      7,
    ],
    ['a single string instead of a list', '    facts: tcp/443 from 0.0.0.0/0\n', /array/, 6],
  ])('refuses %s, naming the field and its line', (_, facts, message, line) => {
    let error: unknown;
    try {
      parseIntent(intentWith(facts), 'intent.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IntentValidationError);
    const issue = (error as IntentValidationError).issues[0];
    expect(issue?.path).toMatch(/^exceptions\[0\]\.facts/);
    expect(issue?.message).toMatch(message);
    expect(issue?.line).toBe(line);
  });
});
