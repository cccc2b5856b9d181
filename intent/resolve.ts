import type { Intent } from './schema.ts';

/** The intent with every profile-dependent switch decided, as checks read it. */
export interface ResolvedIntent extends Intent {
  /** Where the intent was read from (file, s3:// URL, 'default intent'), to name it in errors. */
  readonly source?: string;
  readonly switches: {
    readonly allowPublicSubnets: boolean;
    readonly allowPublicIps: boolean;
    readonly requireInternalLoadBalancers: boolean;
    readonly requireSgReferences: boolean;
    readonly requireApiKey: boolean;
  };
}

/**
 * The classic profile (seed 002: public ALB, NAT gateways in public subnets) relaxes P1, P2 and P5;
 * private-backend holds them all. An explicit value in the file always wins.
 */
export const resolveIntent = (intent: Intent): ResolvedIntent => {
  const classic = intent.profile === 'classic';
  return {
    ...intent,
    switches: {
      allowPublicSubnets: intent.network.allowPublicSubnets ?? classic,
      allowPublicIps: intent.network.allowPublicIps ?? classic,
      requireInternalLoadBalancers: intent.loadBalancers.requireInternal ?? !classic,
      requireSgReferences: intent.securityGroups.requireReferences ?? !classic,
      requireApiKey: intent.apiGateway.requireApiKey ?? !classic,
    },
  };
};
