import type { Check } from '../define.ts';
import { apigwApiKeyNotRequired } from './api-key-not-required.ts';
import { apigwEndpointType } from './endpoint-type.ts';
import { apigwIntegrationTarget } from './integration-target.ts';
import { apigwResourcePolicy } from './resource-policy.ts';
import { apigwStaleDeployment } from './stale-deployment.ts';
import { apigwThrottlingMissing } from './throttling-missing.ts';
import { apigwVpcLinkTarget } from './vpc-link-target.ts';
import { apigwWafMissing } from './waf-missing.ts';

/** The apigw.* checks, in the order of CHECKS.md. */
export const APIGW_CHECKS: readonly Check[] = [
  apigwEndpointType,
  apigwResourcePolicy,
  apigwApiKeyNotRequired,
  apigwWafMissing,
  apigwThrottlingMissing,
  apigwIntegrationTarget,
  apigwVpcLinkTarget,
  apigwStaleDeployment,
];
