import type { Kind, TriageRule, Vote } from '../types.js';

/** A keyword rule: each pattern that matches the post adds its weight to a kind and/or proposes tags. */
export interface KeywordRuleSpec {
  id: string;
  description: string;
  kind?: Kind;
  tags?: string[];
  /** Each matching pattern adds `weight` (default 0.6), up to `cap` in total (default 2). */
  patterns: RegExp[];
  weight?: number;
  cap?: number;
}

/** Build a {@link TriageRule} from patterns: the common case, so most rules are a few lines of data. */
export function keywordRule(spec: KeywordRuleSpec): TriageRule {
  return {
    id: spec.id,
    description: spec.description,
    apply(_post, ctx): Vote[] {
      const hits = spec.patterns.filter((p) => p.test(ctx.text));
      if (!hits.length) return [];
      const weight = Math.min(spec.cap ?? 2, hits.length * (spec.weight ?? 0.6));
      return [{ kind: spec.kind, weight, tags: spec.tags, reason: `${spec.id}: ${hits.map((h) => h.source).join(', ')}` }];
    },
  };
}
