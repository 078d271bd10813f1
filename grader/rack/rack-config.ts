/**
 * The rack config file (RACK_CONFIG; YAML or JSON): which boards exist and how to reach them, plus
 * the rack's policies. Unknown keys are errors, so a typo never silently drops a board.
 *
 * ```yaml
 * quarantineAfter: 3          # consecutive failed jobs before a board is quarantined
 * firmware:                   # firmware submissions on real kits (simulated boards need nothing)
 *   harnessImage: /srv/tinyarena/harness.ino.bin
 *   bossac: /opt/arduino/bossac
 * boards:
 *   - { id: nano-01, kind: nano33ble, serialNumber: 9A1B2C3D4E5F6071, site: lab-a }
 *   - { id: nano-02, kind: nano33ble, port: /dev/ttyACM1 }
 *   - { id: sim-1, kind: sim }
 *   - { id: virtual-1, kind: virtual }   # QEMU mps2-an386 running the C runtime (needs qemu-system-arm)
 * ```
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { faultSpecSchema } from './sim/faults.js';

const boardSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, . _ -'),
    /**
     * `nano33ble`: a kit with the harness firmware on USB; `sim`: a simulated board on a pty pair;
     * `virtual`: QEMU's mps2-an386 (Cortex-M4F) running the harness image on a pty pair (grader/rack/virtual/).
     */
    kind: z.enum(['nano33ble', 'sim', 'virtual']),
    transport: z.enum(['serial']).default('serial'),
    /** Serial device; for nano33ble either this or serialNumber. */
    port: z.string().min(1).optional(),
    /** USB serial number (boards share VID:PID 2341:805A), resolved to a port at connect time. */
    serialNumber: z.string().min(1).optional(),
    site: z.string().optional(),
    /** Per-command timeout (ms); infer timeouts scale from it and the expected latency. */
    commandTimeoutMs: z.number().int().positive().default(3_000),
    /** sim only: faults to inject (tests, drills) and a latency spread factor. */
    faults: z.array(faultSpecSchema).default([]),
    speed: z.number().positive().optional(),
    seed: z.number().int().optional(),
  })
  .refine((b) => b.kind !== 'nano33ble' || b.port !== undefined || b.serialNumber !== undefined, { error: 'a nano33ble board needs port or serialNumber' });

/** Virtual boards (kind `virtual`): the emulator and the harness image they boot. */
export const virtualConfigSchema = z.strictObject({
  /** The harness ELF; default: built from firmware/ on first use (arm-none-eabi-gcc), cached by source hash. */
  harnessImage: z.string().min(1).optional(),
  /** The emulator executable. */
  qemu: z.string().min(1).default('qemu-system-arm'),
  /**
   * Cycles one instruction of the virtual board's Cortex-M4 code costs on a 64 MHz Nano 33 BLE running
   * TFLM with CMSIS-NN: turns the deterministic instruction count into the latency estimate the
   * report shows (grader/rack/virtual/latency.ts documents the calibration).
   */
  cyclesPerInstruction: z.number().positive().optional(),
});

/** Running submitted firmware images: flashing, booting, and putting the harness back afterwards. */
export const firmwareConfigSchema = z.strictObject({
  /** bossac executable; must be Arduino's fork (github.com/arduino/BOSSA): upstream bossac does not know the nRF52840. */
  bossac: z.string().min(1).default('bossac'),
  /**
   * The compiled TinyArena harness (`harness.ino.bin` from `arduino-cli compile`, written at 0x10000).
   * A nano33ble board takes firmware jobs only with it, since the rack must restore the harness after
   * every job. Simulated boards have the harness built in.
   */
  harnessImage: z.string().min(1).optional(),
  /** Limit for one flashing (touch, bootloader, erase, write, reset). */
  flashTimeoutMs: z.number().int().positive().default(60_000),
  /** Limit from the end of flashing to `m-init-done` + `m-ready`; also for the harness's port to come back. */
  bootTimeoutMs: z.number().int().positive().default(5_000),
  /** How long the bootloader's port may take to appear after the 1200-baud touch. */
  bootloaderWaitMs: z.number().int().positive().default(10_000),
});

export type FirmwareConfig = z.output<typeof firmwareConfigSchema>;

export const rackConfigSchema = z.strictObject({
  boards: z.array(boardSchema).min(1),
  /** Consecutive failed jobs on one board before it is quarantined. */
  quarantineAfter: z.number().int().positive().default(3),
  /** Lease time-to-live (ms); renewed while a job runs, so a crashed holder frees the board after this. */
  leaseTtlMs: z.number().int().positive().default(30_000),
  /**
   * How long a job waits for a board when every usable board is busy with other jobs (more workers
   * than boards): it queues for the next free one and reports "waiting for a board" meanwhile. Within
   * the device stage's 15-minute timeout.
   */
  leaseWaitMs: z.number().int().positive().default(10 * 60_000),
  /** Boards tried per job before giving up. */
  maxAttempts: z.number().int().positive().default(3),
  /** Offline boards are re-probed (re-opened, `name`, `x-info`) this often. */
  healthIntervalMs: z.number().int().positive().default(30_000),
  /**
   * Reference-model drift check: after every `every` jobs on a board, run `model` (a .tflite path) on
   * a fixed input and compare its raw outputs with the host engine; a board that drifts is quarantined.
   */
  driftCheck: z
    .strictObject({
      every: z.number().int().positive(),
      model: z.string().min(1),
      arithmetic: z.enum(['tflite', 'tflm', 'tflm-single']).default('tflm'),
    })
    .optional(),
  firmware: firmwareConfigSchema.default(firmwareConfigSchema.parse({})),
  virtual: virtualConfigSchema.default(virtualConfigSchema.parse({})),
});

export type RackConfig = z.output<typeof rackConfigSchema>;
export type BoardEntry = RackConfig['boards'][number];

/** A clear error naming the file and the field. */
export class RackConfigError extends Error {
  override name = 'RackConfigError';
}

export function parseRackConfig(value: unknown, source = 'rack config'): RackConfig {
  const r = rackConfigSchema.safeParse(value);
  if (!r.success) throw new RackConfigError(`${source}: ${r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  const ids = r.data.boards.map((b) => b.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new RackConfigError(`${source}: board id ${dup} appears twice`);
  return r.data;
}

export function loadRackConfig(path: string): RackConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RackConfigError(`cannot read the rack config ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new RackConfigError(`${path} is not YAML/JSON: ${(err as Error).message}`);
  }
  return parseRackConfig(value, path);
}

/** The ids {@link defaultRackConfig} gives (`virtual-N`, `sim-N`): the embedded rack's boards, whatever their number. */
export const isEmbeddedBoardId = (id: string): boolean => /^(?:sim|virtual)-\d+$/.test(id);

/**
 * The embedded default with virtual boards: virtual-1 … virtual-v first (so they take jobs when idle:
 * their check is independent of the host engine), then sim-1 … sim-s.
 */
export function defaultRackConfig(counts: { sim: number; virtual: number }, overrides: Partial<Omit<RackConfig, 'boards'>> = {}): RackConfig {
  const boards = [...Array.from({ length: counts.virtual }, (_, i) => ({ id: `virtual-${i + 1}`, kind: 'virtual' })), ...Array.from({ length: counts.sim }, (_, i) => ({ id: `sim-${i + 1}`, kind: 'sim' }))];
  return parseRackConfig({ boards, ...overrides });
}
