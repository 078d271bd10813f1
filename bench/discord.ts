/**
 * Discord bot latency: how long after INTERACTION_CREATE a learner's /submit is acknowledged, and how
 * long until the reply shows the preflight verdict ("accepted" / "rejected"), for the 333 KB MLPerf Tiny
 * VWW int8 model. The real discord.js client talks to the fake Discord (test/fakes/) over loopback;
 * real Redis and SQLite behind it. Goals (issue 8): acknowledgement ≤ 1 s, verdict ≤ 3 s.
 *
 * Runs `--n` submissions one after another (distinct people, distinct bytes), then `--burst` at once.
 * Peers measured in the same run: the bare work behind the verdict, `intake.submit` called directly
 * (blob store, preflight, database rows, quota lock, enqueue) and `preflight` alone on the same bytes.
 *
 *   npx tsx bench/discord.ts [--n 20] [--burst 10]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DiscordBot } from '../bot/discord/bot.js';
import { parseConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { fromRoot } from '../core/paths.js';
import { createServices } from '../core/services.js';
import { rulesForChallenge } from '../grader/challenges/load.js';
import { getChallenge, syncChallenges } from '../arena/catalog.js';
import { submit } from '../arena/intake.js';
import { ensurePerson } from '../arena/people.js';
import { preflight } from '../grader/validate/preflight.js';
import { FakeDiscord } from '../test/fakes/fake-discord.js';
import { challengeYaml } from '../test/fixtures/challenge-yaml.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '20' }, burst: { type: 'string', default: '10' } } });
const N = Number(values.n);
const BURST = Number(values.burst);
const model = new Uint8Array(readFileSync(fromRoot('..', 'shared', 'models', 'vww_96_int8.tflite')));
const root = mkdtempSync(join(tmpdir(), 'tinyarena-bench-discord-'));

// A small VWW challenge: the held-out set is not used (no workers run), but the definition must load.
const setDir = join(root, 'set');
mkdirSync(setDir);
const labels: string[] = [];
for (let i = 0; i < 4; i++) {
  writeFileSync(join(setDir, `s${i}.bin`), randomBytes(96 * 96 * 3));
  labels.push(`s${i}.bin, 2, ${i % 2}`);
}
writeFileSync(join(setDir, 'y_labels.csv'), `${labels.join('\n')}\n`);
mkdirSync(join(root, 'challenges', 'vww-bench'), { recursive: true });
writeFileSync(
  join(root, 'challenges', 'vww-bench', 'challenge.yaml'),
  challengeYaml({
    id: 'vww-bench',
    title: 'VWW bot benchmark',
    task: 'vww',
    dataset: `{ path: ${setDir}, privateFraction: 0.5 }`,
    maxModelBytes: 1048576,
    maxArenaBytes: 1048576,
    latencyMs: { best: 20, worst: 400 },
    flashBytes: { best: 20000, worst: 1048576 },
    opens: '2020-01-01T00:00:00Z',
    closes: '2099-01-01T00:00:00Z',
    perDay: 1000,
  }),
);

const fake = new FakeDiscord();
await fake.start();
const prefix = `bench${randomBytes(4).toString('hex')}`;
const config = parseConfig({
  DATA_DIR: join(root, 'data'),
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: prefix,
  CHALLENGES_DIR: join(root, 'challenges'),
  LOG_LEVEL: 'silent',
  DISCORD_TOKEN: fake.token,
  DISCORD_APPLICATION_ID: fake.applicationId,
  DISCORD_GUILD_ID: fake.guildId,
  DISCORD_API_URL: fake.apiUrl,
});
const services = await createServices(config, createLogger('silent'));
await syncChallenges(services.db, config.CHALLENGES_DIR);
const bot = new DiscordBot({ services, cooldownScale: 0 });
await bot.start();

/** Distinct bytes per upload (trailing zeros: the same model, its own blob). */
const variant = (i: number) => {
  const out = new Uint8Array(model.length + i + 1);
  out.set(model);
  return out;
};

let next = 0;
async function one(): Promise<{ ack: number; verdict: number; accepted: boolean }> {
  const i = next++;
  const sent = fake.interact({
    command: 'submit',
    user: { id: `6${String(i).padStart(17, '0')}`, username: `bench${i}` },
    options: [
      { name: 'challenge', type: 'string', value: 'vww-bench' },
      { name: 'model', type: 'attachment', file: { name: 'vww_96_int8.tflite', bytes: variant(i) } },
    ],
  });
  const text = await sent.waitForContent(/accepted|rejected|❌|⚠️/, 30_000);
  return { ack: sent.ackLatencyMs()!, verdict: Date.now() - sent.sentAt, accepted: /accepted/.test(text) };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const row = (name: string, xs: number[]) => `| ${name} | ${pct(xs, 50).toFixed(0)} | ${pct(xs, 95).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;

try {
  await one(); // warm-up: JIT, first database rows, first connection pools
  const seq: Awaited<ReturnType<typeof one>>[] = [];
  for (let k = 0; k < N; k++) seq.push(await one());
  const burst = await Promise.all(Array.from({ length: BURST }, () => one()));

  // Peers: the same work without Discord.
  const challenge = await getChallenge(services.db, 'vww-bench', config.CHALLENGES_DIR);
  const rules = rulesForChallenge(challenge.def);
  const pre: number[] = [];
  const intake: number[] = [];
  for (let k = 0; k < N; k++) {
    const bytes = variant(10_000 + k);
    let t = performance.now();
    preflight(bytes, rules);
    pre.push(performance.now() - t);
    const p = await ensurePerson(services.db, `peer${k}`);
    t = performance.now();
    await submit(services, { challengeId: 'vww-bench', personId: p.id, fileName: 'm.tflite', source: 'cli', body: bytes });
    intake.push(performance.now() - t);
  }

  const med = (xs: number[]) => pct(xs, 50);
  console.log(`model: vww_96_int8.tflite, ${model.length} bytes; ${N} sequential + ${BURST} at once; all accepted: ${[...seq, ...burst].every((r) => r.accepted)}`);
  console.log('| measure (ms) | median | p95 | max |');
  console.log('|---|---|---|---|');
  console.log(row('acknowledgement, one at a time', seq.map((r) => r.ack)));
  console.log(row('preflight verdict, one at a time', seq.map((r) => r.verdict)));
  console.log(row(`acknowledgement, ${BURST} at once`, burst.map((r) => r.ack)));
  console.log(row(`preflight verdict, ${BURST} at once`, burst.map((r) => r.verdict)));
  console.log(row('peer: intake.submit directly', intake));
  console.log(row('peer: preflight alone', pre));
  console.log(`verdict / intake.submit (median, one at a time): ${(med(seq.map((r) => r.verdict)) / med(intake)).toFixed(2)}x`);
} finally {
  await bot.stop();
  const keys = await services.redis.keys(`${prefix}:*`);
  if (keys.length) await services.redis.del(...keys);
  await services.close();
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
}
