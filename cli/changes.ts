import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { collectAccount, resolveRegions } from '../app/audit.ts';
import { FileBaselineStore } from '../app/changes/baseline-store.ts';
import { parseChangeBatch } from '../app/changes/events.ts';
import { runChangeAudit } from '../app/changes/run.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import type { Report } from '../model/report.ts';
import { InputValidationError } from '../support/errors.ts';

/** A change batch file is refused past this size before it is read. */
const MAX_EVENTS_FILE_BYTES = 64 * 1024 * 1024;

const usage = (path: string, message: string) =>
  new InputValidationError('command line', [{ path, message }]);

/** Where the CLI keeps its last complete inventory: beside its alert state file. */
export const baselinePathFor = (statePath: string): string => join(dirname(statePath), 'inventory.json');

/**
 * `audit --events FILE`: replays a batch of change events (a JSON array of EventBridge events, or an
 * SQS event as Lambda receives it) and runs the audit that batch would trigger, from the inventory
 * kept beside the state file. Returns undefined when the batch holds nothing to audit, saying why.
 */
export const auditChangeFile = async (options: {
  readonly file: string;
  readonly intent: ResolvedIntent;
  readonly region: readonly string[];
  readonly statePath: string;
  readonly err: (text: string) => void;
}): Promise<{ report?: Report; commit: () => Promise<boolean> }> => {
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    throw usage('--events', `cannot read ${options.file}: ${(error as Error).message}`);
  }
  if (text.length > MAX_EVENTS_FILE_BYTES) throw usage('--events', `${options.file} is larger than 64 MiB`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputValidationError(options.file, [
      { path: '', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
  const events = parseChangeBatch(json, options.file);
  const regions = resolveRegions(options.region, options.intent).filter(
    (r) => !options.intent.deniedRegions.includes(r),
  );
  if (regions.length === 0) {
    throw usage('--region', 'no region: pass --region, list regions in the intent file, or set AWS_REGION');
  }
  const run = await runChangeAudit({
    events,
    regions,
    intent: options.intent,
    store: new FileBaselineStore(baselinePathFor(options.statePath)),
    collect: (partsIn) =>
      collectAccount({ regions, skipRegions: options.intent.deniedRegions, ...(partsIn ? { partsIn } : {}) }),
  });
  const { duplicate, failed, unwatched, outOfScope } = run.changes.ignored;
  options.err(
    `${run.changes.events.length} change(s) to audit (set aside: ${duplicate} repeated, ${failed} failed, ` +
      `${unwatched} not read by any check, ${outOfScope} other account or region)` +
      (run.mode === 'scoped'
        ? '; read only what they touched\n'
        : run.mode === 'full'
          ? `; read everything: ${run.fullBecause}\n`
          : '; nothing to audit\n'),
  );
  return { ...(run.report ? { report: run.report } : {}), commit: run.commit };
};
