import { describe, expect, it } from 'vitest';
import { apigwIntegrationTarget } from '../../../checks/apigw/integration-target.ts';
import type { ApiIntegration, RestApi } from '../../../inventory/types.ts';
import { run } from '../../fixtures/evaluate.ts';
import { anIntent } from '../../fixtures/intent.ts';
import { aMethod, anApiResource, anInventory, aRestApi, aStage, aVpcLink } from '../../fixtures/inventory.ts';

const NLB_URI = 'http://internal-prod-nlb-0123456789.elb.ap-northeast-1.amazonaws.com/data';
const apiWithIntegration = (integration: ApiIntegration) =>
  aRestApi({ resources: [anApiResource({ methods: [aMethod({ integration })] })] });
/** GET /data proxied to the NLB through the VPC link `connectionId`. */
const viaVpcLink = (connectionId: string) =>
  apiWithIntegration({ type: 'HTTP_PROXY', uri: NLB_URI, connectionType: 'VPC_LINK', connectionId });
/** The APIs beside the account's one v1 VPC link (abc123). */
const withVpcLink = (...restApis: RestApi[]) =>
  anInventory({ apigateway: { restApis, vpcLinks: [aVpcLink()] } });

describe('apigw.integration-target', () => {
  it('reports an HTTP_PROXY integration that calls a URL over the internet', () => {
    // Prepare
    const inventory = withVpcLink(
      apiWithIntegration({ type: 'HTTP_PROXY', uri: NLB_URI, connectionType: 'INTERNET' }),
    );
    // Act
    const violations = run(apigwIntegrationTarget, inventory);
    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      resource: { type: 'AWS::ApiGateway::RestApi', id: 'a1b2c3d4e5' },
      fact: `GET /data:internet:${NLB_URI}`,
    });
    expect(violations[0]?.message).toContain('HTTP_PROXY 統合でインターネット上の URL');
  });

  it('passes the twin that goes through the VPC link', () => {
    const inventory = withVpcLink(viaVpcLink('abc123'));
    expect(run(apigwIntegrationTarget, inventory)).toEqual([]);
  });

  it('reports an HTTP integration without a connection type (it defaults to INTERNET)', () => {
    const api = apiWithIntegration({ type: 'HTTP', uri: 'https://api.example.com/v1', connectionType: '' });
    const inventory = anInventory({ apigateway: { restApis: [api] } });
    expect(run(apigwIntegrationTarget, inventory)).toHaveLength(1);
  });

  it('reports a VPC link the intent does not list', () => {
    const inventory = withVpcLink(viaVpcLink('abc123'));
    const violations = run(
      apigwIntegrationTarget,
      inventory,
      anIntent({ apiGateway: { vpcLinkIds: ['xyz789'] } }),
    );
    expect(violations.map((v) => v.fact)).toEqual(['GET /data:vpc-link:abc123']);
    expect(violations[0]?.message).toContain('設計定義ファイルで許可されていない VPC リンク abc123');
  });

  it('reports a VPC link that does not exist', () => {
    const inventory = withVpcLink(viaVpcLink('gone99'));
    expect(run(apigwIntegrationTarget, inventory).map((v) => v.message)).toEqual([
      'REST API prod-api (a1b2c3d4e5) のメソッド GET /data は存在しない VPC リンク gone99 に統合しています。',
    ]);
  });

  describe('VPC link v2 (REST API private integration to an ALB through integrationTarget)', () => {
    const ALB_ARN =
      'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/prod-alb/50dc6c495c0c9188';
    const viaV2 = (connectionId: string) =>
      apiWithIntegration({
        type: 'HTTP_PROXY',
        uri: 'https://prod-alb.internal.example.com/data',
        connectionType: 'VPC_LINK',
        connectionId,
        integrationTarget: ALB_ARN,
      });

    it('does not call a v2 link missing because GetVpcLinks (v1) does not list it', () => {
      const inventory = withVpcLink(viaV2('7t9r2q'));
      expect(run(apigwIntegrationTarget, inventory)).toEqual([]);
    });

    it('still reports a v2 link the intent does not list', () => {
      const inventory = withVpcLink(viaV2('7t9r2q'));
      const violations = run(
        apigwIntegrationTarget,
        inventory,
        anIntent({ apiGateway: { vpcLinkIds: ['abc123'] } }),
      );
      expect(violations.map((v) => v.fact)).toEqual(['GET /data:vpc-link:7t9r2q']);
    });
  });

  describe('a VPC link taken from a stage variable, resolved per stage', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: API Gateway's literal stage-variable syntax
    const VARIABLE = '${stageVariables.vpcLinkId}';
    /** GET /data through the link each stage names in `vpcLinkId`; `undefined` leaves the variable unset. */
    const viaVariable = (stages: Readonly<Record<string, string | undefined>>) => ({
      ...viaVpcLink(VARIABLE),
      stages: Object.entries(stages).map(([stageName, link]) =>
        aStage({ stageName, variables: link === undefined ? {} : { vpcLinkId: link } }),
      ),
    });

    it('reports the stage whose variable names a link the intent does not list, on that stage', () => {
      const inventory = withVpcLink(viaVariable({ prod: 'abc123', dev: 'xyz789' }));
      const violations = run(
        apigwIntegrationTarget,
        inventory,
        anIntent({ apiGateway: { vpcLinkIds: ['abc123'] } }),
      );
      expect(violations.map((v) => [v.resource.type, v.resource.id, v.fact])).toEqual([
        ['AWS::ApiGateway::Stage', 'a1b2c3d4e5/dev', 'GET /data:vpc-link:xyz789'],
      ]);
      expect(violations[0]?.message).toBe(
        'REST API prod-api (a1b2c3d4e5) のステージ dev では、メソッド GET /data がステージ変数 vpcLinkId を通じて設計定義ファイルで許可されていない VPC リンク xyz789 に統合しています。',
      );
      expect(violations[0]?.actual).toBe(`GET /data: VPC_LINK ${VARIABLE} = xyz789`);
    });

    it('reports the stage whose variable names a link that does not exist', () => {
      const violations = run(apigwIntegrationTarget, withVpcLink(viaVariable({ prod: 'gone99' })));
      expect(violations.map((v) => [v.resource.id, v.fact])).toEqual([
        ['a1b2c3d4e5/prod', 'GET /data:vpc-link:gone99'],
      ]);
    });

    it('reports a stage that does not set the variable: its calls fail', () => {
      const violations = run(
        apigwIntegrationTarget,
        withVpcLink(viaVariable({ prod: 'abc123', dev: undefined })),
      );
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({
        resource: { type: 'AWS::ApiGateway::Stage', id: 'a1b2c3d4e5/dev' },
        severity: 'medium',
        fact: `GET /data:vpc-link:${VARIABLE}:unset`,
      });
      expect(violations[0]?.message).toContain('ステージ変数 vpcLinkId を設定していません');
    });

    it('passes the twin whose every stage names the intended link', () => {
      const inventory = withVpcLink(viaVariable({ prod: 'abc123', dev: 'abc123' }));
      expect(
        run(apigwIntegrationTarget, inventory, anIntent({ apiGateway: { vpcLinkIds: ['abc123'] } })),
      ).toEqual([]);
    });

    it('does not judge a snapshot written before stage variables were collected', () => {
      const inventory = withVpcLink({ ...viaVpcLink(VARIABLE), stages: [aStage()] });
      expect(run(apigwIntegrationTarget, inventory)).toEqual([]);
    });
  });

  it.each([
    [
      'AWS (seed 003 S3 proxy)',
      {
        type: 'AWS',
        uri: 'arn:aws:apigateway:ap-northeast-1:s3:path/test-document-2853/{proxy}',
        connectionType: 'INTERNET',
      },
    ],
    [
      'AWS_PROXY (Lambda)',
      {
        type: 'AWS_PROXY',
        uri: 'arn:aws:apigateway:ap-northeast-1:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-northeast-1:123456789012:function:h/invocations',
        connectionType: 'INTERNET',
      },
    ],
    ['MOCK', { type: 'MOCK', connectionType: 'INTERNET' }],
  ])('passes an %s integration', (_name, integration) => {
    expect(
      run(
        apigwIntegrationTarget,
        anInventory({ apigateway: { restApis: [apiWithIntegration(integration)] } }),
      ),
    ).toEqual([]);
  });

  it('reports each offending method of several APIs', () => {
    const bad = apiWithIntegration({
      type: 'HTTP',
      uri: 'https://backend.example.com',
      connectionType: 'INTERNET',
    });
    const good = aRestApi({ id: 'c3d4e5f6a7', name: 'ok-api', apiName: 'ok-api' });
    const inventory = withVpcLink(bad, good);
    expect(run(apigwIntegrationTarget, inventory).map((v) => v.resource.id)).toEqual(['a1b2c3d4e5']);
  });
});
