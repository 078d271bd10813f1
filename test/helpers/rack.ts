/** A rack of simulated boards on real socat ptys for tests, stopped when the test finishes. */
import { onTestFinished } from 'vitest';
import type { Services } from '../../core/services.js';
import { setActiveRack } from '../../grader/rack/active.js';
import type { BoardFlasher } from '../../grader/rack/flash/flasher.js';
import { parseRackConfig } from '../../grader/rack/rack-config.js';
import { Rack } from '../../grader/rack/rack.js';
import { haveSocat } from '../../grader/rack/sim/launch.js';
import { tempDir } from './tmp.js';

export const HAVE_SOCAT = haveSocat();

export interface TestBoard {
  id: string;
  faults?: { kind: 'hang' | 'garble' | 'drop' | 'reboot' | 'disconnect' | 'drift'; afterCommands: number; rate?: number }[];
}

export interface SimRackOptions {
  quarantineAfter?: number;
  commandTimeoutMs?: number;
  active?: boolean;
  driftCheck?: { every: number; model: string };
  /** The rack config's `firmware` section (boot timeout for firmware jobs). */
  firmware?: { bootTimeoutMs?: number };
  /** Wraps boards' flashers (inject flashing failures). */
  wrapFlasher?: (boardId: string, flasher: BoardFlasher) => BoardFlasher;
}

/** Start a rack (boards up before it returns); `active` makes it the device stage's rack. */
export async function simRack(services: Services, boards: TestBoard[], opts: SimRackOptions = {}): Promise<Rack> {
  const config = parseRackConfig({
    quarantineAfter: opts.quarantineAfter ?? 1,
    ...(opts.firmware ? { firmware: opts.firmware } : {}),
    maxAttempts: boards.length,
    leaseTtlMs: 10_000,
    ...(opts.driftCheck ? { driftCheck: opts.driftCheck } : {}),
    // Generous for a loaded 2-core machine: only hung boards ever reach it.
    boards: boards.map((b) => ({ id: b.id, kind: 'sim', faults: b.faults ?? [], commandTimeoutMs: opts.commandTimeoutMs ?? 5_000 })),
  });
  const rack = new Rack({ db: services.db, redis: services.redis, logger: services.logger, prefix: services.config.QUEUE_PREFIX, simDir: tempDir('tinyarena-rack-'), ...(opts.wrapFlasher ? { wrapFlasher: opts.wrapFlasher } : {}) }, config);
  onTestFinished(async () => {
    if (opts.active) setActiveRack(null);
    await rack.stop();
  });
  await rack.start();
  await rack.ready;
  if (opts.active) setActiveRack(rack);
  return rack;
}
