import type { Listener, LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import {
  forwardedTargetGroupArns,
  normalizeListener,
  normalizeLoadBalancer,
} from '../../collect/normalize/elbv2.ts';
import { PEER_CORPUS, peerCases } from '../fixtures/peer-corpus.ts';
import { sharedPresent } from '../fixtures/shared.ts';

const TG = 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/prod-app/73e2d6bc24d8a067';
const TG2 =
  'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/prod-app-b/1a2b3c4d5e6f7a8b';

describe('normalizeLoadBalancer', () => {
  it('takes subnets from the availability zones and the state code', () => {
    const lb: LoadBalancer = {
      LoadBalancerArn: 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/a/1',
      LoadBalancerName: 'a',
      Scheme: 'internet-facing',
      Type: 'application',
      VpcId: 'vpc-0a1b2c3d4e5f60001',
      State: { Code: 'provisioning' },
      AvailabilityZones: [{ ZoneName: 'ap-northeast-1a', SubnetId: 'subnet-0a1b2c3d4e5f60011' }],
      SecurityGroups: ['sg-0a1b2c3d4e5f60001'],
    };
    expect(normalizeLoadBalancer(lb, 'ap-northeast-1')).toMatchObject({
      scheme: 'internet-facing',
      subnetIds: ['subnet-0a1b2c3d4e5f60011'],
      state: 'provisioning',
    });
  });

  it('reads a gateway load balancer as such', () => {
    expect(normalizeLoadBalancer({ Type: 'gateway', Scheme: 'internal' }, 'ap-northeast-1').type).toBe(
      'gateway',
    );
  });
});

describe('forwardedTargetGroupArns', () => {
  it('ignores redirect and fixed-response actions', () => {
    expect(
      forwardedTargetGroupArns([
        {
          Type: 'redirect',
          RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
        },
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } },
      ]),
    ).toEqual([]);
  });

  it('follows the forward that comes after an authenticate action, each target group once', () => {
    expect(
      forwardedTargetGroupArns([
        {
          Type: 'authenticate-cognito',
          Order: 1,
          AuthenticateCognitoConfig: { UserPoolArn: 'x', UserPoolClientId: 'y', UserPoolDomain: 'z' },
        },
        {
          Type: 'forward',
          Order: 2,
          TargetGroupArn: TG,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: TG, Weight: 50 },
              { TargetGroupArn: TG2, Weight: 50 },
            ],
          },
        },
      ]),
    ).toEqual([TG, TG2]);
  });

  it('gives a listener without default actions no target groups', () => {
    const listener: Listener = {
      ListenerArn: 'arn:l',
      LoadBalancerArn: 'arn:lb',
      Port: 443,
      Protocol: 'TLS',
    };
    expect(normalizeListener(listener, 'ap-northeast-1')).toEqual({
      arn: 'arn:l',
      loadBalancerArn: 'arn:lb',
      region: 'ap-northeast-1',
      port: 443,
      protocol: 'TLS',
      targetGroupArns: [],
    });
  });
});

// ------------------------------------------------------------------------------- peer corpus

interface PeerCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly response?: { LoadBalancers?: LoadBalancer[]; Listeners?: Listener[] } | null;
}
interface PeerCase {
  readonly id: string;
  readonly family: string;
  readonly input: { readonly api_calls: readonly PeerCall[] };
}

const hasCorpus = sharedPresent(PEER_CORPUS, 'ELBv2 normalizers on the peer corpus');

describe.skipIf(!hasCorpus)('ELBv2 normalizers on the peer corpus', () => {
  const cases = peerCases<PeerCase>();
  const calls = cases.flatMap((c) =>
    c.input.api_calls
      .filter((call) => call.service === 'elbv2' && call.response)
      .map((call) => ({ id: c.id, call })),
  );

  it('normalizes every recorded load balancer and listener into plain JSON without throwing', () => {
    const lbs = calls.flatMap(({ id, call }) =>
      (call.response?.LoadBalancers ?? []).map((lb) => ({ id, lb, call })),
    );
    const listeners = calls.flatMap(({ id, call }) =>
      (call.response?.Listeners ?? []).map((l) => ({ id, l, call })),
    );
    expect(lbs.length).toBeGreaterThanOrEqual(10);
    expect(listeners.length).toBeGreaterThanOrEqual(5);
    for (const { id, lb, call } of lbs) {
      const normalized = normalizeLoadBalancer(lb, call.region);
      expect(JSON.parse(JSON.stringify(normalized)), id).toStrictEqual(normalized);
      if (lb.Scheme) expect(normalized.scheme, id).toBe(lb.Scheme);
    }
    for (const { id, l, call } of listeners) {
      const normalized = normalizeListener(l, call.region);
      expect(JSON.parse(JSON.stringify(normalized)), id).toStrictEqual(normalized);
    }
  });

  // The classic-ELB family lb-internet-facing is not ours; this one reads ELBv2's Scheme.
  it('keeps the scheme peers judge lb-internet-facing-and-sg-public on', () => {
    const facing = cases.filter((c) => c.family === 'lb-internet-facing-and-sg-public');
    const schemes = facing.flatMap((c) =>
      c.input.api_calls
        .filter((call) => call.service === 'elbv2' && call.operation === 'DescribeLoadBalancers')
        .flatMap((call) =>
          (call.response?.LoadBalancers ?? []).map((lb) => normalizeLoadBalancer(lb, call.region).scheme),
        ),
    );
    expect(schemes).toContain('internet-facing');
    expect(schemes).toContain('internal');
  });
});
