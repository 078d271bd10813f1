/**
 * Page server time with 10,000 submissions: seeds one challenge with 10k scored submissions from 2,000
 * people (SQLite by default, or --postgres URL), builds its leaderboards, then times every page and
 * API route through the real express app (median and worst of repeated requests). Goal: no page over
 * 200 ms. The peer is the health check (/healthz) timed in the same run: the ratio is what a page
 * costs over a request that only pings the database and Redis.
 *
 *   npx tsx bench/web.ts [--postgres postgresql://…]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../core/config.js';
import { collectHealth } from '../core/health.js';
import { createLogger } from '../core/logger.js';
import { fromRoot } from '../core/paths.js';
import { createServices } from '../core/services.js';
import { syncChallenges } from '../arena/catalog.js';
import { evaluatorVersion } from '../arena/evaluator.js';
import { recomputeLeaderboard } from '../arena/leaderboard.js';
import { grantRole, issueToken } from '../arena/people.js';
import { WebServer } from '../web/server.js';

const { values } = parseArgs({ options: { postgres: { type: 'string' } } });
const root = mkdtempSync(join(tmpdir(), 'tinyarena-webbench-'));
const N = 10_000;
const PEOPLE = 2_000;
mkdirSync(join(root, 'challenges', 'kws-bench'), { recursive: true });
writeFileSync(
  join(root, 'challenges', 'kws-bench', 'challenge.yaml'),
  readFileSync(fromRoot('challenges', 'kws-demo', 'challenge.yaml'), 'utf8').replace(/^id: kws-demo$/m, 'id: kws-bench').replace(/^dataset:[\s\S]*?(?=^\w)/m, ''),
);
const config = parseConfig({
  DATA_DIR: join(root, 'data'),
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `webbench${Date.now()}`,
  CHALLENGES_DIR: join(root, 'challenges'),
  LOG_LEVEL: 'silent',
  PORT: '0',
  ...(values.postgres ? { DATABASE_URL: values.postgres } : {}),
});
const services = await createServices(config, createLogger('silent'));
const web: WebServer = new WebServer({ services, health: () => collectHealth(services, [], 'bench') });
try {
  await syncChallenges(services.db, config.CHALLENGES_DIR);
  const c = await services.db.challenge.findUniqueOrThrow({ where: { id: 'kws-bench' } });
  const version = evaluatorVersion(c.definitionHash);
  process.stderr.write('seeding…\n');
  await services.db.person.createMany({ data: Array.from({ length: PEOPLE }, (_, i) => ({ id: `p${i}`, handle: `learner${i}`, displayName: `Learner ${i}` })) });
  const blobs = Array.from({ length: N }, (_, i) => ({ sha256: i.toString(16).padStart(64, '0'), sizeBytes: 40_000 + (i % 997) * 100, kind: 'tflite' }));
  for (let i = 0; i < N; i += 1000) await services.db.blob.createMany({ data: blobs.slice(i, i + 1000) });
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const t0 = Date.now() - N * 60_000;
  const subs = blobs.map((b, i) => {
    const score = 80 + rnd() * 30;
    return { id: `s${i}`, challengeId: 'kws-bench', personId: `p${i % PEOPLE}`, blobSha256: b.sha256, kind: 'model' as const, fileName: 'm.tflite', source: 'api' as const, state: 'done' as const, evaluatorVersion: version, runVersion: version, runId: `r${i}`, eligible: rnd() > 0.1, publicScore: score, privateScore: score + rnd() - 0.5, createdAt: new Date(t0 + i * 60_000), startedAt: new Date(t0 + i * 60_000), finishedAt: new Date(t0 + i * 60_000 + 20_000) };
  });
  for (let i = 0; i < N; i += 1000) await services.db.submission.createMany({ data: subs.slice(i, i + 1000) });
  const scores = subs.flatMap((s) => (['public', 'private'] as const).map((split) => ({ submissionId: s.id, split, evaluatorVersion: version, metric: 'top1', value: (split === 'public' ? s.publicScore : s.privateScore) / 130, composite: split === 'public' ? s.publicScore : s.privateScore, eligible: s.eligible })));
  for (let i = 0; i < scores.length; i += 2000) await services.db.score.createMany({ data: scores.slice(i, i + 2000) });
  const stages = subs.slice(0, 50).flatMap((s) => (['validate', 'score', 'device', 'publish'] as const).map((stage) => ({ submissionId: s.id, stage, evaluatorVersion: version, status: 'passed' as const, attempts: 1, startedAt: s.startedAt, finishedAt: s.finishedAt, detail: {} })));
  await services.db.stageResult.createMany({ data: stages });
  const tr = performance.now();
  await recomputeLeaderboard(services, 'kws-bench');
  const rebuildMs = performance.now() - tr;
  // Steady state: what a publish pays when the board barely changes (one participant's new best).
  await services.db.submission.update({ where: { id: 's1234' }, data: { publicScore: 200, privateScore: 200, eligible: true } });
  const ts = performance.now();
  await recomputeLeaderboard(services, 'kws-bench');
  const steadyMs = performance.now() - ts;
  const org = await services.db.person.create({ data: { handle: 'olga', displayName: 'Olga' } });
  await grantRole(services.db, org.id, 'organizer');
  const token = (await issueToken(services.db, org.id, 'bench')).secret;
  await web.start();
  const base = `http://127.0.0.1:${web.port}`;

  const time = async (path: string, auth = false, reps = 15) => {
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      const r = await fetch(base + path, auth ? { headers: { authorization: `Bearer ${token}` } } : {});
      await r.arrayBuffer();
      if (r.status >= 400) throw new Error(`${path}: ${r.status}`);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return { path, median: ms[Math.floor(ms.length / 2)]!, worst: ms[ms.length - 1]! };
  };
  const peer = await time('/healthz');
  const rows = [
    await time('/'),
    await time('/challenges/kws-bench'),
    await time('/challenges/kws-bench/leaderboard'),
    await time('/api/challenges/kws-bench/leaderboard'),
    await time('/api/challenges'),
    await time('/submissions/s9999'),
    await time('/api/submissions/s9999', true),
    await time('/admin', true),
    await time('/admin/audit', true),
    await time('/admin/challenges/kws-bench/leaderboard.csv?split=private', true),
    await time('/admin/challenges/kws-bench/gradebook.csv', true),
  ];
  console.log(`${N} submissions from ${PEOPLE} people on ${values.postgres ? 'PostgreSQL' : 'SQLite'}; leaderboard build ${rebuildMs.toFixed(0)} ms from scratch, ${steadyMs.toFixed(0)} ms after one new best (new #1: every rank shifts); peer /healthz median ${peer.median.toFixed(1)} ms`);
  for (const r of rows) console.log(`  ${r.path.padEnd(58)} median ${r.median.toFixed(1).padStart(6)} ms  worst ${r.worst.toFixed(1).padStart(6)} ms  ×${(r.median / peer.median).toFixed(1)} of /healthz`);
} finally {
  await web.stop();
  const keys = await services.redis.keys(`${config.QUEUE_PREFIX}:*`);
  if (keys.length) await services.redis.del(...keys);
  await services.close();
  rmSync(root, { recursive: true, force: true });
}
process.exit(0);
