/** Page numbers from a query string: validated, and capped so no page asks the database for absurd offsets. */

/** The highest page number any listing accepts (100 rows a page: ten million rows). */
export const MAX_PAGE = 100_000;

/**
 * `?page=` as a whole number 0…MAX_PAGE (absent: 0), or null when it is anything else
 * (`1e308`, `-1`, `2.5`, `abc`, or the parameter given twice).
 */
export function pageParam(raw: unknown): number | null {
  if (raw === undefined || raw === '') return 0;
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= MAX_PAGE ? n : null;
}

/** The message for a page number {@link pageParam} refused. */
export const PAGE_ERROR = `page must be a whole number from 0 to ${MAX_PAGE}`;
