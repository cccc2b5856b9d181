import { describe, expect, it } from 'vitest';
import { apigwResourcePolicy } from '../../../checks/apigw/resource-policy.ts';
import {
  aPrivateApi,
  aPrivateApiInventory,
  escapedPolicyText,
  OTHER_VPCE_SAME_VPC,
  SEED_003_POLICY_TEXT,
  seed003Policy,
  seed004Policy,
  VPC_ID,
  VPCE_ID,
} from '../../fixtures/apigw.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aMethod, anApiResource, anInventory, aRestApi } from '../../fixtures/inventory.ts';

const allowAll = {
  Effect: 'Allow',
  Principal: '*',
  Action: 'execute-api:Invoke',
  Resource: 'execute-api:/*',
};
const denyUnlessEndpoint = (condition: Record<string, unknown>) => ({
  ...allowAll,
  Effect: 'Deny',
  Condition: condition,
});
const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const check = (policy: unknown, o: Parameters<typeof aPrivateApi>[0] = {}) =>
  run(apigwResourcePolicy, aPrivateApiInventory(aPrivateApi({ policy, ...o })));

describe('apigw.resource-policy', () => {
  describe('seed 003: Allow with StringNotEquals aws:SourceVpc', () => {
    it('reports the policy as printed (placeholder value) as admitting every VPC', () => {
      // Act
      const violations = check(SEED_003_POLICY_TEXT);
      // Assess
      expect(violations).toHaveLength(1);
      expect(violations[0]?.resource).toMatchObject({ type: 'AWS::ApiGateway::RestApi', id: 'p9q8r7s6t5' });
      expect(violations[0]?.message).toContain('Allow 文の条件 StringNotEquals aws:SourceVpc により');
      expect(violations[0]?.actual).toContain('他の VPC・他の AWS アカウントの VPC エンドポイント');
      expect(violations[0]?.actual).toContain('同じ VPC vpc-0a1b2c3d4e5f60001 内の別の VPC エンドポイント');
    });

    it('reports the policy with its own VPC filled in: everyone outside the VPC gets in', () => {
      const violations = check(seed003Policy(VPC_ID));
      expect(violations).toHaveLength(1);
      expect(violations[0]?.message).toContain(
        `Allow 文の条件 StringNotEquals aws:SourceVpc により、VPC ${VPC_ID} 以外からの呼び出しがすべて許可されます`,
      );
      expect(violations[0]?.fact).toBe('admits:other-vpc,no-endpoint');
      expect(violations[0]?.severity).toBeUndefined();
      expect(violations[0]?.message).toContain(
        `一方、意図した VPC エンドポイント ${VPCE_ID} からの呼び出しは拒否されます`,
      );
    });

    it.each([
      ['plain JSON text', JSON.stringify(seed003Policy(VPC_ID))],
      ['JSON-escaped text as GetRestApi returns it', escapedPolicyText(seed003Policy(VPC_ID))],
    ])('reports the same fact when the policy arrives as %s', (_form, policy) => {
      expect(check(policy).map((v) => v.fact)).toEqual(['admits:other-vpc,no-endpoint']);
    });
  });

  describe('seed 004: Deny unless aws:SourceVpce, then Allow', () => {
    it.each([
      ['a parsed document', seed004Policy()],
      ['plain JSON text', JSON.stringify(seed004Policy())],
      ['JSON-escaped text as GetRestApi returns it', escapedPolicyText(seed004Policy())],
    ])('passes the policy given as %s', (_form, policy) => {
      expect(check(policy)).toEqual([]);
    });

    it('reports the twin whose Deny names another endpoint than the intended one', () => {
      const violations = check(seed004Policy(OTHER_VPCE_SAME_VPC));
      expect(violations).toHaveLength(1);
      expect(violations[0]?.fact).toBe(`admits:endpoint:${OTHER_VPCE_SAME_VPC}`);
      expect(violations[0]?.message).toContain(`意図していない VPC エンドポイント ${OTHER_VPCE_SAME_VPC}`);
      expect(violations[0]?.message).toContain(
        `Deny 文の条件 StringNotEquals aws:SourceVpce の値 ${OTHER_VPCE_SAME_VPC} が意図した VPC エンドポイントと一致しない`,
      );
      expect(violations[0]?.message).toContain(
        `一方、意図した VPC エンドポイント ${VPCE_ID} からの呼び出しは拒否されます`,
      );
    });

    it('reports the compliant policy when the intent names another endpoint', () => {
      const inventory = aPrivateApiInventory();
      const intent = anIntent({ apiGateway: { vpcEndpointIds: [OTHER_VPCE_SAME_VPC] } });
      const violations = run(apigwResourcePolicy, inventory, intent);
      expect(violations.map((v) => v.fact)).toEqual([`admits:endpoint:${VPCE_ID}`]);
      expect(violations[0]?.expected).toBe(`${OTHER_VPCE_SAME_VPC} 経由の呼び出しのみ許可`);
    });

    it('passes the policy written with lower-case key names and ForAnyValue', () => {
      const policy = doc(denyUnlessEndpoint({ StringNotEquals: { 'AWS:SOURCEVPCE': VPCE_ID } }), {
        ...allowAll,
        Condition: { 'ForAnyValue:StringEquals': { 'aws:sourcevpce': VPCE_ID } },
      });
      expect(check(policy)).toEqual([]);
    });

    it('passes a Deny with StringNotEqualsIfExists, which also shuts out callers without an endpoint', () => {
      const policy = doc(
        denyUnlessEndpoint({ StringNotEqualsIfExists: { 'aws:SourceVpce': VPCE_ID } }),
        allowAll,
      );
      expect(check(policy)).toEqual([]);
    });
  });

  it('reports an Allow without any condition', () => {
    const violations = check(doc(allowAll));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('条件のない Allow 文により');
    expect(violations[0]?.fact).toBe(`admits:same-vpc:${VPC_ID},other-vpc,no-endpoint`);
  });

  it('passes an Allow restricted to the endpoint with StringEquals', () => {
    expect(check(doc({ ...allowAll, Condition: { StringEquals: { 'aws:SourceVpce': VPCE_ID } } }))).toEqual(
      [],
    );
  });

  it('reports an Allow restricted to the VPC: other endpoints in that VPC get in', () => {
    const violations = check(doc({ ...allowAll, Condition: { StringEquals: { 'aws:SourceVpc': VPC_ID } } }));
    expect(violations.map((v) => v.fact)).toEqual([`admits:same-vpc:${VPC_ID}`]);
  });

  it('still reports a VPC-wide Allow when the intent lists every existing endpoint: a new one would get in', () => {
    const inventory = aPrivateApiInventory(
      aPrivateApi({
        policy: doc({ ...allowAll, Condition: { StringEquals: { 'aws:SourceVpc': VPC_ID } } }),
      }),
    );
    const intent = anIntent({ apiGateway: { vpcEndpointIds: [VPCE_ID, OTHER_VPCE_SAME_VPC] } });
    // The synthetic "another endpoint in the same VPC" is still a third endpoint nobody intended.
    expect(run(apigwResourcePolicy, inventory, intent).map((v) => v.fact)).toEqual([
      `admits:same-vpc:${VPC_ID}`,
    ]);
  });

  it('reports a private API without a resource policy', () => {
    const violations = check(undefined);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.fact).toBe('no-policy');
    expect(violations[0]?.actual).toBe('リソースポリシーなし');
  });

  it('reports a policy it cannot parse instead of passing it', () => {
    const violations = check('{"Version": "2012-10-17", "Statement": [');
    expect(violations.map((v) => v.fact)).toEqual(['unparseable-policy']);
  });

  it('ignores REGIONAL APIs, whose exposure other checks judge', () => {
    const inventory = anInventory({ apigateway: { restApis: [aRestApi({ policy: undefined })] } });
    expect(run(apigwResourcePolicy, inventory)).toEqual([]);
  });

  describe('principals', () => {
    const iamMethods = {
      resources: [
        anApiResource({ methods: [aMethod({ authorizationType: 'AWS_IAM', apiKeyRequired: false })] }),
      ],
    };
    const accountAllow = doc({ ...allowAll, Principal: { AWS: 'arn:aws:iam::123456789012:root' } });

    it('reports an account principal Allow without a condition on IAM-authorized methods', () => {
      const violations = check(accountAllow, iamMethods);
      expect(violations).toHaveLength(1);
      expect(violations[0]?.message).toContain('同じアカウントの IAM プリンシパル');
      expect(violations[0]?.message).not.toContain('他アカウントの IAM プリンシパル');
    });

    it('passes the twin whose methods are not IAM-authorized (callers are anonymous, the principal never matches)', () => {
      expect(check(accountAllow)).toEqual([]);
    });

    it('names another account the policy admits', () => {
      const policy = doc(
        denyUnlessEndpoint({ StringNotEquals: { 'aws:SourceVpce': VPCE_ID } }),
        { ...allowAll, Principal: { AWS: '*' } },
        { ...allowAll, Sid: 'Partner', Principal: { AWS: '444455556666' }, Effect: 'Allow' },
      );
      // The Deny still shuts out every endpoint but the intended one, whoever the principal is.
      expect(check(policy, iamMethods)).toEqual([]);
      const withoutDeny = doc({ ...allowAll, Sid: 'Partner', Principal: { AWS: '444455556666' } });
      const violations = check(withoutDeny, iamMethods);
      expect(violations[0]?.message).toContain('アカウント 444455556666 の IAM プリンシパル');
      expect(violations[0]?.message).toContain('条件のない Allow 文（Sid: Partner）により');
    });

    it('passes an aws:PrincipalAccount restriction combined with the endpoint restriction', () => {
      const policy = doc({
        ...allowAll,
        Condition: {
          StringEquals: { 'aws:SourceVpce': VPCE_ID, 'aws:PrincipalAccount': '123456789012' },
        },
      });
      expect(check(policy, iamMethods)).toEqual([]);
    });
  });

  describe('resources and actions', () => {
    const withHealth = {
      resources: [
        anApiResource({ methods: [aMethod({ apiKeyRequired: false })] }),
        anApiResource({ id: 'hlth01', path: '/health', methods: [aMethod({ apiKeyRequired: false })] }),
      ],
    };
    const denyExceptHealth = doc(
      {
        ...denyUnlessEndpoint({ StringNotEquals: { 'aws:SourceVpce': VPCE_ID } }),
        Resource: undefined,
        NotResource: 'execute-api:/*/GET/health',
      },
      allowAll,
    );

    it('reports a Deny whose NotResource leaves a served path open', () => {
      const violations = check(JSON.parse(JSON.stringify(denyExceptHealth)), withHealth);
      expect(violations.map((v) => v.fact)).toEqual([`admits:same-vpc:${VPC_ID},other-vpc,no-endpoint`]);
    });

    it('passes the twin whose API does not serve the excluded path', () => {
      expect(check(JSON.parse(JSON.stringify(denyExceptHealth)))).toEqual([]);
    });

    it('reports a Deny scoped by NotAction that leaves Invoke allowed', () => {
      const policy = doc(
        {
          ...denyUnlessEndpoint({ StringNotEquals: { 'aws:SourceVpce': VPCE_ID } }),
          Action: undefined,
          NotAction: 'execute-api:Invoke',
        },
        allowAll,
      );
      expect(check(JSON.parse(JSON.stringify(policy)))).toHaveLength(1);
    });
  });

  describe('callers without an endpoint', () => {
    it('reports an IfExists Allow as a latent gap at medium severity', () => {
      const violations = check(
        doc({ ...allowAll, Condition: { StringEqualsIfExists: { 'aws:SourceVpce': VPCE_ID } } }),
      );
      expect(violations).toHaveLength(1);
      expect(violations[0]?.fact).toBe('admits:no-endpoint');
      expect(violations[0]?.severity).toBe('medium');
      expect(violations[0]?.message).toContain('エンドポイントタイプが PRIVATE');
    });

    it('reports an aws:SourceIp Allow for callers from that range', () => {
      const violations = check(
        doc({ ...allowAll, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
      );
      expect(violations.map((v) => v.fact)).toEqual(['admits:no-endpoint:203.0.113.0/24']);
    });
  });

  it('reports a condition it cannot evaluate as undecided, not as a pass', () => {
    const violations = check(
      doc({ ...allowAll, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.fact).toMatch(/^undecided:/);
    expect(violations[0]?.message).toContain('StringEquals aws:PrincipalOrgID');
  });

  it('reports only the API whose policy is wrong among several', () => {
    const good = aPrivateApi();
    const bad = aPrivateApi({ id: 'b1c2d3e4f5', name: 'legacy-private-api', policy: seed003Policy(VPC_ID) });
    const inventory = anInventory({
      ec2: aPrivateApiInventory().ec2,
      apigateway: { restApis: [good, bad] },
    });
    const violations = run(apigwResourcePolicy, inventory);
    expect(violations.map((v) => v.resource.id)).toEqual(['b1c2d3e4f5']);
    expect(violations[0]?.message).toContain('legacy-private-api (b1c2d3e4f5)');
  });
});
