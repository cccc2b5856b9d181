import { readFileSync } from 'node:fs';
import * as apigateway from '@aws-sdk/client-api-gateway';
import * as cloudfront from '@aws-sdk/client-cloudfront';
import * as ec2 from '@aws-sdk/client-ec2';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  changeRules,
  MAX_PATTERN_CHARS,
  operationOf,
  WATCHED,
  watchedCall,
} from '../../../app/changes/watched.ts';
import { CHECKS } from '../../../checks/index.ts';
import { SLICES } from '../../../inventory/types.ts';
import {
  COMMAND,
  FORWARDER_PATH,
  RULES_PATH,
  renderForwarder,
  renderRules,
  ruleLogicalId,
} from '../../../scripts/change-rules.ts';
import { loadYaml } from '../../fixtures/cfn.ts';

/** The SDK client of each watched service, whose operations the names must be. */
const SDK: Readonly<Record<string, Record<string, unknown>>> = { ec2, elbv2, apigateway, cloudfront };
/** WAFv2's client is not a dependency: its two association calls are checked by name here. */
const WAFV2_OPERATIONS = ['AssociateWebACL', 'DisassociateWebACL'];

describe('the watched write calls (app/changes/watched.ts)', () => {
  it('change every slice the collectors fill and the checks read: nothing can change unnoticed', () => {
    const changed = new Set(WATCHED.flatMap((s) => Object.values(s.calls).flat()));
    expect(SLICES.filter((slice) => !changed.has(slice))).toEqual([]);
    expect(CHECKS.flatMap((c) => c.needs).filter((slice) => !changed.has(slice))).toEqual([]);
  });

  it('are operations of their service, and writes only (no Describe, List or Get)', () => {
    for (const service of WATCHED) {
      for (const name of Object.keys(service.calls)) {
        expect(name, `${service.key}:${name}`).not.toMatch(/^(Describe|List|Get)/);
        if (service.key === 'wafv2') expect(WAFV2_OPERATIONS).toContain(name);
        else expect(SDK[service.key], `${service.key}:${name}`).toHaveProperty(`${name}Command`);
      }
    }
  });

  it('read CloudTrail names as CloudTrail writes them: CloudFront with its API version, global', () => {
    expect(watchedCall('cloudfront.amazonaws.com', 'UpdateDistribution2020_05_31')?.slices).toEqual([
      'cloudfront.distributions',
    ]);
    expect(watchedCall('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress')?.slices).toEqual([
      'ec2.securityGroups',
    ]);
    expect(watchedCall('ec2.amazonaws.com', 'DescribeSecurityGroups')).toBeUndefined();
    expect(watchedCall('s3.amazonaws.com', 'PutBucketPolicy')).toBeUndefined();
    expect(operationOf('CreateVpcOrigin2020_05_31')).toBe('CreateVpcOrigin');
    expect(WATCHED.filter((s) => s.global).map((s) => s.key)).toEqual(['cloudfront']);
  });
});

