/**
 * Train the shipped triage model: `npx tsx bot/discourse/triage/train.ts [--course <dir>]`.
 *
 * It learns from the whole labelled corpus (train and test splits: a fresh install should start from
 * everything we have) against the shared course material, and writes model/shipped-model.json. The test
 * figures in BENCHMARKS.md come from a model trained on the train split only (bench/qa.ts trains that one
 * itself), so shipping the bigger model does not flatter them. Re-run after changing the corpus, the
 * features (FEATURE_VERSION) or the rules; a unit test checks the shipped file is fresh.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromRoot } from '../../../core/paths.js';
import { KnowledgeBase } from '../../answers/knowledge-base.js';
import { loadCorpus } from './corpus.js';
import { trainingExamples } from './evaluate.js';
import { FEATURE_VERSION } from './features.js';
import { SHIPPED_MODEL_PATH, trainTriage } from './model.js';

const at = process.argv.indexOf('--course');
const course = at > 0 ? process.argv[at + 1]! : fromRoot('..', 'shared', 'course');
const kb = KnowledgeBase.fromDirs([course]);
const { posts, hash } = loadCorpus();
const model = trainTriage(trainingExamples(kb, posts), { featureVersion: FEATURE_VERSION, corpusHash: hash, examples: { corpus: posts.length, moderator: 0 }, trainedAt: 'shipped' });
mkdirSync(dirname(SHIPPED_MODEL_PATH), { recursive: true });
writeFileSync(SHIPPED_MODEL_PATH, `${JSON.stringify(model.toJSON())}\n`);
process.stdout.write(`wrote ${SHIPPED_MODEL_PATH} (${posts.length} posts, ${Object.keys(model.toJSON().model.weights).length} features)\n`);
