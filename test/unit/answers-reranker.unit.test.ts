import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bm25Retriever } from '../../bot/answers/bm25-retriever.js';
import { KnowledgeBase } from '../../bot/answers/knowledge-base.js';
import { markdownChunks } from '../../bot/answers/load.js';
import { loadTrainingExamples, Reranker, type RerankExample } from '../../bot/answers/reranker.js';
import { sharedPath } from '../helpers/shared.js';

const COURSE = sharedPath('course');

const entry = (id: string, title: string, text: string) => markdownChunks(`---\nid: ${id}\ntitle: "${title}"\ntags: [hardware]\n---\n${text}\n`, `faq/${id}.md`);
const CHUNKS = [
  ...entry('kit', 'What is in the TinyML kit?', 'The kit has an Arduino with sensors, an OV7675 camera module, a shield and a USB cable. Order it from the shop.'),
  ...entry('board-package', 'Which package do I install for the IDE?', 'Install the Arduino Mbed OS Nano Boards package in the Boards Manager, then pick the Nano board as your board and the port of the Nano board.'),
  ...entry('camera-wiring', 'How is the camera wired to the shield?', 'The OV7675 camera plugs into the shield header: match pin VCC to 3.3V, SDA and SCL to the labelled pins, and keep the ribbon short.'),
];
/** Labelled questions for two of the three entries; camera-wiring has none. */
const EXAMPLES: RerankExample[] = [
  { question: 'where do I purchase the kit', sources: ['kit'] },
  { question: 'do I need to buy the board myself or is it included', sources: ['kit'] },
  { question: 'what should I order for the labs, which board', sources: ['kit'] },
  { question: 'buy the plain nano or the sense version?', sources: ['kit'] },
  { question: 'boards manager does not list the nano', sources: ['board-package'] },
  { question: 'which package do I install in the ide', sources: ['board-package'] },
];

describe('first-citation reranker on a tiny base', () => {
  const reranker = Reranker.train(EXAMPLES, CHUNKS);
  const without = new KnowledgeBase(CHUNKS, new Bm25Retriever(), null);
  const withIt = new KnowledgeBase(CHUNKS, new Bm25Retriever(), reranker);
  const question = 'purchase an arduino board';

  it('moves a confusable question from the entry BM25 prefers to the one its labelled look-alikes cite', () => {
    // BM25 alone follows the repeated "board" of the package entry …
    expect(without.ask(question, { abstainBelow: 0 }).citations[0]?.id).toBe('board-package');
    // … the model has seen purchase and "which board should I buy" questions answered by the kit entry.
    const a = withIt.ask(question, { abstainBelow: 0 });
    expect(a.citations[0]?.id).toBe('kit');
    expect(a.citations.map((c) => c.id)).toContain('board-package');
  });

  it('changes the first citation, not the confidence the thresholds are calibrated on', () => {
    const a = without.ask(question);
    const b = withIt.ask(question);
    expect(b.confidence).toBe(a.confidence);
    expect(b.abstained).toBe(a.abstained);
  });

  it('keeps a source nobody asked about reachable through its own text', () => {
    expect(reranker.classes).toContain('camera-wiring');
    const q = 'which pin of the camera goes to SDA on the shield';
    const ll = reranker.logLikelihoods(q, ['kit', 'board-package', 'camera-wiring']);
    expect(Math.max(...ll.values())).toBe(ll.get('camera-wiring'));
    expect(withIt.ask(q, { abstainBelow: 0 }).citations[0]?.id).toBe('camera-wiring');
  });

  it('trains deterministically, whatever the order of the examples', () => {
    const again = Reranker.train([...EXAMPLES].reverse(), CHUNKS);
    const ids = ['kit', 'board-package', 'camera-wiring'];
    for (const q of [question, 'camera pins', 'boards manager', 'which nano or sense to buy']) expect([...again.logLikelihoods(q, ids)]).toEqual([...reranker.logLikelihoods(q, ids)]);
  });

  it('leaves the order alone with fewer than two known candidates', () => {
    const lone = Reranker.train([], CHUNKS.filter((c) => c.citation.id === 'kit'));
    const hits = without.retriever.search(question, { limit: 5 });
    expect(lone.rerank(question, hits).map((h) => h.chunk.key)).toEqual(hits.map((h) => h.chunk.key));
  });
});

describe('training rows', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rerank-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads answerable train rows only: test-split rows and hand-overs never reach the model', () => {
    const file = join(dir, 'q.jsonl');
    const rows = [
      { question: 'train answerable', expected_sources: ['kit'], should_abstain: false, split: 'train' },
      { question: 'test answerable', expected_sources: ['kit'], should_abstain: false, split: 'test' },
      { question: 'train hand-over', expected_sources: [], should_abstain: true, split: 'train' },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    expect(loadTrainingExamples([file, join(dir, 'missing.jsonl')])).toEqual([{ question: 'train answerable', sources: ['kit'] }]);
  });
});

describe.skipIf(!COURSE)('reranker on the shared course material', () => {
  // A train question (lm-561) the rules send to the board-package entry; the model learns otherwise from
  // the other train questions, with this one left out.
  const question = 'which board should I buy for the course, the plain Nano 33 BLE or the Sense?';
  let base: KnowledgeBase;
  let reranked: KnowledgeBase;
  beforeAll(() => {
    base = KnowledgeBase.fromDirs([COURSE!], undefined, null);
    const examples = loadTrainingExamples().filter((e) => e.question !== question);
    reranked = new KnowledgeBase(base.chunks, new Bm25Retriever(), Reranker.train(examples, base.chunks));
  });

  it('sends a held-out kit question to the kit entry instead of the board package', () => {
    expect(base.ask(question).citations[0]?.id).toBe('board-package-mbed-nano');
    const a = reranked.ask(question);
    expect(a.abstained).toBe(false);
    expect(a.citations[0]?.id).toBe('tinyml-kit-contents');
  });

  // Its training time (tens of ms) is a benchmark figure (bench/answers-cv.ts), not a test: timed tests flake.
  it('trains at knowledge-base load by default', () => {
    const r = Reranker.train(loadTrainingExamples(), base.chunks);
    // Every FAQ entry and outline section is a class, labelled or not.
    expect(r.classes.length).toBe(new Set(base.chunks.map((c) => (c.source === 'syllabus-item' ? c.sections[0] : c.citation.id))).size);
    expect(new KnowledgeBase(base.chunks).reranker?.classes).toEqual(r.classes);
  });
});
