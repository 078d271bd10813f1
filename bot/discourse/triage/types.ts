/**
 * Contracts of forum triage: a post in, a proposal out (kind, course section, tags, duplicate, drafted
 * answer). Rules are pure functions over the post and the retrieval evidence; each votes for kinds and
 * tags with a weight and a reason the moderator sees.
 */
import type { KnowledgeBase } from '../../answers/knowledge-base.js';
import type { Answer, Hit } from '../../answers/types.js';
import type { ForumSignals, PostMeta } from './signals.js';

/** Topic kinds (ARCHITECTURE.md §5). */
export const KINDS = ['hardware-setup', 'software-install', 'model-training', 'deployment', 'competition', 'course-logistics', 'courseware-bug', 'off-topic', 'spam'] as const;
export type Kind = (typeof KINDS)[number];

/** Tag vocabulary shared with the course FAQ. */
export const TAGS = [
  'hardware-setup', 'software-install', 'arduino-ide', 'board-upload', 'camera', 'microphone', 'imu', 'tflite-conversion', 'quantization', 'colab',
  'training', 'datasets', 'kws', 'vww', 'anomaly-detection', 'magic-wand', 'tflm-runtime', 'memory', 'competition', 'course-logistics', 'responsible-ai',
] as const;

/** A forum post (the first post of a topic). */
export interface TriagePost {
  title: string;
  body: string;
  /** Tags the topic already has (the proposal merges with them). */
  tags?: string[];
  /** What the forum knows about the author (trust level, post count), when known. */
  meta?: PostMeta;
}

/** What rules can look at besides the post. */
export interface TriageContext {
  /** Title and body as one lower-cased string (accents kept). */
  text: string;
  /** The drafted answer for the post. */
  answer: Answer;
  /** Retrieval hits over FAQ and forum entries, best first. */
  hits: Hit[];
  /** Share of the post's content words the course corpus knows (0–1). */
  knownShare: number;
  /** Forum signals: links, promotion language, trust level, other boards, material and defects, … */
  signals: ForumSignals;
  kb: KnowledgeBase;
}

/** One rule's opinion. Weights add up per kind; about 1 is a clear signal, 3 decides on its own. */
export interface Vote {
  kind?: Kind;
  weight?: number;
  tags?: string[];
  reason: string;
}

/**
 * A triage rule: the plug-in shape of bot/discourse/triage/rules/ (see its README). Pure and fast: it
 * runs for every new topic.
 */
export interface TriageRule {
  id: string;
  description: string;
  apply(post: TriagePost, ctx: TriageContext): Vote[];
}

/** The proposal for one post (`tinyarena triage --json` prints the §5 subset). */
export interface TriageResult {
  kind: Kind;
  course_section: string | null;
  tags: string[];
  duplicate_of: string | null;
  answer: { text: string; citations: Answer['citations']; confidence: number; abstained: boolean };
  /** How sure the classifier is of `kind` (0–1; the model's probability, or the rules' share). */
  kindConfidence: number;
  /** Per kind score, and the reasons, for the moderator's evidence whisper. */
  scores: Partial<Record<Kind, number>>;
  evidence: string[];
}
