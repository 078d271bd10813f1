import { spawn, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort } from '../../core/free-port.js';
import { fromRoot } from '../../core/paths.js';
import type { Services } from '../../core/services.js';

const BIN = fromRoot('bin', 'tinyarena.js');

export interface CliRun {
  child: ChildProcess;
  /** Everything written so far. */
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Run the real `tinyarena` bin with a clean environment plus `env`. */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    // No virtual boards unless a test asks (RACK_VIRTUAL_BOARDS=1): their default depends on whether
    // this machine has QEMU, and a test's rack must not.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', RACK_VIRTUAL_BOARDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output, exited };
}

/** Run CLI commands on the server machine of these services (their data folder, Redis and challenges). */
export function cliOn(s: Services): (args: string[]) => Promise<{ code: number | null; out: string; err: string }> {
  const env = {
    DATA_DIR: s.config.DATA_DIR,
    REDIS_URL: `redis://127.0.0.1:${s.redisHandle.options.port ?? 6379}`,
    QUEUE_PREFIX: s.config.QUEUE_PREFIX,
    CHALLENGES_DIR: s.config.CHALLENGES_DIR,
  };
  return async (args) => {
    const r = runCli(args, env);
    const { code } = await r.exited;
    return { code, out: r.output.stdout, err: r.output.stderr };
  };
}

export async function freePort(): Promise<number> {
  // Below the ephemeral range: see core/free-port.ts (a restarted server must get its port back).
  return freeLoopbackPort();
}

/** Poll GET url until it answers 200 (returns the JSON body) or time runs out. */
export async function waitForHealthy(url: string, timeoutMs: number, run?: CliRun): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (run && run.child.exitCode !== null) throw new Error(`process exited (${run.child.exitCode}) before healthy:\n${run.output.stderr}`);
    try {
      // Bounded: a server that accepts and never answers must not hang the caller past its deadline.
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as Record<string, unknown>;
      if (res.status === 200) return body;
      last = JSON.stringify(body);
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`not healthy within ${timeoutMs} ms; last: ${last}\n${run?.output.stderr ?? ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The process's exit, or an error carrying its stderr when it has not exited within `ms`. */
export async function exitedWithin(run: CliRun, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${ms} ms after the signal:\n${run.output.stderr}`)), ms);
  });
  try {
    return await Promise.race([run.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}
