/**
 * Daily quota windows in the challenge's own time zone. Pure. Luxon does the zone arithmetic
 * (DST days are 23 or 25 hours long; a fixed 24 h step would drift by an hour twice a year).
 */
import { DateTime } from 'luxon';

export interface QuotaRules {
  perDay: number;
  total?: number | undefined;
  /** HH:MM in `timeZone`. */
  resetAt: string;
  timeZone: string;
}

export interface QuotaWindow {
  /** The current window started at this instant… */
  start: Date;
  /** …and the next one starts here (when the daily quota resets). */
  resetsAt: Date;
}

/** The daily window containing `now`. */
export function quotaWindow(rules: QuotaRules, now: Date): QuotaWindow {
  const [h, m] = rules.resetAt.split(':').map(Number) as [number, number];
  const local = DateTime.fromJSDate(now, { zone: rules.timeZone });
  let start = local.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  if (start > local) start = start.minus({ days: 1 });
  // On a DST gap day the reset time may not exist; Luxon moves it forward, which is what people expect.
  const next = start.plus({ days: 1 }).set({ hour: h, minute: m });
  return { start: start.toJSDate(), resetsAt: next.toJSDate() };
}

export interface QuotaUsage {
  /** Charged submissions in the current daily window / in total. */
  usedToday: number;
  usedTotal: number;
  /**
   * Extra submissions organizers granted: every grant raises the total limit; grants made in the
   * current window also raise today's (a grant is a one-off, not a bigger daily allowance).
   */
  extraToday: number;
  extraTotal: number;
}

export interface QuotaStatus extends QuotaUsage {
  perDay: number;
  total: number | null;
  remainingToday: number;
  remainingTotal: number | null;
  /** The number of submissions that may still be made now. */
  remaining: number;
  resetsAt: Date;
  /** Reset time as people read it, e.g. "00:00 UTC". */
  resetLabel: string;
  /** The challenge's quota time zone (quotas.timeZone): show {@link resetsAt} in it. */
  timeZone: string;
}

export function quotaStatus(rules: QuotaRules, usage: QuotaUsage, now: Date): QuotaStatus {
  const { resetsAt } = quotaWindow(rules, now);
  const remainingToday = Math.max(0, rules.perDay + usage.extraToday - usage.usedToday);
  const remainingTotal = rules.total === undefined ? null : Math.max(0, rules.total + usage.extraTotal - usage.usedTotal);
  return {
    ...usage,
    perDay: rules.perDay,
    total: rules.total ?? null,
    remainingToday,
    remainingTotal,
    remaining: remainingTotal === null ? remainingToday : Math.min(remainingToday, remainingTotal),
    resetsAt,
    resetLabel: `${rules.resetAt} ${rules.timeZone}`,
    timeZone: rules.timeZone,
  };
}
