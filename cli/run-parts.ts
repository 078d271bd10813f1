/**
 * Runs process parts (web, worker, …) on shared services until SIGTERM/SIGINT, then shuts down in
 * order: stop taking requests, let workers finish or hand back jobs, close connections, stop the
 * private Redis last. A second signal exits at once.
 */
import type { Component } from '../core/component.js';
import { describeMissingTool, missingTools, ToolsCheck } from './boot-checks.js';
import { loadConfig } from '../core/config.js';
import { ensureClients } from '../core/db/generate.js';
import { collectHealth } from '../core/health.js';
import { createLogger } from '../core/logger.js';
import { createServices, type Services } from '../core/services.js';
import { VERSION } from '../core/version.js';

/** Exit with `code` once `stop` is done, or after `ms` whatever is still stuck. */
function exitAfter(stop: () => Promise<void>, ms: number, code: number, onLate: () => void): void {
  const timer = setTimeout(() => {
    onLate();
    process.exit(code);
  }, ms);
  void stop().finally(() => {
    clearTimeout(timer);
    process.exit(code);
  });
}

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
  // System programs first: one line per missing one, saying what will not work.
  const missing = missingTools(config, env.PATH ?? '', parts.includes('worker'));
  for (const m of missing) logger.warn({ tool: m.tool, package: m.debianPackage }, describeMissingTool(m));
  ensureClients();
  const services = await createServices(config, logger);
  const components: Component[] = [new ToolsCheck(missing)];
  try {
    // Every part reads challenges from the database; load the YAML definitions into it first.
    const { syncChallenges } = await import('../arena/catalog.js');
    await syncChallenges(services.db, config.CHALLENGES_DIR, logger);
    if (parts.includes('worker')) {
      // The rack first: it stops after the workers (reverse order), so no device job loses its board.
      const { rackComponent } = await import('../grader/rack/start.js');
      const rack = rackComponent(services);
      if (rack) components.push(rack);
      const { WorkerPool } = await import('../worker/workers.js');
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
      // A stop that seems stuck says what it is waiting for: every 5 s, which part and for how long.
      const began = Date.now();
      let current = '';
      const watchdog = setInterval(() => logger.warn({ component: current, elapsedMs: Date.now() - began }, `still stopping: waiting for ${current}`), 5000).unref();
      try {
        // Web first (no new work arrives), then workers, then shared services (Redis last).
        for (const c of [...components].reverse()) {
          current = c.name;
          const t0 = Date.now();
          try {
            await c.stop();
          } catch (err) {
            logger.error({ err, component: c.name }, 'error while stopping');
          }
          logger.debug({ component: c.name, ms: Date.now() - t0 }, 'stopped part');
        }
        current = 'the shared services (database, Redis)';
        await services.close();
      } finally {
        clearInterval(watchdog);
      }
    })());
  return { services, components, stop };
}

/**
 * Run until a signal arrives. Signals are handled from the first moment: a Ctrl-C while the parts
 * are still starting (the web part may already answer) lets the start finish, then stops cleanly,
 * instead of killing the process by the default action with boards and Redis half set up.
 */
export async function runParts(parts: Part[]): Promise<void> {
  // A stop asked for while starting (Ctrl-C right after start) is honoured once start-up is done,
  // instead of the signal killing the process half-started. One listener per signal for the whole
  // run: removing the last listener stops Node's signal watcher, and a signal it had caught but not yet
  // delivered is then dropped (a SIGTERM sent just as start-up finished was lost and the process ran on).
  let early: NodeJS.Signals | null = null;
  let onSignal: ((sig: NodeJS.Signals) => void) | null = null;
  const listener = (sig: NodeJS.Signals) => (onSignal ? onSignal(sig) : void (early ??= sig));
  process.on('SIGTERM', listener);
  process.on('SIGINT', listener);
  let running: RunningParts;
  try {
    running = await startParts(parts);
  } catch (err) {
    process.off('SIGTERM', listener);
    process.off('SIGINT', listener);
    throw err;
  }
  const { logger } = running.services;
  logger.info({ parts, version: VERSION }, 'TinyArena is up');
  if (running.services.redisHandle.embedded) {
    // The supervisor (core/redis-supervisor.ts) restarts a dead private Redis; this runs when it cannot.
    running.services.redisHandle.onUnexpectedExit = (_code, reason) => {
      logger.fatal(reason ?? 'the private redis-server died; shutting down');
      exitAfter(() => running.stop(), 8_000, 1, () => undefined);
    };
  }
  let firstSignalAt = 0;
  await new Promise<void>((resolve) => {
    onSignal = (sig: NodeJS.Signals) => {
      // The same signal often arrives twice at once (sent to the process group and forwarded by npm);
      // only a later one means "stop now".
      if (firstSignalAt && Date.now() - firstSignalAt < 1000) return;
      if (firstSignalAt) {
        logger.warn({ sig }, 'second signal: exiting now');
        process.exit(130);
      }
      firstSignalAt = Date.now();
      logger.info({ sig }, 'shutting down');
      // Whatever hangs (a dead Redis, a stuck job), the process ends within the grace period.
      const grace = running.services.config.SHUTDOWN_GRACE_MS;
      setTimeout(() => {
        logger.error({ graceMs: grace }, 'shutdown did not finish within SHUTDOWN_GRACE_MS; exiting now');
        process.exit(1);
      }, grace).unref();
      void running.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
    };
    if (early) onSignal(early);
  });
  logger.info('stopped');
}
