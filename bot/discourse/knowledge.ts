/**
 * The knowledge base a server process answers from: KNOWLEDGE_DIRS synced into KnowledgeEntry (again
 * every {@link RESYNC_MS}, so edited course files are picked up without a restart), then every entry
 * (folders and learned forum solutions) loaded from the database. Rebuilt only when the stored entries
 * change, checked cheaply (count and latest update) before each use.
 */
import type { Services } from '../../core/services.js';
import { KnowledgeBase } from '../answers/knowledge-base.js';
import { loadKnowledgeDirs } from '../answers/load.js';
import { loadStoredKnowledge, syncKnowledge } from '../answers/store.js';

interface Cached {
  stamp: string;
  kb: KnowledgeBase;
}
const cache = new WeakMap<Services, Cached>();
const syncedAt = new WeakMap<Services, number>();

/** How often the folders are re-read (a sync writes only what changed). */
export const RESYNC_MS = 10 * 60 * 1000;

export async function knowledgeFor(services: Services): Promise<KnowledgeBase> {
  const { db, config, logger } = services;
  const last = syncedAt.get(services);
  if (last === undefined || Date.now() - last > RESYNC_MS) {
    syncedAt.set(services, Date.now());
    if (config.knowledgeDirs.length) {
      const res = await syncKnowledge(db, loadKnowledgeDirs(config.knowledgeDirs));
      logger.info(res, 'knowledge base synced from KNOWLEDGE_DIRS');
    }
  }
  const agg = await db.knowledgeEntry.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
  const stamp = `${agg._count._all}:${agg._max.updatedAt?.getTime() ?? 0}`;
  const hit = cache.get(services);
  if (hit && hit.stamp === stamp) return hit.kb;
  const kb = new KnowledgeBase(await loadStoredKnowledge(db));
  cache.set(services, { stamp, kb });
  return kb;
}
