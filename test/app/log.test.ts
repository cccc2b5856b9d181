import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, logCollectionErrors } from '../../app/log.ts';
import type { CollectionError } from '../../inventory/types.ts';

/** The collection error lines, at DEBUG so the detail line is written too. */
let lines: Record<string, unknown>[] = [];

beforeEach(() => {
  lines = [];
  delete process.env.POWERTOOLS_DEV;
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      for (const line of String(chunk).split('\n')) {
        if (line.trim().startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      return true;
    });
  }
});

afterEach(() => vi.restoreAllMocks());

const denied: CollectionError = {
  service: 'elasticloadbalancing',
  operation: 'DescribeListeners',
  region: 'ap-northeast-1',
  code: 'AccessDenied',
  message: 'User is not authorized to perform: elasticloadbalancing:DescribeListeners',
  slices: ['elbv2.listeners'],
  resourceId:
    'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/net/api/0123456789abcdef',
  resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
};

describe('logCollectionErrors', () => {
  it('names the AWS service and message in fields the logger keeps', () => {
    const logger = createLogger('test');
    logger.setLogLevel('DEBUG');
    logCollectionErrors(logger, [denied]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'collection error',
        service: 'arch-auditor',
        awsService: 'elasticloadbalancing',
        operation: 'DescribeListeners',
        code: 'AccessDenied',
        slices: ['elbv2.listeners'],
        resourceId: denied.resourceId,
        resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      }),
      expect.objectContaining({
        level: 'DEBUG',
        message: 'collection error detail',
        service: 'arch-auditor',
        awsService: 'elasticloadbalancing',
        awsMessage: denied.message,
      }),
    ]);
  });

  it('logs a report error, which carries no slices', () => {
    const { slices: _none, ...reportError } = denied;
    const logger = createLogger('test');
    logger.setLogLevel('INFO');
    logCollectionErrors(logger, [reportError]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty('slices');
    expect(lines[0]).toMatchObject({ level: 'WARN', awsService: 'elasticloadbalancing' });
  });
});
