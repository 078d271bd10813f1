import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../bot/answers/knowledge-base.js';
import { namedCourse, triagePost } from '../../bot/discourse/triage/classify.js';
import { explicitSection, sectionEvidence, syllabusIndex } from '../../bot/discourse/triage/sections.js';
import { evaluateTriage, type LabelledPost } from '../../bot/discourse/triage/evaluate.js';
import { SoftmaxModel } from '../../bot/discourse/triage/linear-model.js';
import { LearnedTriage } from '../../bot/discourse/triage/model.js';
import { NaiveBayesModel } from '../../bot/discourse/triage/naive-bayes.js';
import { keywordRule } from '../../bot/discourse/triage/rules/keyword-rule.js';
import { RULES } from '../../bot/discourse/triage/rules/index.js';
import { forumSignals } from '../../bot/discourse/triage/signals.js';
import { KINDS } from '../../bot/discourse/triage/types.js';
import { sharedPath } from '../helpers/shared.js';

const COURSE = sharedPath('course');

describe.skipIf(!COURSE)('triage on the shared course', () => {
  let kb: KnowledgeBase;
  let rows: LabelledPost[];
  beforeAll(() => {
    kb = KnowledgeBase.fromDirs([COURSE!]);
    rows = readFileSync(sharedPath('course/triage-examples.jsonl')!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LabelledPost);
  });

  // A regression floor on the labelled sample, set below the measured figures (BENCHMARKS.md): it catches
  // a rule change that breaks triage, without the rules being tuned to these 24 posts.
  it('keeps kind, section, tag and answer quality above the floor', () => {
    const f = evaluateTriage(kb, rows);
    expect(f.kindAccuracy, f.misses.join('\n')).toBeGreaterThanOrEqual(0.85);
    expect(f.sectionAccuracy, f.misses.join('\n')).toBeGreaterThanOrEqual(0.75);
    expect(f.tagJaccard).toBeGreaterThanOrEqual(0.65);
    // 15 of 19 (0.789) since the first-citation reranker: one serial-port post now cites the upload entry
    // (on the 383 corpus posts the reranker never saw it fixed 15 citations and broke 4).
    expect(f.answerPrecisionAt1, f.misses.join('\n')).toBeGreaterThanOrEqual(0.78);
    expect(f.abstainedOnUnanswerable).toBeGreaterThanOrEqual(0.8);
    expect(f.duplicates.falsePositive).toBeLessThanOrEqual(1);
  });

  it('files spam and off-topic posts with no section, tags or answer', () => {
    const spam = triagePost(kb, { title: 'Cheap essays 40% off — order now on WhatsApp', body: 'Premium essays and assignments written fast. Contact us on WhatsApp +1 555 0100, limited offer, click here.' });
    expect(spam).toMatchObject({ kind: 'spam', course_section: null, tags: [], duplicate_of: null, answer: { citations: [], abstained: true } });
    const off = triagePost(kb, { title: 'Which gaming PC should I buy for Cyberpunk?', body: 'Budget is around 1500 dollars, I mostly play shooters at 1440p.' });
    expect(off).toMatchObject({ kind: 'off-topic', course_section: null, tags: [] });
  });

  it('recognises a courseware bug, its section from the item id, and cites the item instead of answering', () => {
    const t = triagePost(kb, { title: 'Typo in 2.2.3 title', body: 'The item is called "Coding ExerciseL" in the outline, looks like a typo.' });
    expect(t.kind).toBe('courseware-bug');
    expect(t.course_section).toBe('2.2');
    expect(t.answer).toMatchObject({ abstained: true, citations: [{ id: '2.2.3' }] });
    expect(triagePost(kb, { title: 'Video 3.4.2 has no sound', body: 'It plays, but there is no audio at all; tried two browsers.' })).toMatchObject({ kind: 'courseware-bug', course_section: '3.4' });
  });

  it('ignores version numbers when looking for a section id, and merges existing tags first', () => {
    const t = triagePost(kb, { title: 'AllocateTensors() failed on Arduino IDE 2.3.2', body: 'Arena size is too small for all buffers. Needed 52000 but only 30720 was available.', tags: ['my-tag'] });
    expect(t.kind).toBe('deployment');
    expect(t.course_section).not.toBe('2.3');
    expect(t.tags[0]).toBe('my-tag');
    expect(t.tags).toContain('tflm-runtime');
    expect(t.answer.citations[0]?.id).toBe('tensor-arena-too-small');
  });

  it('runs a custom rule set (the plug-in shape)', () => {
    const only = keywordRule({ id: 'all-competition', description: 'test', kind: 'competition', patterns: [/./], weight: 5 });
    expect(triagePost(kb, { title: 'port greyed out', body: 'windows 11' }, { rules: [only] }).kind).toBe('competition');
  });
});

