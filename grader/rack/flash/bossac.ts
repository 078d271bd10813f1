/**
 * Flashing a Nano 33 BLE kit with bossac, as the Arduino IDE does for `arduino:mbed_nano`: the
 * 1200-baud "touch" (open the sketch's port at 1200 baud, drop DTR, close) resets the board into its
 * bootloader, which enumerates as USB PID 0x005A (the sketch is 0x805A); then
 * `bossac --port=<bootloader port> -U -i -e -w <image.bin> -R` erases, writes the application at
 * 0x10000 and resets into it.
 *
 * bossac must be Arduino's fork (github.com/arduino/BOSSA, shipped with the mbed_nano core as
 * `tools/bossac/1.9.1-arduino*`): upstream BOSSA (Debian's bossa-cli) does not know the nRF52840
 * and its bootloader. Pure parts (arguments, progress, failure text, bootloader port choice) are
 * exported for tests; I/O (serial ports, temp file, the child process) is in {@link BossacFlasher}.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { NANO33BLE_USB, type UsbPort } from '../discovery.js';
import { checkImage, FlashError, type FlashImage, type Flasher } from './flasher.js';

/** USB product id of the Nano 33 BLE's bootloader (boards.txt of ArduinoCore-mbed: nano33ble.pid.0). */
export const NANO33BLE_BOOTLOADER_PID = '005a';

/** bossac's arguments, as Arduino's platform.txt for mbed_nano has them (without the verbose `-d`). */
export function bossacArgs(port: string, file: string): string[] {
  // -U: the port is native USB; -i: print device info (quoted on failure); -e -w: erase, then write
  // the file at the application start; -R: reset into it afterwards.
  return [`--port=${port}`, '-U', '-i', '-e', '-w', file, '-R'];
}

const PROGRESS = /\]\s*(\d{1,3})%\s*\((\d+)\/(\d+) pages\)/;

/** The fraction written from one bossac progress line (`[=====     ] 45% (123/456 pages)`), or null. */
export function parseBossacProgress(line: string): number | null {
  const m = PROGRESS.exec(line);
  if (!m) return null;
  const done = Number(m[2]);
  const total = Number(m[3]);
  return total > 0 ? Math.min(1, done / total) : null;
}

/**
 * Splits bossac's output into lines: it redraws the progress bar with a bare CR, so CR and LF both
 * end a line here.
 */
export class BossacOutput {
  private partial = '';
  private readonly tail: string[] = [];

  constructor(private readonly keep = 40) {}

  /** Completed lines in `chunk` (progress lines included). */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r\n|\r|\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      // Progress redraws would push the useful lines out of the tail.
      if (line.trim() && !PROGRESS.test(line)) this.tail.push(line.trimEnd());
      if (this.tail.length > this.keep) this.tail.shift();
    }
    return parts;
  }

  /** The last non-progress lines, including an unterminated last one. */
  lastLines(n = 6): string[] {
    const rest = this.partial.trim() && !PROGRESS.test(this.partial) ? [this.partial.trimEnd()] : [];
    return [...this.tail, ...rest].slice(-n);
  }
}

/** The error text for a failed bossac run: how it ended and its last lines. */
export function bossacFailure(end: { code: number | null; signal: string | null; timedOutMs?: number }, lastLines: readonly string[]): string {
  const how = end.timedOutMs !== undefined ? `did not finish within ${end.timedOutMs} ms` : end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
  return `bossac ${how}${lastLines.length ? `: ${lastLines.join(' | ')}` : ' and printed nothing'}`;
}

const isNano = (p: UsbPort, pid: string) => p.vendorId?.toLowerCase() === NANO33BLE_USB.vendorId && p.productId?.toLowerCase() === pid;

/**
 * Pure: the bootloader's port among listed ports. By USB serial number when known; else the
 * configured path if it came back as the bootloader, else the one bootloader port that was not there
 * `before` the touch (none when ambiguous: never flash the wrong kit).
 */
export function pickBootloaderPort(ports: readonly UsbPort[], want: { serialNumber?: string; path?: string; before?: readonly UsbPort[] }): string | null {
  const boot = ports.filter((p) => isNano(p, NANO33BLE_BOOTLOADER_PID));
  if (want.serialNumber) return boot.find((p) => p.serialNumber?.toLowerCase() === want.serialNumber!.toLowerCase())?.path ?? null;
  const same = boot.find((p) => p.path === want.path);
  if (same) return same.path;
  if (!want.before) return null;
  const known = new Set(want.before.map((p) => p.path));
  const fresh = boot.filter((p) => !known.has(p.path));
  return fresh.length === 1 ? fresh[0]!.path : null;
}

