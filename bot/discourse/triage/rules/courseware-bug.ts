import type { TriageRule } from '../types.js';
import { keywordRule } from './keyword-rule.js';

/** Mistakes in the courseware itself: links, slides, typos, wrong or missing files. */
const keywords = keywordRule({
  id: 'courseware-bug',
  description: 'reports of broken links, wrong slides/videos, typos or placeholder files in the courseware',
  kind: 'courseware-bug',
  tags: ['course-logistics'],
  weight: 1.2,
  cap: 3.6,
  patterns: [
    /\bbroken link|\bdead link|\blink (is )?broken|\b404\b|page not found|\bnot found\b.*\b(pdf|slides?|link)/i,
    /\btodo\.pdf|\bplaceholder|\b[0-9]-[0-9]+-x\.pdf/i,
    /\btypo\b|\bmisspel|\bspelling\b|\bwrong (slides?|video|link|file|deck|pdf|title|answer key)/i,
    /\b(opens|goes to|points to|links to|shows) (the )?(same|wrong|other|another|a different)\b|\bopens the .* slides\b|\bsame (deck|slides|pdf) as\b/i,
    /\b(quiz|test|answer) (key )?(is )?(wrong|incorrect|swapped|mislabel)/i,
    // Course media that does not work.
    /\b(video|audio|slides?|pdf|reading|page|quiz|colab link)\b.{0,40}\b(no (sound|audio|subtitles)|won'?t (play|load|open)|(doesn'?t|does not|can'?t|cannot) (play|load|open|be opened)|not (playing|loading|opening)|is (broken|blank|empty|missing))/i,
    // A learner quoting the outline's own file paths is usually pointing at a wrong one.
    /\b(slides|readings|other)\/[\w.-]+\.pdf\b|\bnot reachable|\bunreachable\b|\bmissing (slides|pdf|video|reading)/i,
  ],
});

/** The material named together with a defect, or material that fails as shipped ("fresh copy, first cell"). */
const rule: TriageRule = {
  id: 'courseware-bug',
  description: `${keywords.description}; the material named with a defect, or failing as shipped`,
  apply(post, ctx) {
    const votes = keywords.apply(post, ctx);
    const s = ctx.signals;
    // Each further defect described about the material adds to the case (a stale reading that also names what is gone).
    if (s.material.length && s.defect.length) votes.push({ kind: 'courseware-bug', weight: Math.min(2, 1 + 0.5 * (new Set(s.defect.map((d) => d.toLowerCase())).size - 1)), reason: `courseware-bug: ${s.material[0]} with ${s.defect.map((d) => `"${d}"`).join(', ')}` });
    // Material that fails as shipped (a fresh copy, nothing changed) with an error is the material's bug, not the learner's.
    if (s.asShipped) {
      const failing = /\b(error|errors|fails?|failed|crash\w*|exception|traceback|not found|no matching|could not)\b/i.test(ctx.text);
      votes.push({ kind: 'courseware-bug', weight: failing ? 1.6 : 0.8, reason: `courseware-bug: fails as shipped (fresh copy, nothing changed)${failing ? ' with an error' : ''}` });
    }
    return votes;
  },
};
export default rule;
