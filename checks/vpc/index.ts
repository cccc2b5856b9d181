import type { Check } from '../define.ts';
import { vpcAutoPublicIp } from './auto-public-ip.ts';
import { vpcCidr } from './cidr.ts';
import { vpcDbTierEgress } from './db-tier-egress.ts';
import { vpcDefaultVpc } from './default-vpc.ts';
import { vpcIgwMissing } from './igw-missing.ts';
import { vpcNatMode } from './nat-mode.ts';
import { vpcPublicEni } from './public-eni.ts';
import { vpcPublicSubnet } from './public-subnet.ts';

/** The vpc.* checks, in catalogue order. */
export const VPC_CHECKS: readonly Check[] = [
  vpcPublicSubnet,
  vpcAutoPublicIp,
  vpcPublicEni,
  vpcDbTierEgress,
  vpcNatMode,
  vpcCidr,
  vpcIgwMissing,
  vpcDefaultVpc,
];
