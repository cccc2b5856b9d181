import type { Check } from '../define.ts';
import { elbInternetFacing } from './internet-facing.ts';
import { elbOutsideIngressTier } from './outside-ingress-tier.ts';

/** The elb.* checks (P5), in catalogue order. */
export const ELB_CHECKS: readonly Check[] = [elbInternetFacing, elbOutsideIngressTier];
