/** Text helpers every layer may use (pure, dependency-free). */

/** A byte count as people read it: `512 B`, `1.5 KiB`, `2 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

/** `1 submission`, `2 submissions` (an explicit plural for irregular words). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A moment as people in a challenge's time zone read it: `2026-12-04 00:00 Europe/Berlin
 * (2026-12-03 23:00 UTC)`; just `… UTC` when the zone is UTC.
 */
export function formatTimeIn(at: Date | string, zone: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  const fmt = (tz: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d).replace(',', '');
  return zone === 'UTC' ? `${fmt('UTC')} UTC` : `${fmt(zone)} ${zone} (${fmt('UTC')} UTC)`;
}
