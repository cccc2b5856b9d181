import { vpcsInScope } from '../../intent/queries.ts';
import { ipv4Cidr } from '../../inventory/addresses.ts';
import { label, refOf } from '../../inventory/derive.ts';
import type { Vpc } from '../../inventory/types.ts';
import { defineCheck } from '../define.ts';

/** An IPv4 block as its address interval (host bits cleared); undefined for IPv6 or anything else. */
const block = (cidr: string) => ipv4Cidr(cidr.trim());

/** True when two IPv4 CIDR blocks share at least one address. */
export const ipv4CidrsOverlap = (a: string, b: string): boolean => {
  const x = block(a);
  const y = block(b);
  return x !== undefined && y !== undefined && x.lo <= y.hi && y.lo <= x.hi;
};

/** Same network, however the host bits were written ('10.0.0.1/16' is 10.0.0.0/16). */
const sameBlock = (a: string, b: string): boolean => {
  const x = block(a);
  const y = block(b);
  return x !== undefined && y !== undefined ? x.lo === y.lo && x.hi === y.hi : a === b;
};

export const vpcCidr = defineCheck({
  id: 'vpc.cidr',
  principle: 'P2',
  severity: 'low',
  resourceType: 'AWS::EC2::VPC',
  needs: ['ec2.vpcs'],
  title: 'VPC の CIDR が意図と異なるか、他の VPC と重複しています',
  explanation:
    'VPC の CIDR は、VPC ピアリングや Transit Gateway での接続を見越して環境間で重複しないように設計します。CIDR が重複した VPC 同士は後から接続できず、作り直しが必要になります。',
  impact: '将来 VPC 同士を接続できず、VPC の作り直しを迫られる恐れがあります。',
  remediation:
    '設計定義ファイルの CIDR が正しいか確認してください。重複している場合は、接続する可能性のある VPC のどちらかを重複しない CIDR で作り直す計画を立ててください（VPC のプライマリ CIDR は後から変更できません）。',
  evaluate: ({ inventory, intent }) => {
    const inScope = vpcsInScope(inventory, intent);
    // Default VPCs are 172.31.0.0/16 in every region by AWS's design and are never connected to each
    // other; they are vpc.default-vpc's concern, not an addressing plan's.
    const audited = inventory.ec2.vpcs.filter((v) => inScope.has(v.id) && !v.isDefault);

    const differing = intent.vpcs.flatMap((wanted) => {
      const vpc = audited.find((v) => v.id === wanted.id);
      // Secondary CIDRs (e.g. 100.64.0.0/16 for pods) are fine as long as the intended block is there.
      if (!vpc || wanted.cidr === undefined || vpc.cidrBlocks.some((c) => sameBlock(c, wanted.cidr!))) {
        return [];
      }
      return [
        {
          resource: refOf('AWS::EC2::VPC', vpc),
          message: `VPC ${label(vpc)} の CIDR が ${vpc.cidrBlocks.join(', ')} で、意図した ${wanted.cidr} と異なります。`,
          expected: wanted.cidr,
          actual: vpc.cidrBlocks.join(', '),
          fact: `cidr:${wanted.cidr}`,
        },
      ];
    });

    // IPv6 blocks are allocated by AWS (or from the owner's BYOIP pool) and do not collide, so only IPv4
    // is compared. Each VPC of an overlapping pair gets its own finding naming the other.
    const overlapping = audited.flatMap((vpc: Vpc) =>
      audited
        .filter((other) => other.id !== vpc.id)
        .flatMap((other) =>
          vpc.cidrBlocks.flatMap((mine) =>
            other.cidrBlocks
              .filter((theirs) => ipv4CidrsOverlap(mine, theirs))
              .map((theirs) => ({
                resource: refOf('AWS::EC2::VPC', vpc),
                message: `VPC ${label(vpc)} の CIDR ${mine} は VPC ${label(other)}（${other.region}）の ${theirs} と重複しています。`,
                expected: `${other.id} と重複しない CIDR`,
                actual: `${mine} ∩ ${theirs} (${other.id})`,
                fact: `overlap:${mine}:${other.id}:${theirs}`,
              })),
          ),
        ),
    );

    return [...differing, ...overlapping];
  },
});
