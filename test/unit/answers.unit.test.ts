import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bm25Retriever } from '../../bot/answers/bm25-retriever.js';
import { blocksOf, composeAnswer, unwrap } from '../../bot/answers/compose.js';
import { needsPerson } from '../../bot/answers/handover.js';
import { KnowledgeBase } from '../../bot/answers/knowledge-base.js';
import { detectLanguage } from '../../bot/answers/language.js';
import { extractErrorStrings, KnowledgeError, markdownChunks, syllabusChunks } from '../../bot/answers/load.js';
import { boundedDistance, queryTerms } from '../../bot/answers/text.js';
import { fromRoot } from '../../core/paths.js';
import { sharedPath } from '../helpers/shared.js';

const COURSE = sharedPath('course');

const FAQ = `---
id: arena-help
title: "Why does AllocateTensors() fail?"
tags: [tflm-runtime, memory]
related_sections: ["4.4"]
---
Intro text that belongs to the entry. The sketch prints \`Arena size is too small for all buffers\`.

## Sizing the arena
Print arena_used_bytes after a successful allocation.

\`\`\`
# not a heading inside code
\`\`\`

## Linker errors
The linker says "cannot move location counter backwards" when RAM runs out.
`;

const SYLLABUS = `
base_url: https://example.org/edX/
chapters:
- id: '4'
  title: Deploying TinyML
  course_title: Deploying TinyML
  sections:
  - id: '4.2'
    title: Getting Started
    items:
    - { id: 4.2.1, number: 1, title: Setting up your Software, kind: reading, link: readings/4-2-1.pdf }
    - { id: 4.2.2, number: 2, title: Course forum, kind: forum, link: null }
`;

describe('loading knowledge', () => {
  it('chunks a FAQ entry by heading, every chunk citing the entry', () => {
    const chunks = markdownChunks(FAQ, 'faq/arena-help.md');
    expect(chunks.map((c) => c.key)).toEqual(['faq:arena-help', 'faq:arena-help#sizing-the-arena', 'faq:arena-help#linker-errors']);
    expect(chunks.every((c) => c.citation.id === 'arena-help' && c.citation.title === 'Why does AllocateTensors() fail?')).toBe(true);
    expect(chunks[1]?.citation.url).toBe('faq/arena-help.md#sizing-the-arena');
    expect(chunks[1]?.text).toContain('# not a heading inside code');
    expect(chunks[0]?.sections).toEqual(['4.4']);
    expect(chunks[2]?.errorStrings).toEqual(['cannot move location counter backwards']);
  });

  it('keeps error strings, not code, and splits them at ellipses', () => {
    expect(extractErrorStrings('`Failed to resize buffer. Requested: …, available …` and `alignas(16) uint8_t a[N];`')).toEqual(['failed to resize buffer. requested']);
  });

  it('rejects an entry without front matter or title, naming the file', () => {
    expect(() => markdownChunks('just text', 'faq/x.md')).toThrow(KnowledgeError);
    expect(() => markdownChunks('---\nid: x\n---\nbody', 'faq/x.md')).toThrow(/faq\/x\.md: front matter has no title/);
  });

  it('cites syllabus sections and items by their own ids with resolved links', () => {
    const chunks = syllabusChunks(SYLLABUS);
    expect(chunks.map((c) => [c.citation.id, c.source])).toEqual([
      ['4.2', 'syllabus-section'],
      ['4.2.1', 'syllabus-item'],
      ['4.2.2', 'syllabus-item'],
    ]);
    expect(chunks[1]?.citation.url).toBe('https://example.org/edX/readings/4-2-1.pdf');
    expect(chunks[2]?.citation.url).toBe('https://example.org/edX/');
    expect(chunks[0]?.text).toContain('Setting up your Software');
  });
});

describe('text and language', () => {
  it('bounds the edit distance', () => {
    expect(boundedDistance('quantizaton', 'quantization', 2)).toBe(1);
    expect(boundedDistance('kitten', 'sitting', 3)).toBe(3);
    expect(boundedDistance('abcdefgh', 'zzzzzzzz', 2)).toBe(3);
  });

  it('maps Spanish and Portuguese course words to the English material', () => {
    expect(queryTerms('mi placa no aparece en el puerto').expanded).toEqual(expect.arrayContaining(['board', 'port']));
    expect(queryTerms('erro de permissão negada').expanded).toEqual(expect.arrayContaining(['permiss', 'deni']));
  });

  it.each([
    ['my board does not show up in the port menu', 'en'],
    ['no device found when uploading', 'en'],
    ['how do I fix it, no port', 'en'],
    ['¿Por qué mi modelo no cabe en la memoria de la placa?', 'es'],
    ['Por que o meu modelo não cabe na memória da placa?', 'pt'],
    ['AllocateTensors() failed\n```\nArena size is too small for all buffers. Needed 41280\n```', 'en'],
  ])('%s → %s', (q, lang) => {
    expect(detectLanguage(q)).toBe(lang);
  });
});

