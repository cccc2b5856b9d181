import type { AccountRef, Severity } from '../model/finding.ts';
import type { Report } from '../model/report.ts';

/** Japanese severity labels, shared by the terminal report and the alerts. */
export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  critical: '緊急',
  high: '高',
  medium: '中',
  low: '低',
};

/** "name (id)" or the id: how a report line or an alert names an account. */
export const accountLabel = (account: AccountRef): string =>
  account.name ? `${account.name} (${account.id})` : account.id;

/** Few enough accounts to name in a header; beyond that, a count. */
const MAX_NAMED_ACCOUNTS = 3;

/** The accounts a report covers, for a header line: named up to three, then counted. */
export const accountsLabel = (report: Pick<Report, 'account' | 'accounts'>): string => {
  const accounts = report.accounts.length > 0 ? report.accounts : [{ id: report.account ?? 'unknown' }];
  const named = accounts.slice(0, MAX_NAMED_ACCOUNTS).map(accountLabel).join(', ');
  return accounts.length <= MAX_NAMED_ACCOUNTS
    ? named
    : `${named} ほか ${accounts.length - MAX_NAMED_ACCOUNTS} アカウント`;
};

/** True when the report covers more than one account: findings then say whose they are. */
export const isMultiAccount = (report: Pick<Report, 'accounts'>): boolean => report.accounts.length > 1;
