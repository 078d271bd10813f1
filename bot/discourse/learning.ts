/**
 * The triage classifier learns from its moderators. Every approved, edited or dismissed proposal and
 * every accepted solution becomes a labelled TriageExample; the classifier a server uses is the newest
 * TriageModel row (or, on a fresh install, the shipped model trained on the labelled corpus), plus a
 * memory of the moderators' examples so a near-identical post follows a decision at once. When examples
 * newer than the model exist, the next triage retrains incrementally: it continues from the current
 * weights with a few passes over the corpus and every moderator example (a moderator's decision weighs
 * more than a corpus post), refits the section ranker, and stores the result.
 */
import { createHash } from 'node:crypto';
import type { Services } from '../../core/services.js';
import type { KnowledgeBase } from '../answers/knowledge-base.js';
import { analysePost } from './triage/classify.js';
import { loadCorpus } from './triage/corpus.js';
import { trainingExamples } from './triage/evaluate.js';
import { FEATURE_VERSION, textTerms } from './triage/features.js';
import { SoftmaxModel } from './triage/linear-model.js';
import { LearnedTriage, shippedClassifier, trainKindModel, trainNaiveBayes, trainSectionRanker, type MemoryItem, type TrainingExample, type TriageModelJson } from './triage/model.js';
import type { PostMeta } from './triage/signals.js';
import { KINDS, type Kind } from './triage/types.js';

/** How much one moderator example weighs against one corpus post. A corrected kind says the most. */
export const EXAMPLE_WEIGHT = { edited: 4, approved: 2, dismissed: 2, solution: 1 } as const;
/** Passes over the data when retraining from the current weights. */
const INCREMENTAL_EPOCHS = 8;
/** How many recent reviewed decisions the per-kind precision looks at. */
export const RECENT_DECISIONS = 200;

const isKind = (k: string | null | undefined): k is Kind => !!k && (KINDS as readonly string[]).includes(k);

/** Record what a moderator did with a proposal (idempotent per decision). */
export async function recordDecision(
  services: Services,
  d: { id: string; topicId: number; kind: string; courseSection: string | null },
  outcome: { source: 'approved' | 'edited' | 'dismissed'; kind: string; courseSection: string | null; negative: boolean },
): Promise<void> {
  const topic = await services.db.forumTopic.findUnique({ where: { id: d.topicId } });
  if (!topic || !isKind(outcome.kind)) return;
  const data = {
    source: outcome.source,
    topicId: d.topicId,
    title: topic.title,
    body: topic.body,
    meta: { trustLevel: topic.authorTrustLevel, postCount: topic.authorPostCount },
    kind: outcome.kind,
    negative: outcome.negative,
    proposedKind: d.kind,
    courseSection: outcome.negative ? null : outcome.courseSection,
    weight: EXAMPLE_WEIGHT[outcome.source],
  };
  await services.db.triageExample.upsert({ where: { decisionId: d.id }, create: { decisionId: d.id, ...data }, update: data });
  cache.get(services)?.classifier.remember(memoryOf({ ...data, topicId: d.topicId }));
}

/**
 * An accepted solution says the topic was a real course question: it becomes an example of the kind a
 * moderator approved for it, or, unreviewed, of the proposed kind unless that was spam, off-topic or a
 * courseware bug (a solved topic is none of those, but which kind it was is unknown).
 */
export async function recordSolution(services: Services, topicId: number): Promise<void> {
  const { db } = services;
  const topic = await db.forumTopic.findUnique({ where: { id: topicId } });
  if (!topic) return;
  const decisions = await db.triageDecision.findMany({ where: { topicId }, orderBy: { createdAt: 'desc' } });
  const reviewed = decisions.find((x) => x.status === 'approved' || x.status === 'edited' || x.status === 'published');
  const kind = reviewed?.kind ?? decisions.find((x) => !['spam', 'off-topic', 'courseware-bug'].includes(x.kind))?.kind;
  if (!isKind(kind)) return;
  const id = `solution-${topicId}`;
  const data = { source: 'solution', topicId, title: topic.title, body: topic.body, meta: { trustLevel: topic.authorTrustLevel, postCount: topic.authorPostCount }, kind, negative: false, proposedKind: decisions[0]?.kind ?? null, courseSection: reviewed?.courseSection ?? null, weight: EXAMPLE_WEIGHT.solution };
  await db.triageExample.upsert({ where: { id }, create: { id, ...data }, update: data });
}

function memoryOf(e: { title: string; body: string; kind: string; negative: boolean; topicId: number | null }): MemoryItem {
  return { terms: textTerms(`${e.title}\n${e.body}`), kind: e.kind as Kind, negative: e.negative, ref: e.topicId !== null ? `topic ${e.topicId}` : 'a reviewed topic' };
}

interface Cached {
  classifier: LearnedTriage;
  /** Newest example the classifier has learned from (weights), and the newest it remembers. */
  learnedUpTo: number;
}
const cache = new WeakMap<Services, Cached>();
/**
 * Corpus training examples per knowledge-base content (retrieval over 390 posts costs seconds; do it once
 * per process, also when the knowledge base object is rebuilt with the same material).
 */
