import { associationsForm, routesForm } from '../../intent/canonical.ts';
import { defineCheck } from '../define.ts';
import { compareBaselined, listDriftViolation } from './compare.ts';

const TYPE = 'AWS::EC2::RouteTable';

export const driftRouteTable = defineCheck({
  id: 'drift.route-table',
  principle: 'P9',
  severity: 'medium',
  resourceType: TYPE,
  needs: ['ec2.routeTables'],
  title: 'ルートテーブルのルートまたは関連付けがベースラインから変わっています',
  explanation:
    '承認時にベースラインへ記録したルートテーブルのルートやサブネットの関連付けが変わっています。ルート 1 本、関連付け 1 つの変更だけで、閉じていたサブネットがインターネットと通信できるようになります。',
  impact: 'サブネットの到達性（インターネットへの出口・入口）が承認なしに変わっている恐れがあります。',
  remediation:
    '差分のルート・関連付けが意図した変更か確認してください。意図しない変更なら元に戻し、意図した変更ならベースラインを再生成（arch-auditor baseline）して承認し直してください。',
  evaluate: ({ inventory, intent }) => {
    return compareBaselined({
      inventory,
      type: TYPE,
      noun: 'ルートテーブル',
      recorded: intent.baseline?.routeTables ?? {},
      live: inventory.ec2.routeTables,
      compare: (entry, table, resource, what) => [
        listDriftViolation({
          resource,
          what,
          field: 'routes',
          fieldLabel: 'ルート',
          recorded: entry.routes,
          live: routesForm(table),
        }),
        listDriftViolation({
          resource,
          what,
          field: 'associations',
          fieldLabel: '関連付け',
          recorded: entry.associations,
          live: associationsForm(table),
        }),
      ],
    });
  },
});
