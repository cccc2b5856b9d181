import { z } from 'zod';
import { SEVERITIES } from '../model/finding.ts';
import { organizationalUnitIdSchema, regionSchema } from '../support/validate.ts';

/**
 * The intent file: which architecture the account is held against.
 * Every object is strict so a typo ("natmode") fails loudly with its path instead of being ignored.
 */

export const severitySchema = z.enum(SEVERITIES);

export const PROFILES = ['private-backend', 'classic'] as const;
export type Profile = (typeof PROFILES)[number];

const isoDate = z.iso.date({ message: 'must be a date written YYYY-MM-DD' });

const tierSchema = z.strictObject({
  name: z.string().min(1),
  /** Subnets of this tier, by id. */
  subnetIds: z.array(z.string().startsWith('subnet-')).default([]),
  /** Or by tag: every subnet carrying this tag key/value belongs to the tier. */
  tag: z.strictObject({ key: z.string().min(1), value: z.string() }).optional(),
  /** A closed tier (DB) has no route to the internet at all. */
  closed: z.boolean().default(false),
  /** The tier is expected to reach the internet through NAT. */
  egress: z.boolean().default(false),
});

const natModeSchema = z.enum(['regional', 'zonal', 'instance', 'none', 'any']);

const vpcIntentSchema = z.strictObject({
  id: z.string().startsWith('vpc-'),
  cidr: z.string().optional(),
  natMode: natModeSchema.optional(),
  tiers: z.array(tierSchema).default([]),
});

/**
 * A VPC left out of the audit on purpose, named by id or by tag (exactly one), always with the reason:
 * every other VPC of the account, default ones and ones created later included, is audited.
 */
const excludedVpcSchema = z
  .strictObject({
    id: z.string().startsWith('vpc-').optional(),
    tag: z.strictObject({ key: z.string().min(1), value: z.string() }).optional(),
    reason: z.string().trim().min(1, 'must say why the VPC is left out'),
  })
  .refine((e) => (e.id === undefined) !== (e.tag === undefined), {
    message: 'must name the VPC by exactly one of id or tag',
  });

const chainLinkSchema = z.strictObject({
  /** A short name other links refer to in `from`. */
  name: z.string().min(1),
  groupId: z.string().startsWith('sg-'),
  /** The front SG (ALB/NLB behind CloudFront) admits only the CloudFront origin-facing prefix list. */
  front: z.boolean().default(false),
  ports: z.array(z.number().int().min(0).max(65535)).min(1),
  /** Sources: 'cloudfront', the name of another link, a security group id, or 'cidr:<block>' (PrivateLink/NLB). */
  from: z.array(z.string().min(1)).min(1),
});

const exceptionSchema = z.strictObject({
  check: z.string().min(1),
  /** Resource id (or ARN) the exception applies to; '*' for every resource of that check. */
  resource: z.string().min(1),
  /**
   * The findings accepted, by their fact as the report prints it ('tcp/443 from 0.0.0.0/0'): a new
   * fact on the same resource stays a finding. Without `facts`, every finding of the check on the
   * resource is accepted (written by hand only; `baseline` always lists the facts).
   */
  facts: z
    .array(z.string().min(1))
    .min(1, 'list at least one fact, or leave facts out to accept every finding on the resource')
    .refine((facts) => new Set(facts).size === facts.length, 'lists the same fact twice')
    .optional(),
  reason: z.string().min(1),
  expires: isoDate.optional(),
});

/** What `baseline` recorded, compared by the drift.* checks. Values are canonical strings. */
const baselineSchema = z.strictObject({
  recordedAt: z.string().optional(),
  securityGroups: z
    .record(
      z.string(),
      z.strictObject({
        rules: z.array(z.string()),
        /** Region the resource lives in: a deletion is judged only when that region was audited. */
        region: z.string().optional(),
        name: z.string().optional(),
      }),
    )
    .default({}),
  routeTables: z
    .record(
      z.string(),
      z.strictObject({
        routes: z.array(z.string()),
        associations: z.array(z.string()),
        region: z.string().optional(),
        name: z.string().optional(),
      }),
    )
    .default({}),
  loadBalancers: z
    .record(
      z.string(),
      z.strictObject({
        name: z.string(),
        scheme: z.string(),
        subnets: z.array(z.string()),
        securityGroups: z.array(z.string()),
        region: z.string().optional(),
      }),
    )
    .default({}),
  /** When true, a load balancer that is not in `loadBalancers` is drift. */
  loadBalancersComplete: z.boolean().default(true),
  distributions: z
    .record(
      z.string(),
      z.strictObject({
        origins: z.array(z.string()),
        behaviors: z.array(z.string()),
        webAclId: z.string(),
      }),
    )
    .default({}),
  restApis: z
    .record(
      z.string(),
      z.strictObject({
        endpointTypes: z.array(z.string()),
        policy: z.string(),
        stages: z.array(z.string()),
        methods: z.array(z.string()),
        region: z.string().optional(),
        name: z.string().optional(),
      }),
    )
    .default({}),
});

