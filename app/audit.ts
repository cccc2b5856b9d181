import { CHECKS } from '../checks/index.ts';
import { createCloudFrontClient, createRegionalClients, createStsClient } from '../collect/clients.ts';
import { collectInventory } from '../collect/index.ts';
import { evaluate } from '../evaluate/engine.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import type { Severity } from '../intent/schema.ts';
import type { Inventory } from '../inventory/types.ts';
import { type Report, SEVERITY_ORDER } from '../report/types.ts';

/** Collects the live inventory of the given regions with SDK clients built the standard way. */
export const collectLive = (regions: readonly string[]): Promise<Inventory> => {
  const clients = new Map(regions.map((r) => [r, createRegionalClients(r)]));
  return collectInventory({
    regions,
    clientsFor: (region) => clients.get(region) ?? createRegionalClients(region),
    cloudFront: createCloudFrontClient(),
    sts: createStsClient(regions[0] ?? 'us-east-1'),
  });
};

/** Evaluates an inventory against the intent with the full check catalogue. */
export const auditInventory = (
  inventory: Inventory,
  intent: ResolvedIntent,
  options: { startedAt?: Date; now?: Date; onlyChecks?: readonly string[] } = {},
): Report =>
  evaluate({
    inventory,
    intent,
    checks: CHECKS,
    now: options.now ?? new Date(),
    ...(options.startedAt ? { startedAt: options.startedAt } : {}),
    ...(options.onlyChecks ? { onlyChecks: options.onlyChecks } : {}),
  });

/** True when the report should fail a pipeline: incomplete, or a finding at or above the threshold. */
export const failsThreshold = (report: Report, threshold: Severity | 'none'): boolean =>
  !report.complete ||
  (threshold !== 'none' &&
    report.findings.some((f) => SEVERITY_ORDER.indexOf(f.severity) <= SEVERITY_ORDER.indexOf(threshold)));

/** Regions to audit: explicit ones, else the intent's, else the SDK's default region. */
export const resolveRegions = (explicit: readonly string[], intent: ResolvedIntent): string[] => {
  const fromEnv = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (explicit.length > 0) return [...new Set(explicit)];
  if (intent.regions.length > 0) return [...intent.regions];
  return fromEnv ? [fromEnv] : [];
};
