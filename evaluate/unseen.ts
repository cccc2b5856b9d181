import type { ResolvedIntent } from '../intent/resolve.ts';
import type { CollectionError, Inventory, ItemType, SliceName } from '../inventory/types.ts';
import type { ResourceRef } from '../model/finding.ts';

/**
 * What a collection failure hides from one check. Incompleteness is scoped to what could not be read:
 * a failed slice in one region blinds the checks that read it in that region only (or, for a per-item
 * call, as far as that item's data reaches into each check's findings), so every other region is
 * still judged and reported.
 */

export const GLOBAL = 'global';

/** A part of the account a check could not see: a region ('global': CloudFront), or one resource there. */
export interface BlindSpot {
  readonly region: string;
  /** Only this resource (e.g. a REST API id); its sub-resources (`<apiId>/<stage>`) are inside it. */
  readonly resourceId?: string;
  /** What `resourceId` names (finding resource type names), so a report can say it in words. */
  readonly resourceType?: string;
}

/** One resource a per-item call (one load balancer's listeners, one distribution's config...) did not read. */
export interface UnreadItem {
  readonly region: string;
  readonly resourceId: string;
  readonly resourceType?: ItemType;
}

/** What a reach may look at: what was read, and the intent. */
export interface ReachContext {
  readonly inventory: Inventory;
  readonly intent: ResolvedIntent;
}

/**
 * For one check: where its findings could appear or disappear if these unread items were known. The
 * items themselves (with their children `<id>/…`), other resources derived from what was read (the
 * security groups of a load balancer, the distributions that use a policy), whole regions, or
 * 'everywhere' when the check cannot be judged at all. Never narrower than what the missing data could
 * change: a finding that may exist must not be reported absent, nor a previous one recovered.
 */
export type ItemReach = (
  items: readonly UnreadItem[],
  context: ReachContext,
) => readonly BlindSpot[] | 'everywhere';

/** A check's reach per item type; a type not listed blinds the check where the item lives, as a whole. */
export type ItemReaches = Partial<Record<ItemType, ItemReach>>;

const spotOf = (item: UnreadItem): BlindSpot => ({
  region: item.region,
  resourceId: item.resourceId,
  ...(item.resourceType !== undefined ? { resourceType: item.resourceType } : {}),
});

/** The items themselves: the check's findings on an item (and its children) are all its data decides. */
export const theItems = (items: readonly UnreadItem[]): BlindSpot[] => items.map(spotOf);

/** Nothing: the check never reads the part of the item the failed call would have read. */
export const nothing: ItemReach = () => [];

/**
 * Item types every check is blind to by the item alone unless it says otherwise: each check that
 * reads a REST API puts its findings on that API or one of its stages, or on CloudFront (a check that
 * also reads CloudFront is blind there as a whole). An error stored without a type is one of these.
 */
const ITEM_BY_DEFAULT: ReadonlySet<ItemType | undefined> = new Set([
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Stage',
  undefined,
]);

const itemOf = (e: CollectionError): UnreadItem | undefined =>
  e.resourceId === undefined
    ? undefined
    : {
        region: e.region,
        resourceId: e.resourceId,
        ...(e.resourceType !== undefined ? { resourceType: e.resourceType } : {}),
      };

/** A slice read once for the account, not per region (CloudFront): its failure blinds every region. */
export const isGlobalSlice = (slice: SliceName): boolean => slice.startsWith('cloudfront.');

/**
 * The blind spots of a check that reads `needs`, or 'everywhere' when it cannot be judged at all: a
 * global slice it reads (CloudFront) failed, and every region's findings may depend on it.
 * A check that reads CloudFront and a failed regional slice is blind in that region and in 'global'
 * too: a distribution's finding may depend on the missing regional data (its origin, its API).
 * Regional data is otherwise read within its own region (a VPC, its subnets, groups, load balancers
 * and REST APIs never span regions), so other regions stay judged.
 * A failed per-item call blinds the check as far as the check's `reach` for that item type says
 * (given `context`); without one, where the item lives as a whole (all of CloudFront: 'everywhere'),
 * except for a REST API or a stage (ITEM_BY_DEFAULT).
 */
