import { label, refOf, regionOfArn } from '../../inventory/derive.ts';
import { defineCheck, type Violation } from '../define.ts';

/** The region of an ELB ARN (`arn:aws:elasticloadbalancing:<region>:…`). */

/**
 * A REST API VPC link targets NLBs. A link that is not AVAILABLE fails every integration through
 * it; a target that is internet-facing makes the "private" integration reach a public load
 * balancer. A target is judged missing only when its region was collected: an NLB in a region
 * outside the audit is simply not visible.
 */
export const apigwVpcLinkTarget = defineCheck({
  id: 'apigw.vpc-link-target',
  principle: 'P7',
  severity: 'high',
  resourceType: 'AWS::ApiGateway::VpcLink',
  needs: ['apigateway.vpcLinks', 'elbv2.loadBalancers'],
  title: 'VPC リンクが利用できないか、ターゲットの NLB が存在しないか internet-facing です',
  explanation:
    'REST API のプライベート統合は、VPC リンクを通じて internal の NLB に到達します。VPC リンクが AVAILABLE でないと統合は失敗し、ターゲットの NLB が削除されていると呼び出しは届きません。NLB が internet-facing だと、バックエンドがインターネットに公開されます。',
  impact:
    'API の呼び出しが失敗するか、プライベートのはずのバックエンドがインターネットから到達可能になります。',
  remediation:
    'VPC リンクの状態とエラーメッセージを確認し、ターゲットを既存の internal の NLB にして VPC リンクを作り直してください。',
  evaluate: ({ inventory }) => {
    const lbs = new Map(inventory.elbv2.loadBalancers.map((lb) => [lb.arn ?? lb.id, lb]));
    const collected = new Set(inventory.regions);
    return inventory.apigateway.vpcLinks.flatMap((link): Violation[] => {
      const resource = refOf('AWS::ApiGateway::VpcLink', link);
      const out: Violation[] = [];
      if (link.status.toUpperCase() !== 'AVAILABLE') {
        out.push({
          resource,
          message: `VPC リンク ${label(link)} の状態は ${link.status} で、利用できません。`,
          expected: 'AVAILABLE',
          actual: link.status,
          fact: `status:${link.status.toUpperCase()}`,
        });
      }
      for (const arn of link.targetArns) {
        const lb = lbs.get(arn);
        const region = regionOfArn(arn);
        if (!lb) {
          if (region === undefined || !collected.has(region)) continue;
          out.push({
            resource,
            message: `VPC リンク ${label(link)} のターゲット ${arn} は存在しません。`,
            expected: '存在する internal の NLB',
            actual: `存在しない: ${arn}`,
            fact: `missing:${arn}`,
          });
        } else if (lb.scheme === 'internet-facing') {
          out.push({
            resource,
            message: `VPC リンク ${label(link)} のターゲット ${lb.loadBalancerName} は internet-facing のロードバランサーです。`,
            expected: 'internal の NLB',
            actual: `internet-facing: ${lb.loadBalancerName}`,
            fact: `internet-facing:${arn}`,
          });
        }
      }
      return out;
    });
  },
});
