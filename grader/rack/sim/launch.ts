/**
 * Start a simulated board: a socat pty pair (`<dir>/<id>.host` ↔ `<dir>/<id>.board`) and a board
 * process on the board end. The host end is an ordinary serial device for {@link SerialTransport}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, constants as fsc } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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
  /** Pull the cable: socat dies, both pty ends hang up. */
  unplug(): void;
  /** Stop the board and its pty pair. */
  stop(): Promise<void>;
  /** Settles when the pty pair is gone (unplugged, the board exited, or stopped). */
  readonly gone: Promise<void>;
}

export interface LaunchOptions extends Omit<SimProcessConfig, 'port'> {
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
  const hostPort = join(opts.dir, `${opts.id}.host`);
  const boardPort = join(opts.dir, `${opts.id}.board`);
  const socat = spawn('socat', [`pty,raw,echo=0,link=${hostPort}`, `pty,raw,echo=0,link=${boardPort}`], { stdio: 'ignore' });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  while (!(existsSync(hostPort) && existsSync(boardPort))) {
    if (socat.exitCode !== null || Date.now() > deadline) {
      socat.kill('SIGKILL');
      throw new Error(`socat did not create the pty pair for ${opts.id}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  // socat ends the pair when either end's last opener closes it. Holding the host end open here lets
  // the rack close and re-open its port (recovery) without tearing the board down; "unplug" kills socat.
  let holdFd: number | null = openSync(hostPort, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
  const release = () => {
    if (holdFd !== null) closeSync(holdFd);
    holdFd = null;
  };
  const { id: _id, dir: _dir, startTimeoutMs: _t, ...rest } = opts;
  const config: SimProcessConfig = { ...rest, port: boardPort };
  const child = spawn(process.execPath, [BOOT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const gone = Promise.race([waitExit(socat), waitExit(child)]).then(() => {
    release();
    socat.kill();
    child.kill();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulated board ${opts.id} did not start within ${opts.startTimeoutMs ?? 20_000} ms`)), Math.max(1, deadline - Date.now()));
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
    child.kill('SIGKILL');
    socat.kill('SIGKILL');
    throw err;
  }
  return {
    id: opts.id,
    hostPort,
    gone,
    unplug: () => {
      socat.kill('SIGKILL');
    },
    stop: async () => {
      child.stdin.end();
      child.kill();
      socat.kill();
      await Promise.all([waitExit(child), waitExit(socat)]);
      release();
    },
  };
}
