/** Dates as learners read them: in the challenge's time zone (and UTC), inside <time datetime>. */
import { escapeHtml } from './layout.js';

const format = (d: Date, zone: string, withTime = true) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}) }).format(d).replace(',', '');

/** "2027-02-28 23:59 Europe/Berlin (2027-02-28 22:59 UTC)" */
export function when(iso: string, zone: string): string {
  const d = new Date(iso);
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(format(d, zone))} ${escapeHtml(zone)}</time>${zone === 'UTC' ? '' : ` (${escapeHtml(format(d, 'UTC'))} UTC)`}`;
}

/** "2027-02-28 23:59 UTC", one zone only (tables). */
export function whenShort(iso: string, zone = 'UTC'): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(format(new Date(iso), zone))}${zone === 'UTC' ? ' UTC' : ` ${escapeHtml(zone)}`}</time>`;
}
