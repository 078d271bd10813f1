import { describe, expect, it } from 'vitest';
import { matchAutoApply, parseAutoApplyRules } from '../../bot/discourse/auto-apply.js';
import { parseConfig } from '../../core/config.js';

describe('triage auto-apply rules', () => {
  it('parses rules and refuses malformed ones with the rule named', () => {
    expect(parseAutoApplyRules(undefined)).toEqual([]);
    expect(parseAutoApplyRules('hardware:hardware-setup@0.8, *:course-logistics@0.95')).toEqual([
      { category: 'hardware', kind: 'hardware-setup', minConfidence: 0.8, text: 'hardware:hardware-setup@0.8' },
      { category: '*', kind: 'course-logistics', minConfidence: 0.95, text: '*:course-logistics@0.95' },
    ]);
    expect(() => parseAutoApplyRules('hardware:hardware-setup@1.5')).toThrow(/"hardware:hardware-setup@1.5" is not/);
    expect(() => parseAutoApplyRules('hardware:cooking@0.5')).toThrow(/unknown kind cooking/);
    expect(() => parseConfig({ TRIAGE_AUTO_APPLY: 'everything' })).toThrow(/TRIAGE_AUTO_APPLY must be comma-separated/);
  });

  it('matches on category, kind and confidence, never when the bot abstained', () => {
    const rules = parseAutoApplyRules('hardware:hardware-setup@0.8, *:course-logistics@0.9');
    const p = { categorySlug: 'hardware', kind: 'hardware-setup', confidence: 0.85, abstained: false };
    expect(matchAutoApply(rules, p)?.text).toBe('hardware:hardware-setup@0.8');
    expect(matchAutoApply(rules, { ...p, confidence: 0.7 })).toBeNull();
    expect(matchAutoApply(rules, { ...p, categorySlug: 'general' })).toBeNull();
    expect(matchAutoApply(rules, { ...p, abstained: true })).toBeNull();
    expect(matchAutoApply(rules, { categorySlug: null, kind: 'course-logistics', confidence: 0.9, abstained: false })?.text).toBe('*:course-logistics@0.9');
  });

  it('hides spam only by a rule naming spam, on the classifier\'s confidence in the kind', () => {
    const rules = parseAutoApplyRules('*:spam@0.9, *:*@0.5');
    const spam = { categorySlug: 'general', kind: 'spam', confidence: 0, abstained: true, kindConfidence: 0.95 };
    expect(matchAutoApply(rules, spam)?.text).toBe('*:spam@0.9');
    expect(matchAutoApply(rules, { ...spam, kindConfidence: 0.8 })).toBeNull();
    // `*` never hides or files an unanswered kind by itself.
    expect(matchAutoApply(parseAutoApplyRules('*:*@0.1'), spam)).toBeNull();
    expect(matchAutoApply(parseAutoApplyRules('*:*@0.1'), { ...spam, kind: 'off-topic' })).toBeNull();
  });
});
