/**
 * Triage learns from its moderators (issue 18): an edited kind becomes a labelled example, the next
 * similar post follows it (memory at once, then a retrained model stored in the database), a restarted
 * server starts from the stored model and examples, dismissals and accepted solutions count too, and the
 * moderation page's per-kind precision comes from these recent decisions.
 */
import { describe, expect, it } from 'vitest';
import { classifierFor, recentKindPrecision, recordSolution } from '../../bot/discourse/learning.js';
import { knowledgeFor } from '../../bot/discourse/knowledge.js';
import { approveProposal, dismissProposal } from '../../bot/discourse/review.js';
import { triageTopic } from '../../bot/discourse/triage-topic.js';
import { triagePost } from '../../bot/discourse/triage/classify.js';
import { loadCorpus } from '../../bot/discourse/triage/corpus.js';
import { shippedClassifier } from '../../bot/discourse/triage/model.js';
import { sharedPath } from '../helpers/shared.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const COURSE = sharedPath('course');

describe.skipIf(!COURSE)('triage learning from moderators', () => {
  it('follows an edited kind on the next similar post, keeps the model in the database, and reports per-kind precision', async () => {
    const dataDir = tempDir();
    const s = await testServices({ KNOWLEDGE_DIRS: COURSE!, DATA_DIR: dataDir });
    const { db } = s;
    const mod = await db.person.create({ data: { handle: 'mod', displayName: 'Mod' } });
    await db.personRole.create({ data: { personId: mod.id, role: 'moderator' } });
    const topic = (id: number, title: string, body: string) => db.forumTopic.create({ data: { id, title, body, authorUsername: `u${id}`, url: `https://forum.example/t/${id}`, postedAt: new Date(), authorTrustLevel: 1 } });

    const title = 'Netron desktop app will not open my .tflite file on Windows';
    await topic(1, title, 'I downloaded the Netron installer to look at the layers of my converted model, but the window stays blank and then closes. Windows 11, latest Netron release. How do I inspect the graph?');
    const first = await triageTopic(s, 1);
    const proposed = first.kind!;
    const corrected = proposed === 'software-install' ? 'hardware-setup' : 'software-install';
    await approveProposal(s, first.decisionId!, { personId: mod.id }, { kind: corrected });
    const example = await db.triageExample.findUniqueOrThrow({ where: { decisionId: first.decisionId! } });
    expect(example).toMatchObject({ source: 'edited', kind: corrected, proposedKind: proposed, negative: false, weight: 4 });

    // A similar post by someone else: the proposal follows the moderator's kind, and says why.
    await topic(2, 'Netron desktop will not open my tflite model (Windows 10)', 'Installed the Netron desktop app to look at the layers of my converted model; the window stays blank and closes. How can I inspect the graph?');
    // Without the moderator's decision the shipped model files it as it did the first one.
    const t2 = await db.forumTopic.findUniqueOrThrow({ where: { id: 2 } });
    expect(triagePost(await knowledgeFor(s), { title: t2.title, body: t2.body }, { model: shippedClassifier() }).kind).toBe(proposed);
    const second = await triageTopic(s, 2);
    expect(second.kind).toBe(corrected);
    const decision = await db.triageDecision.findUniqueOrThrow({ where: { id: second.decisionId! } });
    expect(JSON.stringify(decision.evidence)).toContain('moderators: topic 1');
    expect(decision.kindConfidence).toBeGreaterThan(0.5);

    // The decision retrained the model, which is stored with what it learned from.
    const stored = await db.triageModel.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    expect(stored).toMatchObject({ moderatorExamples: 1, corpusExamples: loadCorpus().posts.length });

    // Precision per proposed kind on recent decisions: the edited one counts against its proposed kind.
    const dismissedTopic = await topic(3, 'Which soldering iron should I buy?', 'Budget is 60 euros, for headers and small boards.');
    const third = await triageTopic(s, dismissedTopic.id);
    await dismissProposal(s, third.decisionId!, { personId: mod.id }, { kind: 'off-topic' });
    const precision = await recentKindPrecision(s);
    expect(precision.decisions).toBe(2);
    expect(precision.perKind.find((k) => k.kind === proposed)).toMatchObject({ reviewed: 1, precision: 0 });

    // An accepted solution on a reviewed topic is an example of the approved kind.
    await recordSolution(s, 1);
    expect(await db.triageExample.findUniqueOrThrow({ where: { id: 'solution-1' } })).toMatchObject({ source: 'solution', kind: corrected });

    // A restarted server (new services, same database) starts from the stored model and remembers the examples.
    const again = await testServices({ KNOWLEDGE_DIRS: COURSE!, DATA_DIR: dataDir });
    const classifier = await classifierFor(again, await knowledgeFor(again));
    expect(classifier!.memorySize).toBe(3);
    await topic(4, 'Netron desktop app does not open my .tflite on Windows', 'The Netron window stays blank and closes when I open my converted model. How do I look at the layers?').then(() => undefined);
    expect((await triageTopic(again, 4)).kind).toBe(corrected);
    // Retraining analyses the 390 corpus posts once per process: slow on a loaded 2-core machine.
  }, 240_000);
});
