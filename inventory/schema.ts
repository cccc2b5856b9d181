import { z } from 'zod';

/**
 * Boundary schema for a snapshot file (a saved Inventory). It checks the envelope and that every
 * resource list holds objects with an id and a region, so a wrong or truncated file fails with the
 * field named instead of surfacing later as a confusing check error. Resource fields beyond that are
 * trusted: snapshots are written by `arch-auditor snapshot`.
 */
const resource = z.looseObject({ id: z.string(), region: z.string() });
const list = z.array(resource);
const listener = z.array(z.looseObject({ arn: z.string(), region: z.string() }));

export const inventorySchema = z.looseObject({
  schemaVersion: z.literal(1),
  account: z.string().min(1),
  regions: z.array(z.string()).min(1),
  collectedAt: z.string(),
  ec2: z.strictObject({
    vpcs: list,
    subnets: list,
    routeTables: list,
    internetGateways: list,
    egressOnlyInternetGateways: list,
    natGateways: list,
    networkAcls: list,
    securityGroups: list,
    prefixLists: list,
    vpcEndpoints: list,
    networkInterfaces: list,
  }),
  elbv2: z.strictObject({ loadBalancers: list, listeners: listener, targetGroups: list }),
  cloudfront: z.strictObject({
    distributions: list,
    vpcOrigins: list,
    responseHeadersPolicies: z.array(z.looseObject({ id: z.string() })),
  }),
  apigateway: z.strictObject({ restApis: list, vpcLinks: list, usagePlans: list, apiKeys: list }),
  errors: z.array(
    z.looseObject({
      service: z.string(),
      operation: z.string(),
      region: z.string(),
      code: z.string(),
      message: z.string(),
      slices: z.array(z.string()),
    }),
  ),
});
