/**
 * Process entry of one simulated board: owns its socat pty pair (so the pair never outlives the
 * board, even when the rack process is SIGKILLed), opens the board end with `serialport` (the same
 * code path as a real board's host side), prints the boot lines, answers commands with
 * {@link SimBoard}, and injects the configured faults. Started by launch.ts; exits when its parent goes
 * away (stdin closes), on SIGTERM, or when unplugged (a `disconnect` fault or SIGUSR2): then socat
 * dies and the host end hangs up, like a kit pulled from USB.
 *
 * Flashing: stdin also carries control frames from launch.ts (`encodeFlashFrame` in process-protocol.ts). A frame
 * swaps the firmware (a submitted image runs as {@link SimDutFirmware}, or as a silent board when it
 * holds no recognisable model; `harness` puts a fresh SimBoard back), takes a modelled flash time,
 * prints the new firmware's boot lines and answers `flashed <seq> booted|silent` on stdout. Faults
 * belong to the board and keep applying whatever firmware runs.
 */
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { spawnTethered } from '../../../core/tether.js';
import { seededUniform } from '../../../lib/rng.js';
import { driftLine, faultFor, mangle } from './faults.js';
import { SimBoard } from './sim-board.js';
import { SimDutFirmware, type SimFirmware } from './sim-dut-firmware.js';
import { FLASH_MS_PER_PAGE, FLASH_RESET_MS, FRAME_HARNESS, FRAME_HEADER, MAX_FLASH_IMAGE, simProcessConfigSchema } from './process-protocol.js';

/** A board whose firmware does not boot: it prints nothing and answers nothing. */
const SILENT: SimFirmware = { boot: () => [], handle: () => ({ lines: [] }) };

async function main(): Promise<void> {
  const config = simProcessConfigSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const t0 = performance.now();
  const micros = () => (performance.now() - t0) * 1000;
  // What a reboot (reset, brown-out, flash) starts: the harness, or the last flashed image.
  let firmware: () => SimFirmware = () => new SimBoard(config.board, micros);
  let board = firmware();
  const rnd = seededUniform(config.seed);
  // Tethered: even when this process is SIGKILLed, its socat goes with it (core/tether.ts).
  const socat = spawnTethered('socat', [`pty,raw,echo=0,link=${config.hostLink}`, `pty,raw,echo=0,link=${config.boardLink}`]);
  const unplug = () => {
    socat.kill('SIGTERM');
    process.exit(0);
  };
  socat.on('exit', () => process.exit(0));
  process.on('SIGTERM', unplug);
  process.on('SIGUSR2', unplug);
  process.stdin.on('end', unplug);
  // Control frames may arrive before the port is up: they wait here until `pump` can flash.
  let control = Buffer.alloc(0);
  let pump = () => undefined as void;
  process.stdin.on('data', (chunk: Buffer) => {
    control = Buffer.concat([control, chunk]);
    pump();
  });
  const deadline = Date.now() + 10_000;
  while (!(existsSync(config.hostLink) && existsSync(config.boardLink))) {
    if (Date.now() > deadline) throw new Error('socat did not create the pty pair');
    await new Promise((r) => setTimeout(r, 10));
  }
  const port = new SerialPort({ path: config.boardLink, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => undefined);
  port.on('close', unplug);

  const send = (lines: string[]) => {
    if (lines.length) port.write(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
  };
  send(board.boot());
  let commands = 0;
  let hung = false;
  let inBootloader = false;
  let buf = '';
  const reboot = () => {
    board = firmware();
    send(board.boot());
  };
  const flash = async (seq: number, image: Uint8Array | 'harness') => {
    // In the bootloader: the application is gone and nothing answers until the reset.
    inBootloader = true;
    buf = '';
    const pages = image === 'harness' ? 0 : Math.ceil(image.length / 4096);
    await new Promise((r) => setTimeout(r, pages * FLASH_MS_PER_PAGE + FLASH_RESET_MS));
    if (image === 'harness') firmware = () => new SimBoard(config.board, micros);
    else {
      const made = SimDutFirmware.fromImage(image, config.board, micros);
      // Each reboot starts the firmware afresh (state in RAM is lost); the image stays in flash.
      firmware = made ? () => SimDutFirmware.fromImage(image, config.board, micros)! : () => SILENT;
    }
    hung = false;
    inBootloader = false;
    board = firmware();
    const lines = board.boot();
    if (lines.length) await new Promise<void>((resolve) => port.write(lines.map((l) => `${l}\r\n`).join(''), 'latin1', () => port.drain(() => resolve())));
    process.stdout.write(`flashed ${seq} ${board === SILENT ? 'silent' : 'booted'}\n`);
  };
  let flashing: Promise<void> = Promise.resolve();
  pump = () => {
    while (control.length >= FRAME_HEADER) {
      const length = control.readUInt32LE(5);
      if (length > MAX_FLASH_IMAGE) {
        process.stderr.write(`flash frame of ${length} bytes: the control channel is out of step\n`);
        unplug();
        return;
      }
      if (control.length < FRAME_HEADER + length) return;
      const seq = control.readUInt32LE(0);
      const kind = control.readUInt8(4);
      const image = new Uint8Array(control.subarray(FRAME_HEADER, FRAME_HEADER + length));
      control = control.subarray(FRAME_HEADER + length);
      // One flash at a time, in order.
      flashing = flashing
        .then(() => flash(seq, kind === FRAME_HARNESS ? 'harness' : image))
        .catch((err: unknown) => {
          process.stdout.write(`flash-failed ${seq} ${(err as Error).message.replace(/\s+/g, ' ')}\n`);
        });
    }
  };
  port.on('data', (chunk: Buffer) => {
    if (hung || inBootloader) return;
    for (const ch of chunk.toString('latin1')) {
      if (ch !== '%') {
        if (buf.length < 65536) buf += ch;
        continue;
      }
      const text = buf.replace(/[\r\n]/g, '');
      buf = '';
      const action = faultFor(config.faults, commands++);
      if (action.kind === 'hang') {
        hung = true;
        return;
      }
      if (action.kind === 'disconnect') {
        // Unplugged: the pty closes under the host mid-command.
        unplug();
        return;
      }
      if (action.kind === 'reboot') {
        reboot();
        continue;
      }
      const res = board.handle(text);
      if ((action.kind === 'none' || action.kind === 'mangle') && action.drift) res.lines = res.lines.map(driftLine);
      if (res.reset) {
        reboot();
        continue;
      }
      if (action.kind === 'mangle') port.write(mangle(res.lines.map((l) => `${l}\r\n`).join(''), action, rnd), 'latin1');
      else send(res.lines);
    }
  });
  process.stdout.write('ready\n');
  pump();
}

main().catch((err: unknown) => {
  process.stderr.write(`simulated board failed: ${(err as Error).message}\n`);
  process.exit(1);
});
