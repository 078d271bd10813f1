/**
 * Redis for the queues: the one in REDIS_URL, or a private redis-server this process starts under
 * DATA_DIR/redis and stops on exit.
 *
 * The private server is tethered to us (core/tether.ts): when this process dies for any reason (even
 * SIGKILL) it goes too, and when it dies on its own we hear it at once. It is started in its own
 * process group so a terminal's Ctrl-C reaches only us, and we stop it last, after the workers have
 * handed back their jobs. If it dies while we run, core/redis-supervisor.ts starts it again on the same
 * socket with its data (append-only file).
 */
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { freeLoopbackPort } from './free-port.js';
import { delimiter, join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';
import { redactUrl } from '../lib/redact-url.js';
import { superviseRedis } from './redis-supervisor.js';
import { spawnTethered } from './tether.js';

export interface RedisHandle {
  /** Connection options for ioredis / BullMQ. */
  options: RedisOptions;
  /** Where it is, for logs and /healthz (no password). */
  describe: string;
  embedded: boolean;
  /** Stop the private server (no-op for an external one). */
  stop(): Promise<void>;
  /**
   * Set when a private server exited on its own (for a supervised one: when it could not be brought
   * back; `reason` says why, in one line).
   */
  onUnexpectedExit?: (code: number | null, reason?: string) => void;
}

/** Thrown when no Redis can be had; the message says how to get one. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** ioredis options from a REDIS_URL (redis://, rediss://, unix:///path/to/socket). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  if (url.startsWith('unix://')) return { path: url.slice('unix://'.length) };
  const u = new URL(url);
  const opts: RedisOptions = {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
  };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') opts.tls = {};
  return opts;
}

/** A new connection. BullMQ workers need `maxRetriesPerRequest: null` (blocking commands). */
export function connectRedis(handle: Pick<RedisHandle, 'options'>, name: string): Redis {
  return new Redis({ ...handle.options, connectionName: name, maxRetriesPerRequest: null, lazyConnect: false });
}

export async function pingRedis(redis: Redis): Promise<number> {
  const t0 = performance.now();
  await redis.ping();
  return performance.now() - t0;
}

/** Locate an executable on PATH (or check an explicit path). */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

// Unix socket paths are limited to ~107 bytes; longer data dirs fall back to loopback TCP.
const MAX_SOCKET_PATH = 100;

export interface EmbeddedRedisOptions {
  dataDir: string;
  bin: string;
  logger: Logger;
  /** How long to wait for the server to answer PING. */
  startTimeoutMs?: number;
  /** Listen where an earlier run did (a restart keeps its clients' address). */
  reuse?: RedisOptions;
}

/** Start a private redis-server under `<dataDir>/redis`. */
export async function startEmbeddedRedis(opts: EmbeddedRedisOptions): Promise<RedisHandle> {
  const exe = findExecutable(opts.bin);
  if (!exe) {
    throw new RedisUnavailableError(
      `redis-server was not found (looked for "${opts.bin}" on PATH). Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running Redis.`,
    );
  }
  const dir = join(opts.dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const socket = join(dir, 'redis.sock');
  const pidFile = join(dir, 'redis.pid');
  await refuseIfRunning(pidFile, opts.dataDir);

  const { options, listen } = await listenOn(socket, opts.reuse);
  const args = serverArgs(listen, dir, pidFile);
  const child: ChildProcess = spawnTethered(exe, args, { stderr: 'pipe', detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  let stopping = false;
  const handle: RedisHandle = {
    options,
    describe: options.path ? `unix://${options.path} (private redis-server)` : `redis://127.0.0.1:${options.port} (private redis-server)`,
    embedded: true,
    stop: async () => {
      if (exited) return;
      stopping = true;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.stdin?.end();
      // A server that ignores the tether: TERM through the shell, then KILL.
      const term = setTimeout(() => child.kill('SIGTERM'), 5_000);
      const kill = setTimeout(() => {
        if (child.pid) killServer(pidFile);
        child.kill('SIGKILL');
      }, 10_000);
      await done;
      clearTimeout(term);
      clearTimeout(kill);
    },
  };
  child.once('exit', (code) => {
    exited = true;
    if (!stopping) {
      opts.logger.error({ code, log: tailLog(join(dir, 'redis.log')) }, 'private redis-server exited unexpectedly');
      handle.onUnexpectedExit?.(code);
    }
  });

  await waitForPing(options, {
    exited: () => exited,
    whyExited: () => `The private redis-server (${exe}) stopped during start-up: ${(stderr.trim() || tailLog(join(dir, 'redis.log'))).trim().split('\n').slice(-3).join(' | ')}`,
    timeoutMs: opts.startTimeoutMs ?? 15_000,
    onTimeout: () => handle.stop(),
    log: join(dir, 'redis.log'),
  });
  // Lets short-lived commands on this machine join this server (attachEmbeddedRedis).
  await writeFile(join(dir, 'endpoint.json'), JSON.stringify(options));
  opts.logger.info({ redis: handle.describe, pid: child.pid }, 'private redis-server started');
  return handle;
}

/** Where the server listens: a private unix socket, or loopback TCP when the path is too long for one. */
async function listenOn(socket: string, reuse: RedisOptions | undefined): Promise<{ options: RedisOptions; listen: string[] }> {
  if (socket.length <= MAX_SOCKET_PATH) {
    await rm(socket, { force: true });
    return { options: { path: socket }, listen: ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700'] };
  }
  const port = reuse?.port ?? (await freeLoopbackPort());
  return { options: { host: '127.0.0.1', port }, listen: ['--port', String(port), '--bind', '127.0.0.1'] };
}

/** redis-server's command line: listen as given, keep its files in `dir`. */
function serverArgs(listen: string[], dir: string, pidFile: string): string[] {
  return [
    ...listen,
    '--dir', dir,
    '--pidfile', pidFile,
    '--logfile', join(dir, 'redis.log'),
    '--daemonize', 'no',
    // Queue state survives a restart; the database stays the source of truth either way.
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--save', '',
    // BullMQ must never have keys evicted.
    '--maxmemory-policy', 'noeviction',
  ];
}

/** Wait until the server answers PING. @throws RedisUnavailableError when it exits first or does not answer in time (after `onTimeout`). */
async function waitForPing(options: RedisOptions, w: { exited: () => boolean; whyExited: () => string; timeoutMs: number; onTimeout: () => Promise<void>; log: string }): Promise<void> {
  const deadline = Date.now() + w.timeoutMs;
  for (;;) {
    if (w.exited()) throw new RedisUnavailableError(w.whyExited());
    const probe = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) {
        await w.onTimeout();
        throw new RedisUnavailableError(`The private redis-server did not answer within ${w.timeoutMs / 1000} s; see ${w.log}.`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** SIGKILL the server named in its pid file (last resort of a stop). */
function killServer(pidFile: string): void {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (processIsRedis(pid)) process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function processIsRedis(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis') : true;
  } catch {
    return false;
  }
}

/** Two TinyArena processes must not share one private Redis directory. */
async function refuseIfRunning(pidFile: string, dataDir: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (processIsRedis(pid)) {
    throw new RedisUnavailableError(
      `DATA_DIR ${dataDir} is in use: its private redis-server (pid ${pid}) is running, so another TinyArena probably is too. Stop it, or give this one another DATA_DIR or a REDIS_URL.`,
    );
  }
  await rm(pidFile, { force: true });
}

function tailLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/** REDIS_URL if set, else a private server. */
export async function obtainRedis(config: { REDIS_URL?: string | undefined; DATA_DIR: string; REDIS_SERVER_BIN: string }, logger: Logger, opts: { attach?: boolean } = {}): Promise<RedisHandle> {
  if (config.REDIS_URL) {
    const url = config.REDIS_URL;
    return {
      options: redisOptionsFromUrl(url),
      describe: redactUrl(url),
      embedded: false,
      stop: async () => {},
    };
  }
  if (opts.attach) {
    const running = attachEmbeddedRedis(config.DATA_DIR);
    if (running) return running;
  }
  const start = (reuse?: RedisOptions) => startEmbeddedRedis({ dataDir: config.DATA_DIR, bin: config.REDIS_SERVER_BIN, logger, ...(reuse ? { reuse } : {}) });
  const first = await start();
  return superviseRedis(first, { logger, restart: () => start(first.options) });
}

/**
 * The private redis-server another TinyArena process (e.g. `tinyarena start`) runs in this DATA_DIR,
 * if there is one: short-lived commands (`submit`, `rejudge`, …) join it instead of refusing.
 */
export function attachEmbeddedRedis(dataDir: string): RedisHandle | null {
  const dir = join(dataDir, 'redis');
  const pidFile = join(dir, 'redis.pid');
  const endpoint = join(dir, 'endpoint.json');
  if (!existsSync(pidFile) || !existsSync(endpoint) || !processIsRedis(Number(readFileSync(pidFile, 'utf8').trim()))) return null;
  const options = JSON.parse(readFileSync(endpoint, 'utf8')) as RedisOptions;
  return {
    options,
    describe: options.path ? `unix://${options.path} (joined private redis-server)` : `redis://127.0.0.1:${options.port} (joined private redis-server)`,
    embedded: false,
    stop: async () => {},
  };
}
