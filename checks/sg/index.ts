import type { Check } from '../define.ts';
import { sgChainBroken } from './chain-broken.ts';
import { sgCidrSource } from './cidr-source.ts';
import { sgDefaultHasRules } from './default-has-rules.ts';
import { sgFrontNotCloudfrontOnly } from './front-not-cloudfront-only.ts';
import { sgWorldIngress } from './world-ingress.ts';

/** The sg.* checks (P4), in catalogue order. */
export const SG_CHECKS: readonly Check[] = [
  sgWorldIngress,
  sgCidrSource,
  sgFrontNotCloudfrontOnly,
  sgChainBroken,
  sgDefaultHasRules,
];
