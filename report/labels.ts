import type { Severity } from '../model/finding.ts';

/** Japanese severity labels, shared by the terminal report and the alerts. */
export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  critical: '緊急',
  high: '高',
  medium: '中',
  low: '低',
};