describe('rule registry', () => {
  it('lists rules with unique ids that vote only for known kinds', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    const text = 'discount 50% off whatsapp broken link 404 submission leaderboard certificate port usb install colab arena shop.example';
    const signals = forumSignals({ title: '', body: text }, { trustLevel: 0, postCount: 0 }, { knownShare: 0.2, courseDomains: new Set() });
    const fakeCtx = { text, answer: { answer: '', citations: [], confidence: 0.5, abstained: true, language: 'en' }, hits: [], knownShare: 0.2, signals };
    for (const rule of RULES) for (const v of rule.apply({ title: '', body: '' }, fakeCtx as never)) if (v.kind) expect(KINDS).toContain(v.kind);
  });
});

describe('forum signals for shapes the held-out posts had (issue 18, second round)', () => {
  const sig = (title: string, body: string, meta = { trustLevel: 1, postCount: 5 }) => forumSignals({ title, body }, meta, { knownShare: 0.6, courseDomains: new Set() });

  it('an honest report about a quiz answer key is not an offer of answers; selling one is', () => {
    const bug = sig('Quiz after 2.3 marks the right answer as wrong', 'The answer key marks the right answer as wrong: the explanation says one thing, the key another.');
    expect(bug.cheating).toBeNull();
    expect(bug.promotion).toEqual([]);
    expect(bug.defect.length).toBeGreaterThan(0);
    const offer = sig('Answer keys', 'Answer key for every quiz of course 2, only $5, DM me on telegram');
    expect(offer.cheating).not.toBeNull();
  });

  it('reads phishing, resale of the material and keyword stuffing', () => {
    expect(sig('IMPORTANT', 'Your edX account will be suspended due to unusual activity. Verify your login within 24 hours: http://edx-verify.example/login').phishing).not.toBeNull();
    expect(sig('videos', 'All the course videos and slides in one zip, members only, $5 via paypal').promotion.length).toBeGreaterThan(0);
    expect(sig('best course', 'Best IoT course Hyderabad, best IoT course Hyderabad, join the best IoT course Hyderabad. Call 9000012345 now').selfRepeat).toBeGreaterThanOrEqual(0.3);
  });

  it('sees "works in Colab, fails on the board" in Spanish and Hindi-English too', () => {
    expect(sig('Funciona en Colab pero en la placa siempre dice unknown', 'Entrené mi modelo, en Colab 90%. En la Nano siempre sale unknown.').colabVsBoard).toBe(true);
    expect(sig('Colab me sahi chal raha, board pe galat', 'KWS model colab me 90% de raha hai lekin Nano pe har baar no hi bolta hai').colabVsBoard).toBe(true);
    expect(sig('Colab disconnects', 'My colab runtime disconnects after an hour of training.').colabVsBoard).toBe(false);
  });
});

