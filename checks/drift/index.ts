import type { Check } from '../define.ts';
import { driftDistribution } from './distribution.ts';
import { driftLoadBalancer } from './load-balancer.ts';
import { driftRestApi } from './rest-api.ts';
import { driftRouteTable } from './route-table.ts';
import { driftSecurityGroup } from './security-group.ts';

/** The drift.* checks, in catalogue order. */
export const DRIFT_CHECKS: readonly Check[] = [
  driftSecurityGroup,
  driftRouteTable,
  driftLoadBalancer,
  driftDistribution,
  driftRestApi,
];
