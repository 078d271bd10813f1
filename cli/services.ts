/**
 * Server-side CLI commands (submit, status, leaderboard, organizer actions) run on the grader machine
 * with direct access to the database and queues: they join a running server's private Redis, or start
 * one for the duration, and load the challenge definitions first.
 */
import { loadConfig } from '../core/config.js';
import { ensureClients } from '../core/db/generate.js';
import { createLogger } from '../core/logger.js';
import { createServices, type Services } from '../core/services.js';
import { ConfigError } from '../core/config.js';
import { readWebEndpoint } from '../core/web-endpoint.js';
import { syncChallenges } from '../arena/catalog.js';
import { CliError } from './errors.js';
import { domainRefusal } from '../arena/errors.js';

export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  let config;
  try {
    config = loadConfig();
    // Links printed here should reach the server running on this data folder.
    const served = process.env.PUBLIC_URL ? null : readWebEndpoint(config.DATA_DIR);
    if (served) config = loadConfig({ ...process.env, PUBLIC_URL: served });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
  // Quiet by default: a command's output is its answer, not the server's logs.
  const logger = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn');
  ensureClients();
  const services = await createServices(config, logger, { attachRedis: true });
  try {
    await syncChallenges(services.db, config.CHALLENGES_DIR, logger);
    return await fn(services);
  } catch (err) {
    // A refused action is the user's to fix: its message and exit code come from the domain's table.
    const refusal = domainRefusal(err);
    if (refusal) throw new CliError(refusal.message, refusal.exitCode);
    throw err;
  } finally {
    await services.close();
  }
}

/** Print as JSON or as text. */
export function output(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** A --server/--token pair for the remote HTTP API, or null for server-side mode. */
export function remote(opts: { server?: string; token?: string }): { server: string; token: string } | null {
  if (!opts.server && !opts.token) return null;
  if (!opts.server || !opts.token) throw new CliError('--server and --token go together', 2);
  return { server: opts.server.replace(/\/+$/, ''), token: opts.token };
}

export async function apiRequest(r: { server: string; token: string }, path: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${r.server}${path}`, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${r.token}`, accept: 'application/json' } });
  } catch (err) {
    throw new CliError(`cannot reach ${r.server}: ${(err as Error).message}`, 2);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok && !(res.status === 422 && body.status === 'rejected')) throw new CliError(`${res.status}: ${typeof body.error === 'string' ? body.error : res.statusText}`, res.status >= 500 ? 1 : res.status === 400 || res.status === 404 ? 2 : 1);
  return body;
}
