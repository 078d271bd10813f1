/**
 * Start a simulated board: a board process (board-process.ts) that creates its socat pty pair
 * (`<dir>/<id>.host` ↔ `<dir>/<id>.board`) and serves the board end. The host end is an ordinary
 * serial device for {@link SerialTransport}. {@link SimBoardHandle.flash} writes a firmware image onto
 * it over the process's stdin (see board-process.ts).
 */
import { spawn, spawnSync, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, openSync, constants as fsc } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLASH_MS_PER_PAGE, FLASH_RESET_MS, encodeFlashFrame, type SimProcessConfig } from './process-protocol.js';

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
  /**
   * Flash a firmware image (the raw bytes bossac would write at the application start) or put the
   * harness back. Resolves once the board has rebooted into it (its boot lines are on the pty; an
   * image without a recognisable model prints nothing). Commands sent meanwhile get no answer.
   * @throws Error when the board is gone, goes away meanwhile, or does not acknowledge in time.
   */
  flash(image: Uint8Array | 'harness', opts?: { timeoutMs?: number }): Promise<void>;
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
  const proc = startBoardProcess({ ...rest, hostLink, boardLink });
  let holdFd: number | null = null;
  const gone = waitExit(proc.child).then(() => {
    proc.exited = true;
    if (holdFd !== null) closeSync(holdFd);
    holdFd = null;
  });
  await waitStarted(proc, gone, opts.id, startTimeoutMs ?? 20_000);
  // socat ends the pair when an end's last opener closes it. Holding the host end open here lets the
  // rack close and re-open its port (recovery) without tearing the board down.
  holdFd = openSync(hostLink, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
  return {
    id: opts.id,
    hostPort: hostLink,
    gone,
    flash: flasher(proc, opts.id, gone),
    unplug: () => {
      proc.unplugged = true;
      proc.child.kill('SIGUSR2');
    },
    stop: async () => {
      proc.child.stdin.end();
      proc.child.kill('SIGTERM');
      await gone;
    },
  };
}

/** A running board process and what its stdout has said. */
interface BoardProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything it wrote to stderr (why it could not start). */
  stderr: string;
  /** Resolves when it printed `ready`. */
  ready: Promise<void>;
  /** Flash acknowledgements awaited, by sequence number. */
  acks: Map<number, (line: string) => void>;
  exited: boolean;
  unplugged: boolean;
}

function startBoardProcess(config: SimProcessConfig): BoardProcess {
  // stdin is a pipe the board watches: when this process dies, the board and its socat go too.
  const child = spawn(process.execPath, [BOOT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let onReady: () => void = () => undefined;
  const proc: BoardProcess = { child, stderr: '', ready: new Promise<void>((r) => (onReady = r)), acks: new Map(), exited: false, unplugged: false };
  child.stderr.on('data', (d: Buffer) => (proc.stderr += d.toString()));
  // stdout carries `ready`, then one `flashed <seq> …` / `flash-failed <seq> …` line per flash.
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line === 'ready') onReady();
      const m = /^flash(?:ed|-failed) (\d+)/.exec(line);
      if (m) proc.acks.get(Number(m[1]))?.(line);
    }
  });
  // The write end may fail once the board has died; `gone` reports that.
  child.stdin.on('error', () => undefined);
  return proc;
}

/** Wait for `ready`; a board that exits or takes longer than `timeoutMs` is killed and reported. */
async function waitStarted(proc: BoardProcess, gone: Promise<void>, id: string, timeoutMs: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulated board ${id} did not start within ${timeoutMs} ms`)), timeoutMs);
      void proc.ready.then(() => {
        clearTimeout(timer);
        resolve();
      });
      void gone.then(() => {
        clearTimeout(timer);
        reject(new Error(`simulated board ${id} exited at start: ${proc.stderr.trim() || 'no message'}`));
      });
    });
  } catch (err) {
    proc.child.kill('SIGTERM');
    throw err;
  }
}

/** {@link SimBoardHandle.flash} over the board process's stdin, acknowledged on its stdout. */
function flasher(proc: BoardProcess, id: string, gone: Promise<void>): SimBoardHandle['flash'] {
  let seq = 0;
  return (image, flashOpts = {}) =>
    new Promise<void>((resolve, reject) => {
      if (proc.exited || proc.unplugged || !proc.child.stdin.writable) {
        reject(new Error(`simulated board ${id} is gone (unplugged or stopped): cannot flash it`));
        return;
      }
      if (image !== 'harness' && image.length === 0) {
        reject(new Error('the firmware image is empty'));
        return;
      }
      const n = ++seq;
      const pages = image === 'harness' ? 0 : Math.ceil(image.length / 4096);
      // Generous next to the modelled time: a loaded machine is slow to move a megabyte through a pipe.
      const timeoutMs = flashOpts.timeoutMs ?? 10_000 + 4 * (pages * FLASH_MS_PER_PAGE + FLASH_RESET_MS);
      const done = (err?: Error) => {
        clearTimeout(timer);
        proc.acks.delete(n);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error(`simulated board ${id} did not finish flashing within ${timeoutMs} ms`)), timeoutMs);
      proc.acks.set(n, (line) => (line.startsWith('flashed ') ? done() : done(new Error(`flashing simulated board ${id} failed: ${line.replace(/^flash-failed \d+ /, '')}`))));
      void gone.then(() => done(new Error(`simulated board ${id} went away while flashing (unplugged or stopped)`)));
      proc.child.stdin.write(encodeFlashFrame(n, image));
    });
}
