import type { Check } from '../define.ts';
import { vpcPublicSubnet } from './public-subnet.ts';

/** The vpc.* checks. */
export const VPC_CHECKS: readonly Check[] = [vpcPublicSubnet];