export const blindSpotsOf = (
  needs: readonly SliceName[],
  errors: readonly CollectionError[],
  reach: ItemReaches = {},
  context?: ReachContext,
): readonly BlindSpot[] | 'everywhere' => {
  const relevant = errors.filter((e) => e.slices.some((s) => needs.includes(s)));
  const readsGlobal = needs.some(isGlobalSlice);
  const alsoGlobal = (region: string): BlindSpot[] =>
    readsGlobal && region !== GLOBAL ? [{ region: GLOBAL }] : [];
  const spots: BlindSpot[] = [];
  const byReach = new Map<ItemReach, UnreadItem[]>();
  for (const e of relevant) {
    const item = itemOf(e);
    const declared = item?.resourceType !== undefined && context ? reach[item.resourceType] : undefined;
    if (item && declared) {
      const items = byReach.get(declared);
      if (items) items.push(item);
      else byReach.set(declared, [item]);
    } else if (item && ITEM_BY_DEFAULT.has(item.resourceType)) {
      spots.push(spotOf(item), ...alsoGlobal(e.region));
    } else if (e.region === GLOBAL) {
      return 'everywhere';
    } else {
      spots.push({ region: e.region }, ...alsoGlobal(e.region));
    }
  }
  for (const [fn, items] of byReach) {
    const reached = fn(items, context as ReachContext);
    if (reached === 'everywhere') return reached;
    spots.push(...reached);
  }
  const wholeRegions = new Set(spots.filter((s) => s.resourceId === undefined).map((s) => s.region));
  const seen = new Set<string>();
  return spots.filter((s) => {
    // A resource inside a region that is blind as a whole adds nothing.
    if (s.resourceId !== undefined && wholeRegions.has(s.region)) return false;
    const key = `${s.region}\u0000${s.resourceId ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** True when the resource lies in a blind spot: a finding on it may be an artefact of missing data. */
export const isInBlindSpot = (
  resource: Pick<ResourceRef, 'id' | 'region'>,
  spots: readonly BlindSpot[],
): boolean =>
  spots.some(
    (s) =>
      s.region === resource.region &&
      (s.resourceId === undefined ||
        resource.id === s.resourceId ||
        resource.id.startsWith(`${s.resourceId}/`)),
  );

/**
 * True when a finding on the resource may hang on data this run did not see, so its absence is no
 * recovery: the resource lies in a blind spot, or one of its sub-resources does (a stage `<apiId>/<stage>`
 * whose export was not read leaves unseen the policy that API serves there).
 */
export const dependsOnBlindSpot = (
  resource: Pick<ResourceRef, 'id' | 'region'>,
  spots: readonly BlindSpot[],
): boolean =>
  isInBlindSpot(resource, spots) ||
  spots.some((s) => s.region === resource.region && s.resourceId?.startsWith(`${resource.id}/`) === true);

/**
 * The inventory without the given regions: their resources, their collection errors and the regions
 * themselves. Used for regions declared denied by design (an SCP that denies them): nothing is
 * audited there and their failures are not an incompleteness.
 */
export const withoutRegions = (inventory: Inventory, regions: readonly string[]): Inventory => {
  if (regions.length === 0) return inventory;
  const drop = new Set(regions);
  const keep = <T extends object>(section: T): T =>
    Object.fromEntries(
      Object.entries(section).map(([key, items]) => [
        key,
        (items as { region: string }[]).filter((item) => !drop.has(item.region)),
      ]),
    ) as T;
  return {
    ...inventory,
    regions: inventory.regions.filter((r) => !drop.has(r)),
    ec2: keep(inventory.ec2),
    elbv2: keep(inventory.elbv2),
    cloudfront: keep(inventory.cloudfront),
    apigateway: keep(inventory.apigateway),
    errors: inventory.errors.filter((e) => !drop.has(e.region)),
  };
};

/** Error codes with which AWS refuses a caller (IAM or an SCP), per service. */
export const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
]);

/** The regional services every region is read from; a region where all of them were refused looks denied. */
const REGIONAL_SERVICES = ['ec2', 'elbv2', 'apigateway'] as const;

/**
 * Regions where every failed call was refused and every regional service failed: what an SCP that
 * denies the region (aws:RequestedRegion) looks like. They stay incomplete unless declared denied.
 */
export const regionsThatLookDenied = (errors: readonly CollectionError[]): string[] => {
  const regions = [...new Set(errors.map((e) => e.region))].filter((r) => r !== GLOBAL);
  return regions
    .filter((region) => {
      const here = errors.filter((e) => e.region === region);
      return (
        here.every((e) => ACCESS_DENIED_CODES.has(e.code)) &&
        REGIONAL_SERVICES.every((service) => here.some((e) => e.service === service))
      );
    })
    .sort();
};
