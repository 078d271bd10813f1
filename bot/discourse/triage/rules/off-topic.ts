import type { TriageRule } from '../types.js';

const COURSE_REF = /(^|\s)\d\.\d{1,2}(\.\d{1,2})?\b|\b(course|lecture|slides?|outline|module|quiz|colab|reading|screencast)\b/;
const COURSE_KIT = /\b(nano 33|ble sense|tinyml kit|course kit|tiny machine learning kit)\b/i;

const rule: TriageRule = {
  id: 'off-topic',
  description: 'posts the course material does not know, other boards and devices, events, chit-chat, careers and shopping',
  apply(_post, ctx) {
    const votes = [];
    const s = ctx.signals;
    // Nothing in the material answers it and little of it is course vocabulary.
    const unknown = (1 - ctx.answer.confidence) * (1 - ctx.knownShare);
    // A post that points into the course (an outline id, lecture words) is about the course even when no entry answers it.
    const courseRef = COURSE_REF.test(ctx.text) ? 0.4 : 1;
    if (ctx.answer.abstained) votes.push({ kind: 'off-topic' as const, weight: (0.8 + 2.5 * unknown) * courseRef, reason: `off-topic: no confident answer (confidence ${ctx.answer.confidence}), course vocabulary ${ctx.knownShare.toFixed(2)}` });
    // Another board is off-topic unless the post is about the course kit too (then it is a comparison the kit FAQ answers).
    if (s.foreignHardware.length && (s.notCourseBoard || !COURSE_KIT.test(ctx.text))) votes.push({ kind: 'off-topic' as const, weight: s.notCourseBoard ? 2 : 1.2, reason: `off-topic: about ${s.foreignHardware.join(', ')}${s.notCourseBoard ? ' (says it is not the course board)' : ''}` });
    else if (s.notCourseBoard) votes.push({ kind: 'off-topic' as const, weight: 1, reason: 'off-topic: not about the course kit or course' });
    if (s.social.length) votes.push({ kind: 'off-topic' as const, weight: 0.8 * Math.min(2, s.social.length), reason: `off-topic: ${s.social.map((m) => `"${m}"`).join(', ')}` });
    return votes;
  },
};
export default rule;
