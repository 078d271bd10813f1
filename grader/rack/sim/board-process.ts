/**
 * Process entry of one simulated board: owns its socat pty pair (so the pair never outlives the
 * board, even when the rack process is SIGKILLed), opens the board end with `serialport` (the same
 * code path as a real board's host side), prints the boot lines, answers commands with
 * {@link SimBoard}, and injects the configured faults. Started by launch.ts; exits when its parent goes
 * away (stdin closes), on SIGTERM, or when unplugged (a `disconnect` fault or SIGUSR2): then socat
 * dies and the host end hangs up, like a kit pulled from USB.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { z } from 'zod';
import { driftLine, faultFor, faultSpecSchema, mangle, seeded } from './faults.js';
import { SimBoard } from './sim-board.js';

export const simProcessConfigSchema = z.strictObject({
  /** pty links to create: the host end (for the rack) and the board end (opened here). */
  hostLink: z.string().min(1),
  boardLink: z.string().min(1),
  board: z.strictObject({
    name: z.string().optional(),
    firmware: z.string().optional(),
    modelSlot: z.number().int().positive().optional(),
    maxArena: z.number().int().positive().optional(),
    chunk: z.number().int().positive().optional(),
    arithmetic: z.enum(['tflite', 'tflm', 'tflm-single']).optional(),
    speed: z.number().positive().optional(),
  }),
  faults: z.array(faultSpecSchema).default([]),
  seed: z.number().int().default(1),
});

export type SimProcessConfig = z.input<typeof simProcessConfigSchema>;

async function main(): Promise<void> {
  const config = simProcessConfigSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const t0 = performance.now();
  const micros = () => (performance.now() - t0) * 1000;
  let board = new SimBoard(config.board, micros);
  const rnd = seeded(config.seed);
  const socat = spawn('socat', [`pty,raw,echo=0,link=${config.hostLink}`, `pty,raw,echo=0,link=${config.boardLink}`], { stdio: 'ignore' });
  const unplug = () => {
    socat.kill('SIGKILL');
    process.exit(0);
  };
  socat.on('exit', () => process.exit(0));
  process.on('SIGTERM', unplug);
  process.on('SIGUSR2', unplug);
  process.stdin.on('end', unplug);
  process.stdin.resume();
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
  let buf = '';
  port.on('data', (chunk: Buffer) => {
    if (hung) return;
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
        board = new SimBoard(config.board, micros);
        send(board.boot());
        continue;
      }
      const res = board.handle(text);
      if ((action.kind === 'none' || action.kind === 'mangle') && action.drift) res.lines = res.lines.map(driftLine);
      if (res.reset) {
        board = new SimBoard(config.board, micros);
        send(board.boot());
        continue;
      }
      if (action.kind === 'mangle') port.write(mangle(res.lines.map((l) => `${l}\r\n`).join(''), action, rnd), 'latin1');
      else send(res.lines);
    }
  });
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`simulated board failed: ${(err as Error).message}\n`);
  process.exit(1);
});