describe('the EventBridge rules', () => {
  it('match successful calls of the watched names only, each pattern within the size limit', () => {
    const rules = changeRules();
    for (const rule of rules) {
      expect(JSON.stringify(rule.pattern).length, rule.key).toBeLessThanOrEqual(MAX_PATTERN_CHARS);
      const pattern = rule.pattern as { 'detail-type': string[]; detail: Record<string, unknown> };
      expect(pattern['detail-type']).toEqual([CLOUDTRAIL_DETAIL_TYPE]);
      expect(pattern.detail.errorCode).toEqual([{ exists: false }]);
    }
    // Every watched name is in exactly one rule.
    const names = rules.flatMap((r) => {
      const p = r.pattern as { detail: { eventSource: string[]; eventName: string[] } };
      return p.detail.eventName.map((n) => `${p.detail.eventSource[0]} ${n}`);
    });
    const watched = WATCHED.flatMap((s) =>
      Object.keys(s.calls).map((n) => `${s.eventSource} ${n}${s.eventNameSuffix ?? ''}`),
    );
    expect(names.sort()).toEqual(watched.sort());
  });

  it('split a service whose names do not fit one pattern, keeping every name', () => {
    const small = changeRules(700);
    const ec2Rules = small.filter((r) => r.key.startsWith('ec2_'));
    expect(ec2Rules.length).toBeGreaterThan(1);
    for (const rule of small) expect(JSON.stringify(rule.pattern).length).toBeLessThanOrEqual(700);
    const count = (rules: typeof small) =>
      rules.reduce(
        (n, r) => n + (r.pattern as { detail: { eventName: string[] } }).detail.eventName.length,
        0,
      );
    expect(count(small)).toBe(count(changeRules()));
  });

  it(`are what infra/change-rules.json and infra/change-forwarder.yml hold (refresh: ${COMMAND})`, () => {
    expect(readFileSync(RULES_PATH, 'utf8') === renderRules(), `stale: run \`${COMMAND}\``).toBe(true);
    expect(readFileSync(FORWARDER_PATH, 'utf8') === renderForwarder(), `stale: run \`${COMMAND}\``).toBe(
      true,
    );
  });

  it('serverless.yml deploys one rule per pattern onto the change queue, which only those rules may send to', async () => {
    const sls = await loadYaml('serverless.yml');
    const resources = sls.resources.Resources;
    const rules = changeRules();
    const deployed = Object.entries(resources)
      .filter(
        ([, r]) =>
          (r as { Type: string }).Type === 'AWS::Events::Rule' &&
          'EventPattern' in (r as { Properties: object }).Properties,
      )
      .map(([id]) => id);
    expect(deployed.sort()).toEqual(rules.map((r) => ruleLogicalId('ChangeRule', r)).sort());
    for (const rule of rules) {
      const props = resources[ruleLogicalId('ChangeRule', rule)].Properties;
      expect(props.EventPattern).toBe(`\${file(./infra/change-rules.json):${rule.key}}`);
      expect(props.Targets).toEqual([
        { Id: 'change-queue', Arn: { 'Fn::GetAtt': ['ChangeEventQueue', 'Arn'] } },
      ]);
    }
    const statement = resources.ChangeEventQueuePolicy.Properties.PolicyDocument.Statement;
    expect(statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['ChangeEventQueue', 'Arn'] },
        Condition: {
          ArnEquals: {
            'aws:SourceArn': rules.map((r) => ({ 'Fn::GetAtt': [ruleLogicalId('ChangeRule', r), 'Arn'] })),
          },
        },
      },
    ]);
    // The queue feeds the changes function; a batch that keeps failing lands with the failed runs.
    const sqsEvent = sls.functions.changes.events[0].sqs;
    expect(sqsEvent.arn).toEqual({ 'Fn::GetAtt': ['ChangeEventQueue', 'Arn'] });
    expect(resources.ChangeEventQueue.Properties.RedrivePolicy.deadLetterTargetArn).toEqual({
      'Fn::GetAtt': ['FailedRunQueue', 'Arn'],
    });
  });

  it('the forwarder sends the same patterns to the auditor region’s default bus, and refuses that region', () => {
    const template = parse(readFileSync(FORWARDER_PATH, 'utf8'));
    const rules = changeRules();
    for (const rule of rules) {
      const props = template.Resources[ruleLogicalId('Forward', rule)].Properties;
      expect(props.EventPattern).toEqual(rule.pattern);
      expect(props.Targets[0].Arn).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
        'Fn::Sub': 'arn:${AWS::Partition}:events:${AuditRegion}:${AWS::AccountId}:event-bus/default',
      });
    }
    expect(template.Rules.NotTheAuditRegion.Assertions[0].Assert).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AuditRegion' }, { Ref: 'AWS::Region' }] }],
    });
    expect(template.Resources.ForwardRole.Properties.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation !Sub syntax
          'Fn::Sub': 'arn:${AWS::Partition}:events:${AuditRegion}:${AWS::AccountId}:event-bus/default',
        },
      },
    ]);
  });
});
