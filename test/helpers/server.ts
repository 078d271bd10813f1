/** A real `tinyarena` server process for fault tests: start it, give it people with tokens, submit over HTTP. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createServices } from '../../core/services.js';
import { ensurePerson, issueToken } from '../../arena/people.js';
import { syncChallenges } from '../../arena/catalog.js';
import { TEST_REDIS_URL } from './env.js';

/** Tokens for `handles` in the database of `env` (DATA_DIR / DATABASE_URL), made before any server runs. */
export async function tokensFor(env: Record<string, string>, handles: string[]): Promise<Record<string, string>> {
  const config = parseConfig({ REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent', ...env });
  const s = await createServices(config, createLogger('silent'), { migrate: true });
  try {
    await syncChallenges(s.db, config.CHALLENGES_DIR);
    const out: Record<string, string> = {};
    for (const h of handles) out[h] = (await issueToken(s.db, (await ensurePerson(s.db, h)).id, 'fault test')).secret;
    return out;
  } finally {
    await s.close();
  }
}

/** POST a model to the server; returns the submission id. */
export async function upload(base: string, token: string, body: Uint8Array, challenge = 'kws-test'): Promise<string> {
  const res = await fetch(`${base}/api/submissions?challenge=${challenge}&fileName=m.tflite`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body });
  const json = (await res.json()) as { id?: string; error?: string };
  if (!json.id) throw new Error(`upload refused (${res.status}): ${json.error ?? ''}`);
  return json.id;
}

/** A submission's state as its owner sees it over the API. */
export async function stateOf(base: string, token: string, id: string): Promise<string> {
  try {
    const res = await fetch(`${base}/api/submissions/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return res.ok ? ((await res.json()) as { state: string }).state : `http ${res.status}`;
  } catch (err) {
    return `unreachable: ${(err as Error).message}`;
  }
}

export const redisPidOf = (dataDir: string) => Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8').trim());

/** Non-empty stderr lines that are not JSON log records (raw stack dumps and the like). */
export const rawLines = (stderr: string) =>
  stderr.split('\n').filter((l) => {
    if (!l.trim()) return false;
    try {
      JSON.parse(l);
      return false;
    } catch {
      return true;
    }
  });
