/**
 * The one clock people read: every report, alert and progress line a person reads names a moment as
 * `2026-12-06 18:48 JST` (the team is in Japan, and a zone-less time invites a nine-hour mistake).
 * Machine formats (JSON, OCSF, the alert state) keep ISO 8601 UTC.
 */

/** Japan has no daylight saving time: JST is always UTC+9. */
const JST_OFFSET_MS = 9 * 3_600_000;

const pad = (n: number): string => String(n).padStart(2, '0');

const jst = (iso: string, seconds: boolean): string => {
  const date = new Date(Date.parse(iso) + JST_OFFSET_MS);
  if (Number.isNaN(date.getTime())) return iso;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}${seconds ? `:${pad(date.getUTCSeconds())}` : ''}`;
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${time} JST`;
};

/** `2026-12-06 18:48 JST` for an ISO instant; the input unchanged when it is not a date. */
export const formatJst = (iso: string): string => jst(iso, false);

/** `2026-12-06 18:48:33 JST`: the moment of one event (a change that CloudTrail recorded). */
export const formatJstSeconds = (iso: string): string => jst(iso, true);

/**
 * A run's span: `2026-12-06 18:48 〜 18:52 JST` on one day, both dates when it crosses midnight (JST),
 * one time when start and end fall in the same minute.
 */
export const formatJstRange = (startIso: string, endIso: string): string => {
  const start = formatJst(startIso);
  const end = formatJst(endIso);
  if (start === end) return start;
  const sameDay = start.endsWith(' JST') && end.endsWith(' JST') && start.slice(0, 10) === end.slice(0, 10);
  return sameDay ? `${start.slice(0, -4)} 〜 ${end.slice(11)}` : `${start} 〜 ${end}`;
};

/** A duration as people read it: `850 ms`, `12.3 秒`, `4 分 05 秒`. */
export const formatDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} 秒`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} 分 ${pad(seconds % 60)} 秒`;
};
