/**
 * Persist the knowledge base in `KnowledgeEntry` rows (one per citable source id) and re-index
 * incrementally: a content hash per entry means a re-scan writes only what changed, and entries whose
 * file disappeared are removed. Entries learned elsewhere (accepted forum solutions) are never removed
 * by a folder re-scan.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../core/db/client.js';
import { extractErrorStrings } from './load.js';
import type { Chunk, SourceKind } from './types.js';

/** Sources that come from KNOWLEDGE_DIRS files (a re-scan owns them). */
const FILE_SOURCES: ReadonlySet<string> = new Set<SourceKind>(['faq', 'organizer', 'syllabus-section', 'syllabus-item']);

/** One stored entry: the chunks of one source id, headings kept so it can be split again. */
export interface EntryRow {
  id: string;
  source: SourceKind;
  title: string;
  url: string;
  body: string;
  tags: string[];
  sections: string[];
  contentHash: string;
}

/** Group chunks by their citation id into entry rows. */
export function entriesOf(chunks: readonly Chunk[]): EntryRow[] {
  const byId = new Map<string, Chunk[]>();
  for (const c of chunks) {
    const list = byId.get(c.citation.id) ?? [];
    list.push(c);
    byId.set(c.citation.id, list);
  }
  return [...byId.values()].map((list) => {
    const first = list[0]!;
    // A headed first chunk carries its anchor in the URL; the entry's own URL has none (syllabus ids keep theirs).
    const body = list.map((c) => (c.heading ? `## ${c.text}` : c.text)).join('\n\n');
    const base = { id: first.citation.id, source: first.source, title: first.citation.title, url: first.heading ? first.citation.url.replace(/#[^#]*$/, '') : first.citation.url, body, tags: first.tags, sections: first.sections };
    return { ...base, contentHash: createHash('sha256').update(JSON.stringify(base)).digest('hex') };
  });
}

/** What one sync did. */
export interface SyncResult {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/** Bring KnowledgeEntry in line with the chunks read from the folders; writes only the differences. */
export async function syncKnowledge(db: Db, chunks: readonly Chunk[]): Promise<SyncResult> {
  const rows = entriesOf(chunks);
  const stored = new Map((await db.knowledgeEntry.findMany({ select: { id: true, source: true, contentHash: true } })).map((r) => [r.id, r]));
  const fresh = rows.filter((r) => !stored.has(r.id));
  const changed = rows.filter((r) => stored.has(r.id) && stored.get(r.id)!.contentHash !== r.contentHash);
  const wanted = new Set(rows.map((r) => r.id));
  const gone = [...stored.values()].filter((r) => FILE_SOURCES.has(r.source) && !wanted.has(r.id)).map((r) => r.id);
  await db.$transaction([
    ...(fresh.length ? [db.knowledgeEntry.createMany({ data: fresh })] : []),
    ...changed.map(({ id, ...data }) => db.knowledgeEntry.update({ where: { id }, data })),
    ...(gone.length ? [db.knowledgeEntry.deleteMany({ where: { id: { in: gone } } })] : []),
  ]);
  return { added: fresh.length, updated: changed.length, removed: gone.length, unchanged: rows.length - fresh.length - changed.length };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Chunks back from the stored entries (split at the `## ` headings written by {@link entriesOf}). */
export async function loadStoredKnowledge(db: Db): Promise<Chunk[]> {
  const rows = await db.knowledgeEntry.findMany({ orderBy: { id: 'asc' } });
  return rows.flatMap((r) => {
    // A forum entry is one question with its answer: one chunk, cited by the topic's URL.
    const parts = r.source === 'forum' ? [r.body] : r.body.split(/\n\n(?=## )/);
    return parts.map((p, i) => {
      const headed = p.startsWith('## ');
      const heading = headed ? p.slice(3).split('\n', 1)[0]! : '';
      const text = headed ? p.slice(3) : p;
      const anchor = heading.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const url = r.url ?? '';
      return {
        key: `${r.source}:${r.id}${i && anchor ? `#${anchor}` : ''}`,
        citation: { id: r.id, title: r.title, url: anchor ? `${url}#${anchor}` : url },
        source: r.source as SourceKind,
        heading,
        text,
        tags: strings(r.tags),
        sections: strings(r.sections),
        errorStrings: r.source === 'faq' || r.source === 'organizer' || r.source === 'forum' ? extractErrorStrings(`${headed ? '' : r.title}\n${text}`) : [],
      } satisfies Chunk;
    });
  });
}
