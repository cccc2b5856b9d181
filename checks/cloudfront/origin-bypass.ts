import { isIP } from 'node:net';
import { frontDoors } from '../../intent/queries.ts';
import { label, loadBalancerHost, normalizeHost } from '../../inventory/derive.ts';
import type { CloudFrontOrigin, LoadBalancer } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';
import { distributionRef, ownDistribution } from './distribution.ts';

/**
 * Public DNS names AWS gives load balancers and instances. ALB/CLB: `<name>-<n>.<region>.elb.amazonaws.com`
 * (`internal-` for internal ones, `dualstack.` for dual-stack); NLB: `<name>-<hash>.elb.<region>.amazonaws.com`;
 * EC2: `ec2-<ip>.<region>.compute.amazonaws.com`, and `ec2-<ip>.compute-1.amazonaws.com` in us-east-1.
 * Elastic Beanstalk environment names point at the environment's load balancer or instance.
 * A company domain CNAMEd to one of these cannot be told apart here without resolving DNS.
 */
const PUBLIC_ENDPOINTS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\.elb\.amazonaws\.com(?:\.cn)?$/, what: 'ロードバランサー（ALB/CLB）の DNS 名' },
  { pattern: /\.elb\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/, what: 'ロードバランサー（NLB）の DNS 名' },
  {
    pattern: /^ec2-[0-9-]+\.([a-z0-9-]+\.)?compute(?:-1)?\.amazonaws\.com(?:\.cn)?$/,
    what: 'EC2 インスタンスのパブリック DNS 名',
  },
  { pattern: /\.elasticbeanstalk\.com$/, what: 'Elastic Beanstalk 環境の DNS 名' },
];

/** A load balancer's DNS name as listed, or its `dualstack.` form. */
const loadBalancerByDns = (
  loadBalancers: readonly LoadBalancer[],
  host: string,
): LoadBalancer | undefined => {
  const key = loadBalancerHost(host);
  return loadBalancers.find((lb) => loadBalancerHost(lb.dnsName) === key);
};

/** What the origin's domain name reveals it to be, or undefined when it is not a load balancer / instance. */
const publicEndpointOf = (
  origin: CloudFrontOrigin,
  loadBalancers: readonly LoadBalancer[],
): string | undefined => {
  const host = normalizeHost(origin.domainName).replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) return 'IP アドレス';
  const lb = loadBalancerByDns(loadBalancers, host);
  if (lb) return `ロードバランサー ${lb.loadBalancerName}（${lb.scheme}）の DNS 名`;
  return PUBLIC_ENDPOINTS.find((p) => p.pattern.test(host))?.what;
};

export const cloudfrontOriginBypass = defineCheck({
  id: 'cloudfront.origin-bypass',
  principle: 'P6',
  severity: 'high',
  resourceType: 'AWS::CloudFront::Distribution',
  // elbv2.loadBalancers only names the load balancer in the message; the DNS patterns decide, so a failed
  // ELB read must not stop this check.
  needs: ['cloudfront.distributions'],
  unseenItem: ownDistribution,
  title: 'CloudFront のオリジンがロードバランサーやインスタンスにパブリックな DNS 名・IP で接続しています',
  explanation:
    'ALB やインスタンスを CloudFront のオリジンにするときは VPC オリジンを使い、ロードバランサーを internal にする設計です。パブリックな DNS 名や IP で接続できるなら、インターネットからも同じ DNS 名・IP で直接到達でき、CloudFront と WAF を迂回されます。',
  impact: 'CloudFront と WAF を経由しない経路で、バックエンドがインターネットに直接さらされます。',
  remediation:
    'ロードバランサーを internal にして、CloudFront の VPC オリジン経由で接続してください。API Gateway を挟む構成なら、execute-api のドメインをオリジンにしてください。',
  evaluate: ({ inventory, intent }) =>
    frontDoors(inventory, intent).flatMap((d) =>
      d.origins.flatMap((origin) => {
        // VPC origins reach the target privately; S3 and execute-api domains are not load balancers.
        if (origin.kind !== 'custom') return [];
        const what = publicEndpointOf(origin, inventory.elbv2.loadBalancers);
        if (!what) return [];
        return [
          {
            resource: distributionRef(d),
            message: `ディストリビューション ${label(d)} のオリジン ${origin.id} は、VPC オリジンを使わず、${what} ${origin.domainName} に直接接続しています。`,
            expected: 'VPC オリジン経由の接続',
            actual: `カスタムオリジン: ${origin.domainName}`,
            fact: `${origin.id}:${normalizeHost(origin.domainName)}`,
          },
        ];
      }),
    ),
});
