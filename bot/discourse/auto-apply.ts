/**
 * Per-category auto-apply rules an admin sets (TRIAGE_AUTO_APPLY): a proposal that matches one is
 * applied at once instead of waiting in the review queue, and the audit log names the rule. Everything
 * else stays a proposal until a moderator approves it.
 *
 * Format: comma-separated `<category>:<kind>@<min confidence>`, `*` for any category or kind, e.g.
 * `hardware:hardware-setup@0.8, *:course-logistics@0.9`. A proposal where the bot abstained never
 * matches (there is nothing grounded to apply).
 */
import { KINDS } from './triage/types.js';

export interface AutoApplyRule {
  category: string;
  kind: string;
  minConfidence: number;
  /** The rule as written, for the audit log. */
  text: string;
}

export class AutoApplyRuleError extends Error {
  override name = 'AutoApplyRuleError';
}

/** @throws AutoApplyRuleError naming the bad rule. */
export function parseAutoApplyRules(spec: string | undefined): AutoApplyRule[] {
  if (!spec?.trim()) return [];
  return spec
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((text) => {
      const m = /^([a-z0-9*][a-z0-9_-]*|\*):([a-z*][a-z-]*)@(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(text);
      if (!m) throw new AutoApplyRuleError(`"${text}" is not <category>:<kind>@<confidence 0–1>`);
      const [, category, kind, conf] = m as unknown as [string, string, string, string];
      if (kind !== '*' && !(KINDS as readonly string[]).includes(kind)) throw new AutoApplyRuleError(`"${text}": unknown kind ${kind} (one of ${KINDS.join(', ')})`);
      return { category, kind, minConfidence: Number(conf), text };
    });
}

/** Kinds that get no answer: their rules compare the classifier's confidence in the kind (e.g. `*:spam@0.9` hides spam). */
const UNANSWERED_KINDS: ReadonlySet<string> = new Set(['spam', 'off-topic', 'courseware-bug']);

/**
 * The first rule that lets this proposal apply without review, if any. An answered kind needs a grounded
 * answer (not abstained) at the rule's confidence; spam, off-topic and courseware bugs need the
 * classifier's confidence in the kind, and only a rule that names the kind (`*` never hides a post).
 */
export function matchAutoApply(rules: readonly AutoApplyRule[], p: { categorySlug: string | null; kind: string; confidence: number; abstained: boolean; kindConfidence?: number }): AutoApplyRule | null {
  const unanswered = UNANSWERED_KINDS.has(p.kind);
  if (!unanswered && p.abstained) return null;
  const confidence = unanswered ? (p.kindConfidence ?? 0) : p.confidence;
  return rules.find((r) => (r.category === '*' || r.category === p.categorySlug) && (r.kind === p.kind || (r.kind === '*' && !unanswered)) && confidence >= r.minConfidence) ?? null;
}
