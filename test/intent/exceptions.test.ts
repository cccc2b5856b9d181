import { describe, expect, it } from 'vitest';
import { exceptionCovers } from '../../intent/exceptions.ts';

const routeTable = { id: 'rtb-0a1b2c3d4e5f60003' };
const exceptionFor = (resource: string) => ({
  check: 'vpc.nat-mode',
  resource,
  reason: 'NAT インスタンスから NAT ゲートウェイへ移行中',
});

describe('exceptionCovers', () => {
  it('covers a resource without an ARN in the inventory when the exception names it by its EC2 ARN', () => {
    const e = exceptionFor('arn:aws:ec2:ap-northeast-1:123456789012:route-table/rtb-0a1b2c3d4e5f60003');
    expect(exceptionCovers(e, 'vpc.nat-mode', routeTable)).toBe(true);
  });

  it('does not cover it when the ARN names another route table', () => {
    const e = exceptionFor('arn:aws:ec2:ap-northeast-1:123456789012:route-table/rtb-0a1b2c3d4e5f60099');
    expect(exceptionCovers(e, 'vpc.nat-mode', routeTable)).toBe(false);
  });

  it('covers by id, by the carried ARN and by *, for its own check only', () => {
    const lb = {
      id: 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/prod-alb/50dc6c495c0c9188',
      arn: 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/prod-alb/50dc6c495c0c9188',
    };
    expect(exceptionCovers(exceptionFor('rtb-0a1b2c3d4e5f60003'), 'vpc.nat-mode', routeTable)).toBe(true);
    expect(
      exceptionCovers({ ...exceptionFor(lb.arn), check: 'elb.internet-facing' }, 'elb.internet-facing', lb),
    ).toBe(true);
    expect(exceptionCovers(exceptionFor('*'), 'vpc.public-subnet', routeTable)).toBe(false);
  });
});