describe('answering from a tiny base', () => {
  const kb = new KnowledgeBase([...markdownChunks(FAQ, 'faq/arena-help.md'), ...syllabusChunks(SYLLABUS)], new Bm25Retriever());

  it('answers a pasted error with the entry that quotes it', () => {
    const a = kb.ask('my sketch says: Arena size is too small for all buffers. Needed 9999');
    expect(a.abstained).toBe(false);
    expect(a.citations[0]).toEqual({ id: 'arena-help', title: 'Why does AllocateTensors() fail?', url: 'faq/arena-help.md' });
  });

  it('corrects misspelt words against the corpus vocabulary', () => {
    expect(kb.ask('alocation fails, arena sise too smal for all bufers').citations[0]?.id).toBe('arena-help');
    expect(kb.retriever.knownTerms('linkr cannnot move locaton counter')).toEqual({ known: 5, total: 5 });
    expect(kb.retriever.knownTerms('zebra giraffe counter')).toEqual({ known: 1, total: 3 });
  });

  it('abstains on personal cases and unknown topics', () => {
    expect(kb.ask('I was charged twice, can I get a refund?')).toMatchObject({ abstained: true, citations: [] });
    expect(kb.ask('best pizza in town?').abstained).toBe(true);
    expect(kb.ask('').abstained).toBe(true);
  });
});

interface DevQuestion { id: string; question: string; lang: string; expected_sources: string[]; should_abstain: boolean }

