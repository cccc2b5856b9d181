import { exposureModel } from '../../evaluate/exposure/paths.ts';
import { loadBalancersCalledBy } from '../../evaluate/exposure/rest-api.ts';
import { type ExposurePath, entryToWorkload, type Hop } from '../../evaluate/exposure/types.ts';
import { type ItemReach, theItems } from '../../evaluate/unseen.ts';
import { byId } from '../../inventory/derive.ts';
import { defineCheck, type Violation } from '../define.ts';

/** How a hop reads in the message: 'prod-private-rt (rtb-…)（0.0.0.0/0）'; the note is Japanese, so full-width. */
export const hopText = (hop: Hop): string => (hop.note ? `${hop.label}（${hop.note}）` : hop.label);

const toViolation = (path: ExposurePath, doors?: ReturnType<typeof exposureModel>['doors']): Violation => {
  const route = path.hops.map(hopText).join(' → ');
  const what = path.methods ? `${path.ports}、${path.methods.join(', ')}` : path.ports;
  const unknown = path.unknown
    ? `判定できない条件（${path.unknown}）があるため、到達可能とみなしています。`
    : '';
  return {
    resource: path.entry.resource,
    message: `インターネットから CloudFront を経由せずに ${path.workload.label} へ到達できます（${what}）。${unknown}経路: ${route}`,
    expected: 'インターネットからの経路は意図した CloudFront ディストリビューション経由のみ',
    actual: `${entryToWorkload(path.entry, path.workload)}（${what}）`,
    fact: `${path.entry.kind}:${path.workload.id}:${path.ports}`,
    details: {
      entry: { kind: path.entry.kind, ...path.entry.resource, label: path.entry.label },
      workload: path.workload,
      hops: path.hops,
      ports: path.ports,
      ...(path.methods ? { methods: path.methods } : {}),
      ...(path.unknown ? { unknown: path.unknown } : {}),
      ...(doors ? { intendedDoors: doors } : {}),
    },
  };
};

/**
 * A load balancer whose listeners were not read: its listeners decide which ports it admits and which
 * target groups it sends to, so the paths that can change are those entering at it (finding on its
 * ARN) and those of the REST APIs whose VPC-link methods call it (finding on the API). Public-IP paths
 * and other load balancers never read its listeners: they stay judged.
 */
const pathsThroughLoadBalancers: ItemReach = (items, { inventory }) => {
  const links = byId(inventory.apigateway.vpcLinks);
  const apis = inventory.apigateway.restApis.filter((api) => {
    const called = loadBalancersCalledBy(api, links);
    return items.some((lb) => lb.region === api.region && called.has(lb.resourceId));
  });
  return [
    ...theItems(items),
    ...apis.map((api) => ({
      region: api.region,
      resourceId: api.id,
      resourceType: 'AWS::ApiGateway::RestApi',
    })),
  ];
};

export const exposureUnintendedEntry = defineCheck({
  id: 'exposure.unintended-entry',
  principle: 'P1',
  severity: 'critical',
  resourceType: 'the entry resource',
  // Every slice a hop is read from. A path through a hop whose slice failed would be unknown, not safe;
  // listing them here makes the engine skip the check and report audit.incomplete instead of a pass.
  // CloudFront is not listed: it is the intended door and never makes a direct path safe (it is read
  // only to draw the door).
  needs: [
    'ec2.vpcs',
    'ec2.subnets',
    'ec2.routeTables',
    'ec2.internetGateways',
    'ec2.networkAcls',
    'ec2.securityGroups',
    // A rule referencing a customer-managed prefix list admits the list's entries.
    'ec2.prefixLists',
    'ec2.prefixListEntries',
    'ec2.networkInterfaces',
    'elbv2.loadBalancers',
    'elbv2.listeners',
    'elbv2.targetGroups',
    'apigateway.restApis',
    // The methods and policy a stage serves; when not read, the current ones stand in (unseen there).
    'apigateway.stageExports',
    'apigateway.vpcLinks',
  ],
  unseenItem: { 'AWS::ElasticLoadBalancingV2::LoadBalancer': pathsThroughLoadBalancers },
  title: 'CloudFront を経由せずにインターネットからワークロードへ到達できる経路があります',
  explanation:
    'この設計では、インターネットからの入口を意図した CloudFront ディストリビューションだけに限定します。インターネットゲートウェイへのルート・ネットワーク ACL・セキュリティグループを通ってパブリック IP のワークロードに届く経路や、internet-facing のロードバランサー、API キー不要の REST API を通る経路があると、CloudFront・WAF・API キーによる防御を迂回されます。検出結果は経路のホップを順にすべて示します。',
  impact: 'CloudFront と WAF を迂回して、ワークロードがインターネットから直接攻撃を受ける恐れがあります。',
  remediation:
    '経路上のいずれかのホップを閉じてください。たとえばワークロードのパブリック IP を外す、セキュリティグループの送信元 0.0.0.0/0 などの CIDR を CloudFront のマネージドプレフィックスリストやセキュリティグループ参照に置き換える、ロードバランサーを internal にして VPC オリジン経由にする、REST API のメソッドで API キーを必須にする、などです。設計上意図した入口であれば、設計定義ファイルの exposure.intendedEntries に理由とともに記載してください。',
  evaluate: ({ inventory, intent }) => {
    const model = exposureModel(inventory, intent);
    // The intended doors ride on the first finding only (the renderer gathers them from any finding),
    // so a report with many bypasses does not repeat the account's distributions in each one.
    return model.paths
      .filter((p) => !p.intended)
      .map((p, i) => toViolation(p, i === 0 ? model.doors : undefined));
  },
});
