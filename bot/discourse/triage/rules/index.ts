/** Every triage rule, explicitly listed (see README.md for how to add one). */
import type { TriageRule } from '../types.js';
import competition from './competition.js';
import courseLogistics from './course-logistics.js';
import coursewareBug from './courseware-bug.js';
import offTopic from './off-topic.js';
import retrieval from './retrieval.js';
import spam from './spam.js';
import topicTags from './topic-tags.js';
import topics from './topics.js';

export const RULES: readonly TriageRule[] = [spam, offTopic, coursewareBug, competition, courseLogistics, ...topics, retrieval, topicTags];