/** The 1200-baud touch: a Nano 33 BLE whose port is opened at 1200 baud and closed resets into its bootloader. */
export async function touch1200(path: string): Promise<void> {
  const port = new SerialPort({ path, baudRate: 1200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new FlashError(`1200-baud touch: cannot open ${path}: ${err.message}`)) : resolve())));
  port.on('error', () => undefined);
  // Dropping DTR at 1200 baud is the reset signal (as arduino-cli does it); the board may vanish at once.
  await new Promise<void>((resolve) => port.set({ dtr: false }, () => resolve()));
  await new Promise<void>((resolve) => port.close(() => resolve()));
}

export interface BossacFlasherOptions {
  /** bossac executable (Arduino's fork). */
  bossac: string;
  /** The kit's USB serial number, to find its bootloader port. */
  serialNumber?: string;
  /** The sketch's current port (null when the kit is not plugged in or already in its bootloader). */
  locate: () => Promise<string | null>;
  /** Limit for the bossac run (erase + write + reset). */
  timeoutMs: number;
  /** How long the bootloader's port may take to appear after the touch. */
  bootloaderWaitMs?: number;
  /** Injected for tests; default {@link touch1200}. */
  touch?: (port: string) => Promise<void>;
  /** Injected for tests; default `SerialPort.list()`. */
  listPorts?: () => Promise<UsbPort[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Nano 33 BLE flashed through its bootloader with bossac. */
export class BossacFlasher implements Flasher {
  private readonly touch: (port: string) => Promise<void>;
  private readonly listPorts: () => Promise<UsbPort[]>;

  constructor(private readonly opts: BossacFlasherOptions) {
    this.touch = opts.touch ?? touch1200;
    this.listPorts = opts.listPorts ?? (() => SerialPort.list());
  }

  async flash(image: FlashImage, onProgress?: (fraction: number) => void): Promise<void> {
    checkImage(image);
    const port = await this.enterBootloader();
    const dir = await mkdtemp(join(tmpdir(), 'tinyarena-flash-'));
    try {
      const file = join(dir, 'image.bin');
      await writeFile(file, image.bytes);
      onProgress?.(0);
      await this.runBossac(bossacArgs(port, file), onProgress);
      onProgress?.(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The bootloader's port: touch the sketch's port and wait for the bootloader to enumerate. */
  private async enterBootloader(): Promise<string> {
    const { serialNumber } = this.opts;
    const before = await this.listPorts();
    const sketch = await this.opts.locate();
    // Already in the bootloader (a flash that failed half-way leaves it there): no touch needed.
    const already = pickBootloaderPort(before, serialNumber ? { serialNumber } : { ...(sketch ? { path: sketch } : {}) });
    if (already) return already;
    if (!sketch) throw new FlashError(`the board${serialNumber ? ` with USB serial number ${serialNumber}` : ''} is not plugged in (neither its sketch nor its bootloader port is listed)`);
    await this.touch(sketch);
    const waitMs = this.opts.bootloaderWaitMs ?? 10_000;
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      await sleep(200);
      const found = pickBootloaderPort(await this.listPorts(), { ...(serialNumber ? { serialNumber } : {}), path: sketch, before });
      if (found) return found;
    }
    throw new FlashError(`no bootloader port (USB 2341:${NANO33BLE_BOOTLOADER_PID}${serialNumber ? `, serial ${serialNumber}` : ''}) appeared within ${waitMs} ms after the 1200-baud touch on ${sketch}`);
  }

  private runBossac(args: string[], onProgress?: (fraction: number) => void): Promise<void> {
    const { bossac, timeoutMs } = this.opts;
    return new Promise<void>((resolve, reject) => {
      const out = new BossacOutput();
      // Its own process group, so a timeout also ends anything it started (a wrapper script's children).
      const child = spawn(bossac, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        reject(new FlashError(bossacFailure({ code: null, signal: 'SIGKILL', timedOutMs: timeoutMs }, out.lastLines())));
      }, timeoutMs);
      const feed = (d: Buffer) => {
        for (const line of out.push(d.toString('latin1'))) {
          const f = parseBossacProgress(line);
          if (f !== null) onProgress?.(f);
        }
      };
      child.stdout.on('data', feed);
      child.stderr.on('data', feed);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new FlashError(`cannot run bossac (${bossac}): ${err.message}; it must be Arduino's fork (github.com/arduino/BOSSA), which knows the nRF52840`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new FlashError(bossacFailure({ code, signal }, out.lastLines())));
      });
    });
  }
}
