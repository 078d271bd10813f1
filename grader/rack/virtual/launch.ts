/**
 * Start a virtual board: QEMU's `mps2-an386` (Cortex-M4F) running TinyArena's harness image, its
 * UART0 on a socat pty pair (`<dir>/<id>.host` ↔ `<dir>/<id>.board`). The host end is an ordinary
 * serial device for {@link SerialTransport}, exactly as a kit on USB or a simulated board.
 *
 * - The pty pair outlives the emulator: "flashing" a submitted image (or putting the harness back)
 *   restarts QEMU with the new image on the same board end, so the rack keeps its link and sees the
 *   new firmware's boot lines, as on a simulated board.
 * - `-icount shift=0`: the virtual clock advances exactly 1 ns per executed instruction, so the
 *   firmware's timer measures instructions, deterministically (firmware/mps2/board.h).
 * - No orphans: QEMU and socat are started through util-linux's `setpriv --pdeathsig KILL`, so the
 *   kernel kills them when the rack process dies, however it dies.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, constants as fsc } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { haveSocat, type SimBoardHandle } from '../sim/launch.js';

const qemuChecked = new Map<string, boolean>();
/** Whether `qemu-system-arm` (or the configured emulator) is installed (virtual boards need it). Asked once. */
export function haveQemuSystemArm(qemu = 'qemu-system-arm'): boolean {
  let ok = qemuChecked.get(qemu);
  if (ok === undefined) qemuChecked.set(qemu, (ok = spawnSync(qemu, ['--version'], { stdio: 'ignore' }).status === 0));
  return ok;
}

let setprivChecked: boolean | undefined;
/** util-linux's setpriv with --pdeathsig (Debian's util-linux has it). */
function haveSetpriv(): boolean {
  return (setprivChecked ??= spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).stdout?.includes('--pdeathsig') ?? false);
}

/**
 * Probe the helpers virtual boards need (qemu, socat, setpriv, prlimit) now, synchronously: call it
 * while setting the rack up, so no probe blocks the event loop later, when boards connect in the
 * background of a running server. Returns what is missing.
 */
export function virtualBoardPrerequisites(qemu = 'qemu-system-arm'): string[] {
  const missing: string[] = [];
  if (!haveQemuSystemArm(qemu)) missing.push(qemu);
  if (!haveSocat()) missing.push('socat');
  if (!haveSetpriv()) missing.push('setpriv (util-linux)');
  havePrlimit();
  return missing;
}

let prlimitChecked: boolean | undefined;
const havePrlimit = () => (prlimitChecked ??= spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0);

/**
 * Spawn a child that the kernel kills when this process exits. `noCore`: without core dumps (QEMU
 * aborts on a locked-up guest core, which submitted firmware can cause at will).
 */
