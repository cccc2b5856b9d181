import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_ROLE_NAME, explicitAccounts } from '../app/accounts.ts';
import { bootstrapRegion } from '../app/audit.ts';
import { checkMember, memberReady, renderMemberCheck } from '../app/member-check.ts';
import { regionSchema } from '../support/validate.ts';
import type { Io } from './main.ts';

interface CheckMemberOptions {
  account: string[];
  roleName?: string;
  externalId?: string;
  region?: string;
}

const parseRegion = (value: string): string => {
  const result = regionSchema.safeParse(value);
  if (!result.success) throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'invalid region');
  return value;
};

/**
 * `check-member`: before the first scheduled run, assume each member account's read-only role the way
 * the auditor will (same name, same external id) and try one read of each service the audit needs.
 * Reports in Japanese what is missing; `ready(false)` when anything is.
 */
export const registerCheckMember = (program: Command, io: Io, ready: (ok: boolean) => void): void => {
  program
    .command('check-member')
    .description(
      "check member accounts' read-only role before the first audit (assume it, one read per service)",
    )
    .requiredOption('--account <id...>', 'member account ids')
    .option('--role-name <name>', `role to assume (default: AUDIT_ROLE_NAME, else ${DEFAULT_ROLE_NAME})`)
    .option('--external-id <id>', 'external id the role requires (default: AUDIT_EXTERNAL_ID)')
    .option('--region <region>', 'region of the regional reads and STS (default: AWS_REGION)', parseRegion)
    .action(async (o: CheckMemberOptions) => {
      const accounts = explicitAccounts(o.account);
      const roleName = o.roleName ?? (process.env.AUDIT_ROLE_NAME || DEFAULT_ROLE_NAME);
      const externalId = o.externalId ?? (process.env.AUDIT_EXTERNAL_ID || undefined);
      const region = o.region ?? bootstrapRegion();
      let ok = true;
      // One account after another: the output reads top to bottom, and a few accounts take seconds.
      for (const account of accounts) {
        const check = await checkMember({
          accountId: account.id,
          role: { roleName, ...(externalId ? { externalId } : {}) },
          region,
        });
        io.out(renderMemberCheck(check));
        ok &&= memberReady(check);
      }
      ready(ok);
    });
};
