/**
 * The rack a worker process runs: the boards of RACK_CONFIG, or RACK_SIM_BOARDS simulated boards (the
 * embedded default, so the device stage works on a laptop with no kit attached), or none. Simulated
 * boards need socat; without it the rack is skipped with a logged reason.
 */
import type { Component, ComponentHealth } from '../../core/component.js';
import type { Services } from '../../core/services.js';
import { setActiveRack } from './active.js';
import { loadRackConfig, simRackConfig, type RackConfig } from './rack-config.js';
import { Rack, simDirFor } from './rack.js';
import { haveSocat } from './sim/launch.js';

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
  } else if (config.RACK_SIM_BOARDS === 0) {
    logger.info('no board rack (RACK_SIM_BOARDS=0 and no RACK_CONFIG): the device stage is skipped');
    return null;
  } else {
    rackConfig = simRackConfig(config.RACK_SIM_BOARDS);
  }
  if (rackConfig.boards.some((b) => b.kind === 'sim') && !haveSocat()) {
    logger.warn('socat is not installed, so simulated boards cannot run (apt-get install socat): no board rack, the device stage is skipped');
    return null;
  }
  logger.info({ boards: rackConfig.boards.map((b) => b.id) }, 'starting the board rack');
  return new RackComponent(new Rack({ db: services.db, redis: services.redis, logger, prefix: config.QUEUE_PREFIX, simDir: simDirFor(config.DATA_DIR) }, rackConfig));
}
