import type { TriageRule } from '../types.js';

/** Technologies the course does not cover (a post about them alone is off-topic). */
const FOREIGN = /\b(django|flask|react|angular|vue|php|wordpress|laravel|excel|photoshop|unity|minecraft|raspberry ?pi|jetson|playstation|xbox|iphone|gaming pc|graphics card|crypto ?mining)\b/i;

const COURSE_REF = /(^|\s)\d\.\d{1,2}(\.\d{1,2})?\b|\b(course|lecture|slides?|outline|module|quiz|colab|reading|screencast)\b/;

const rule: TriageRule = {
  id: 'off-topic',
  description: 'posts the course material does not know: low retrieval confidence, few course words, or non-course technology',
  apply(_post, ctx) {
    const votes = [];
    // Nothing in the material answers it and little of it is course vocabulary.
    const unknown = (1 - ctx.answer.confidence) * (1 - ctx.knownShare);
    // A post that points into the course (an outline id, lecture words) is about the course even when no entry answers it.
    const courseRef = COURSE_REF.test(ctx.text) ? 0.4 : 1;
    if (ctx.answer.abstained) votes.push({ kind: 'off-topic' as const, weight: (0.8 + 2.5 * unknown) * courseRef, reason: `off-topic: no confident answer (confidence ${ctx.answer.confidence}), course vocabulary ${ctx.knownShare.toFixed(2)}` });
    const foreign = FOREIGN.exec(ctx.text);
    if (foreign && !/\b(nano 33|arduino|tinyml|tflite|tensorflow lite|course)\b/i.test(ctx.text)) votes.push({ kind: 'off-topic' as const, weight: 1.5, reason: `off-topic: about ${foreign[0]}` });
    return votes;
  },
};
export default rule;