describe.skipIf(!COURSE)('sections and courseware bugs (issue 18, third round)', () => {
  let kb: KnowledgeBase;
  beforeAll(() => {
    kb = KnowledgeBase.fromDirs([COURSE!]);
  });

  it('reads a section id written in the post, not a version, a signed reading or a measured value', () => {
    const idx = syllabusIndex(kb);
    expect(explicitSection('the quiz in 4.2 has a typo', idx)?.section).toBe('4.2');
    expect(explicitSection('Harvard_TinyMLx INSTALLED (1.2.4-Alpha) but no examples', idx)).toBeNull();
    expect(explicitSection('the gyroscope shows 0.6, -1.2, 0.4 deg/s when still', idx)).toBeNull();
    expect(explicitSection('the rail reads 3.3 V on the header', idx)).toBeNull();
  });

  it('places a sketch named in the post in its application section of the deploying course', () => {
    const ev = sectionEvidence(kb, 'added AddMaxPool2D() to micro_speech.ino and the resolver is too small', [], 0);
    expect(ev.sketches).toContain('4.5');
    expect(ev.sketches).not.toContain('3.5');
    expect(sectionEvidence(kb, 'person_detection LED stays red', [], 0).sketches).toEqual(['4.7']);
    expect(sectionEvidence(kb, 'how do I pick a learning rate', [], 0).sketches).toEqual([]);
  });

  it('files a grade case unsectioned even when it names the test unit; other logistics keep the id', () => {
    const grade = triagePost(kb, { title: 'Progress page shows 0 for the 3.5 summative test', body: 'The test itself says 9/10 but my progress page says 0. Can staff look at my grade?' }, { model: null });
    const other = triagePost(kb, { title: 'Can I skip 4.3 and go to the labs?', body: 'Is the 4.3 theory needed for the certificate, or can I audit it later?' }, { model: null });
    if (grade.kind === 'course-logistics') expect(grade.course_section).toBeNull();
    if (other.kind === 'course-logistics') expect(other.course_section).toBe('4.3');
  });

  it('files a kit, background or workload question under the course it names; certificates stay unsectioned', () => {
    const idx = syllabusIndex(kb);
    expect(namedCourse('Do I need the kit for course 3?', idx)).toBe('4.1');
    expect(namedCourse('How many hours a week for Fundamentals of TinyML, and is Deploying TinyML harder?', idx)).toBe('1.1');
    expect(namedCourse('Where do I ask about the forum?', idx)).toBeNull();
    // A classifier double that files everything as logistics: this is about the section, not the kind.
    const logistics = { classify: () => ({ probs: Object.fromEntries(KINDS.map((k) => [k, k === 'course-logistics' ? 1 : 0])) as Record<(typeof KINDS)[number], number>, evidence: [] }) };
    const kit = triagePost(kb, { title: 'Do I need to buy the kit for Applications of TinyML?', body: 'Money is tight; can the whole course be done in Colab?' }, { model: logistics });
    const cert = triagePost(kb, { title: 'Is a certificate required for Deploying TinyML?', body: 'Do I need the verified track to do the labs?' }, { model: logistics });
    expect([kit.kind, kit.course_section]).toEqual(['course-logistics', '3.1']);
    expect([cert.kind, cert.course_section]).toEqual(['course-logistics', null]);
  });

  it('reads defects phrased as contradictions or as things gone', () => {
    const sig = (body: string) => forumSignals({ title: 'slides', body }, { trustLevel: 1, postCount: 5 }, { knownShare: 0.6, courseDomains: new Set() }).defect;
    expect(sig("The table in the slides lists 1 MB SRAM and 256 KB flash. It's the other way round.").length).toBeGreaterThan(0);
    expect(sig('The link in the reading goes to a page that says it has been moved.').length).toBeGreaterThan(0);
    expect(sig('The screencast plays exactly the same video as the one before.').length).toBeGreaterThan(0);
    expect(sig('The slides explain the loss function clearly.')).toEqual([]);
  });
});

describe('the triage ensemble: naive Bayes over words next to the softmax model (issue 18, fourth round)', () => {
  const post = (words: string) => new Map(words.split(' ').map((w) => [`w:${w}`, 1] as const));
  const examples = [
    { x: post('upload port cable bootloader'), y: 'hardware-setup' },
    { x: post('port cable reset'), y: 'hardware-setup' },
    { x: post('colab epochs loss dataset'), y: 'model-training' },
    { x: post('colab dataset accuracy'), y: 'model-training' },
    // "Not this kind" says nothing about which words a kind uses.
    { x: post('colab colab colab'), y: 'hardware-setup', negative: true },
  ];

  it('reads words and signals, favours the kind whose words a post shares, and round-trips through JSON', () => {
    const nb = new NaiveBayesModel(KINDS).train(examples);
    const lp = nb.logProbs(new Map([...post('cable port'), ['c: cab', 1]]));
    const hw = KINDS.indexOf('hardware-setup');
    expect(Math.max(...lp)).toBe(lp[hw]);
    expect([...lp].reduce((a, v) => a + Math.exp(v), 0)).toBeCloseTo(1, 9);
    expect(nb.logProbs(post('colab loss'))[KINDS.indexOf('model-training')]).toBe(Math.max(...nb.logProbs(post('colab loss'))));
    const back = NaiveBayesModel.fromJSON(JSON.parse(JSON.stringify(nb.toJSON())) as ReturnType<NaiveBayesModel['toJSON']>);
    expect([...back.logProbs(post('cable colab'))]).toEqual([...nb.logProbs(post('cable colab'))]);
    const withOthers = new NaiveBayesModel(KINDS).train([{ x: new Map([['w:port', 1], ['s:links', 1], ['c: por', 1], ['r:hardware-setup', 1], ['q:conf', 0.5]]), y: 'hardware-setup' }]);
    expect(Object.keys(withOthers.toJSON().counts)).toEqual(['s:links', 'w:port']);
  });

  it('keeps the naive Bayes in a stored model, and still loads a model stored before it existed', () => {
    const softmax = new SoftmaxModel(KINDS).train(examples, { epochs: 5 });
    const withNb = new LearnedTriage(softmax, [], null, undefined, new NaiveBayesModel(KINDS).train(examples));
    const json = withNb.toJSON();
    expect(json.naiveBayes?.counts['w:cable']).toBeDefined();
    expect(LearnedTriage.fromJSON(json).naiveBayes).not.toBeNull();
    const { naiveBayes: _dropped, ...older } = json;
    expect(LearnedTriage.fromJSON(older).naiveBayes).toBeNull();
  });
});
