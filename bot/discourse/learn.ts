/**
 * Learning from accepted solutions: a solved topic becomes a KnowledgeEntry (`topic:<id>`, source
 * `forum`) holding the question and its accepted answer, so later questions can cite it and later topics
 * can be proposed as its duplicates. Folder re-scans never remove these entries.
 */
import { createHash } from 'node:crypto';
import type { Services } from '../../core/services.js';

export interface AcceptedSolution {
  topicId: number;
  topicTitle?: string;
  topicSlug?: string;
  /** The accepted post's Markdown. */
  answer: string;
}

/** Store (or refresh) the forum entry for a solved topic; returns its knowledge id. */
export async function learnSolution(services: Services, s: AcceptedSolution): Promise<string> {
  const { db, config } = services;
  const topic = await db.forumTopic.findUnique({ where: { id: s.topicId } });
  const id = `topic:${s.topicId}`;
  const title = topic?.title || s.topicTitle || `Forum topic ${s.topicId}`;
  const url = topic?.url ?? `${(config.DISCOURSE_URL ?? '').replace(/\/+$/, '')}/t/${s.topicSlug ?? 'topic'}/${s.topicId}`;
  const body = [topic?.body ?? '', `## Accepted solution\n${s.answer}`].filter(Boolean).join('\n\n');
  const entry = { source: 'forum', title, url, body, tags: Array.isArray(topic?.tags) ? topic.tags : [], sections: [] };
  const contentHash = createHash('sha256').update(JSON.stringify(entry)).digest('hex');
  await db.knowledgeEntry.upsert({ where: { id }, create: { id, ...entry, contentHash }, update: { ...entry, contentHash } });
  return id;
}
