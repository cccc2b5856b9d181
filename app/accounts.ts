import {
  type Account,
  type OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@smithy/types';
import { mapLimit } from '../collect/concurrency.ts';
import { drain } from '../collect/slice.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import { InputValidationError } from '../support/errors.ts';

/** One account of a multi-account run and what its intent may be chosen by. */
export interface AccountTarget {
  readonly id: string;
  readonly name?: string;
  /** OU ids from the root down to the account's own parent (root id first); empty when not known. */
  readonly parents: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface AccountSelection {
  /** Only accounts under one of these OUs (or roots), at any depth. */
  readonly organizationalUnits?: readonly string[];
  /** How the caller named the OUs (a flag, an environment variable), for the error on an unknown one. */
  readonly organizationalUnitsFrom?: string;
  /** Only accounts carrying every one of these tags. */
  readonly tags?: readonly { readonly key: string; readonly value: string }[];
  /** Fetch each account's OU ancestry and tags even without a filter (intents chosen by OU or tag). */
  readonly withParents?: boolean;
  readonly withTags?: boolean;
}

const ACCOUNT_ID = /^\d{12}$/;

/** The explicit `--account` list, validated and de-duplicated. */
export const explicitAccounts = (ids: readonly string[]): AccountTarget[] => {
  const bad = ids.filter((id) => !ACCOUNT_ID.test(id));
  if (bad.length > 0) {
    throw new InputValidationError(
      'accounts',
      bad.map((id) => ({ path: '--account', message: `is not a 12-digit account id: ${id}` })),
    );
  }
  return [...new Set(ids)].map((id) => ({ id, parents: [], tags: {} }));
};

/** Accounts that can be audited: ACTIVE ones (a suspended or closing account refuses AssumeRole). */
const isActive = (a: Account): boolean => (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE';

/** How many Organizations calls run at once; its API allows only a few requests per second. */
const ORG_CONCURRENCY = 2;

/**
 * The organization's OU tree walked from its roots: every account with the OU ids above it. Costs two
 * listings per OU, where asking each account for its parents would cost one call per account.
 */
const walkTree = async (
  org: OrganizationsClient,
): Promise<{ accounts: Map<string, { account: Account; parents: string[] }>; containers: Set<string> }> => {
  const found = new Map<string, { account: Account; parents: string[] }>();
  const containers = new Set<string>();
  const visit = async (parentId: string, parents: string[]): Promise<void> => {
    const here = [...parents, parentId];
    containers.add(parentId);
    const [accounts, ous] = await Promise.all([
      drain(paginateListAccountsForParent({ client: org }, { ParentId: parentId }), (p) => p.Accounts),
      drain(
        paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parentId }),
        (p) => p.OrganizationalUnits,
      ),
    ]);
    for (const account of accounts) if (account.Id) found.set(account.Id, { account, parents: here });
    await mapLimit(ous, ORG_CONCURRENCY, (ou) => (ou.Id ? visit(ou.Id, here) : Promise.resolve()));
  };
  const roots = await drain(paginateListRoots({ client: org }, {}), (p) => p.Roots);
  for (const root of roots) if (root.Id) await visit(root.Id, []);
  return { accounts: found, containers };
};

const tagsOfAccount = async (org: OrganizationsClient, id: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await drain(paginateListTagsForResource({ client: org }, { ResourceId: id }), (p) => p.Tags)).map(
      (t) => [t.Key ?? '', t.Value ?? ''],
    ),
  );

/**
 * The organization's ACTIVE accounts, optionally only those under given OUs or with given tags. Must
 * run with the management account's (or a delegated administrator's) credentials. Throws when the
 * organization cannot be read: without the list there is nothing to audit, and an empty run would pass.
 */
export const organizationAccounts = async (
  org: OrganizationsClient,
  selection: AccountSelection = {},
): Promise<AccountTarget[]> => {
  const byOu = (selection.organizationalUnits?.length ?? 0) > 0;
  const byTag = (selection.tags?.length ?? 0) > 0;
  const tree = byOu || selection.withParents ? await walkTree(org) : undefined;
  // An OU that is not in the tree (a typo, another organization's) would select nothing: say so.
  const missing = byOu ? (selection.organizationalUnits ?? []).filter((ou) => !tree?.containers.has(ou)) : [];
  if (missing.length > 0) {
    throw new InputValidationError(
      'organization',
      missing.map((ou) => ({
        path: selection.organizationalUnitsFrom ?? 'organizationalUnits',
        message: `OU ${ou} is not in this organization (not found under its roots)`,
      })),
    );
  }
  const entries = tree
    ? [...tree.accounts.values()]
    : (await drain(paginateListAccounts({ client: org }, {}), (p) => p.Accounts)).map((account) => ({
        account,
        parents: [] as string[],
      }));
  const active = entries
    .filter((e) => e.account.Id && isActive(e.account))
    .filter((e) => !byOu || e.parents.some((p) => selection.organizationalUnits?.includes(p)))
    .sort((a, b) => (a.account.Id as string).localeCompare(b.account.Id as string));
  const withTags = byTag || selection.withTags;
  const targets = await mapLimit(active, ORG_CONCURRENCY, async (e) => ({
    id: e.account.Id as string,
    ...(e.account.Name ? { name: e.account.Name } : {}),
    parents: e.parents,
    tags: withTags ? await tagsOfAccount(org, e.account.Id as string) : {},
  }));
  return targets.filter(
    (t) => !byTag || (selection.tags ?? []).every((tag) => t.tags[tag.key] === tag.value),
  );
};

