import { describe, expect, it } from 'vitest';
import { auditIncomplete } from '../../../checks/audit/incomplete.ts';
import { toCollectionError } from '../../../collect/slice.ts';
import type { CollectionError } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { ACCOUNT, aDeniedRead, anInventory } from '../../fixtures/inventory.ts';

const denied = aDeniedRead();

const failed = (code: string, message: string, region = 'ap-northeast-1'): CollectionError => ({
  ...denied,
  region,
  code,
  message,
});

describe('audit.incomplete', () => {
  it('reports a failed call on the account, naming service, operation, region, error, cause and what was not seen', () => {
    const violations = run(auditIncomplete, anInventory({ errors: [denied] }));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.resource).toEqual({ type: 'AWS::Account', id: ACCOUNT, region: 'ap-northeast-1' });
    expect(violations[0]?.message).toBe(
      'ec2 の DescribeRouteTables（ap-northeast-1）が失敗しました: UnauthorizedOperation。監査に使うロールに、ec2 の DescribeRouteTables を呼び出す権限がありません。ap-northeast-1 の ec2.routeTables を確認できていません。vpc.public-subnet, vpc.db-tier-egress, vpc.nat-mode, exposure.unintended-entry, drift.route-table はこのリージョンの結果が不明です（他のリージョンは判定済み）。詳細: 「You are not authorized to perform this operation」',
    );
    expect(violations[0]?.remediation).toContain('監査ロールのポリシーに読み取り権限を追加してください');
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

  // Each class of failure gets its own advice; only a permission failure talks about permissions.
  it.each([
    [
      'connection refused',
      failed('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4566'),
      'エンドポイント設定',
    ],
    [
      'a web server answering HTML',
      failed('UnknownError', '@aws-sdk XML parse error: mismatched tags <hr> and </body>.'),
      'AWS 以外からの応答',
    ],
    [
      'a region that does not exist',
      failed('ENOTFOUND', 'getaddrinfo ENOTFOUND ec2.ap-nowhere-1.amazonaws.com', 'ap-nowhere-1'),
      'リージョン ap-nowhere-1 が存在しないか',
    ],
    [
      'a region not enabled',
      failed('OptInRequired', 'You are not subscribed to this service.'),
      'オプトイン',
    ],
    [
      'expired credentials',
      failed('ExpiredToken', 'The security token included in the request is expired'),
      '認証情報',
    ],
    ['throttling', failed('RequestLimitExceeded', 'Request limit exceeded.'), 'スロットリング'],
    ['a server error', failed('ServiceUnavailable', 'Service Unavailable'), 'AWS Health Dashboard'],
  ])('gives %s its own advice, not the permission one', (_, error, advice) => {
    const [violation] = run(auditIncomplete, anInventory({ errors: [error] }));
    expect(`${violation?.message} ${violation?.remediation}`).toContain(advice);
    expect(`${violation?.message} ${violation?.remediation}`).not.toContain('権限');
  });

  it('keeps the raw error text to one line, without the SDK hint, and cut to a readable length', () => {
    const html = Object.assign(
      new Error(
        `@aws-sdk XML parse error: mismatched tags <hr> and </body>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.\n${'<p>x</p>\n'.repeat(100)}`,
      ),
      { name: 'UnknownError' },
    );
    const site = { service: 'ec2', operation: 'DescribeVpcs', region: 'ap-northeast-1', slices: [] };
    const { message } = toCollectionError(site, html);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('inspect the hidden field');
    expect(message.startsWith('@aws-sdk XML parse error: mismatched tags <hr> and </body>. <p>x</p>')).toBe(
      true,
    );
    expect([...message].length).toBeLessThanOrEqual(300);
  });
});
