/**
 * Submission → leaderboard latency with 100 submissions queued at once: 100 people each upload a
 * distinct model (the reference KWS model padded by a few bytes, so every upload is its own blob and
 * its own model in the shared inference threads) to a challenge with a 1000-sample KWS held-out set, on SQLite and the
 * Redis at REDIS_URL (default: the local one). Goal: p95 ≤ 30 s on host stages.
 *
 * The peer is the bare work: scoring the same set with `scoreDataset` (public and private split)
 * for one model, in this process. The ratio says what the pipeline costs on top of that work
 * (queueing, database writes, events, leaderboard rebuilds) per submission.
 *
 *   npx tsx bench/pipeline.ts [--n 100] [--postgres postgresql://…]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { fromRoot } from '../core/paths.js';
import { createServices } from '../core/services.js';
import { readMlperfDataset } from '../grader/datasets/formats/mlperf.js';
import { closeSharedPool } from '../grader/inference/shared-pool.js';
import { syncChallenges } from '../arena/catalog.js';
import { submit } from '../arena/intake.js';
import { ensurePerson } from '../arena/people.js';
import { scoreDataset } from '../grader/scoring/score.js';
import { WorkerPool } from '../worker/workers.js';
import { challengeYaml } from '../test/fixtures/challenge-yaml.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100' }, postgres: { type: 'string' } } });
const N = Number(values.n);
const root = mkdtempSync(join(tmpdir(), 'tinyarena-bench-'));
const model = new Uint8Array(readFileSync(fromRoot('..', 'shared', 'models', 'kws_ref_model.tflite')));

// A 1000-sample KWS set of seeded pseudo-random features (timing does not depend on the content).
const setDir = join(root, 'set');
mkdirSync(setDir);
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
const labels: string[] = [];
for (let i = 0; i < 1000; i++) {
  writeFileSync(join(setDir, `s${i}.bin`), Uint8Array.from({ length: 490 }, rnd));
  labels.push(`s${i}.bin, 12, ${i % 12}`);
}
writeFileSync(join(setDir, 'y_labels.csv'), `${labels.join('\n')}\n`);
const challengeDir = join(root, 'challenges', 'kws-bench');
mkdirSync(challengeDir, { recursive: true });
writeFileSync(
  join(challengeDir, 'challenge.yaml'),
  challengeYaml({
    id: 'kws-bench',
    title: 'KWS pipeline benchmark',
    dataset: `{ path: ${setDir}, privateFraction: 0.5 }`,
    maxModelBytes: 262144,
    maxArenaBytes: 65536,
    latencyMs: { best: 20, worst: 400 },
    flashBytes: { best: 20000, worst: 262144 },
    opens: '2020-01-01T00:00:00Z',
    closes: '2099-01-01T00:00:00Z',
    perDay: 1000,
  }),
);

const config = parseConfig({
  DATA_DIR: join(root, 'data'),
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `bench${Date.now()}`,
  CHALLENGES_DIR: join(root, 'challenges'),
  LOG_LEVEL: 'silent',
  ...(values.postgres ? { DATABASE_URL: values.postgres } : {}),
});
const services = await createServices(config, createLogger('silent'));
try {
  await syncChallenges(services.db, config.CHALLENGES_DIR);

  // Peer: the bare scoring work for one model (pool warm after the first call, as in the pipeline's steady state).
  const dataset = readMlperfDataset(setDir, 'kws');
  const half = (priv: boolean) => ({ ...dataset, samples: dataset.samples.filter((_, i) => (i % 2 === 0) === priv) });
  await scoreDataset(model, half(false));
  const tb = performance.now();
  await scoreDataset(model, half(false));
  await scoreDataset(model, half(true));
  const bare = (performance.now() - tb) / 1000;

  const people = await Promise.all(Array.from({ length: N }, (_, i) => ensurePerson(services.db, `bench${i}`)));
  const t0 = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const padded = new Uint8Array(model.length + i + 1);
    padded.set(model);
    ids.push((await submit(services, { challengeId: 'kws-bench', personId: people[i]!.id, fileName: 'm.tflite', source: 'api', body: padded })).id);
  }
  const queuedIn = (Date.now() - t0) / 1000;
  const pool = new WorkerPool(services);
  await pool.start();
  const tick = setInterval(() => {
    void services.db.submission.count({ where: { id: { in: ids }, state: 'done' } }).then((d) => process.stderr.write(`\r${d}/${N} done`));
  }, 1000);
  for (;;) {
    const left = await services.db.submission.count({ where: { id: { in: ids }, state: { in: ['queued', 'running'] } } });
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(tick);
  process.stderr.write('\n');
  const wall = (Date.now() - t0) / 1000;
  await pool.stop();
  const rows = await services.db.submission.findMany({ where: { id: { in: ids } }, select: { state: true, createdAt: true, finishedAt: true } });
  const lat = rows.map((r) => (r.finishedAt!.getTime() - r.createdAt.getTime()) / 1000).sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)]!;
  const perSub = wall / N;
  console.log(
    `${N} submissions queued at once (${queuedIn.toFixed(1)} s to take them in), ${config.WORKER_CONCURRENCY} workers, ${availableParallelism()} cores, ${values.postgres ? 'PostgreSQL' : 'SQLite'}:`,
  );
  console.log(`  submission → leaderboard: p50 ${q(0.5).toFixed(1)} s, p95 ${q(0.95).toFixed(1)} s, max ${q(1).toFixed(1)} s; all done in ${wall.toFixed(1)} s (${rows.filter((r) => r.state === 'done').length} done)`);
  const stageRows = await services.db.stageResult.findMany({ where: { submissionId: { in: ids } }, select: { stage: true, startedAt: true, finishedAt: true } });
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const perStage = ['validate', 'score', 'device', 'publish'].map((st) => `${st} ${med(stageRows.filter((r) => r.stage === st).map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime()))} ms`);
  console.log(`  median stage time: ${perStage.join(', ')}`);
  console.log(`  per submission ${perSub.toFixed(3)} s vs bare scoring ${bare.toFixed(3)} s: ratio ${(perSub / bare).toFixed(2)}×`);
} finally {
  const keys = await services.redis.keys(`${config.QUEUE_PREFIX}:*`);
  if (keys.length) await services.redis.del(...keys);
  await services.close();
  await closeSharedPool();
  rmSync(root, { recursive: true, force: true });
}
process.exit(0);