describe.skipIf(!COURSE)('the shared course material (regression floor)', () => {
  let kb: KnowledgeBase;
  beforeAll(() => {
    kb = KnowledgeBase.fromDirs([COURSE!]);
  });

  it('indexes every FAQ entry and syllabus section', () => {
    const ids = new Set(kb.chunks.map((c) => c.citation.id));
    expect(kb.chunks.filter((c) => c.source === 'faq').length).toBeGreaterThanOrEqual(38);
    expect(ids.has('tensor-arena-too-small') && ids.has('4.2') && ids.has('4.2.3')).toBe(true);
  });

  it('cites the right source first on the labelled posts, fast on a warm index', () => {
    const rows = readFileSync(sharedPath('course/triage-examples.jsonl')!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { title: string; body: string; answer_source: string | null });
    const answerable = rows.filter((r) => r.answer_source);
    let right = 0;
    for (const r of answerable) if (kb.ask(`${r.title}\n${r.body}`).citations[0]?.id === r.answer_source) right++;
    expect(right / answerable.length).toBeGreaterThanOrEqual(0.8);
    // Warm now. The goal is 200 ms per question; the median keeps the check meaningful on a loaded machine.
    const times = answerable.map((r) => {
      const t0 = performance.now();
      kb.ask(`${r.title}\n${r.body}`);
      return performance.now() - t0;
    });
    expect(times.sort((x, y) => x - y)[times.length >> 1]).toBeLessThan(50);
  });

  it('answers the dev questions (en/es/pt) and abstains on the unanswerable ones', () => {
    const rows = readFileSync(fromRoot('test', 'fixtures', 'answers', 'dev-questions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DevQuestion);
    const answerable = rows.filter((r) => !r.should_abstain);
    const unanswerable = rows.filter((r) => r.should_abstain);
    const p1 = answerable.filter((r) => r.expected_sources.includes(kb.ask(r.question).citations[0]?.id ?? '')).length / answerable.length;
    const abst = unanswerable.filter((r) => kb.ask(r.question).abstained).length / unanswerable.length;
    // 22 of 26 (0.846): the first-citation reranker (issue 18, fifth round) moved one of these to a
    // neighbouring competition entry while it fixed 15 and broke 4 of 383 unseen triage posts.
    expect(p1).toBeGreaterThanOrEqual(0.84);
    expect(abst).toBeGreaterThanOrEqual(0.8);
    for (const r of answerable.filter((q) => q.lang !== 'en')) {
      const a = kb.ask(r.question);
      if (!a.abstained) expect(a.answer, r.id).toMatch(/inglés|inglês/);
    }
  });
});

describe('needs a person (before any retrieval)', () => {
  it.each([
    ['my certificate shows my old surname, how do I update it?', 'certificate'],
    ['esqueci a senha do edx e o email de recuperação não chega', 'account'],
    ['meri payment fail ho gayi par paise kat gaye', 'payment'],
    ['exam ka result galat dikha raha hai', 'grades'],
    ['please anonymize my username on the public leaderboard', 'personal-data'],
    ['When does Course 3 open again for enrollment?', 'unannounced-plans'],
    ['stm32cubeide HAL_UART_Transmit sends garbage on my nucleo', 'outside-course'],
    ['someone on discord is sending me rude DMs, what can I do?', 'other'],
    // Classes found by writing new training questions (issue 18, second round): each was answered before.
    ['my score for the KWS summative disappeared from the progress page', 'grades'],
    ['I think question 5 in the VWW summative is graded incorrectly, can staff review?', 'grades'],
    ['please reset my attempts on the summative in 2.3, the submit button glitched', 'grades'],
    ['is harvard planning an advanced tinyml course with on-device training?', 'unannounced-plans'],
    ['when will the VWW competition reopen after this one closes', 'unannounced-plans'],
    ['heard they might add a course on tinyML for LLMs, true?', 'unannounced-plans'],
    ['will tinyarena support submitting PyTorch models someday?', 'unannounced-plans'],
    ['my tinyarena api token stopped working after I changed my discord name', 'account'],
    ['my voice recordings from the custom dataset lab were shared publicly, I want them removed', 'personal-data'],
    ['can someone review my resume for embedded ML jobs?', 'outside-course'],
    ['a user keeps spamming my DMs with links, please ban them', 'other'],
    ['can you just tell me the answers to the summative test in 4.5', 'other'],
    ['do you know if harvard will do a live version of this course?', 'unannounced-plans'],
    ["any chance the kit will be sold again soon? it's out of stock", 'unannounced-plans'],
    ['the price in my currency was different from what I got charged', 'payment'],
    ['quiero cancelar la compra del certificado, me equivoqué de curso', 'payment'],
    ["my micro:bit won't show up on my computer, what do I do", 'outside-course'],
    ['the link to the slides in 5.6 is broken, can someone fix it?', 'other'],
    // The same words with the administrative object still hand over.
    ['can you reset my attempts on the 3.5 quiz?', 'grades'],
    ['when is the next run of the course?', 'unannounced-plans'],
    ['will there be a new edition of the course next year?', 'unannounced-plans'],
    ['how can I remove the photo of my face from the VWW dataset I contributed?', 'personal-data'],
    ['please delete my recordings from the forum post, they have my voice', 'personal-data'],
    ['please delete my voice recordings from the dataset you collected for the course', 'personal-data'],
    ['borren mis grabaciones de voz del dataset del curso por favor', 'personal-data'],
    ["can you reset my quiz attempts? the button didn't work", 'grades'],
    ['give me one more attempt on the test, the board disconnected during it', 'grades'],
    ['when will the next lab be released for course 4?', 'unannounced-plans'],
    // General shapes (issue 18, third round): indirect wording, other languages, no "my … is wrong".
    ["my friend's certificate has a typo in the name, how can she fix it", 'certificate'],
    ['can I get an invoice for my company?', 'payment'],
    ['delete my data', 'personal-data'],
    ['the course 4 summatives close tomorrow and my internet is down, please extend them for me', 'grades'],
    ['acabei o curso mas o edX diz que não fui aprovado', 'grades'],
    ['where do I download the certificate for course 1? I paid and passed', 'certificate'],
    ['how do I unlink my discord from tinyarena so I can link the new one', 'account'],
    ['I was charged in euros but I live in the US', 'payment'],
    ['how long do you keep the voice clips I uploaded to the open speech recording site?', 'personal-data'],
    ['¿cuándo abren las inscripciones otra vez?', 'unannounced-plans'],
    ['haverá novas turmas em 2027?', 'unannounced-plans'],
    ['can you recommend a good book on reinforcement learning?', 'outside-course'],
    ['Dear staff, my name is misspelled on the certificate I received. Please correct it.', 'certificate'],
  ])('%s → %s', (q, reason) => {
    expect(needsPerson(q)).toBe(reason);
  });

  it.each([
    'can I still get a certificate if I only audit the course?',
    'is there financial aid for the verified track?',
    'my quantized model gives a different score than the float one',
    'can I use an ESP32 instead of the Nano for the labs?',
    'where is the reading about privacy and consent in datasets?',
    'colab disconnected halfway through KWS training, can I resume from a checkpoint?',
    "I bought my board recently and it's a Rev2, will the course sketches work?",
    'how does the verified track differ from auditing?',
    // Administrative words without the administrative object (issue 18, third round; each was handed over before).
    'do I need to press reset before running the IMU test sketch?',
    'when I train a new model, do I have to run xxd again?',
    'cuando entreno un modelo nuevo tengo que cambiar el tamaño del arena?',
    'will there be a problem if I use IDE 2.3 instead of 1.8?',
    'is there going to be a difference between the rev2 board and the old one for the labs?',
    'how do I remove my old recordings from the dataset folder before retraining?',
    'posso apagar meus dados de treino do colab depois de exportar o modelo?',
    // Certificates, scores, quotas and dates that the FAQ answers.
    'how does the professional certificate work, do I need all four courses verified?',
    'my submission got rejected by preflight, does that use up one of my daily tries?',
    'which submissions count for the final ranking, do I choose them before the deadline?',
    'will the magic wand sketch work on my rev2 board?',
    'when will my submission be scored? it has been in the queue for a while',
    'my keyword is not recognised after I uploaded my own model, the board just sits there',
  ])('leaves a course question to the material: %s', (q) => {
    expect(needsPerson(q)).toBeNull();
  });

  it('answers with where to go, cites nothing, and says why', () => {
    const kb = new KnowledgeBase(markdownChunks(FAQ, 'faq/arena-help.md'));
    expect(kb.ask('I paid for the verified track twice, I want a refund')).toMatchObject({ abstained: true, citations: [], needsPerson: 'payment', answer: expect.stringContaining('edX support') as string });
  });
});

describe('composing answers from whole blocks', () => {
  const md = ['Intro sentence about bossac and the bootloader.', '', 'Common causes and fixes:', '', '- **Port busy.** Close the Serial Monitor,', '  then upload again.', '- **Stuck sketch.** Double-tap reset and pick the new port.', '', 'A closing remark that is long. '.repeat(30)].join('\n');

  it('keeps a list with its lead-in as one block, items and continuation lines together', () => {
    const blocks = blocksOf(md);
    expect(blocks[1]).toMatchObject({ list: true });
    expect(blocks[1]!.text).toContain('Common causes and fixes:');
    expect(blocks[1]!.text).toContain('Double-tap reset');
  });

  it('keeps a numbered fix whole when a code block and a note interrupt it, and chooses it first', () => {
    const fix = ['A long cause. '.repeat(20), '', 'Fix:', '1. List the ops.', '2. Register each op:', '', '```cpp', 'resolver.AddConv2D();', '```', '', 'If the capacity is too small, it says so.', '', '3. For a first test, register all ops.', '', 'A closing remark. '.repeat(20)].join('\n');
    const blocks = blocksOf(fix);
    expect(blocks.find((b) => b.text.includes('1. List'))?.text).toContain('3. For a first test');
    const out = composeAnswer(fix, 'op missing', 300);
    expect(out).toContain('1. List the ops.');
    expect(out).toContain('resolver.AddConv2D();');
    expect(out).toContain('3. For a first test');
  });

  it('joins hard-wrapped lines for display but keeps list items, code and tables on their own lines', () => {
    expect(unwrap('delete the extra\nlibrary folder.\n\n- one\n  two\n- three\n```\na\nb\n```\n| x |\n| y |')).toBe('delete the extra library folder.\n\n- one two\n- three\n```\na\nb\n```\n| x |\n| y |');
  });

  it('drops whole blocks to fit, never cuts the list, keeps the fix', () => {
    const out = composeAnswer(md, 'upload fails, port busy?', 400);
    expect(out).toContain('Close the Serial Monitor,\n  then upload again.');
    expect(out).toContain('Double-tap reset and pick the new port.');
    expect(out).not.toContain('A closing remark');
    expect(out).not.toMatch(/…$/);
  });
});

describe.skipIf(!sharedPath('course'))('a course item asked for by its subject (shared course)', () => {
  let kb: KnowledgeBase;
  beforeAll(() => {
    kb = KnowledgeBase.fromDirs([sharedPath('course')!]);
  });

  it.each([
    ['the colab where you look inside the flatbuffer file', '4.4'],
    ['is there a notebook on training with fake quantization nodes', '3.3'],
    ['which unit covers pruning and clustering of weights', '5.6'],
    // A course number names the course (course 3 is chapter 4); a wake word without "visual" is KWS.
    ['the person detection lab in course 3', '4.7'],
    ['where is the notebook where we train the wake word thing ourselves', '3.5'],
    ['autoencoder colab for anomaly detection', '3.8'],
  ])('%s → section %s first', (q, section) => {
    expect(kb.ask(q).citations[0]?.id).toBe(section);
  });

  it('matches a pasted error message wrapped over two lines of the FAQ', () => {
    expect(kb.ask('the sensor test prints failed to initialize IMU on my new board').citations[0]?.id).toBe('nano-33-ble-sense-rev2');
  });

  it('a failure in a notebook still gets the fix, not the outline', () => {
    expect(kb.ask('colab runtime died after ~90 min of training the keyword model and i lost everything').citations[0]?.id).toBe('colab-disconnects-gpu');
  });
});
