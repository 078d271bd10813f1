/**
 * Start a simulated board: a board process (board-process.ts) that creates its socat pty pair
 * (`<dir>/<id>.host` ↔ `<dir>/<id>.board`) and serves the board end. The host end is an ordinary
 * serial device for {@link SerialTransport}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, constants as fsc } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimProcessConfig } from './board-process.js';

const BOOT = fileURLToPath(new URL('./board-process-boot.mjs', import.meta.url));

let socatChecked: boolean | undefined;
/** Whether socat is installed (simulated boards need it). */
export function haveSocat(): boolean {
  return (socatChecked ??= spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0);
}

export interface SimBoardHandle {
  id: string;
  /** Serial device path of the host end. */
  hostPort: string;
  /** Pull the cable: the board process kills its socat and exits; the host end hangs up. */
  unplug(): void;
  /** Stop the board and its pty pair. */
  stop(): Promise<void>;
  /** Settles when the board is gone (unplugged, exited, or stopped). */
  readonly gone: Promise<void>;
}

export interface LaunchOptions extends Omit<SimProcessConfig, 'hostLink' | 'boardLink'> {
  id: string;
  /** Folder for the pty links. */
  dir: string;
  /** Give up if the board is not up by then (a loaded machine starts node slowly). */
  startTimeoutMs?: number;
}

const waitExit = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));

export async function launchSimBoard(opts: LaunchOptions): Promise<SimBoardHandle> {
  if (!haveSocat()) throw new Error('socat is not installed (apt-get install socat): simulated boards need a pty pair');
  await mkdir(opts.dir, { recursive: true });
  const hostLink = join(opts.dir, `${opts.id}.host`);
  const boardLink = join(opts.dir, `${opts.id}.board`);
  // Stale links from a killed run would look like a ready pair.
  await Promise.all([rm(hostLink, { force: true }), rm(boardLink, { force: true })]);
  const { id: _id, dir: _dir, startTimeoutMs, ...rest } = opts;
  const config: SimProcessConfig = { ...rest, hostLink, boardLink };
  // stdin is a pipe the board watches: when this process dies, the board and its socat go too.
  const child = spawn(process.execPath, [BOOT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let holdFd: number | null = null;
  const gone = waitExit(child).then(() => {
    if (holdFd !== null) closeSync(holdFd);
    holdFd = null;
  });
  const timeoutMs = startTimeoutMs ?? 20_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulated board ${opts.id} did not start within ${timeoutMs} ms`)), timeoutMs);
      child.stdout.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      void gone.then(() => {
        clearTimeout(timer);
        reject(new Error(`simulated board ${opts.id} exited at start: ${stderr.trim() || 'no message'}`));
      });
    });
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  // socat ends the pair when an end's last opener closes it. Holding the host end open here lets the
  // rack close and re-open its port (recovery) without tearing the board down.
  holdFd = openSync(hostLink, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
  return {
    id: opts.id,
    hostPort: hostLink,
    gone,
    unplug: () => {
      child.kill('SIGUSR2');
    },
    stop: async () => {
      child.stdin.end();
      child.kill('SIGTERM');
      await gone;
    },
  };
}
