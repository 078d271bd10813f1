/**
 * The shutdown budget: a stop (SIGTERM, Ctrl-C) ends the process within SHUTDOWN_GRACE_MS, whatever
 * is stuck (a dead Redis, a hung job). Running jobs get the grace period less a reserve for closing
 * connections and stopping the private Redis; cli/run-parts.ts exits when the whole period is up.
 */

/** What is kept back from the jobs for the rest of the shutdown. */
export const shutdownReserveMs = (graceMs: number) => Math.min(5000, Math.floor(graceMs / 4));

/** How long running jobs may take to finish once a stop began. */
export const jobGraceMs = (graceMs: number) => graceMs - shutdownReserveMs(graceMs);
