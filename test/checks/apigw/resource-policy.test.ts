import { describe, expect, it } from 'vitest';
import { apigwResourcePolicy } from '../../../checks/apigw/resource-policy.ts';
import {
  aPrivateApi,
  aPrivateApiInventory,
  escapedPolicyText,
  OTHER_VPCE_SAME_VPC,
  PRIVATE_API_ID,
  SEED_003_POLICY_TEXT,
  seed003AsMeant,
  seed003Policy,
  seed004Policy,
  VPC_ID,
  VPCE_ID,
} from '../../fixtures/apigw.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import {
  ACCOUNT,
  aMethod,
  anApiResource,
  anInventory,
  aRestApi,
  aStage,
  REGION,
} from '../../fixtures/inventory.ts';

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
      // What gets in is one endpoint of the same VPC, not another account: medium.
      expect(violations[0]?.severity).toBe('medium');
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

  describe('aws:SourceVpc of the intended VPC (P8 accepts it; requireSourceVpce does not)', () => {
    const strict = anIntent({ apiGateway: { requireSourceVpce: true } });
    const vpcAllow = doc({ ...allowAll, Condition: { StringEquals: { 'aws:SourceVpc': VPC_ID } } });

    it.each([
      ['seed 003 as its author meant it (Deny unless aws:SourceVpc, then Allow)', seed003AsMeant(VPC_ID)],
      ['an Allow restricted to the VPC with StringEquals', vpcAllow],
    ])('passes %s under the default intent', (_, policy) => {
      expect(check(policy)).toEqual([]);
    });

    it.each([
      ['seed 003 as its author meant it', seed003AsMeant(VPC_ID)],
      ['an Allow restricted to the VPC', vpcAllow],
    ])(
      'reports %s at medium when the intent requires aws:SourceVpce, saying only the same VPC gets in',
      (_, policy) => {
        // Act
        const violations = run(apigwResourcePolicy, aPrivateApiInventory(aPrivateApi({ policy })), strict);
        // Assess
        expect(violations.map((v) => [v.fact, v.severity])).toEqual([
          [`admits:same-vpc:${VPC_ID}`, 'medium'],
        ]);
        expect(violations[0]?.message).toContain(
          `許可される呼び出し元: 同じ VPC ${VPC_ID} 内の別の VPC エンドポイント（匿名）`,
        );
        expect(violations[0]?.message).toContain('apiGateway.requireSourceVpce');
        expect(violations[0]?.impact).toContain('同じ VPC 内の別の execute-api VPC エンドポイントを通れば');
        expect(violations[0]?.impact).toContain('他の VPC や他のアカウントからは呼び出せません');
      },
    );

    it('passes the endpoint-exact seed 004 policy under the stricter intent too', () => {
      expect(run(apigwResourcePolicy, aPrivateApiInventory(), strict)).toEqual([]);
    });

    it('still reports aws:SourceVpc naming a VPC that is not the intended endpoint’s', () => {
      const other = 'vpc-0b1c2d3e4f5a60009';
      const violations = check(seed003AsMeant(other));
      expect(violations.map((v) => [v.fact, v.severity])).toEqual([[`admits:vpc:${other}`, undefined]]);
      expect(violations[0]?.message).toContain(`VPC ${other} の VPC エンドポイント`);
      expect(violations[0]?.message).toContain(
        `一方、意図した VPC エンドポイント ${VPCE_ID} からの呼び出しは拒否されます`,
      );
      expect(violations[0]?.impact).toContain(
        '他の VPC や他の AWS アカウントの execute-api VPC エンドポイントから',
      );
    });

    it('accepts a VPC-wide Allow when the intent lists every existing endpoint, and reports it under requireSourceVpce', () => {
      const inventory = aPrivateApiInventory(aPrivateApi({ policy: vpcAllow }));
      const endpoints = [VPCE_ID, OTHER_VPCE_SAME_VPC];
      expect(
        run(apigwResourcePolicy, inventory, anIntent({ apiGateway: { vpcEndpointIds: endpoints } })),
      ).toEqual([]);
      // The synthetic "another endpoint in the same VPC" is still a third endpoint nobody intended.
      const strictAll = anIntent({ apiGateway: { vpcEndpointIds: endpoints, requireSourceVpce: true } });
      expect(run(apigwResourcePolicy, inventory, strictAll).map((v) => v.fact)).toEqual([
        `admits:same-vpc:${VPC_ID}`,
      ]);
    });
  });

  describe('wording and severity follow the widest class of callers admitted', () => {
    it('any caller: an Allow without a condition is critical and says the callers are not limited', () => {
      const [v] = check(doc(allowAll));
      expect(v?.severity).toBeUndefined();
      expect(v?.fact).toBe(`admits:same-vpc:${VPC_ID},other-vpc,no-endpoint`);
      expect(v?.impact).toMatch(/^呼び出し元が限定されていません。どの AWS アカウントの VPC からでも/);
      expect(v?.message).toContain('他の VPC・他の AWS アカウントの VPC エンドポイント（匿名）');
    });

    it('endpoints of other VPCs or accounts: StringLike vpce-* is critical and says exactly that', () => {
      const [v, ...rest] = check(
        doc({ ...allowAll, Condition: { StringLike: { 'aws:SourceVpce': 'vpce-*' } } }),
      );
      expect(rest).toEqual([]);
      expect(v?.severity).toBeUndefined();
      // No endpoint, no match: callers without one are not admitted, so this is not "any caller".
      expect(v?.fact).toBe(`admits:same-vpc:${VPC_ID},other-vpc`);
      expect(v?.impact).toBe(
        '他の VPC や他の AWS アカウントの execute-api VPC エンドポイントから、プライベートのはずの API を呼び出せます。',
      );
    });

    it('another endpoint in the same VPC: medium, and says other VPCs and accounts stay out', () => {
      const [v] = run(
        apigwResourcePolicy,
        aPrivateApiInventory(aPrivateApi({ policy: seed003AsMeant(VPC_ID) })),
        anIntent({ apiGateway: { requireSourceVpce: true } }),
      );
      expect(v?.severity).toBe('medium');
      expect(v?.impact).not.toContain('他の VPC や他の AWS アカウントの execute-api VPC エンドポイントから');
    });

    it('callers without an endpoint only: medium, a latent gap while the API stays PRIVATE', () => {
      const [v] = check(
        doc({ ...allowAll, Condition: { StringEqualsIfExists: { 'aws:SourceVpc': VPC_ID } } }),
      );
      expect(v?.fact).toBe(`admits:same-vpc:${VPC_ID},no-endpoint`);
      expect(v?.severity).toBe('medium');
      expect(v?.impact).toMatch(/^現在はエンドポイントタイプが PRIVATE のため/);
      expect(v?.impact).not.toContain('同じ VPC 内');
    });
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

  describe('an ANY method is judged for every verb', () => {
    const anyProxy = {
      resources: [
        anApiResource({
          id: 'prx001',
          path: '/{proxy+}',
          methods: [aMethod({ httpMethod: 'ANY', apiKeyRequired: false })],
        }),
      ],
    };
    const getOnly = {
      resources: [
        anApiResource({ id: 'prx001', path: '/{proxy+}', methods: [aMethod({ apiKeyRequired: false })] }),
      ],
    };
    /** The endpoint lock written for GET only (the verb someone tested with), then Allow everything. */
    const lockedForGet = doc(
      {
        ...denyUnlessEndpoint({ StringNotEquals: { 'aws:SourceVpce': VPCE_ID } }),
        Resource: 'execute-api:/*/GET/*',
      },
      allowAll,
    );

    it('reports a lock on GET alone: POST and the other verbs of ANY reach everyone', () => {
      // Act
      const violations = check(lockedForGet, anyProxy);
      // Assess
      expect(violations.map((v) => v.fact)).toEqual([`admits:same-vpc:${VPC_ID},other-vpc,no-endpoint`]);
      expect(violations[0]?.message).toContain(
        '他の VPC・他の AWS アカウントの VPC エンドポイント（匿名、POST /{proxy+}, PUT /{proxy+}, PATCH /{proxy+}, DELETE /{proxy+}, HEAD /{proxy+} ほか 1 件 のみ）',
      );
      expect(violations[0]?.message).not.toContain('GET /{proxy+}');
    });

    it('passes the same policy on an API whose method is GET only', () => {
      expect(check(lockedForGet, getOnly)).toEqual([]);
    });

    it('passes an ANY method under a lock on every verb', () => {
      expect(check(seed004Policy(), anyProxy)).toEqual([]);
    });

    it('reports a Deny scoped to another stage: the deployed stage is open', () => {
      const devOnly = doc(
        {
          ...denyUnlessEndpoint({ StringNotEquals: { 'aws:SourceVpce': VPCE_ID } }),
          Resource: 'execute-api:/dev/*',
        },
        allowAll,
      );
      expect(check(devOnly, anyProxy).map((v) => v.fact)).toEqual([
        `admits:same-vpc:${VPC_ID},other-vpc,no-endpoint`,
      ]);
      expect(check(devOnly, { ...anyProxy, stages: [aStage({ stageName: 'dev' })] })).toEqual([]);
    });
  });

  describe('other partitions are judged like aws', () => {
    const iamProxy = {
      resources: [
        anApiResource({
          id: 'prx001',
          path: '/{proxy+}',
          methods: [aMethod({ httpMethod: 'ANY', authorizationType: 'AWS_IAM', apiKeyRequired: false })],
        }),
      ],
    };
    /** Any role of any account in the partition, from anywhere; the ARNs as GetRestApi writes them out. */
    const rolesOfAnyAccount = (partition: string, region: string, endpoint?: string) =>
      doc({
        ...allowAll,
        Resource: `arn:${partition}:execute-api:${region}:${ACCOUNT}:${PRIVATE_API_ID}/*`,
        Condition: {
          ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:role/*` },
          ...(endpoint ? { StringEquals: { 'aws:SourceVpce': endpoint } } : {}),
        },
      });
    const apiIn = (partition: string, region: string) => ({
      ...iamProxy,
      region,
      arn: `arn:${partition}:apigateway:${region}::/restapis/${PRIVATE_API_ID}`,
    });

    it.each([
      ['aws', 'ap-northeast-1'],
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
    ])(
      '%s: reports roles of every account admitted from every VPC, and passes them through the endpoint',
      (partition, region) => {
        const open = check(rolesOfAnyAccount(partition, region), apiIn(partition, region));
        expect(open.map((v) => v.fact)).toEqual([`admits:same-vpc:${VPC_ID},other-vpc,no-endpoint`]);
        expect(open[0]?.message).toContain('他アカウントの IAM プリンシパル');
        expect(check(rolesOfAnyAccount(partition, region, VPCE_ID), apiIn(partition, region))).toEqual([]);
      },
    );
  });

  describe('the policy each stage serves (its deployment) decides', () => {
    /** The policy as the stage's oas30 export carries it: `execute-api:/*` written out as the ARN. */
    const asExported = (policy: ReturnType<typeof doc> | ReturnType<typeof seed004Policy>) =>
      JSON.parse(
        JSON.stringify(policy).replaceAll(
          'execute-api:/*',
          `arn:aws:execute-api:${REGION}:${ACCOUNT}:${PRIVATE_API_ID}/*`,
        ),
      ) as unknown;
    const deployed = (stageName: string, policy: unknown) =>
      aStage({
        stageName,
        deployedMethods: [],
        deployedPolicy: policy === undefined ? {} : { document: policy },
      });
    const inverted = seed003Policy(VPC_ID);

    it('reports a fix that was never deployed: the stage still serves the inverted policy', () => {
      // Act
      const violations = check(escapedPolicyText(seed004Policy()), {
        stages: [deployed('prod', asExported(inverted))],
      });
      // Assess
      expect(violations).toHaveLength(1);
      expect(violations[0]?.fact).toBe('admits:other-vpc,no-endpoint');
      expect(violations[0]?.severity).toBeUndefined();
      expect(violations[0]?.message).toMatch(
        /^プライベート API private-api \(p9q8r7s6t5\) のステージ prod にデプロイされているリソースポリシーは、/,
      );
      expect(violations[0]?.message).toContain('修正済みのポリシーがデプロイされていません');
      expect(violations[0]?.actual).toMatch(/^デプロイ済み: 許可: /);
    });

    it('passes once the fix is deployed, the export writing the ARN out in full', () => {
      expect(
        check(escapedPolicyText(seed004Policy()), {
          stages: [deployed('prod', asExported(seed004Policy()))],
        }),
      ).toEqual([]);
    });

    it('reports a change the next deployment would put in force, at medium while no stage serves it', () => {
      const violations = check(inverted, { stages: [deployed('prod', asExported(seed004Policy()))] });
      expect(violations.map((v) => [v.fact, v.severity])).toEqual([
        ['undeployed:admits:other-vpc,no-endpoint', 'medium'],
      ]);
      expect(violations[0]?.message).toContain('現在の（未デプロイの）リソースポリシーは');
      expect(violations[0]?.message).toContain('次に API をデプロイした時点で有効になります');
      expect(violations[0]?.impact).toMatch(/^未デプロイのため現在は有効ではありませんが/);
    });

    it('judges each stage by its own deployment and names the one that is open', () => {
      const violations = check(seed004Policy(), {
        stages: [deployed('prod', asExported(inverted)), deployed('dev', asExported(seed004Policy()))],
      });
      expect(violations.map((v) => v.fact)).toEqual(['admits:other-vpc,no-endpoint@prod']);
      expect(violations[0]?.message).toContain('ステージ prod にデプロイされているリソースポリシー');
    });

    it('reports a stage serving a deployment without a policy', () => {
      const violations = check(seed004Policy(), { stages: [deployed('prod', undefined)] });
      expect(violations.map((v) => v.fact)).toEqual(['no-policy']);
      expect(violations[0]?.message).toContain('リソースポリシーのないデプロイが公開されています');
      expect(violations[0]?.message).toContain('修正済みのポリシーがデプロイされていません');
    });

    it('reports a policy removed after the last deployment: nothing changes until the API can be redeployed', () => {
      const violations = check(undefined, { stages: [deployed('prod', asExported(seed004Policy()))] });
      expect(violations.map((v) => [v.fact, v.severity])).toEqual([['undeployed:no-policy', 'medium']]);
      expect(violations[0]?.message).toContain('現在のリソースポリシーは削除されています');
    });

    it.each([
      ['keeps the current policy’s finding', inverted, ['admits:other-vpc,no-endpoint']],
      ['keeps the current policy’s pass', seed004Policy(), []],
    ])(
      '%s for a stage whose export could not be read (the collector reports the gap)',
      (_, policy, facts) => {
        expect(check(policy, { stages: [aStage({ stageName: 'prod' })] }).map((v) => v.fact)).toEqual(facts);
      },
    );
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
