/**
 * Whether an error means "the database is not reachable right now" (a PostgreSQL restart, a network
 * cut, SQLite's file briefly locked is not this), as opposed to a query that is wrong. Such errors
 * are an outage of ours: queue jobs wait them out instead of spending their retry budget
 * (worker/workers.ts).
 *
 * Prisma reports them as P1001 (can't reach the server), P1002 (timed out reaching it), P1008
 * (operation timed out), P1017 (server closed the connection) and P2024 (no pool connection in
 * time); through the pg driver adapter the server's own words come through as well: SQLSTATE class 08
 * (connection exception), 57P01/57P02 (terminated by a shutdown or crash), 57P03 (starting up), or
 * the socket's ECONNREFUSED/ECONNRESET.
 */

const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
const TEXT =
  /Can't reach database server|Server has closed the connection|Connection terminated( unexpectedly| due to connection timeout)?|Timed out fetching a new connection from the connection pool|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection due to (administrator command|crash of another server process)|connect ECONNREFUSED/i;

/** Errors from the database layer (Prisma's classes, the driver adapter's), not from anything else. */
const fromDatabase = (name: string) => name.startsWith('PrismaClient') || name === 'DriverAdapterError' || name === 'DatabaseError';

/** True when `err` (or an error it wraps) says the database cannot be reached at the moment. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let dbLayer = false;
  for (let e = err as Record<string, unknown> | null | undefined; e && typeof e === 'object' && !seen.has(e); e = e.cause as Record<string, unknown> | undefined) {
    seen.add(e);
    const name = typeof e.name === 'string' ? e.name : '';
    dbLayer ||= fromDatabase(name);
    const code = typeof e.code === 'string' ? e.code : typeof e.errorCode === 'string' ? e.errorCode : '';
    if (PRISMA_CODES.has(code)) return true;
    if (dbLayer && (SQLSTATE.test(code) || SOCKET_CODES.has(code))) return true;
    // Driver adapter errors carry the original under `cause` as { kind, originalCode, originalMessage }.
    const original = typeof e.originalCode === 'string' ? e.originalCode : '';
    if (dbLayer && (SQLSTATE.test(original) || SOCKET_CODES.has(original))) return true;
    if (dbLayer && typeof e.message === 'string' && TEXT.test(e.message)) return true;
    if (dbLayer && typeof e.originalMessage === 'string' && TEXT.test(e.originalMessage)) return true;
  }
  return false;
}
