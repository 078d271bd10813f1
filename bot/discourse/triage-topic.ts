/**
 * The triage job for one stored forum topic: read its current tags from Discourse, triage it, and store
 * the bot's proposal as a TriageDecision. Nothing becomes public here: a moderator approves proposals
 * in the review queue. The only thing written to the forum is a staff-only whisper with the evidence.
 */
import type { Services } from '../../core/services.js';
import { audit } from '../../arena/admin.js';
import { discourseClient } from './client.js';
import { matchAutoApply, parseAutoApplyRules } from './auto-apply.js';
import { authorMeta, repeatedText } from './forum-context.js';
import { knowledgeFor } from './knowledge.js';
import { classifierFor } from './learning.js';
import { approveProposal } from './review.js';
import { triagePost } from './triage/classify.js';
import type { TriageResult } from './triage/types.js';

/** The moderators' evidence, as Markdown for the whisper. */
export function evidenceText(t: TriageResult): string {
  const lines = [
    `**Triage proposal** (pending moderator review): kind \`${t.kind}\` (${Math.round(t.kindConfidence * 100)} %), section ${t.course_section ?? '—'}, tags ${t.tags.map((x) => `\`${x}\``).join(' ') || '—'}`,
    t.duplicate_of ? `Likely duplicate of **${t.duplicate_of}**.` : '',
    t.answer.abstained ? 'No confident answer in the course material.' : `Drafted answer (confidence ${t.answer.confidence}) cites: ${t.answer.citations.map((c) => `[${c.id}](${c.url})`).join(', ')}`,
    '',
    'Evidence:',
    ...t.evidence.map((e) => `- ${e}`),
  ];
  return lines.filter((l, i) => l !== '' || i === 3).join('\n');
}

export interface TriageTopicResult {
  decisionId: string | null;
  kind?: string;
  /** The auto-apply rule that applied the proposal without review. */
  autoApplied?: string;
  skipped?: string;
}

/** Triage a stored topic; re-running overwrites the pending proposal, never a reviewed one. */
export async function triageTopic(services: Services, topicId: number): Promise<TriageTopicResult> {
  const { db, logger } = services;
  const topic = await db.forumTopic.findUnique({ where: { id: topicId } });
  if (!topic) return { decisionId: null, skipped: 'no such topic' };
  const reviewed = await db.triageDecision.findFirst({ where: { topicId, status: { not: 'proposed' } } });
  if (reviewed) return { decisionId: reviewed.id, skipped: `already ${reviewed.status}` };

  const client = discourseClient(services);
  let tags = Array.isArray(topic.tags) ? topic.tags.filter((x): x is string => typeof x === 'string') : [];
  if (client) {
    // The webhook's post payload has no tags; proposals must merge with the topic's current ones.
    tags = (await client.getTopic(topicId)).tags;
    await db.forumTopic.update({ where: { id: topicId }, data: { tags } });
  }
  const kb = await knowledgeFor(services);
  // Forum signals beyond the text (trust level, post count, repeats) and the classifier moderators have taught.
  const meta = { ...(await authorMeta(services, client, topic)), repeats: await repeatedText(services, topic) };
  const model = await classifierFor(services, kb);
  const t = triagePost(kb, { title: topic.title, body: topic.body, tags, meta }, model ? { model } : {});
  const forumDuplicate = t.duplicate_of?.startsWith('topic:') ? Number(t.duplicate_of.slice('topic:'.length)) : null;
  // A duplicate FAQ entry has no topic id: its citation carries the mark instead.
  const citations = t.answer.citations.map((c): Record<string, string | boolean> => ({ id: c.id, title: c.title, url: c.url, ...(c.id === t.duplicate_of ? { duplicate: true } : {}) }));
  const data = {
    kind: t.kind,
    courseSection: t.course_section,
    tags: t.tags,
    duplicateOf: forumDuplicate,
    answerDraft: t.answer.abstained ? null : t.answer.text,
    citations,
    confidence: t.answer.confidence,
    abstained: t.answer.abstained,
    kindConfidence: t.kindConfidence,
    evidence: t.evidence,
  };
  const pending = await db.triageDecision.findFirst({ where: { topicId, status: 'proposed' } });
  if (pending) {
    await db.triageDecision.update({ where: { id: pending.id }, data });
    return { decisionId: pending.id, kind: t.kind };
  }
  const decision = await db.triageDecision.create({ data: { topicId, ...data } });
  if (client) {
    try {
      const post = await client.whisper(topicId, evidenceText(t));
      await audit(db, { actorId: null, reason: 'triage evidence for moderators' }, 'discourse.whisper', { type: 'forum-topic', id: String(topicId) }, null, { postId: post.id, decisionId: decision.id });
    } catch (err) {
      // The proposal is stored; the whisper is a convenience and must not make the job retry and re-propose.
      logger.warn({ err: (err as Error).message, topicId }, 'could not post the triage whisper');
    }
  }
  // An admin's auto-apply rule may let this proposal through without waiting for a moderator.
  const rule = matchAutoApply(parseAutoApplyRules(services.config.TRIAGE_AUTO_APPLY), { categorySlug: topic.categorySlug, kind: t.kind, confidence: t.answer.confidence, abstained: t.answer.abstained, kindConfidence: t.kindConfidence });
  if (rule) {
    await approveProposal(services, decision.id, { personId: null, reason: `auto-applied by rule ${rule.text}` });
    return { decisionId: decision.id, kind: t.kind, autoApplied: rule.text };
  }
  return { decisionId: decision.id, kind: t.kind };
}
