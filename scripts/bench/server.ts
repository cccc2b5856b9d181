/**
 * A local stand-in for the AWS control-plane endpoints the collectors call, for the benchmark only.
 * It speaks each service's wire protocol (EC2 query/XML, ELBv2 and STS query/XML, CloudFront REST-XML,
 * API Gateway REST-JSON) with bodies written by the SDK's own shape serializers from the SDK's own
 * schemas, so the real clients' deserializers do real work. Per service it adds a latency and enforces
 * the documented rate limits as token buckets, answering each service's throttling error when a
 * bucket is empty. It listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiKeys$,
  Deployments$,
  Resources$,
  RestApis$,
  Stages$,
  UsagePlanKeys$,
  UsagePlans$,
  VpcLinks$,
} from '@aws-sdk/client-api-gateway';
import { DistributionList$, ResponseHeadersPolicy$ } from '@aws-sdk/client-cloudfront';
import * as ec2Schemas from '@aws-sdk/client-ec2';
import {
  DescribeListenersOutput$,
  DescribeLoadBalancersOutput$,
  DescribeTargetGroupsOutput$,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AssumeRoleResponse$, GetCallerIdentityResponse$ } from '@aws-sdk/client-sts';
import { JsonShapeSerializer, XmlShapeSerializer } from '@aws-sdk/core/protocols';
import { BENCH_ACCOUNT, type BenchAccount } from './data.ts';

/** The documented limits, exactly (the client stays a little under them). */
export const SERVER_LIMITS: Record<
  string,
  { name: string; rate: number; burst: number; applies: (op: string) => boolean }[]
> = {
  ec2: [{ name: 'describe', rate: 20, burst: 100, applies: (op) => op.startsWith('Describe') }],
  elbv2: [{ name: 'describe', rate: 10, burst: 40, applies: (op) => op.startsWith('Describe') }],
  apigateway: [
    { name: 'GetResources', rate: 2.5, burst: 5, applies: (op) => op === 'GetResources' },
    { name: 'total', rate: 10, burst: 40, applies: () => true },
  ],
};

/** Round-trip plus service time per call, roughly what a client in the same region sees. */
export const LATENCY_MS: Record<string, number> = {
  ec2: 60,
  elbv2: 40,
  cloudfront: 80,
  apigateway: 50,
  sts: 30,
};

/** Maximum page sizes the services accept (what a well-behaved client asks for). */
export const MAX_PAGE: Record<string, number> = { elbv2: 400, cloudfront: 1000, apigateway: 500 };

type Schema = Parameters<XmlShapeSerializer['write']>[0];

const xml = (namespace: string, schema: unknown, value: unknown): string => {
  const s = new XmlShapeSerializer({
    serviceNamespace: 'bench',
    xmlNamespace: namespace,
    timestampFormat: { useTrait: true, default: 5 },
  });
  s.write(schema as Schema, value);
  return String(s.flush());
};

const json = (schema: unknown, value: unknown): string => {
  const s = new JsonShapeSerializer({ timestampFormat: { useTrait: true, default: 7 }, jsonName: true });
  s.write(schema as Schema, value);
  return String(s.flush());
};

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const ELB_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const CF_NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

/** The result member holding each EC2 Describe* list. */
const EC2_LIST_KEY: Record<string, string> = {
  DescribeVpcs: 'Vpcs',
  DescribeSubnets: 'Subnets',
  DescribeRouteTables: 'RouteTables',
  DescribeInternetGateways: 'InternetGateways',
  DescribeEgressOnlyInternetGateways: 'EgressOnlyInternetGateways',
  DescribeNatGateways: 'NatGateways',
  DescribeNetworkAcls: 'NetworkAcls',
  DescribeSecurityGroups: 'SecurityGroups',
  DescribeSecurityGroupRules: 'SecurityGroupRules',
  DescribeManagedPrefixLists: 'PrefixLists',
  DescribeVpcEndpoints: 'VpcEndpoints',
  DescribeNetworkInterfaces: 'NetworkInterfaces',
};

export interface ServerStats {
  calls: Record<string, number>;
  throttled: Record<string, number>;
  unknown: string[];
}

class Bucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Refills, then says whether a token is there (without taking it). */
  ready(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    return this.tokens >= 1;
  }
  take(): void {
    this.tokens -= 1;
  }
}

