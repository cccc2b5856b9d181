import { describe, expect, it } from 'vitest';
import { sgFrontNotCloudfrontOnly } from '../../../checks/sg/front-not-cloudfront-only.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  aCloudFrontPrefixList,
  aDistribution,
  aLoadBalancer,
  anInventory,
  anOrigin,
  aVpc,
} from '../../fixtures/inventory.ts';
import {
  ALB_SG,
  aGroupWith,
  aListener,
  CF_PL,
  seed001Chain,
  seed001Groups,
  seed001Inventory,
  tcp,
} from '../../fixtures/sg.ts';

const chainIntent = anIntent({ securityGroups: { chain: seed001Chain } });
const withAlbRules = (rules: Parameters<typeof aGroupWith>[2]) =>
  seed001Inventory(seed001Groups({ alb: aGroupWith(ALB_SG, 'prod-alb-sg', rules) }));

describe('sg.front-not-cloudfront-only', () => {
  it('passes the seed 001 ALB group that admits only the CloudFront prefix list on 443', () => {
    expect(run(sgFrontNotCloudfrontOnly, seed001Inventory(), chainIntent)).toEqual([]);
  });

  it('reports the front group that also admits 443 from a VPC CIDR', () => {
    // Prepare
    const inventory = withAlbRules([
      tcp(443, { prefixListId: CF_PL }),
      tcp(443, { cidrIpv4: '10.0.0.0/16' }),
    ]);
    // Act
    const violations = run(sgFrontNotCloudfrontOnly, inventory, chainIntent);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource.id).toBe(ALB_SG);
    expect(violations[0]?.fact).toBe('tcp/443 from 10.0.0.0/16');
    expect(violations[0]?.message).toContain('CloudFront 以外の送信元 10.0.0.0/16');
  });

  it('reports the prefix list admitted on a port the chain does not intend', () => {
    const inventory = withAlbRules([tcp(443, { prefixListId: CF_PL }), tcp(80, { prefixListId: CF_PL })]);
    const violations = run(sgFrontNotCloudfrontOnly, inventory, chainIntent);
    expect(violations.map((v) => v.fact)).toEqual([`tcp/80 from ${CF_PL}`]);
  });

  it('reports all traffic from the prefix list, which admits more than 443', () => {
    const inventory = withAlbRules([{ protocol: '-1', fromPort: -1, toPort: -1, prefixListId: CF_PL }]);
    expect(run(sgFrontNotCloudfrontOnly, inventory, chainIntent).map((v) => v.fact)).toEqual([
      `all from ${CF_PL}`,
    ]);
  });

  it('reports a customer-managed prefix list in place of the CloudFront one', () => {
    const inventory = withAlbRules([tcp(443, { prefixListId: 'pl-0123456789abcdef0' })]);
    expect(run(sgFrontNotCloudfrontOnly, inventory, chainIntent)).toHaveLength(1);
  });

  it('recognises the CloudFront prefix list by name in another region', () => {
    const otherRegionPl = 'pl-3b927c52';
    const base = withAlbRules([tcp(443, { prefixListId: otherRegionPl })]);
    const inventory = {
      ...base,
      ec2: {
        ...base.ec2,
        prefixLists: [
          ...base.ec2.prefixLists,
          aCloudFrontPrefixList({ id: otherRegionPl, region: 'us-east-1' }),
        ],
      },
    };
    expect(run(sgFrontNotCloudfrontOnly, inventory, chainIntent)).toEqual([]);
  });

  it('leaves a deleted front group to sg.chain-broken', () => {
    const inventory = seed001Inventory(seed001Groups().slice(1));
    expect(run(sgFrontNotCloudfrontOnly, inventory, chainIntent)).toEqual([]);
  });

  describe('without a chain in the intent', () => {
    it('finds the front through the VPC origin and reports a world-open rule', () => {
      const inventory = withAlbRules([
        tcp(443, { prefixListId: CF_PL }),
        tcp(443, { cidrIpv4: '0.0.0.0/0' }),
      ]);
      const violations = run(sgFrontNotCloudfrontOnly, inventory);
      expect(violations.map((v) => v.fact)).toEqual(['tcp/443 from 0.0.0.0/0']);
      expect(violations[0]?.message).toContain('prod-alb');
    });

    it('reports the prefix list on a port that is not a listener port', () => {
      const inventory = withAlbRules([tcp(443, { prefixListId: CF_PL }), tcp(80, { prefixListId: CF_PL })]);
      expect(run(sgFrontNotCloudfrontOnly, inventory).map((v) => v.fact)).toEqual([`tcp/80 from ${CF_PL}`]);
    });

    it('passes the twin whose load balancer also listens on 80', () => {
      const base = withAlbRules([tcp(443, { prefixListId: CF_PL }), tcp(80, { prefixListId: CF_PL })]);
      const inventory = {
        ...base,
        elbv2: { ...base.elbv2, listeners: [aListener(), aListener({ port: 80, protocol: 'HTTP' })] },
      };
      expect(run(sgFrontNotCloudfrontOnly, inventory)).toEqual([]);
    });

    const dnsName = 'prod-alb-1234567890.ap-northeast-1.elb.amazonaws.com';
    /** The ALB fronted through a custom origin named `domainName`, its SG open to the world on 443. */
    const withOrigin = (domainName: string) =>
      anInventory({
        ec2: {
          vpcs: [aVpc()],
          securityGroups: [aGroupWith(ALB_SG, 'prod-alb-sg', [tcp(443, { cidrIpv4: '0.0.0.0/0' })])],
          prefixLists: [aCloudFrontPrefixList()],
        },
        elbv2: {
          loadBalancers: [aLoadBalancer({ scheme: 'internet-facing', dnsName })],
          listeners: [aListener()],
        },
        cloudfront: {
          distributions: [
            aDistribution({
              origins: [
                anOrigin({
                  kind: 'custom',
                  domainName,
                  vpcOriginId: undefined,
                  originProtocolPolicy: 'https-only',
                }),
              ],
            }),
          ],
        },
      });

    it('finds the front through a custom origin whose domain is the LB DNS name', () => {
      expect(run(sgFrontNotCloudfrontOnly, withOrigin(dnsName.toUpperCase()))).toHaveLength(1);
    });

    describe('a custom origin naming the dual-stack DNS name of the ALB', () => {
      it('finds the front through dualstack.<DNS name>', () => {
        expect(run(sgFrontNotCloudfrontOnly, withOrigin(`dualstack.${dnsName}`)).map((v) => v.fact)).toEqual([
          'tcp/443 from 0.0.0.0/0',
        ]);
      });

      it('does not apply when the origin is another host', () => {
        expect(run(sgFrontNotCloudfrontOnly, withOrigin('origin.example.jp'))).toEqual([]);
      });
    });

    it('does not apply to a load balancer no distribution reaches', () => {
      const base = withAlbRules([tcp(443, { cidrIpv4: '0.0.0.0/0' })]);
      const inventory = { ...base, cloudfront: { ...base.cloudfront, distributions: [] } };
      expect(run(sgFrontNotCloudfrontOnly, inventory)).toEqual([]);
    });
  });
});
