import { loadBalancerForm } from '../../intent/canonical.ts';
import { refOf, regionOfArn } from '../../inventory/derive.ts';
import { defineCheck, type Violation } from '../define.ts';
import { deletedViolation, listDriftViolation, present, valueDriftViolation, wasAudited } from './compare.ts';

const TYPE = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

export const driftLoadBalancer = defineCheck({
  id: 'drift.load-balancer',
  principle: 'P9',
  severity: 'medium',
  resourceType: TYPE,
  needs: ['elbv2.loadBalancers'],
  title: 'ロードバランサーの構成がベースラインから変わっています',
  explanation:
    '承認時にベースラインへ記録したロードバランサーが削除されたか、スキーム・サブネット・セキュリティグループが変わったか、記録にないロードバランサーが作られています。internet-facing のロードバランサーが 1 台増えるだけで、CloudFront を通らない入口ができます。',
  impact: '承認されていない入口や配置でトラフィックを受けている恐れがあります。',
  remediation:
    '差分が意図した変更か確認してください。意図しない変更なら元に戻し（不要なロードバランサーは削除し）、意図した変更ならベースラインを再生成（arch-auditor baseline）して承認し直してください。',
  evaluate: ({ inventory, intent }) => {
    const baseline = intent.baseline;
    if (!baseline) return [];
    const recorded = baseline.loadBalancers;
    const live = new Map(
      inventory.elbv2.loadBalancers.flatMap((lb) => [
        [lb.id, lb] as const,
        ...(lb.arn ? [[lb.arn, lb] as const] : []),
      ]),
    );

    const changed = Object.entries(recorded).flatMap(([id, entry]): Violation[] => {
      const lb = live.get(id);
      if (!lb) {
        const region = entry.region ?? regionOfArn(id);
        if (!wasAudited(inventory, region)) return [];
        const resource = {
          type: TYPE,
          id,
          region: region ?? 'unknown',
          ...(id.startsWith('arn:') ? { arn: id } : {}),
          name: entry.name,
        };
        return [deletedViolation(resource, `ロードバランサー ${entry.name} `)];
      }
      const form = loadBalancerForm(lb);
      const resource = refOf(TYPE, lb);
      const what = `ロードバランサー ${lb.loadBalancerName} `;
      return present([
        valueDriftViolation({
          resource,
          what,
          field: 'scheme',
          fieldLabel: 'スキーム',
          recorded: entry.scheme,
          live: form.scheme,
        }),
        listDriftViolation({
          resource,
          what,
          field: 'subnets',
          fieldLabel: 'サブネット',
          recorded: entry.subnets,
          live: form.subnets,
        }),
        listDriftViolation({
          resource,
          what,
          field: 'securityGroups',
          fieldLabel: 'セキュリティグループ',
          recorded: entry.securityGroups,
          live: form.securityGroups,
        }),
      ]);
    });

    // A generated baseline records every LB, so with `recordedAt` an empty map means "there were none"
    // and any LB is new. A hand-written baseline without LBs says nothing about them.
    const judgesNew =
      baseline.loadBalancersComplete &&
      (Object.keys(recorded).length > 0 || baseline.recordedAt !== undefined);
    const known = new Set(Object.keys(recorded));
    const appeared = judgesNew
      ? inventory.elbv2.loadBalancers
          .filter((lb) => !known.has(lb.id) && !(lb.arn && known.has(lb.arn)))
          // Regions outside the approved set were never baselined; auditing one is not a new LB there.
          .filter((lb) => intent.regions.length === 0 || intent.regions.includes(lb.region))
          .map(
            (lb): Violation => ({
              resource: refOf(TYPE, lb),
              message: `ロードバランサー ${lb.loadBalancerName}（${lb.scheme}）はベースラインに記録されていません（承認後に作成されています）。`,
              expected: 'ベースラインに記録されたロードバランサーのみ',
              actual: `+ ${lb.loadBalancerName} ${lb.scheme}`,
              fact: 'appeared',
            }),
          )
      : [];
    return [...changed, ...appeared];
  },
});
