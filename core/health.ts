import type { Component, ComponentHealth } from './component.js';
import { pingDb } from './db/client.js';
import { migrationStatus } from './db/migrate.js';
import { redactUrl } from './db/target.js';
import { pingRedis } from './redis.js';
import type { Services } from './services.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  checks: Record<string, ComponentHealth>;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/** Database and Redis checks plus every component's own health. */
export async function collectHealth(services: Services, components: readonly Component[], version: string): Promise<HealthReport> {
  const checks: Record<string, ComponentHealth> = {};
  const database = async (): Promise<ComponentHealth> => {
    try {
      const latencyMs = await withTimeout(pingDb(services.db), 2000, 'database');
      return { ok: true, state: 'up', provider: services.dbTarget.provider, url: redactUrl(services.dbTarget.url), latencyMs: round(latencyMs), migrations: await migrations() };
    } catch (err) {
      return { ok: false, state: 'down', provider: services.dbTarget.provider, error: (err as Error).message };
    }
  };
  const migrations = async () => {
    // Schema status is cached: it only changes when migrations are applied.
    let cached = migrationCache.get(services);
    if (!cached) {
      cached = migrationStatus(services.dbTarget).catch((err: Error) => ({ error: err.message }));
      migrationCache.set(services, cached);
    }
    return cached;
  };
  const redis = async (): Promise<ComponentHealth> => {
    try {
      const latencyMs = await withTimeout(pingRedis(services.redis), 2000, 'redis');
      return { ok: true, state: 'up', embedded: services.redisHandle.embedded, at: services.redisHandle.describe, latencyMs: round(latencyMs) };
    } catch (err) {
      return { ok: false, state: 'down', embedded: services.redisHandle.embedded, error: (err as Error).message };
    }
  };
  const [db, rd, ...parts] = await Promise.all([database(), redis(), ...components.map(async (c) => {
    try {
      return await c.health();
    } catch (err) {
      return { ok: false, state: 'failed', error: (err as Error).message };
    }
  })]);
  checks.database = db;
  checks.redis = rd;
  components.forEach((c, i) => (checks[c.name] = parts[i]!));
  if (db.ok && typeof db.migrations === 'object' && db.migrations && 'pending' in db.migrations && (db.migrations as { pending: string[] }).pending.length > 0) {
    db.ok = false;
    db.state = 'migrations pending';
    migrationCache.delete(services);
  }
  return {
    status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'degraded',
    version,
    uptimeSeconds: Math.round(process.uptime()),
    checks,
  };
}

const migrationCache = new WeakMap<Services, Promise<unknown>>();

const round = (ms: number) => Math.round(ms * 100) / 100;
