import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../bot/answers/knowledge-base.js';
import { loadKnowledgeDirs, markdownChunks } from '../../bot/answers/load.js';
import { loadStoredKnowledge, syncKnowledge } from '../../bot/answers/store.js';
import { sharedPath } from '../helpers/shared.js';
import { testServices } from '../helpers/services.js';

const COURSE = sharedPath('course');

describe.skipIf(!COURSE)('KnowledgeEntry persistence', () => {
  it('stores the course once, re-indexes only what changed, keeps forum entries, and answers from the stored copy', async () => {
    const { db } = await testServices();
    const chunks = loadKnowledgeDirs([COURSE!]);
    const first = await syncKnowledge(db, chunks);
    expect(first.added).toBe(38 + 43 + 537);
    expect(await syncKnowledge(db, chunks)).toEqual({ added: 0, updated: 0, removed: 0, unchanged: first.added });

    // A learned forum solution is not the folders' to remove.
    await db.knowledgeEntry.create({ data: { id: 'topic:42', source: 'forum', title: 'Solved: port', body: 'x', contentHash: 'h' } });
    const edited = chunks.filter((c) => c.citation.id !== 'ptq-vs-qat').map((c) => (c.citation.id === 'sketch-folder-name' ? { ...c, text: `${c.text}\nOne more line.` } : c));
    expect(await syncKnowledge(db, edited)).toMatchObject({ added: 0, updated: 1, removed: 1 });
    expect(await db.knowledgeEntry.findUnique({ where: { id: 'ptq-vs-qat' } })).toBeNull();
    expect(await db.knowledgeEntry.findUnique({ where: { id: 'topic:42' } })).not.toBeNull();

    const kb = new KnowledgeBase(await loadStoredKnowledge(db));
    const a = kb.ask('Arena size is too small for all buffers, AllocateTensors failed');
    expect(a.citations[0]?.id).toBe('tensor-arena-too-small');
  });

  it('round-trips an entry split at headings', async () => {
    const { db } = await testServices();
    const chunks = markdownChunks('---\nid: two-parts\ntitle: Two parts\n---\nIntro.\n\n## First part\nAlpha text.\n\n## Second part\nBeta `this error has several words` here.\n', 'entries/two-parts.md', 'organizer');
    await syncKnowledge(db, chunks);
    const back = await loadStoredKnowledge(db);
    expect(back.map((c) => [c.key, c.citation.url, c.heading])).toEqual(chunks.map((c) => [c.key, c.citation.url, c.heading]));
    expect(back[2]?.errorStrings).toEqual(['this error has several words']);
  });
});
