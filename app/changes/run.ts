import type { RegionalPart } from '../../collect/index.ts';
import type { ResolvedIntent } from '../../intent/resolve.ts';
import type { Inventory } from '../../inventory/types.ts';
import type { Report } from '../../model/report.ts';
import { auditInventory } from '../audit.ts';
import { attributeFromEvents } from './actor.ts';
import type { BaselineStore } from './baseline-store.ts';
import { type ChangeEvent, type ChangeSet, changeSetOf } from './events.ts';
import { mergeScoped, partsFor, unusableBecause } from './scoped.ts';

export interface ChangeAuditOptions {
  readonly events: readonly ChangeEvent[];
  /** The audited regions, or 'all': then the stored inventory's (the regions enabled at the last full run). */
  readonly regions: readonly string[] | 'all';
  readonly intent: ResolvedIntent;
  /** The intent also governs accounts this audit does not read (engine/evaluate.ts). */
  readonly intentSharedWithOtherAccounts?: boolean;
  readonly store: BaselineStore;
  /** Collects the account: everything, or per region only the given parts. */
  readonly collect: (partsIn?: (region: string) => readonly RegionalPart[]) => Promise<Inventory>;
  readonly now?: () => Date;
}

export interface ChangeAudit {
  /** What the batch asks to audit; nothing when every event was a repeat, a failed or an unwatched call. */
  readonly changes: ChangeSet;
  /** 'scoped': only what the changes touched was read; 'full': everything (and why). */
  readonly mode: 'none' | 'scoped' | 'full';
  readonly fullBecause?: string;
  readonly report?: Report;
  /**
   * Records the run: the new inventory (when complete) and the audited event ids. Call it only once
   * the alerts are out: a failed publish makes Lambda deliver the batch again, and the retried run
   * must not take it for a repeat. Resolves false when another run saved first (the stored
   * inventory is then voided, and the next change reads everything).
   */
  readonly commit: () => Promise<boolean>;
}

/**
 * One audit for a batch of changes, against the full intent: the changes' sections in their regions
 * are read again, everything else comes from the last complete inventory, and each finding whose
 * resource a change touched names who made it. Without a usable stored inventory it reads everything:
 * slower, never a different verdict.
 */
export const runChangeAudit = async (options: ChangeAuditOptions): Promise<ChangeAudit> => {
  const now = options.now ?? (() => new Date());
  const loaded = await options.store.load();
  const last = loaded.baseline?.inventory;
  const seen = loaded.baseline?.seenEventIds ?? [];
  const regions = options.regions === 'all' ? (last?.regions ?? []) : options.regions;
  const changes = changeSetOf(options.events, {
    ...(last ? { account: last.account } : {}),
    regions,
    seen: new Set(seen),
  });
  if (changes.events.length === 0) return { changes, mode: 'none', commit: async () => true };

  const startedAt = now();
  const because =
    loaded.problem ??
    (options.regions === 'all' && !last ? 'no complete inventory is stored yet' : undefined) ??
    unusableBecause(last, { regions });
  const inventory =
    because === undefined && last
      ? mergeScoped(last, await options.collect(partsFor(changes.scope)), changes.scope)
      : await options.collect();
  const audited = auditInventory(inventory, options.intent, {
    startedAt,
    now: now(),
    ...(options.intentSharedWithOtherAccounts ? { intentSharedWithOtherAccounts: true } : {}),
  });
  const report: Report = {
    ...audited,
    findings: attributeFromEvents(
      audited.findings,
      changes.events.map((e) => e.detail),
    ),
  };
  const seenNow = [...seen, ...changes.events.map((e) => e.detail.eventID)];
  return {
    changes,
    mode: because === undefined ? 'scoped' : 'full',
    ...(because !== undefined ? { fullBecause: because } : {}),
    report,
    // An incomplete inventory is stored with its errors: what it could not read stays unknown, in
    // the next change-triggered audit too, until it is read again.
    commit: () => options.store.save({ inventory, seenEventIds: seenNow }, loaded.version),
  };
};

/**
 * After a scheduled audit: its inventory (with its collection errors, if any) becomes the baseline
 * change-triggered audits start from; the event ids already audited are kept.
 */
export const saveScheduledBaseline = async (store: BaselineStore, inventory: Inventory): Promise<boolean> => {
  const loaded = await store.load();
  return store.save({ inventory, seenEventIds: loaded.baseline?.seenEventIds ?? [] }, loaded.version);
};