const corpusCache = new Map<string, TrainingExample[]>();

function corpusExamples(kb: KnowledgeBase): TrainingExample[] {
  const h = createHash('sha256');
  for (const c of kb.chunks) h.update(c.key).update('\0').update(c.text).update('\0');
  const key = h.digest('hex');
  let ex = corpusCache.get(key);
  if (!ex) {
    // One knowledge base is current at a time: drop the analyses made against an older one.
    corpusCache.clear();
    corpusCache.set(key, (ex = trainingExamples(kb, loadCorpus().posts)));
  }
  return ex;
}

/**
 * The classifier for this server: the newest stored model (or the shipped one) with the moderators'
 * memory; retrained first when moderators decided something since it was trained.
 */
export async function classifierFor(services: Services, kb: KnowledgeBase): Promise<LearnedTriage | null> {
  const { db, logger } = services;
  const newest = await db.triageExample.findFirst({ orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  const newestAt = newest?.createdAt.getTime() ?? 0;
  let hit = cache.get(services);
  if (!hit) {
    const row = await db.triageModel.findFirst({ where: { featureVersion: FEATURE_VERSION }, orderBy: { createdAt: 'desc' } });
    const base = row ? LearnedTriage.fromJSON(row.model as unknown as TriageModelJson) : shippedClassifier();
    if (!base) return null;
    const examples = await db.triageExample.findMany({ orderBy: { createdAt: 'asc' } });
    const classifier = LearnedTriage.fromJSON(base.toJSON(), examples.map(memoryOf));
    hit = { classifier, learnedUpTo: row?.lastExampleAt?.getTime() ?? 0 };
    cache.set(services, hit);
  }
  if (newestAt > hit.learnedUpTo) {
    const started = Date.now();
    hit = await retrain(services, kb, hit.classifier);
    cache.set(services, hit);
    logger.info({ ms: Date.now() - started, examples: hit.classifier.memorySize }, 'triage classifier retrained from moderator decisions');
  }
  return hit.classifier;
}

/** Continue training from the current weights on the corpus and every moderator example; store the result. */
export async function retrain(services: Services, kb: KnowledgeBase, current: LearnedTriage): Promise<Cached> {
  const { db } = services;
  const rows = await db.triageExample.findMany({ orderBy: { createdAt: 'asc' } });
  const moderator: TrainingExample[] = rows.flatMap((r) => {
    if (!isKind(r.kind)) return [];
    const meta = (r.meta ?? undefined) as PostMeta | undefined;
    const a = analysePost(kb, { title: r.title, body: r.body, meta });
    return [{ analysis: a, withoutMeta: a.withoutMeta(), kind: r.kind, weight: r.weight, negative: r.negative, section: r.courseSection, sectionEvidence: a.sectionEvidence }];
  });
  const corpus = corpusExamples(kb);
  const all = [...corpus, ...moderator];
  const model = trainKindModel(all, { from: SoftmaxModel.fromJSON(current.model.toJSON()), train: { epochs: INCREMENTAL_EPOCHS } });
  const info = { featureVersion: FEATURE_VERSION, corpusHash: current.info?.corpusHash ?? '', examples: { corpus: corpus.length, moderator: moderator.length }, trainedAt: new Date().toISOString() };
  const classifier = new LearnedTriage(model, rows.map(memoryOf), info, trainSectionRanker(all), trainNaiveBayes(all));
  const lastExampleAt = rows.length ? rows[rows.length - 1]!.createdAt : null;
  await db.triageModel.create({ data: { featureVersion: FEATURE_VERSION, corpusExamples: corpus.length, moderatorExamples: moderator.length, lastExampleAt, model: JSON.parse(JSON.stringify(classifier.toJSON())) as object } });
  return { classifier, learnedUpTo: lastExampleAt?.getTime() ?? 0 };
}

/** Per proposed kind: how many recent reviewed proposals a moderator kept as that kind. */
export interface KindPrecision {
  kind: Kind;
  reviewed: number;
  kept: number;
  precision: number | null;
}

/** Precision of the bot's kinds on the most recent reviewed decisions (for the moderation page). */
export async function recentKindPrecision(services: Services, limit = RECENT_DECISIONS): Promise<{ decisions: number; perKind: KindPrecision[] }> {
  const rows = await services.db.triageExample.findMany({ where: { source: { in: ['approved', 'edited', 'dismissed'] } }, orderBy: { createdAt: 'desc' }, take: limit });
  const perKind = KINDS.map((kind) => {
    const mine = rows.filter((r) => r.proposedKind === kind);
    const kept = mine.filter((r) => !r.negative && r.kind === kind).length;
    return { kind, reviewed: mine.length, kept, precision: mine.length ? kept / mine.length : null };
  });
  return { decisions: rows.length, perKind };
}
