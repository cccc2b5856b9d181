import { describe, expect, it } from 'vitest';
import {
  evaluatePolicy,
  executeApiResourceExpander,
  ipInCidr,
  type PolicyRequest,
  parsePolicy,
  wildcardMatch,
} from '../../evaluate/policy.ts';
import {
  escapedPolicyText,
  SEED_003_POLICY_TEXT,
  seed003Policy,
  seed004Policy,
  VPC_ID,
  VPCE_ID,
} from '../fixtures/apigw.ts';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const API = 'p9q8r7s6t5';
const ARN = (rest: string) => `arn:aws:execute-api:ap-northeast-1:${ACCOUNT}:${API}/${rest}`;
const expandResource = executeApiResourceExpander('aws', 'ap-northeast-1', ACCOUNT, API);
const KNOWN = new Set(['aws:sourcevpce', 'aws:sourcevpc', 'aws:sourceip', 'aws:principalaccount']);

type Caller = 'intended' | 'same-vpc' | 'other-vpc' | 'internet' | 'iam-same' | 'iam-other';
const request = (caller: Caller, resource = ARN('prod/GET/data')): PolicyRequest => {
  const base = { action: 'execute-api:Invoke', resource, knownKeys: KNOWN };
  switch (caller) {
    case 'intended':
      return {
        ...base,
        principal: { kind: 'anonymous' },
        keys: { 'aws:sourcevpce': VPCE_ID, 'aws:sourcevpc': VPC_ID },
      };
    case 'same-vpc':
      return {
        ...base,
        principal: { kind: 'anonymous' },
        keys: { 'aws:sourcevpce': 'vpce-0a1b2c3d4e5f60002', 'aws:sourcevpc': VPC_ID },
      };
    case 'other-vpc':
      return {
        ...base,
        principal: { kind: 'anonymous' },
        keys: { 'aws:sourcevpce': 'vpce-0999999999999999a', 'aws:sourcevpc': 'vpc-0999999999999999a' },
      };
    case 'internet':
      return { ...base, principal: { kind: 'anonymous' }, keys: { 'aws:sourceip': '203.0.113.77' } };
    case 'iam-same':
      return {
        ...base,
        principal: { kind: 'iam', account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/app` },
        keys: { 'aws:sourcevpce': 'vpce-0999999999999999a', 'aws:principalaccount': ACCOUNT },
      };
    case 'iam-other':
      return {
        ...base,
        principal: { kind: 'iam', account: OTHER, arn: `arn:aws:iam::${OTHER}:role/app` },
        keys: { 'aws:sourcevpce': 'vpce-0999999999999999a', 'aws:principalaccount': OTHER },
      };
  }
};

const decide = (policy: unknown, caller: Caller, resource?: string) => {
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new Error(parsed.reason);
  return evaluatePolicy(parsed.document, request(caller, resource), { expandResource }).decision;
};

const allow = (extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: '*',
  Action: 'execute-api:Invoke',
  Resource: 'execute-api:/*',
  ...extra,
});
const deny = (extra: Record<string, unknown> = {}) => ({ ...allow(), Effect: 'Deny', ...extra });
const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

describe('parsePolicy', () => {
  it('reads the seed 003 policy text as printed (plain JSON with line breaks)', () => {
    const parsed = parsePolicy(SEED_003_POLICY_TEXT);
    expect(parsed.ok && parsed.document.statements[0]?.conditions).toEqual([
      { operator: 'StringNotEquals', key: 'aws:SourceVpc', values: ['{VPCエンドポイントのID}'] },
    ]);
  });

  it('reads the JSON-escaped text GetRestApi returns, with \\/ in ARNs', () => {
    const parsed = parsePolicy(escapedPolicyText(seed004Policy()));
    expect(parsed.ok && parsed.document.statements.map((s) => s.effect)).toEqual(['Deny', 'Allow']);
    expect(parsed.ok && parsed.document.statements[0]?.resource).toEqual(['execute-api:/*']);
  });

  it('reads escaped text that keeps the pretty-printing line breaks', () => {
    const text = JSON.stringify(seed003Policy(), null, 2).replace(/"/g, '\\"');
    expect(parsePolicy(text).ok).toBe(true);
  });

  it('reads a policy encoded twice and a single statement object', () => {
    expect(parsePolicy(JSON.stringify(JSON.stringify(seed004Policy()))).ok).toBe(true);
    const single = parsePolicy({ Version: '2012-10-17', Statement: allow() });
    expect(single.ok && single.document.statements).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"Version": '],
    ['no Statement', { Version: '2012-10-17' }],
    ['a bad Effect', doc(allow({ Effect: 'Permit' }))],
    ['both Action and NotAction', doc(allow({ NotAction: 'execute-api:Invoke' }))],
    ['no Principal', doc({ Effect: 'Allow', Action: '*', Resource: '*' })],
    ['a non-object Condition', doc(allow({ Condition: 'aws:SourceVpce' }))],
  ])('rejects a policy with %s', (_name, policy) => {
    expect(parsePolicy(policy).ok).toBe(false);
  });
});

describe('evaluatePolicy', () => {
  const seed003 = seed003Policy();
  const seed004 = seed004Policy();
  const table: readonly [string, unknown, Caller, 'allow' | 'deny' | 'unknown'][] = [
    // Seed 003: the inverted condition admits everyone outside the VPC and shuts out the VPC itself.
    ['seed 003 admits another VPC', seed003, 'other-vpc', 'allow'],
    ['seed 003 admits the internet (no aws:SourceVpc)', seed003, 'internet', 'allow'],
    ['seed 003 shuts out its own VPC', seed003, 'intended', 'deny'],
    ['seed 003 text admits another VPC', SEED_003_POLICY_TEXT, 'other-vpc', 'allow'],
    ['seed 003 escaped admits another VPC', escapedPolicyText(seed003), 'other-vpc', 'allow'],
    // Seed 004: Deny unless the endpoint, then Allow.
    ['seed 004 admits the endpoint', seed004, 'intended', 'allow'],
    ['seed 004 denies another endpoint in the VPC', seed004, 'same-vpc', 'deny'],
    ['seed 004 denies another VPC', seed004, 'other-vpc', 'deny'],
    ['seed 004 denies the internet', seed004, 'internet', 'deny'],
    ['seed 004 escaped denies another VPC', escapedPolicyText(seed004), 'other-vpc', 'deny'],
    ['seed 004 denies an IAM principal of another account', seed004, 'iam-other', 'deny'],
    // Default deny and Deny precedence.
    ['an empty statement list denies', doc(), 'intended', 'deny'],
    ['Allow without a condition admits another VPC', doc(allow()), 'other-vpc', 'allow'],
    ['Deny * beats Allow *', doc(allow(), deny()), 'intended', 'deny'],
    [
      'Deny with a wrong endpoint id lets the wrong endpoint through',
      seed004Policy('vpce-0a1b2c3d4e5f60002'),
      'same-vpc',
      'allow',
    ],
    [
      'Deny with a wrong endpoint id shuts out the intended one',
      seed004Policy('vpce-0a1b2c3d4e5f60002'),
      'intended',
      'deny',
    ],
    // Allow restricted with positive operators.
    [
      'Allow StringEquals aws:SourceVpce admits the endpoint',
      doc(allow({ Condition: { StringEquals: { 'aws:SourceVpce': VPCE_ID } } })),
      'intended',
      'allow',
    ],
    [
      'Allow StringEquals aws:SourceVpce denies another endpoint',
      doc(allow({ Condition: { StringEquals: { 'aws:SourceVpce': VPCE_ID } } })),
      'same-vpc',
      'deny',
    ],
    [
      'Allow StringEquals aws:SourceVpc admits another endpoint in that VPC',
      doc(allow({ Condition: { StringEquals: { 'aws:SourceVpc': VPC_ID } } })),
      'same-vpc',
      'allow',
    ],
    [
      'multiple values are ORed',
      doc(allow({ Condition: { StringEquals: { 'aws:SourceVpce': ['vpce-0aaaaaaaaaaaaaaaa', VPCE_ID] } } })),
      'intended',
      'allow',
    ],
    [
      'multiple keys are ANDed',
      doc(
        allow({
          Condition: {
            StringEquals: { 'aws:SourceVpce': VPCE_ID, 'aws:SourceVpc': 'vpc-0999999999999999a' },
          },
        }),
      ),
      'intended',
      'deny',
    ],
    [
      'multiple operators are ANDed',
      doc(
        allow({
          Condition: {
            StringEquals: { 'aws:SourceVpc': VPC_ID },
            StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60002' },
          },
        }),
      ),
      'same-vpc',
      'deny',
    ],
    [
      'a negated operator with several values means none of them',
      doc(
        deny({ Condition: { StringNotEquals: { 'aws:SourceVpce': [VPCE_ID, 'vpce-0a1b2c3d4e5f60002'] } } }),
        allow(),
      ),
      'same-vpc',
      'allow',
    ],
    // Wildcards, case-insensitive keys and operators.
    [
      'StringLike matches a wildcard id',
      doc(allow({ Condition: { StringLike: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f6000?' } } })),
      'same-vpc',
      'allow',
    ],
    [
      'StringNotLike in a Deny shuts out ids outside the pattern',
      doc(deny({ Condition: { StringNotLike: { 'aws:SourceVpce': 'vpce-0a1b*' } } }), allow()),
      'other-vpc',
      'deny',
    ],
    [
      'condition key names are case-insensitive',
      doc(deny({ Condition: { StringNotEquals: { 'AWS:SOURCEVPCE': VPCE_ID } } }), allow()),
      'other-vpc',
      'deny',
    ],
    [
      'condition values are case-sensitive for StringEquals',
      doc(allow({ Condition: { StringEquals: { 'aws:SourceVpce': VPCE_ID.toUpperCase() } } })),
      'intended',
      'deny',
    ],
    // Absent keys, IfExists, ForAnyValue, ForAllValues.
    [
      'a negated operator is true when the key is absent',
      doc(allow({ Condition: { StringNotEquals: { 'aws:SourceVpce': VPCE_ID } } })),
      'internet',
      'allow',
    ],
    [
      'a positive operator is false when the key is absent',
      doc(allow({ Condition: { StringEquals: { 'aws:SourceVpce': VPCE_ID } } })),
      'internet',
      'deny',
    ],
    [
      'IfExists makes an absent key pass',
      doc(allow({ Condition: { StringEqualsIfExists: { 'aws:SourceVpce': VPCE_ID } } })),
      'internet',
      'allow',
    ],
    [
      'IfExists still compares a present key',
      doc(allow({ Condition: { StringEqualsIfExists: { 'aws:SourceVpce': VPCE_ID } } })),
      'other-vpc',
      'deny',
    ],
    [
      'ForAnyValue over an absent key is false',
      doc(allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:SourceVpce': VPCE_ID } } })),
      'internet',
      'deny',
    ],
    [
      'ForAnyValue matches a present value',
      doc(allow({ Condition: { 'ForAnyValue:StringLike': { 'aws:SourceVpce': 'vpce-0a1b*' } } })),
      'same-vpc',
      'allow',
    ],
    [
      'ForAllValues over an absent key is true',
      doc(allow({ Condition: { 'ForAllValues:StringEquals': { 'aws:SourceVpce': VPCE_ID } } })),
      'internet',
      'allow',
    ],
    [
      'Null true matches an absent key',
      doc(deny({ Condition: { Null: { 'aws:SourceVpce': 'true' } } }), allow()),
      'internet',
      'deny',
    ],
    // IP conditions.
    [
      'IpAddress admits an address in range',
      doc(allow({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      'internet',
      'allow',
    ],
    [
      'NotIpAddress in a Deny shuts out an address outside the range',
      doc(deny({ Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }), allow()),
      'internet',
      'deny',
    ],
    [
      'NotIpAddress is true for a caller without aws:SourceIp',
      doc(deny({ Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }), allow()),
      'intended',
      'deny',
    ],
    // Principals.
    ['{"AWS": "*"} matches anonymous callers', doc(allow({ Principal: { AWS: '*' } })), 'other-vpc', 'allow'],
    [
      'an account principal does not match anonymous callers',
      doc(allow({ Principal: { AWS: ACCOUNT } })),
      'other-vpc',
      'deny',
    ],
    [
      'an account principal matches an IAM caller of that account',
      doc(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })),
      'iam-same',
      'allow',
    ],
    [
      'an account principal does not match another account',
      doc(allow({ Principal: { AWS: [ACCOUNT] } })),
      'iam-other',
      'deny',
    ],
    [
      'a role ARN principal matches that role only',
      doc(allow({ Principal: { AWS: `arn:aws:iam::${OTHER}:role/app` } })),
      'iam-other',
      'allow',
    ],
    [
      'a service principal never matches a caller',
      doc(allow({ Principal: { Service: 'lambda.amazonaws.com' } })),
      'iam-same',
      'deny',
    ],
    [
      'NotPrincipal matches everyone not listed',
      doc(deny({ Principal: undefined, NotPrincipal: { AWS: ACCOUNT } }), allow()),
      'iam-other',
      'deny',
    ],
    [
      'aws:PrincipalAccount restricts IAM callers',
      doc(allow({ Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } })),
      'iam-other',
      'deny',
    ],
    // Action / NotAction, Resource / NotResource.
    ['execute-api:* covers Invoke', doc(allow({ Action: 'execute-api:*' })), 'other-vpc', 'allow'],
    ['* covers Invoke', doc(allow({ Action: '*' })), 'other-vpc', 'allow'],
    ['actions are case-insensitive', doc(allow({ Action: 'Execute-API:invoke' })), 'other-vpc', 'allow'],
    [
      'another action does not cover Invoke',
      doc(allow({ Action: 'execute-api:ManageConnections' })),
      'other-vpc',
      'deny',
    ],
    [
      'NotAction of another action covers Invoke',
      doc(allow({ Action: undefined, NotAction: 'execute-api:ManageConnections' })),
      'other-vpc',
      'allow',
    ],
    [
      'NotAction of Invoke does not cover Invoke',
      doc(allow({ Action: undefined, NotAction: 'execute-api:Invoke' })),
      'other-vpc',
      'deny',
    ],
    [
      'a full ARN with wildcards matches',
      doc(allow({ Resource: `arn:aws:execute-api:*:${ACCOUNT}:${API}/*/GET/*` })),
      'other-vpc',
      'allow',
    ],
    [
      'a resource of another API does not match',
      doc(allow({ Resource: 'arn:aws:execute-api:*:*:zz99yy88xx/*' })),
      'other-vpc',
      'deny',
    ],
    [
      'a Deny on NotResource of one path covers the others',
      doc(deny({ Resource: undefined, NotResource: 'execute-api:/prod/GET/health' }), allow()),
      'other-vpc',
      'deny',
    ],
    [
      'a Deny on NotResource of the requested path does not cover it',
      doc(deny({ Resource: undefined, NotResource: 'execute-api:/*/GET/data' }), allow()),
      'other-vpc',
      'allow',
    ],
    // Unknown conditions are not guessed.
    [
      'an unmodelled key in an Allow is unknown',
      doc(allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } })),
      'other-vpc',
      'unknown',
    ],
    [
      'an unmodelled operator in a Deny that could decide is unknown',
      doc(deny({ Condition: { DateGreaterThan: { 'aws:SourceVpce': '2020-01-01' } } }), allow()),
      'other-vpc',
      'unknown',
    ],
    [
      'an unknown Deny does not matter when nothing is allowed',
      doc(deny({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } })),
      'other-vpc',
      'deny',
    ],
    [
      'a certain Deny wins over an unknown Allow',
      doc(allow({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1' } } }), deny()),
      'other-vpc',
      'deny',
    ],
  ];

  it.each(table)('%s', (_name, policy, caller, expected) => {
    // Prepare: a statement field set to undefined stands for "absent"
    const cleaned = JSON.parse(JSON.stringify(policy));
    // Act / Assess
    expect(decide(cleaned, caller)).toBe(expected);
  });

  it('reports which statements allowed and denied', () => {
    const parsed = parsePolicy(doc({ ...allow(), Sid: 'AllowAll' }, { ...deny(), Sid: 'DenyAll' }));
    if (!parsed.ok) throw new Error(parsed.reason);
    const decision = evaluatePolicy(parsed.document, request('intended'), { expandResource });
    expect(decision).toMatchObject({ decision: 'deny', explicitDeny: true });
    expect(decision.allowedBy.map((s) => s.sid)).toEqual(['AllowAll']);
    expect(decision.deniedBy.map((s) => s.sid)).toEqual(['DenyAll']);
  });
});

describe('wildcardMatch', () => {
  it.each([
    ['*', 'anything/at/all', true],
    ['vpce-0a1b*', 'vpce-0a1b2c', true],
    ['vpce-0a1b?', 'vpce-0a1b2c', false],
    ['vpce-0a1b??', 'vpce-0a1b2c', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['', '', true],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('ipInCidr', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24', true],
    ['203.0.114.1', '203.0.113.0/24', false],
    ['10.1.2.3', '0.0.0.0/0', true],
    ['10.1.2.3', '10.1.2.3', true],
    ['2001:db8::17', '2001:db8::/32', true],
    ['2001:db9::17', '2001:db8::/32', false],
    ['10.1.2.3', '2001:db8::/32', false],
    ['10.1.2.3', 'not-a-cidr', 'unknown'],
  ])('%s in %s is %s', (ip, cidr, expected) => {
    expect(ipInCidr(ip, cidr)).toBe(expected);
  });
});
