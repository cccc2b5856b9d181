import { describe, expect, it } from 'vitest';
import { auditIncomplete } from '../../../checks/audit/incomplete.ts';
import type { CollectionError } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { ACCOUNT, anInventory } from '../../fixtures/inventory.ts';

const denied: CollectionError = {
  service: 'ec2',
  operation: 'DescribeRouteTables',
  region: 'ap-northeast-1',
  code: 'UnauthorizedOperation',
  message: 'You are not authorized to perform this operation.',
  slices: ['ec2.routeTables'],
};

describe('audit.incomplete', () => {
  it('reports a failed call on the account, naming service, operation, region, error and what was not seen', () => {
    const violations = run(auditIncomplete, anInventory({ errors: [denied] }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toEqual({ type: 'AWS::Account', id: ACCOUNT, region: 'ap-northeast-1' });
    expect(violations[0]?.message).toBe(
      'ec2 の DescribeRouteTables（ap-northeast-1）が失敗しました: UnauthorizedOperation: You are not authorized to perform this operation。ap-northeast-1 の ec2.routeTables を確認できていません。vpc.public-subnet, vpc.db-tier-egress, vpc.nat-mode, exposure.unintended-entry, drift.route-table はこのリージョンの結果が不明です（他のリージョンは判定済み）。',
    );
    expect(violations[0]?.fact).toBe('ec2:DescribeRouteTables:UnauthorizedOperation');
  });

  it('is silent on an inventory collected without error', () => {
    expect(run(auditIncomplete, anInventory())).toEqual([]);
  });

  it('reports one finding per failed call', () => {
    const throttled = {
      ...denied,
      operation: 'GetResources',
      service: 'apigateway',
      code: 'TooManyRequestsException',
    };
    expect(run(auditIncomplete, anInventory({ errors: [denied, throttled] }))).toHaveLength(2);
  });
});
