/**
 * Runs process parts (web, worker, …) on shared services until SIGTERM/SIGINT, then shuts down in
 * order: stop taking requests, let workers finish or hand back jobs, close connections, stop the
 * private Redis last. A second signal exits at once.
 */
import type { Component } from '../core/component.js';
import { loadConfig } from '../core/config.js';
import { ensureClients } from '../core/db/generate.js';
import { collectHealth } from '../core/health.js';
import { createLogger } from '../core/logger.js';
import { createServices, type Services } from '../core/services.js';
import { VERSION } from '../core/version.js';

export type Part = 'web' | 'worker';

export interface RunningParts {
  services: Services;
  components: Component[];
  stop(): Promise<void>;
}

/** Start parts in this process and return handles (used by tests and by {@link runParts}). */
export async function startParts(parts: Part[], env: NodeJS.ProcessEnv = process.env): Promise<RunningParts> {
  const config = loadConfig(env);
  const logger = createLogger(config.LOG_LEVEL);
  ensureClients();
  const services = await createServices(config, logger);
  const components: Component[] = [];
  try {
    // Every part reads challenges from the database; load the YAML definitions into it first.
    const { syncChallenges } = await import('../grader/pipeline/catalog.js');
    await syncChallenges(services.db, config.CHALLENGES_DIR, logger);
    if (parts.includes('worker')) {
      // The rack first: it stops after the workers (reverse order), so no device job loses its board.
      const { rackComponent } = await import('../grader/rack/start.js');
      const rack = rackComponent(services);
      if (rack) components.push(rack);
      const { WorkerPool } = await import('../grader/worker/workers.js');
      components.push(new WorkerPool(services));
    }
    if (parts.includes('web')) {
      const { WebServer } = await import('../web/server.js');
      components.push(new WebServer({ services, health: () => collectHealth(services, components, VERSION) }));
    }
    // The bot goes with the web part (the front door): scaled-out worker processes must not open
    // gateway sessions of their own. Started last, so it is the first to stop taking commands.
    if (config.discordEnabled && parts.includes('web')) {
      const { DiscordBot } = await import('../bot/discord/bot.js');
      components.push(new DiscordBot({ services }));
    }
    if (config.discourseEnabled) logger.warn('DISCOURSE_URL is set, but this build has no Discourse integration yet; it is ignored');
    for (const c of components) await c.start();
  } catch (err) {
    for (const c of [...components].reverse()) await c.stop().catch(() => {});
    await services.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Web first (no new work arrives), then workers, then shared services (Redis last).
      for (const c of [...components].reverse()) {
        try {
          await c.stop();
        } catch (err) {
          logger.error({ err, component: c.name }, 'error while stopping');
        }
      }
      await services.close();
    })());
  return { services, components, stop };
}

/** Run until a signal arrives. */
export async function runParts(parts: Part[]): Promise<void> {
  // A signal during start-up (e.g. right after /healthz turned green, while boards still connect)
  // must not kill the process outright, as it would with no handler yet: keep it for when we are up.
  let early: NodeJS.Signals | null = null;
  const onEarly = (sig: NodeJS.Signals) => {
    early ??= sig;
  };
  process.on('SIGTERM', onEarly);
  process.on('SIGINT', onEarly);
  let running: RunningParts;
  try {
    running = await startParts(parts);
  } finally {
    process.off('SIGTERM', onEarly);
    process.off('SIGINT', onEarly);
  }
  const { logger } = running.services;
  logger.info({ parts, version: VERSION }, 'TinyArena is up');
  if (running.services.redisHandle.embedded) {
    running.services.redisHandle.onUnexpectedExit = () => {
      logger.fatal('the private redis-server died; shutting down');
      void running.stop().finally(() => process.exit(1));
    };
  }
  let firstSignalAt = 0;
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      // The same signal often arrives twice at once (sent to the process group and forwarded by npm);
      // only a later one means "stop now".
      if (firstSignalAt && Date.now() - firstSignalAt < 1000) return;
      if (firstSignalAt) {
        logger.warn({ sig }, 'second signal: exiting now');
        process.exit(130);
      }
      firstSignalAt = Date.now();
      logger.info({ sig }, 'shutting down');
      void running.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (early) onSignal(early);
  });
  logger.info('stopped');
}
