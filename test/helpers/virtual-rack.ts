/** A rack with virtual boards (QEMU mps2-an386) for tests, stopped when the test finishes. */
import { spawnSync } from 'node:child_process';
import { onTestFinished } from 'vitest';
import type { Services } from '../../core/services.js';
import { setActiveRack } from '../../grader/rack/active.js';
import { parseRackConfig } from '../../grader/rack/rack-config.js';
import { Rack } from '../../grader/rack/rack.js';
import { haveSocat } from '../../grader/rack/sim/launch.js';
import { haveArmToolchain } from '../../grader/rack/virtual/firmware-build.js';
import { haveQemuSystemArm } from '../../grader/rack/virtual/launch.js';
import { tempDir } from './tmp.js';

/** What virtual boards need here: QEMU, socat, and the toolchain that builds the harness image. */
export const HAVE_VIRTUAL = haveQemuSystemArm() && haveSocat() && haveArmToolchain() && spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
export const VIRTUAL_SKIP_REASON = 'virtual-board tests skipped: they need qemu-system-arm, socat, setpriv and arm-none-eabi-gcc (.ci/run installs them)';

export interface VirtualRackOptions {
  quarantineAfter?: number;
  commandTimeoutMs?: number;
  active?: boolean;
  firmware?: { bootTimeoutMs?: number };
  /** Also simulated boards (ids), after the virtual ones. */
  sims?: string[];
}

/** Start a rack of virtual boards (`ids`), up before it returns; `active` makes it the device stage's rack. */
export async function virtualRack(services: Services, ids: string[], opts: VirtualRackOptions = {}): Promise<Rack> {
  const config = parseRackConfig({
    quarantineAfter: opts.quarantineAfter ?? 1,
    ...(opts.firmware ? { firmware: opts.firmware } : {}),
    maxAttempts: ids.length + (opts.sims?.length ?? 0),
    leaseTtlMs: 10_000,
    // Generous for a loaded 2-core machine (QEMU shares it with the tests).
    boards: [...ids.map((id) => ({ id, kind: 'virtual', commandTimeoutMs: opts.commandTimeoutMs ?? 10_000 })), ...(opts.sims ?? []).map((id) => ({ id, kind: 'sim', commandTimeoutMs: opts.commandTimeoutMs ?? 10_000 }))],
  });
  const rack = new Rack({ db: services.db, redis: services.redis, logger: services.logger, prefix: services.config.QUEUE_PREFIX, simDir: tempDir('tinyarena-vrack-') }, config);
  onTestFinished(async () => {
    if (opts.active) setActiveRack(null);
    await rack.stop();
  });
  await rack.start();
  await rack.ready;
  if (opts.active) setActiveRack(rack);
  return rack;
}