export const intentSchema = z
  .strictObject({
    version: z.literal(1),
    profile: z.enum(PROFILES),
    /** Regions audited when the command line names none. */
    regions: z.array(z.string().min(1)).default([]),
    /**
     * Regions denied by design (an organization SCP that refuses them): never collected or audited, and
     * not an incompleteness. The report lists them as skipped.
     */
    deniedRegions: z.array(regionSchema).default([]),
    network: z
      .strictObject({
        /** Subnets may route to an internet gateway and auto-assign public IPs (P2; classic profile: true). */
        allowPublicSubnets: z.boolean().optional(),
        /** Workload network interfaces may carry public IPs (P1; classic profile: true). */
        allowPublicIps: z.boolean().optional(),
      })
      .default({}),
    /**
     * What each VPC is meant to be (CIDR, NAT mode, tiers). It does not limit the audit: every VPC of the
     * account is audited, default VPCs included, except those in `excludeVpcs`.
     */
    vpcs: z.array(vpcIntentSchema).default([]),
    /** VPCs left out of the audit, by id or tag, each with its reason; the report lists them. */
    excludeVpcs: z.array(excludedVpcSchema).default([]),
    securityGroups: z
      .strictObject({
        /** Ingress sources must be security groups or the CloudFront prefix list, never CIDRs (P4). */
        requireReferences: z.boolean().optional(),
        chain: z.array(chainLinkSchema).default([]),
      })
      .default({ chain: [] }),
    loadBalancers: z
      .strictObject({
        /** Load balancers must be internal (P5); classic profile defaults to false. */
        requireInternal: z.boolean().optional(),
        /** ARNs or names allowed to be internet-facing anyway. */
        allowInternetFacing: z.array(z.string()).default([]),
        /** Tier name whose subnets load balancers must sit in. */
        ingressTier: z.string().optional(),
      })
      .default({ allowInternetFacing: [] }),
    cloudfront: z
      .strictObject({
        /** Distributions that are the intended front door; empty means every distribution. */
        frontDoors: z.array(z.string()).default([]),
        requireWaf: z.boolean().default(true),
        requireSecurityHeaders: z.boolean().default(true),
        /** S3 origins allowed without OAC (e.g. a public website endpoint), by origin domain name. */
        allowPublicS3Origins: z.array(z.string()).default([]),
        /** Custom origin header that carries the API key. */
        apiKeyHeader: z.string().default('x-api-key'),
      })
      .default({
        frontDoors: [],
        requireWaf: true,
        requireSecurityHeaders: true,
        allowPublicS3Origins: [],
        apiKeyHeader: 'x-api-key',
      }),
    apiGateway: z
      .strictObject({
        /** Expected endpoint type per API id (or '*' for every API). */
        endpointTypes: z.record(z.string(), z.enum(['PRIVATE', 'REGIONAL', 'EDGE'])).default({}),
        /** VPC endpoints a private API may admit. Empty means the API's own vpcEndpointIds. */
        vpcEndpointIds: z.array(z.string().startsWith('vpce-')).default([]),
        /**
         * Private API policies must name the endpoints (aws:SourceVpce): a policy that admits the whole
         * intended VPC (aws:SourceVpc) is then a finding, since another endpoint in that VPC gets in.
         */
        requireSourceVpce: z.boolean().default(false),
        /** Every method except CORS OPTIONS must require an API key (APIs behind CloudFront). */
        requireApiKey: z.boolean().optional(),
        requireWaf: z.boolean().default(true),
        requireThrottling: z.boolean().default(true),
        /** VPC link ids integrations may use; empty means any AVAILABLE link to an internal NLB. */
        vpcLinkIds: z.array(z.string()).default([]),
      })
      .default({
        endpointTypes: {},
        vpcEndpointIds: [],
        requireSourceVpce: false,
        requireWaf: true,
        requireThrottling: true,
        vpcLinkIds: [],
      }),
    /** Severity per check id, overriding the catalogue default. */
    severity: z.record(z.string(), severitySchema).default({}),
    /** Check ids not run at all. */
    disabledChecks: z.array(z.string()).default([]),
    exceptions: z.array(exceptionSchema).default([]),
    baseline: baselineSchema.optional(),
    /**
     * Multi-account runs: the accounts this intent is for, by account id, OU (or root) id, or tag. An
     * account takes the most specific intent that names it (id, then deepest OU, then tag); an intent
     * without `appliesTo` is the default for every other account.
     */
    appliesTo: z
      .strictObject({
        accounts: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id')).default([]),
        organizationalUnits: z.array(organizationalUnitIdSchema).default([]),
        tags: z.array(z.strictObject({ key: z.string().min(1), value: z.string() })).default([]),
      })
      .optional(),
    /** Exposure reasoning (P1): internet entries besides CloudFront that are part of the design. */
    exposure: z
      .strictObject({
        /** Entry resources (ENI / instance id / public IP, LB ARN or name, REST API id) and why they are intended. */
        intendedEntries: z
          .array(z.strictObject({ resource: z.string().min(1), reason: z.string().min(1) }))
          .default([]),
      })
      .optional(),
  })
  .superRefine((intent, ctx) => {
    // A region cannot be both audited and denied by design: which one was meant is not ours to guess.
    intent.deniedRegions.forEach((region, i) => {
      if (intent.regions.includes(region))
        ctx.addIssue({
          code: 'custom',
          path: ['deniedRegions', i],
          message: `${region} is also listed in regions: a region is either audited or denied by design`,
        });
    });
  });

export type Intent = z.infer<typeof intentSchema>;
export type IntentInput = z.input<typeof intentSchema>;
export type VpcIntent = z.infer<typeof vpcIntentSchema>;
export type Tier = z.infer<typeof tierSchema>;
export type ExcludedVpc = z.infer<typeof excludedVpcSchema>;
export type ChainLink = z.infer<typeof chainLinkSchema>;
export type IntentException = z.infer<typeof exceptionSchema>;
export type Baseline = z.infer<typeof baselineSchema>;
