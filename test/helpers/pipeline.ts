/**
 * A small, real grading setup for pipeline tests: a KWS challenge folder whose held-out set is a few
 * dozen seeded random MFCC samples, the reference KWS model (and byte-padded variants of it, which are
 * distinct uploads with a worse flash term), and helpers to wait for submissions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Services } from '../../core/services.js';
import { syncChallenges } from '../../arena/catalog.js';
import { ensurePerson } from '../../arena/people.js';
import { scratchDatabase } from './databases.js';
import { waitFor } from './process.js';
import { mulberry32 } from '../../lib/rng.js';
import { testServices } from './services.js';
import { sharedModel } from './shared.js';
import { tempDir } from './tmp.js';

export interface ChallengeOptions {
  id?: string;
  perDay?: number;
  total?: number;
  samples?: number;
  gate?: number;
  opens?: string;
  closes?: string;
  freezes?: string;
  ladderMargin?: number;
  maxFinal?: number;
  privateFraction?: number;
  /** Replace the flash weight (changes the definition hash, hence the evaluator version). */
  flashWeight?: number;
  /** Add a capstone project track judged by `judgesPerEntry` judges. */
  projects?: { judgesPerEntry: number };
  /** Accept firmware submissions (judged on every sample of each split on the rack). */
  firmware?: { flashBudgetBytes?: number; bootTimeoutMs?: number; boards?: string[] };
  /** scoring.flash.runtimeBytes: the harness runtime a model's bytes are counted with. */
  runtimeBytes?: number;
  /** Device-stage limit per inference (also the firmware run's timeout). */
  deviceTimeoutMs?: number;
  /** Team size limit (default 1: individual). */
  teamSize?: number;
  /** leaderboard.tracks: rank models and firmware together (default) or on separate tracks. */
  tracks?: 'combined' | 'separate';
  /** quotas.timeZone and timeline.displayTimeZone (default UTC). */
  timeZone?: string;
}

/** Write challenges/<id>/challenge.yaml plus its dataset under `root`; returns the challenges dir. */
export function writeChallenge(root: string, o: ChallengeOptions = {}): string {
  const id = o.id ?? 'kws-test';
  const dir = join(root, 'challenges', id);
  const data = join(root, 'sets', id);
  mkdirSync(dir, { recursive: true });
  mkdirSync(data, { recursive: true });
  const rnd = mulberry32(7);
  const n = o.samples ?? 24;
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = new Uint8Array(490);
    for (let j = 0; j < bytes.length; j++) bytes[j] = rnd() & 0xff;
    writeFileSync(join(data, `s${i}.bin`), bytes);
    labels.push(`s${i}.bin, 12, ${rnd() % 12}`);
  }
  writeFileSync(join(data, 'y_labels.csv'), `${labels.join('\n')}\n`);
  const yaml = `id: ${id}
title: KWS pipeline test
task: kws
dataset:
  path: ${data}
  privateFraction: ${o.privateFraction ?? 0.5}
budgets:
  maxModelBytes: 262144
  maxArenaBytes: 65536
scoring:
  gate: { metric: top1, min: ${o.gate ?? 0} }
  weights: { quality: 100, latency: 20, flash: ${o.flashWeight ?? 20} }
  latency: { bestMs: 20, worstMs: 400 }
  flash: { bestBytes: 20000, worstBytes: 200000${o.runtimeBytes !== undefined ? `, runtimeBytes: ${o.runtimeBytes}` : ''} }
timeline:
  opens: "${o.opens ?? '2020-01-01T00:00:00Z'}"
  closes: "${o.closes ?? '2099-01-01T00:00:00Z'}"
${o.freezes ? `  freezes: "${o.freezes}"\n` : ''}${o.timeZone ? `  displayTimeZone: ${o.timeZone}\n` : ''}quotas:
  perDay: ${o.perDay ?? 100}
${o.timeZone ? `  timeZone: ${o.timeZone}\n` : ''}${o.total ? `  total: ${o.total}\n` : ''}leaderboard:
  ladderMargin: ${o.ladderMargin ?? 0}
${o.tracks ? `  tracks: ${o.tracks}\n` : ''}${o.maxFinal ? `  maxFinalSubmissions: ${o.maxFinal}\n` : ''}${o.deviceTimeoutMs ? `device:\n  timeoutMs: ${o.deviceTimeoutMs}\n` : ''}${o.teamSize ? `team:\n  maxSize: ${o.teamSize}\n` : ''}${
    o.firmware
      ? `firmware:\n  bootTimeoutMs: ${o.firmware.bootTimeoutMs ?? 5000}\n${o.firmware.flashBudgetBytes ? `  flashBudgetBytes: ${o.firmware.flashBudgetBytes}\n` : ''}${o.firmware.boards ? `  boards: [${o.firmware.boards.join(', ')}]\n` : ''}`
      : ''
  }${
    o.projects
      ? `projects:\n  judgesPerEntry: ${o.projects.judgesPerEntry}\n  rubric:\n    - { id: technical, label: Technical mastery, weight: 2, max: 10 }\n    - { id: creativity, label: Creativity, weight: 1, max: 10 }\n    - { id: impact, label: Potential to improve society, weight: 1, max: 10 }\n`
      : ''
  }`;
  writeFileSync(join(dir, 'challenge.yaml'), yaml);
  return join(root, 'challenges');
}

/** Real services (SQLite, or a scratch PostgreSQL database) with the test challenge loaded. */
export async function pipelineServices(opts: { provider?: 'sqlite' | 'postgresql'; challenge?: ChallengeOptions; env?: Record<string, string> } = {}): Promise<Services> {
  const root = tempDir('tinyarena-pipe-');
  const challengesDir = writeChallenge(root, opts.challenge);
  const env: Record<string, string> = { CHALLENGES_DIR: challengesDir, WORKER_CONCURRENCY: '4', JOB_LOCK_MS: '3000', ...opts.env };
  if (opts.provider === 'postgresql') {
    const db = await scratchDatabase('postgresql');
    env.DATABASE_URL = db.target.url;
    // Registered before testServices' own cleanup, so it runs after the services are closed.
    onTestFinished(() => db.drop());
  }
  const services = await testServices(env);
  await syncChallenges(services.db, challengesDir);
  return services;
}

/** The reference KWS model, optionally padded with `pad` zero bytes (a distinct, larger upload). */
export function kwsModel(pad = 0): Uint8Array {
  const m = sharedModel('kws_ref_model');
  if (!pad) return m;
  const out = new Uint8Array(m.length + pad);
  out.set(m);
  return out;
}

export async function person(services: Services, handle: string) {
  return ensurePerson(services.db, handle);
}

/**
 * Wait until every listed submission has left the pipeline, and the ones that are done have finished
 * publishing (the row says `done` a moment before the board is rebuilt and the announcement made).
 */
export async function waitSettled(services: Services, ids: string[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const subs = await services.db.submission.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, evaluatorVersion: true } });
      if (subs.some((x) => x.state === 'queued' || x.state === 'running')) return false;
      const published = await services.db.stageResult.findMany({ where: { submissionId: { in: ids }, stage: 'publish', status: 'passed' }, select: { submissionId: true, evaluatorVersion: true } });
      const ok = new Set(published.map((p) => `${p.submissionId}|${p.evaluatorVersion}`));
      return subs.every((x) => x.state !== 'done' || ok.has(`${x.id}|${x.evaluatorVersion}`) || x.evaluatorVersion === null);
    },
    timeoutMs,
    `${ids.length} submissions to finish`,
  );
}
