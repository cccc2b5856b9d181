import { theItems } from '../../evaluate/unseen.ts';
import { behaviorsForm, originsForm } from '../../intent/canonical.ts';
import { byId, label, refOf } from '../../inventory/derive.ts';
import { defineCheck } from '../define.ts';
import { deletedViolation, listDriftViolation, present, valueDriftViolation } from './compare.ts';

const TYPE = 'AWS::CloudFront::Distribution';

export const driftDistribution = defineCheck({
  id: 'drift.distribution',
  principle: 'P9',
  severity: 'medium',
  resourceType: TYPE,
  needs: ['cloudfront.distributions'],
  // A distribution not read drifts (or looks deleted) only on itself.
  unseenItem: { 'AWS::CloudFront::Distribution': theItems },
  title: 'CloudFront ディストリビューションの構成がベースラインから変わっています',
  explanation:
    '承認時にベースラインへ記録したオリジン、ビヘイビア（パスパターン・ビューワープロトコルポリシー・レスポンスヘッダーポリシー）、WAF のいずれかが変わっています。オリジンやビヘイビアが変わると、どのリクエストがどの保護を受けてどこへ届くかが変わります。',
  impact:
    '承認されていないオリジンへの転送や、保護（HTTPS・WAF・セキュリティヘッダー）の欠落が起きている恐れがあります。',
  remediation:
    '差分が意図した変更か確認してください。意図しない変更なら元に戻し、意図した変更ならベースラインを再生成（arch-auditor baseline）して承認し直してください。',
  evaluate: ({ inventory, intent }) => {
    const recorded = intent.baseline?.distributions ?? {};
    const live = byId(inventory.cloudfront.distributions);
    return Object.entries(recorded).flatMap(([id, entry]) => {
      const distribution = live.get(id);
      // CloudFront is global: it is collected whatever regions the audit covers.
      if (!distribution) {
        return [deletedViolation({ type: TYPE, id, region: 'global' }, `ディストリビューション ${id} `)];
      }
      const resource = refOf(TYPE, distribution);
      const what = `ディストリビューション ${label(distribution)} `;
      return present([
        listDriftViolation({
          resource,
          what,
          field: 'origins',
          fieldLabel: 'オリジン',
          recorded: entry.origins,
          live: originsForm(distribution),
        }),
        listDriftViolation({
          resource,
          what,
          field: 'behaviors',
          fieldLabel: 'ビヘイビア',
          recorded: entry.behaviors,
          live: behaviorsForm(distribution),
          ordered: true,
        }),
        valueDriftViolation({
          resource,
          what,
          field: 'webAcl',
          fieldLabel: 'WAF の Web ACL',
          recorded: entry.webAclId,
          live: distribution.webAclId,
        }),
      ]);
    });
  },
});
