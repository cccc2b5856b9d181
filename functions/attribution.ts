import type { Logger } from '@aws-lambda-powertools/logger';
import { attributeNewFindings, type LookupOptions } from '../app/changes/lookup.ts';
import type { Report } from '../model/report.ts';
import type { StateStore } from '../notify/state.ts';

/**
 * Who made the changes behind a run's new findings, from CloudTrail's event history, for the audit
 * and changes functions alike: at most `maxLookups` lookups (none when 0), each failed one logged and
 * left without attribution.
 */
export const attributeFromHistory = (
  report: Report,
  store: StateStore,
  options: { readonly client: LookupOptions['client']; readonly maxLookups: number; readonly logger: Logger },
): Promise<Report> =>
  options.maxLookups > 0
    ? attributeNewFindings(report, store, {
        client: options.client,
        now: new Date(),
        maxLookups: options.maxLookups,
        onError: (error, region) =>
          options.logger.warn('attribution lookup failed', {
            awsService: 'cloudtrail',
            operation: 'LookupEvents',
            region,
            code: (error as Error).name,
          }),
      })
    : Promise.resolve(report);