/**
 * The member role's name unless configured otherwise: serverless.yml's auditRoleName and
 * infra/member-role.yml's RoleName default to it too (test/infra/trust-chain.test.ts).
 */
export const DEFAULT_ROLE_NAME = 'arch-auditor-readonly';

export interface AssumeRoleOptions {
  /** Name of the read-only role in every audited account (e.g. arch-auditor-readonly). */
  readonly roleName: string;
  readonly externalId?: string;
  /** Partition of the role ARNs. */
  readonly partition?: string;
  /** Region of the STS endpoint used (regional endpoints avoid the global one's extra hop). */
  readonly region?: string;
  readonly sessionName?: string;
}

/** Role options from a role name and an optional external id; undefined when no role is named. */
export const roleOptions = (
  roleName: string | undefined,
  externalId: string | undefined,
): AssumeRoleOptions | undefined =>
  roleName ? { roleName, ...(externalId ? { externalId } : {}) } : undefined;

export const roleArnOf = (accountId: string, options: AssumeRoleOptions): string =>
  `arn:${options.partition ?? 'aws'}:iam::${accountId}:role/${options.roleName}`;

/**
 * Temporary credentials of the account's read-only role. Resolved once, up front, so that a role that
 * is missing or refuses us (wrong external id, no trust) fails here as one clear error, instead of
 * every later call of the account failing on its own.
 */
export const assumeRole = async (
  accountId: string,
  options: AssumeRoleOptions,
): Promise<AwsCredentialIdentity> => {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: roleArnOf(accountId, options),
      RoleSessionName: options.sessionName ?? 'arch-auditor',
      // An hour covers one account's collection with margin; the Lambda stops at 15 minutes anyway.
      DurationSeconds: 3600,
      ...(options.externalId ? { ExternalId: options.externalId } : {}),
    },
    ...(options.region ? { clientConfig: { region: options.region } } : {}),
  });
  return provider();
};

/** How specifically an intent matches an account: the most specific intent wins. */
const matchRank = (intent: ResolvedIntent, account: AccountTarget): number => {
  const applies = intent.appliesTo;
  if (!applies) return 0;
  if (applies.accounts.includes(account.id)) return 3 * 1000;
  // The deeper the matching OU, the more specific: a team OU beats the workloads OU above it.
  const depth = account.parents.findLastIndex((p) => applies.organizationalUnits.includes(p));
  if (depth >= 0) return 2 * 1000 + depth;
  if (applies.tags.some((t) => account.tags[t.key] === t.value)) return 1000;
  return -1;
};

/**
 * The intent an account is audited against: one naming the account beats one naming an OU above it
 * (the deepest OU first), which beats one naming a tag it carries, which beats an intent without
 * `appliesTo` (the default). Undefined when none applies. Two intents that apply equally (two tags the
 * account both carries) are refused: picking the first given would make the order of the files decide.
 */
export const selectIntent = (
  intents: readonly ResolvedIntent[],
  account: AccountTarget,
): ResolvedIntent | undefined => {
  let best: ResolvedIntent | undefined;
  let bestRank = -1;
  let tied: ResolvedIntent | undefined;
  for (const intent of intents) {
    const rank = matchRank(intent, account);
    if (rank > bestRank) {
      best = intent;
      bestRank = rank;
      tied = undefined;
    } else if (rank === bestRank && rank >= 0) {
      tied ??= intent;
    }
  }
  if (best && tied) {
    throw new InputValidationError('intents', [
      {
        path: best.source ?? 'intent',
        message: `and ${tied.source ?? 'another intent'} both apply to account ${account.id} equally; make one of them name it more specifically (appliesTo.accounts)`,
      },
    ]);
  }
  return best;
};

/** What an intent claims in `appliesTo`, as comparable keys; no appliesTo claims the default. */
const claimsOf = (intent: ResolvedIntent): string[] => {
  const applies = intent.appliesTo;
  if (!applies) return ['the default (no appliesTo)'];
  return [
    ...applies.accounts.map((id) => `account ${id}`),
    ...applies.organizationalUnits.map((ou) => `OU ${ou}`),
    ...applies.tags.map((t) => `tag ${t.key}=${t.value}`),
  ];
};

/**
 * Refuses intents that claim the same thing (two defaults, the same account, OU or tag): the account
 * would get whichever came first on the command line, so swapping two files would change the audit.
 * Checked before anything is collected.
 */
export const refuseAmbiguousIntents = (intents: readonly ResolvedIntent[]): void => {
  const owners = new Map<string, ResolvedIntent>();
  const issues: { path: string; message: string }[] = [];
  for (const intent of intents) {
    for (const claim of new Set(claimsOf(intent))) {
      const owner = owners.get(claim);
      if (!owner) owners.set(claim, intent);
      else {
        issues.push({
          path: intent.source ?? 'intent',
          message: `claims ${claim}, as ${owner.source ?? 'another intent'} does: each account must have exactly one intent`,
        });
      }
    }
  }
  if (issues.length > 0) throw new InputValidationError('intents', issues);
};

/** True when some intent is chosen by OU or by tag, so the account list must carry them. */
export const selectionNeeds = (intents: readonly ResolvedIntent[]): { parents: boolean; tags: boolean } => ({
  parents: intents.some((i) => (i.appliesTo?.organizationalUnits.length ?? 0) > 0),
  tags: intents.some((i) => (i.appliesTo?.tags.length ?? 0) > 0),
});