const page = <T>(items: readonly T[], offset: number, size: number): { items: T[]; next?: string } => {
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { items: slice, next: String(offset + size) } : { items: slice };
};

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export const startBenchServer = async (
  data: BenchAccount,
  options: { latency?: Record<string, number> } = {},
): Promise<{ port: number; stats: ServerStats; close: () => Promise<void> }> => {
  const latency = options.latency ?? LATENCY_MS;
  const stats: ServerStats = { calls: {}, throttled: {}, unknown: [] };
  const buckets = new Map<string, Bucket>();
  const count = (m: Record<string, number>, key: string) => {
    m[key] = (m[key] ?? 0) + 1;
  };

  /** False when a limit of this service, account and operation is exhausted. */
  const admit = (service: string, account: string, op: string): boolean => {
    const limits = (SERVER_LIMITS[service] ?? []).filter((l) => l.applies(op));
    const taken = limits.map((l) => {
      const key = `${service}|${account}|${l.name}`;
      const b = buckets.get(key) ?? new Bucket(l.rate, l.burst);
      buckets.set(key, b);
      return b;
    });
    // Every applicable bucket must have a token; a refused call takes none (AWS counts it anyway in
    // some services, which only makes a client that never gets throttled look better).
    if (!taken.every((b) => b.ready())) return false;
    for (const b of taken) b.take();
    return true;
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    type: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'content-type': type,
      'x-amzn-requestid': 'bench',
      'x-amz-request-id': 'bench',
      ...headers,
    });
    res.end(body);
  };

  const throttle = (res: ServerResponse, service: string) => {
    if (service === 'ec2') {
      send(
        res,
        503,
        `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>bench</RequestID></Response>`,
        'text/xml',
      );
    } else if (service === 'apigateway') {
      send(res, 429, JSON.stringify({ message: 'Too Many Requests' }), 'application/json', {
        'x-amzn-errortype': 'TooManyRequestsException',
      });
    } else {
      send(
        res,
        400,
        `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>bench</RequestId></ErrorResponse>`,
        'text/xml',
      );
    }
  };

  const query = (service: string, op: string, p: URLSearchParams): string | undefined => {
    if (service === 'ec2') {
      const key = EC2_LIST_KEY[op];
      if (!key) return undefined;
      const all = data.ec2[op as keyof BenchAccount['ec2']] as unknown[];
      const size = Number(p.get('MaxResults') ?? all.length) || all.length;
      const { items, next } = page(all, Number(p.get('NextToken') ?? 0), size);
      const schema = (ec2Schemas as unknown as Record<string, unknown>)[`${op}Result$`];
      return xml(EC2_NS, schema, { [key]: items, ...(next ? { NextToken: next } : {}) })
        .replace(`<${op}Result `, `<${op}Response `)
        .replace(`</${op}Result>`, `</${op}Response>`);
    }
    const wrap = (ns: string, schema: unknown, value: unknown) => {
      const inner = xml(ns, schema, value)
        .replace(/^<[^>]+>/, '')
        .replace(/<\/[^>]+>$/, '');
      return `<${op}Response xmlns="${ns}"><${op}Result>${inner}</${op}Result><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></${op}Response>`;
    };
    if (service === 'elbv2') {
      const size = Math.min(Number(p.get('PageSize') ?? MAX_PAGE.elbv2), MAX_PAGE.elbv2 as number);
      const offset = Number(p.get('Marker') ?? 0);
      if (op === 'DescribeLoadBalancers') {
        const { items, next } = page(data.elbv2.loadBalancers, offset, size);
        return wrap(ELB_NS, DescribeLoadBalancersOutput$, {
          LoadBalancers: items,
          ...(next ? { NextMarker: next } : {}),
        });
      }
      if (op === 'DescribeTargetGroups') {
        const { items, next } = page(data.elbv2.targetGroups, offset, size);
        return wrap(ELB_NS, DescribeTargetGroupsOutput$, {
          TargetGroups: items,
          ...(next ? { NextMarker: next } : {}),
        });
      }
      if (op === 'DescribeListeners') {
        const all = data.elbv2.listeners.get(p.get('LoadBalancerArn') ?? '') ?? [];
        const { items, next } = page(all, offset, size);
        return wrap(ELB_NS, DescribeListenersOutput$, {
          Listeners: items,
          ...(next ? { NextMarker: next } : {}),
        });
      }
      return undefined;
    }
    if (service === 'sts') {
      if (op === 'GetCallerIdentity') {
        return wrap(STS_NS, GetCallerIdentityResponse$, {
          Account: BENCH_ACCOUNT,
          Arn: `arn:aws:sts::${BENCH_ACCOUNT}:assumed-role/arch-auditor-readonly/arch-auditor`,
          UserId: 'AROABENCH:arch-auditor',
        });
      }
      if (op === 'AssumeRole') {
        return wrap(STS_NS, AssumeRoleResponse$, {
          Credentials: {
            AccessKeyId: `ASIA${BENCH_ACCOUNT}`,
            SecretAccessKey: 'bench-secret',
            SessionToken: 'bench-session',
            Expiration: new Date(Date.now() + 3600_000),
          },
          AssumedRoleUser: {
            AssumedRoleId: 'AROABENCH:arch-auditor',
            Arn: `arn:aws:sts::${BENCH_ACCOUNT}:assumed-role/arch-auditor-readonly/arch-auditor`,
          },
        });
      }
    }
    return undefined;
  };

  const rest = (
    service: string,
    url: URL,
  ): { op: string; body?: string; type?: string; headers?: Record<string, string> } => {
    const p = url.searchParams;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (service === 'cloudfront') {
      if (parts[1] === 'distribution' && parts.length === 2) {
        const size = Math.min(Number(p.get('MaxItems') ?? 100), MAX_PAGE.cloudfront as number);
        const marker = p.get('Marker') ?? '';
        const { items, next } = page(data.cloudfront.distributions, Number(marker || 0), size);
        return {
          op: 'ListDistributions',
          body: xml(CF_NS, DistributionList$, {
            Marker: marker,
            MaxItems: size,
            IsTruncated: next !== undefined,
            Quantity: items.length,
            Items: items,
            ...(next ? { NextMarker: next } : {}),
          }),
        };
      }
      if (parts[1] === 'response-headers-policy' && parts[2]) {
        const policy = data.cloudfront.policies.get(parts[2]);
        if (policy)
          return {
            op: 'GetResponseHeadersPolicy',
            body: xml(CF_NS, ResponseHeadersPolicy$, policy),
            headers: { etag: 'E2QWRUHEXAMPLE' },
          };
      }
      return { op: `cloudfront ${url.pathname}` };
    }
    const a = data.apigateway;
    const limit = Math.min(Number(p.get('limit') ?? 25), MAX_PAGE.apigateway as number);
    const offset = Number(p.get('position') ?? 0);
    const list = (op: string, schema: unknown, all: readonly unknown[]) => {
      const { items, next } = page(all, offset, limit);
      return { op, body: json(schema, { items, ...(next ? { position: next } : {}) }) };
    };
    if (parts[0] === 'restapis' && parts.length === 1) return list('GetRestApis', RestApis$, a.restApis);
    if (parts[0] === 'restapis' && parts[2] === 'resources')
      return list('GetResources', Resources$, a.resources.get(parts[1] ?? '') ?? []);
    if (parts[0] === 'restapis' && parts[2] === 'stages' && parts.length === 3) {
      return { op: 'GetStages', body: json(Stages$, { item: a.stages.get(parts[1] ?? '') ?? [] }) };
    }
    if (parts[0] === 'restapis' && parts[2] === 'deployments')
      return list('GetDeployments', Deployments$, a.deployments.get(parts[1] ?? '') ?? []);
    if (parts[0] === 'restapis' && parts[2] === 'stages' && parts[4] === 'exports') {
      const body = a.exports.get(`${parts[1]}/${parts[3]}`);
      if (body)
        return {
          op: 'GetExport',
          body,
          headers: { 'content-disposition': 'attachment; filename="export.json"' },
        };
    }
    if (parts[0] === 'vpclinks') return list('GetVpcLinks', VpcLinks$, a.vpcLinks);
    if (parts[0] === 'usageplans' && parts.length === 1)
      return list('GetUsagePlans', UsagePlans$, a.usagePlans);
    if (parts[0] === 'usageplans' && parts[2] === 'keys')
      return list('GetUsagePlanKeys', UsagePlanKeys$, a.usagePlanKeys.get(parts[1] ?? '') ?? []);
    if (parts[0] === 'apikeys') return list('GetApiKeys', ApiKeys$, a.apiKeys);
    return { op: `apigateway ${url.pathname}` };
  };

  const server = createServer(async (req, res) => {
    try {
      // The SigV4 credential scope names the service and the caller: Credential=AKID/date/region/service/...
      const auth = req.headers.authorization ?? '';
      const scope = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth);
      const accessKey = scope?.[1] ?? 'anonymous';
      const signing = scope?.[2] ?? '';
      const service = signing === 'elasticloadbalancing' ? 'elbv2' : signing;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      let op: string;
      let answer: { body?: string; type: string; headers?: Record<string, string> };
      if (service === 'ec2' || service === 'elbv2' || service === 'sts') {
        const params = new URLSearchParams(body);
        op = params.get('Action') ?? '';
        const out = query(service, op, params);
        answer = { ...(out ? { body: out } : {}), type: 'text/xml' };
      } else if (service === 'cloudfront' || service === 'apigateway') {
        const out = rest(service, url);
        op = out.op;
        answer = {
          ...(out.body ? { body: out.body } : {}),
          type: service === 'cloudfront' ? 'text/xml' : 'application/json',
          ...(out.headers ? { headers: out.headers } : {}),
        };
      } else {
        op = `${req.method} ${url.pathname}`;
        answer = { type: 'text/plain' };
      }
      const key = `${service}:${op}`;
      count(stats.calls, key);
      await new Promise((r) => setTimeout(r, latency[service] ?? 50));
      // Rate limits are per account: the assumed role's key names the account it belongs to.
      if (!admit(service, accessKey, op)) {
        count(stats.throttled, key);
        throttle(res, service);
        return;
      }
      if (answer.body === undefined) {
        stats.unknown.push(key);
        send(
          res,
          400,
          `<ErrorResponse><Error><Code>InvalidAction</Code><Message>bench server does not serve ${key}</Message></Error></ErrorResponse>`,
          'text/xml',
        );
        return;
      }
      send(res, 200, answer.body, answer.type, answer.headers);
    } catch (error) {
      send(res, 500, String(error), 'text/plain');
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
