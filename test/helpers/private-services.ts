/**
 * Throw-away PostgreSQL and Redis servers for fault tests that restart them (the machine's shared ones
 * must never be restarted): a PostgreSQL cluster made with initdb in a temp folder (as the `postgres`
 * user when we are root: the server refuses to run as root) and a redis-server with an append-only
 * file, both on free loopback ports and tethered to the test process.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTethered } from '../../core/tether.js';
import { freePort } from './cli.js';
import { isAlive, waitFor } from './process.js';
import { tempDir } from './tmp.js';

/** The PostgreSQL server binaries (Debian's versioned folder, or PATH). */
export function pgBin(): string | null {
  const roots = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin`) : [];
  for (const dir of roots) if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  return which ? which.replace(/\/pg_ctl$/, '') : null;
}

const asRoot = process.getuid?.() === 0;

function run(bin: string, args: string[]): void {
  const cmd = asRoot ? ['runuser', '-u', 'postgres', '--', bin, ...args] : [bin, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr || r.stdout}`);
}

export interface PrivatePostgres {
  url: string;
  restart(): void;
  /** Stop the server as a crash would (connections cut); `up` starts it again with its data. */
  down(): void;
  up(): void;
  stop(): void;
}

export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const root = tempDir('tinyarena-pg-');
  const data = join(root, 'data');
  const sock = join(root, 'sock');
  mkdirSync(data);
  mkdirSync(sock);
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    for (const d of [root, data, sock]) chownSync(d, uid, gid);
  }
  const port = await freePort();
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const ctl = (...args: string[]) => run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(root, 'log'), '-w', '-t', '60', ...args]);
  ctl('-o', opts, 'start');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    // Immediate: like a crash — no checkpoint, open connections cut.
    restart: () => ctl('-m', 'immediate', '-o', opts, 'restart'),
    down: () => ctl('-m', 'immediate', 'stop'),
    up: () => ctl('-o', opts, 'start'),
    stop: () => {
      try {
        ctl('-m', 'immediate', 'stop');
      } catch {
        /* already down */
      }
    },
  };
}

export interface PrivateRedis {
  url: string;
  /** SIGKILL the server and start it again on the same port with its data. */
  restart(): Promise<void>;
  stop(): void;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const dir = tempDir('tinyarena-redis-');
  const port = await freePort();
  let child: ChildProcess;
  const start = async () => {
    child = spawnTethered('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction', '--pidfile', join(dir, 'redis.pid')]);
    await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 15_000, 'the private redis-server');
  };
  await start();
  const serverPid = () => Number(spawnSync('redis-cli', ['-p', String(port), 'info', 'server'], { encoding: 'utf8' }).stdout.match(/process_id:(\d+)/)?.[1] ?? 0);
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      const pid = serverPid();
      if (pid) process.kill(pid, 'SIGKILL');
      await waitFor(() => !pid || !isAlive(pid), 5000, 'redis-server to die');
      await start();
    },
    stop: () => {
      child.stdin?.end();
      child.kill('SIGTERM');
    },
  };
}
