import type { Kind, TriageRule } from '../types.js';

/** FAQ tags that say what kind of help an entry gives (subject tags such as `kws` say nothing of it). */
const TAG_KIND: Record<string, Kind> = {
  'hardware-setup': 'hardware-setup', 'board-upload': 'hardware-setup', camera: 'hardware-setup', imu: 'hardware-setup', microphone: 'hardware-setup',
  'software-install': 'software-install', 'arduino-ide': 'software-install',
  colab: 'model-training', training: 'model-training', datasets: 'model-training', quantization: 'model-training',
  'tflm-runtime': 'deployment', memory: 'deployment', 'tflite-conversion': 'deployment',
  competition: 'competition', 'course-logistics': 'course-logistics',
};

/**
 * The best-matching FAQ entry's first kind-bearing tag, weighted by the answer's confidence: a post
 * answered by the arena FAQ is most likely a deployment question.
 */
const rule: TriageRule = {
  id: 'retrieval',
  description: "the kind implied by the best-matching FAQ entry's tags, weighted by answer confidence",
  apply(_post, ctx) {
    const top = ctx.hits[0];
    if (!top || ctx.answer.abstained) return [];
    // An entry serves every kind its tags name, the first most (the kit FAQ is hardware and logistics).
    const kinds = [...new Set(top.chunk.tags.map((t) => TAG_KIND[t]).filter((k): k is Kind => k !== undefined))];
    if (!kinds.length) return [];
    // The confidence belongs to the answer's first source; a FAQ entry that only came second counts less.
    const weight = ctx.answer.citations[0]?.id === top.chunk.citation.id ? 2 * ctx.answer.confidence : 0.8 * ctx.answer.confidence;
    return kinds.map((kind, i) => ({
      kind,
      weight: weight * 0.6 ** i,
      tags: i === 0 ? top.chunk.tags.slice(0, 2) : [],
      reason: `retrieval: best entry ${top.chunk.citation.id} (${kind}${i ? ', secondary' : ''}), confidence ${ctx.answer.confidence}`,
    }));
  },
};
export default rule;
