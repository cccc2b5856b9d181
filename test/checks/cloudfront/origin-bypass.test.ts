import { describe, expect, it } from 'vitest';
import { cloudfrontOriginBypass } from '../../../checks/cloudfront/origin-bypass.ts';
import { anApiOrigin, anS3Origin, aSeed000Inventory } from '../../fixtures/cloudfront.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aDistribution, aLoadBalancer, anInventory, anOrigin } from '../../fixtures/inventory.ts';

const PUBLIC_ALB_DNS = 'prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com';
const publicAlb = aLoadBalancer({ scheme: 'internet-facing', dnsName: PUBLIC_ALB_DNS });

const withOrigin = (origin: ReturnType<typeof anOrigin>) =>
  anInventory({
    elbv2: { loadBalancers: [publicAlb] },
    cloudfront: { distributions: [aDistribution({ origins: [origin] })] },
  });

describe('cloudfront.origin-bypass', () => {
  it('reports a custom origin that reaches an ALB over its public DNS name', () => {
    // Prepare
    const inventory = withOrigin(
      anOrigin({ domainName: PUBLIC_ALB_DNS, kind: 'custom', vpcOriginId: undefined }),
    );
    // Act
    const violations = run(cloudfrontOriginBypass, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe('E2QWRUHAPOMQZL');
    expect(violations[0]?.message).toContain('prod-alb');
    expect(violations[0]?.message).toContain('internet-facing');
    expect(violations[0]?.fact).toBe(`alb-vpc-origin:${PUBLIC_ALB_DNS}`);
  });

  it('passes the twin that reaches the same load balancer through a VPC origin', () => {
    const inventory = withOrigin(anOrigin({ domainName: PUBLIC_ALB_DNS, kind: 'vpc-origin' }));
    expect(run(cloudfrontOriginBypass, inventory)).toEqual([]);
  });

  it.each([
    ['an NLB DNS name', 'prod-nlb-7f1e2d3c4b5a6978.elb.ap-northeast-1.amazonaws.com'],
    [
      'an ALB DNS name of a load balancer the inventory does not list',
      'other-alb-987654321.us-west-2.elb.amazonaws.com',
    ],
    ['a dual-stack ALB DNS name', `dualstack.${PUBLIC_ALB_DNS}`],
    ['an EC2 public DNS name', 'ec2-203-0-113-25.ap-northeast-1.compute.amazonaws.com'],
    ['an EC2 public DNS name in us-east-1', 'ec2-198-51-100-7.compute-1.amazonaws.com'],
    ['an upper-case DNS name with a trailing dot', `${PUBLIC_ALB_DNS.toUpperCase()}.`],
    ['an IPv4 literal', '203.0.113.25'],
    ['an IPv6 literal', '[2001:db8::25]'],
  ])('reports a custom origin whose domain is %s', (_what, domainName) => {
    const inventory = withOrigin(
      anOrigin({ id: 'backend', domainName, kind: 'custom', vpcOriginId: undefined }),
    );
    expect(run(cloudfrontOriginBypass, inventory)).toHaveLength(1);
  });

  it('does not treat the execute-api domain or an S3 bucket as a bypass (seed 000)', () => {
    expect(run(cloudfrontOriginBypass, aSeed000Inventory())).toEqual([]);
  });

  it('passes a custom origin on a company domain name', () => {
    const inventory = withOrigin(
      anOrigin({ domainName: 'origin.example.jp', kind: 'custom', vpcOriginId: undefined }),
    );
    expect(run(cloudfrontOriginBypass, inventory)).toEqual([]);
  });

  it('reports each bypassing origin of each front door', () => {
    const bypass = (id: string, domainName: string) =>
      anOrigin({ id, domainName, kind: 'custom', vpcOriginId: undefined });
    const inventory = anInventory({
      cloudfront: {
        distributions: [
          aDistribution({
            id: 'E2QWRUHAPOMQZL',
            origins: [
              bypass('alb', PUBLIC_ALB_DNS),
              bypass('ec2', 'ec2-203-0-113-25.compute-1.amazonaws.com'),
            ],
          }),
          aDistribution({
            id: 'E3LEGACYSITE01',
            origins: [anS3Origin(), anApiOrigin(), bypass('alb', PUBLIC_ALB_DNS)],
          }),
        ],
      },
    });
    expect(run(cloudfrontOriginBypass, inventory).map((v) => `${v.resource.id}/${v.fact}`)).toEqual([
      `E2QWRUHAPOMQZL/alb:${PUBLIC_ALB_DNS}`,
      'E2QWRUHAPOMQZL/ec2:ec2-203-0-113-25.compute-1.amazonaws.com',
      `E3LEGACYSITE01/alb:${PUBLIC_ALB_DNS}`,
    ]);
    const intent = anIntent({ cloudfront: { frontDoors: ['E3LEGACYSITE01'] } });
    expect(run(cloudfrontOriginBypass, inventory, intent).map((v) => v.resource.id)).toEqual([
      'E3LEGACYSITE01',
    ]);
  });
});
