/**
 * What learners see on the web: a rejected model's report and the recipe page it links.
 */
import { describe, expect, it } from 'vitest';
import { submit } from '../../arena/intake.js';
import { RECIPE_SECTIONS } from '../../grader/validate/checks.js';
import { freePort } from '../helpers/cli.js';
import { person, pipelineServices } from '../helpers/pipeline.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';
import { webUp } from '../helpers/web.js';

const count = (text: string, what: string) => text.split(what).length - 1;

describe.skipIf(!HAVE_SHARED_MODELS)('learner pages', () => {
  it('a float model’s report says what is wrong once, with one fix and a link to the recipe page', async () => {
    const s = await pipelineServices({ env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const ada = await person(s, 'ada');
    const r = await submit(s, { challengeId: 'kws-test', personId: ada.id, fileName: 'kws_float.tflite', source: 'api', body: sharedModel('kws_ref_model_float32') });
    expect(r.status).toBe('rejected');
    const html = await (await fetch(`${base}/submissions/${r.id}`)).text();
    expect(count(html, 'dynamic-range quantization: 5 of 10 weight tensors are int8')).toBe(1);
    expect(count(html, 'Fix: ')).toBe(1);
    expect(count(html, 'href="/help/quantization#dynamic-range"')).toBe(1);
    expect(html).toMatch(/<strong>rejected<\/strong> — 1 check failed, <a href="#checks">see below<\/a>/);
    expect(html).toMatch(/<td>validate<\/td><td>failed<\/td><td><a href="#checks">1 check failed<\/a><\/td>/);

    const help = await fetch(`${base}/help/quantization`);
    expect(help.status).toBe(200);
    const page = await help.text();
    for (const id of RECIPE_SECTIONS) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('converter.representative_dataset = representative_dataset');
    // The code once, at the top; the sections say what to change.
    expect(count(page, '<pre>')).toBe(1);
  });
});
