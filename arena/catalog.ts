/**
 * Challenges as the pipeline sees them: the YAML files are the definition, synced into the database
 * (so every process, and every report, uses the exact text it was judged under); the row adds the
 * organizer's live state. Parsed definitions are cached by content hash.
 */
import { join } from 'node:path';
import type { Db, DbTypes } from '../core/db/client.js';
import type { Logger } from '../core/logger.js';
import { ChallengeError, listChallengeIds, loadChallenge, parseChallenge, type LoadedChallenge } from '../grader/challenges/load.js';
import type { ChallengeDefinition } from '../grader/challenges/schema.js';
import { challengePhase, type PhaseInfo } from './phase.js';
import { UnknownChallengeError } from './errors.js';

export type ChallengeRow = DbTypes.Challenge;

export interface ChallengeView {
  row: ChallengeRow;
  def: ChallengeDefinition;
  /** Folder the YAML lives in (relative dataset paths resolve against it). */
  dir: string;
  /** Same value as the evaluator uses. */
  definitionHash: string;
}

const parsed = new Map<string, LoadedChallenge>();

function parseCached(row: ChallengeRow, file: string): LoadedChallenge {
  let hit = parsed.get(row.definitionHash);
  if (!hit) {
    hit = parseChallenge(row.definition, file);
    parsed.set(row.definitionHash, hit);
  }
  return hit;
}

/** The stored challenge with its parsed definition. */
export async function getChallenge(db: Db, id: string, challengesDir: string): Promise<ChallengeView> {
  const row = await db.challenge.findUnique({ where: { id } });
  if (!row) {
    const known = (await db.challenge.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((c) => c.id);
    throw new UnknownChallengeError(`no challenge "${id}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  const dir = join(challengesDir, id);
  const loaded = parseCached(row, join(dir, 'challenge.yaml'));
  return { row, def: loaded.definition, dir, definitionHash: row.definitionHash };
}

/** Every stored challenge, by id: what lists of challenges (pages, the API, the dashboard) show. */
export async function listChallenges(db: Db): Promise<{ id: string; title: string; task: string; state: ChallengeRow['state'] }[]> {
  return db.challenge.findMany({ orderBy: { id: 'asc' }, select: { id: true, title: true, task: true, state: true } });
}

/** A stored challenge's title, or null when there is no such challenge. */
export async function challengeTitle(db: Db, id: string): Promise<string | null> {
  return (await db.challenge.findUnique({ where: { id }, select: { title: true } }))?.title ?? null;
}

/** Whether a challenge with this id is stored. */
export async function challengeExists(db: Db, id: string): Promise<boolean> {
  return (await db.challenge.findUnique({ where: { id }, select: { id: true } })) !== null;
}

export function phaseOf(view: Pick<ChallengeView, 'row'>, now = new Date()): PhaseInfo {
  return challengePhase(view.row, now);
}

export interface SyncResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Files that failed to load: the stored copy (if any) stays in force. */
  errors: { id: string; message: string }[];
}

/**
 * Load every challenges/<id>/challenge.yaml into the database. Live state (open/closed, freeze) is
 * never touched; a changed definition is recorded in the audit log with both hashes.
 */
export async function syncChallenges(db: Db, challengesDir: string, logger?: Logger): Promise<SyncResult> {
  const out: SyncResult = { created: [], updated: [], unchanged: [], errors: [] };
  for (const id of listChallengeIds(challengesDir)) {
    let loaded: LoadedChallenge;
    try {
      loaded = loadChallenge(id, challengesDir);
    } catch (err) {
      if (!(err instanceof ChallengeError)) throw err;
      out.errors.push({ id, message: err.message });
      logger?.error({ challenge: id, err: err.message }, 'challenge definition rejected; the stored copy stays in force');
      continue;
    }
    const d = loaded.definition;
    const fields = {
      title: d.title,
      task: d.task,
      definition: loaded.yaml,
      definitionHash: loaded.sha256,
      opensAt: new Date(d.timeline.opens),
      closesAt: new Date(d.timeline.closes),
      freezesAt: d.timeline.freezes ? new Date(d.timeline.freezes) : null,
    };
    const existing = await db.challenge.findUnique({ where: { id }, select: { definitionHash: true } });
    if (!existing) {
      await db.challenge.create({ data: { id, ...fields } }).catch(async (err: unknown) => {
        // Another process synced the same file at the same moment.
        if (!(await db.challenge.findUnique({ where: { id } }))) throw err;
      });
      out.created.push(id);
    } else if (existing.definitionHash !== loaded.sha256) {
      await db.$transaction([
        db.challenge.update({ where: { id }, data: fields }),
        db.auditLog.create({ data: { action: 'challenge.definition-changed', targetType: 'challenge', targetId: id, data: { before: existing.definitionHash, after: loaded.sha256 } } }),
      ]);
      out.updated.push(id);
    } else {
      out.unchanged.push(id);
    }
  }
  return out;
}