function spawnTied(cmd: string, args: string[], noCore = false): ChildProcess {
  const [c, a] = noCore && havePrlimit() ? ['prlimit', ['--core=0:0', '--', cmd, ...args]] : [cmd, args];
  const [exe, argv] = haveSetpriv() ? ['setpriv', ['--pdeathsig', 'KILL', '--', c, ...a]] : [c, a];
  return spawn(exe, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The QEMU command line of one virtual board running `image` (an ELF, or a raw binary loaded at 0). */
export function qemuArgs(image: string, boardLink: string): string[] {
  return [
    '-M', 'mps2-an386',
    '-nodefaults', '-display', 'none', '-monitor', 'none', '-nic', 'none',
    // 1 ns of virtual time per instruction: the 25 MHz timer counts 40 instructions a tick.
    '-icount', 'shift=0',
    '-kernel', image,
    '-chardev', `serial,id=uart0,path=${boardLink}`,
    '-serial', 'chardev:uart0',
  ];
}

/** A virtual board: the same handle the rack holds for a simulated board. */
export interface VirtualBoardHandle extends SimBoardHandle {
  /** What the emulator runs now. */
  readonly running: 'harness' | 'firmware' | 'nothing';
  /** The emulator's pid (tests check nothing outlives its owner). */
  readonly qemuPid: number | null;
  readonly socatPid: number | null;
}

export interface VirtualLaunchOptions {
  id: string;
  /** Folder for the pty links and flashed images. */
  dir: string;
  /** The harness image (ELF) the board boots and is restored to. */
  harnessImage: string;
  /** `qemu-system-arm` executable. */
  qemu?: string;
  /** Give up if the pty pair is not up by then. */
  startTimeoutMs?: number;
}

const waitExit = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long QEMU must stay up after starting before the image counts as loaded. */
const QEMU_SETTLE_MS = 150;

export async function launchVirtualBoard(opts: VirtualLaunchOptions): Promise<VirtualBoardHandle> {
  const qemu = opts.qemu ?? 'qemu-system-arm';
  if (!haveQemuSystemArm(qemu)) throw new Error(`${qemu} is not installed (apt-get install qemu-system-arm): virtual boards need it`);
  if (!haveSocat()) throw new Error('socat is not installed (apt-get install socat): virtual boards need a pty pair');
  await mkdir(opts.dir, { recursive: true });
  const hostLink = join(opts.dir, `${opts.id}.host`);
  const boardLink = join(opts.dir, `${opts.id}.board`);
  const imageFile = join(opts.dir, `${opts.id}.firmware.bin`);
  await Promise.all([rm(hostLink, { force: true }), rm(boardLink, { force: true })]);

  const socat = spawnTied('socat', [`pty,raw,echo=0,link=${hostLink}`, `pty,raw,echo=0,link=${boardLink}`]);
  let socatErr = '';
  socat.stderr?.on('data', (d: Buffer) => (socatErr = (socatErr + d.toString()).slice(-2000)));
  let unplugged = false;
  let stopped = false;
  let holdFd: number | null = null;
  let qemuProc: ChildProcess | null = null;
  let running: VirtualBoardHandle['running'] = 'nothing';
  const gone = waitExit(socat).then(async () => {
    if (holdFd !== null) closeSync(holdFd);
    holdFd = null;
    await stopQemu();
  });

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  while (!(existsSync(hostLink) && existsSync(boardLink))) {
    if (socat.exitCode !== null || Date.now() > deadline) {
      socat.kill('SIGKILL');
      throw new Error(`virtual board ${opts.id}: socat did not create the pty pair${socatErr ? `: ${socatErr.trim()}` : ''}`);
    }
    await sleep(10);
  }
  // socat ends the pair when an end's last opener closes it: holding the host end lets the rack close
  // and re-open its port (recovery) without tearing the board down. (The board end must not be held:
  // a second opener there starves QEMU's reads.)
  holdFd = openSync(hostLink, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);

  async function stopQemu(): Promise<void> {
    const p = qemuProc;
    qemuProc = null;
    running = 'nothing';
    if (!p) return;
    p.kill('SIGKILL');
    await waitExit(p);
  }

  /** (Re)start the emulator on `image`; resolves once it has stayed up long enough to have loaded it. */
  async function startQemu(image: string, what: 'harness' | 'firmware'): Promise<void> {
    await stopQemu();
    if (stopped || unplugged) throw new Error(`virtual board ${opts.id} is gone (unplugged or stopped)`);
    const p = spawnTied(qemu, qemuArgs(image, boardLink), true);
    let err = '';
    p.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    qemuProc = p;
    running = what;
    const exited = waitExit(p).then(() => true);
    const early = await Promise.race([exited, sleep(QEMU_SETTLE_MS).then(() => false)]);
    if (early) {
      if (qemuProc === p) {
        qemuProc = null;
        running = 'nothing';
      }
      // The harness not starting is the board's problem. A submitted image QEMU cannot run (or that
      // stops it at once) is "flashed" all the same: it boots into silence, which the job reports.
      if (what === 'harness') throw new Error(`qemu-system-arm stopped at once: ${err.trim().split('\n').slice(-3).join(' ') || `exit ${p.exitCode ?? p.signalCode}`}`);
      return;
    }
    void exited.then(() => {
      if (qemuProc !== p) return;
      // The emulated core locked up (a fault with no way out) or QEMU died. A harness comes straight
      // back, like a board with a watchdog; a submitted firmware stays down until the rack restores
      // the harness (the job sees the silence).
      qemuProc = null;
      running = 'nothing';
      if (what === 'harness' && !stopped && !unplugged) void startQemu(opts.harnessImage, 'harness').catch(() => undefined);
    });
  }

  try {
    await startQemu(opts.harnessImage, 'harness');
  } catch (err) {
    socat.kill('SIGKILL');
    await gone;
    throw new Error(`virtual board ${opts.id}: ${(err as Error).message}`);
  }

  return {
    id: opts.id,
    hostPort: hostLink,
    gone,
    get running() {
      return running;
    },
    get qemuPid() {
      return qemuProc?.pid ?? null;
    },
    get socatPid() {
      return socat.exitCode === null ? (socat.pid ?? null) : null;
    },
    async flash(image: Uint8Array | 'harness'): Promise<void> {
      if (stopped || unplugged || socat.exitCode !== null) throw new Error(`virtual board ${opts.id} is gone (unplugged or stopped): cannot flash it`);
      if (image === 'harness') return startQemu(opts.harnessImage, 'harness');
      if (image.length === 0) throw new Error('the firmware image is empty');
      // A raw image is loaded at 0x00000000, where the Cortex-M4 reads its vector table.
      await writeFile(imageFile, image);
      await startQemu(imageFile, 'firmware');
    },
    unplug: () => {
      unplugged = true;
      socat.kill('SIGKILL');
    },
    stop: async () => {
      stopped = true;
      await stopQemu();
      socat.kill('SIGTERM');
      await gone;
    },
  };
}
