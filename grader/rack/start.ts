/**
 * The rack a worker process runs: the boards of RACK_CONFIG, or the embedded default so the device
 * stage works on a laptop with no kit attached: RACK_VIRTUAL_BOARDS virtual boards (default 1 when
 * qemu-system-arm and arm-none-eabi-gcc are installed) first, then RACK_SIM_BOARDS simulated boards;
 * or none. Simulated and virtual boards need socat; without it the rack is skipped with a logged reason.
 */
import type { Component, ComponentHealth } from '../../core/component.js';
import type { Services } from '../../core/services.js';
import { setActiveRack } from './active.js';
import { defaultRackConfig, isEmbeddedBoardId, loadRackConfig, type RackConfig } from './rack-config.js';
import { Rack, simDirFor } from './rack.js';
import { haveSocat } from './sim/launch.js';
import { haveArmToolchain } from './virtual/firmware-build.js';
import { haveQemuSystemArm, virtualBoardPrerequisites } from './virtual/launch.js';

/** Makes its rack the process's active rack while running (the device stage finds it there). */
export class RackComponent implements Component {
  readonly name = 'rack';
  constructor(readonly rack: Rack) {}

  async start(): Promise<void> {
    await this.rack.start();
    setActiveRack(this.rack);
  }

  async stop(): Promise<void> {
    setActiveRack(null);
    await this.rack.stop();
  }

  health(): ComponentHealth {
    return this.rack.health();
  }
}

/** The rack component for this configuration, or null (with the reason logged). */
export function rackComponent(services: Services): RackComponent | null {
  const { config, logger } = services;
  let rackConfig: RackConfig;
  if (config.RACK_CONFIG) {
    rackConfig = loadRackConfig(config.RACK_CONFIG);
  } else {
    const virtual = config.RACK_VIRTUAL_BOARDS ?? (haveQemuSystemArm() && haveArmToolchain() ? 1 : 0);
    if (config.RACK_SIM_BOARDS === 0 && virtual === 0) {
      logger.info('no board rack (RACK_SIM_BOARDS=0, no virtual boards and no RACK_CONFIG): the device stage is skipped');
      return null;
    }
    rackConfig = defaultRackConfig({ sim: config.RACK_SIM_BOARDS, virtual });
  }
  if (rackConfig.boards.some((b) => b.kind === 'sim' || b.kind === 'virtual') && !haveSocat()) {
    logger.warn('socat is not installed, so simulated and virtual boards cannot run (apt-get install socat): no board rack, the device stage is skipped');
    return null;
  }
  if (rackConfig.boards.some((b) => b.kind === 'virtual')) {
    const missing = virtualBoardPrerequisites(rackConfig.virtual.qemu);
    if (missing.length) logger.warn({ missing }, `${missing.join(', ')} not installed (apt-get install qemu-system-arm socat util-linux): the virtual boards stay offline`);
  }
  logger.info({ boards: rackConfig.boards.map((b) => b.id) }, 'starting the board rack');
  // The embedded rack owns its sim-N/virtual-N ids: boards dropped by a smaller count are retired.
  const owns = config.RACK_CONFIG ? {} : { owns: isEmbeddedBoardId };
  return new RackComponent(new Rack({ db: services.db, redis: services.redis, logger, prefix: config.QUEUE_PREFIX, simDir: simDirFor(config.DATA_DIR), ...owns }, rackConfig));
}
