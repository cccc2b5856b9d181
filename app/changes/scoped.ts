import type { RegionalPart } from '../../collect/index.ts';
import type { CollectionError, Inventory } from '../../inventory/types.ts';
import { mergeInventories } from '../merge.ts';
import type { ChangeScope } from './events.ts';
import type { Section } from './watched.ts';

/**
 * A change-triggered audit reads only what its changes touched and takes the rest from the last
 * complete inventory, so its verdicts are a full audit's at a fraction of the calls. Two parts are
 * always read again, whatever changed: CloudFront (a few calls) and each region's API keys (one list),
 * because their secrets are fingerprinted under a key made for each run and
 * cloudfront.api-key-header compares the two; fingerprints of different runs never meet.
 */
export const partsFor =
  (scope: ChangeScope) =>
  (region: string): RegionalPart[] => {
    const touched = scope.regions.get(region) ?? new Set();
    const parts: RegionalPart[] = [...touched];
    if (!touched.has('apigateway')) parts.push('apigateway.apiKeys');
    return parts;
  };

/** True when `list` of `section` in `region` was read again in this scope (so the stored one is replaced). */
const readAgain = (scope: ChangeScope, section: Section, list: string, region: string): boolean =>
  section === 'cloudfront' ||
  (section === 'apigateway' && list === 'apiKeys') ||
  (scope.regions.get(region)?.has(section as Exclude<Section, 'cloudfront'>) ?? false);

/** The stored inventory without what this scope read again. */
const withoutReadAgain = (last: Inventory, scope: ChangeScope): Inventory => {
  const strip = <T extends object>(section: Section, lists: T): T =>
    Object.fromEntries(
      Object.entries(lists).map(([list, items]) => [
        list,
        (items as { region: string }[]).filter((item) => !readAgain(scope, section, list, item.region)),
      ]),
    ) as T;
  return {
    ...last,
    ec2: strip('ec2', last.ec2),
    elbv2: strip('elbv2', last.elbv2),
    apigateway: strip('apigateway', last.apigateway),
    cloudfront: strip('cloudfront', last.cloudfront),
    errors: [],
  };
};

/**
 * A stored collection error still stands for what was not read again: that part is as unknown now
 * as it was (and the audit says so, as a full audit hitting the same failure would). Errors of
 * what was read again are replaced by this run's; the identity is always read again.
 */
const stillUnknown = (error: CollectionError, scope: ChangeScope): boolean =>
  SECTIONS.includes(error.service as Section) &&
  error.operation !== 'GetApiKeys' &&
  !readAgain(scope, error.service as Section, '', error.region);

const SECTIONS: readonly string[] = ['ec2', 'elbv2', 'apigateway', 'cloudfront'];

/**
 * The account as a full collection would see it now: what this run read, plus everything else from
 * the last inventory, with the collection errors of both that still apply.
 */
export const mergeScoped = (last: Inventory, fresh: Inventory, scope: ChangeScope): Inventory => ({
  ...mergeInventories([withoutReadAgain(last, scope), fresh]),
  account: fresh.account,
  regions: fresh.regions,
  collectedAt: fresh.collectedAt,
  errors: [...last.errors.filter((e) => stillUnknown(e, scope)), ...fresh.errors],
});

/**
 * Why the stored inventory cannot stand in for what a run does not read (undefined: it can). It must
 * be of the same account and of exactly the audited regions.
 */
export const unusableBecause = (
  last: Inventory | undefined,
  audit: { readonly account?: string; readonly regions: readonly string[] },
): string | undefined => {
  if (!last) return 'no complete inventory is stored yet';
  if (audit.account && last.account !== audit.account)
    return `the stored inventory is of account ${last.account}`;
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();
  if (!same(last.regions, audit.regions))
    return `the stored inventory covers ${last.regions.join(', ') || 'no region'}`;
  return undefined;
};
