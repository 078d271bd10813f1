/**
 * Every conversion a learner may upload, of each shared model, gets the right diagnosis: one failing
 * check naming the conversion correctly, one fix, one link to the recipe's section, and nothing that
 * repeats it (input/output types, int8 details, budgets the int8 model would meet). The float32,
 * dynamic-range, float16, 16x8 and float-edged variants are made from the shared float and int8
 * models by test/helpers/tflite-convert.ts.
 */
import { describe, expect, it } from 'vitest';
import { rejectionReason } from '../../arena/submission-check.js';
import { loadChallenge, rulesForChallenge } from '../../grader/challenges/load.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { preflight, type PreflightReport } from '../../grader/validate/preflight.js';
import { diagnoseQuantization, type QuantizationKind } from '../../grader/validate/quantization.js';
import { DEFAULT_RULES } from '../../grader/validate/rules.js';
import { convert, dynamicRange, float16, float32, floatEdges, int16x8 } from '../helpers/tflite-convert.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';

const MODELS = [
  { task: 'kws', int8: 'kws_ref_model', float: 'kws_ref_model_float32', challenge: 'kws-demo' },
  { task: 'vww', int8: 'vww_96_int8', float: 'vww_96_float', challenge: 'vww-demo' },
  { task: 'ad', int8: 'ad01_int8', float: 'ad01_fp32', challenge: 'ad-demo' },
] as const;

type Variant = { name: string; kind: QuantizationKind; bytes: (m: (typeof MODELS)[number]) => Uint8Array; message: RegExp; hint: RegExp };

const VARIANTS: Variant[] = [
  { name: 'float32', kind: 'float32', bytes: (m) => convert(sharedModel(m.float), float32), message: /^the model is not quantized: its \d+ weight tensors, all activations, the input and the output are float32/, hint: /full-integer post-training quantization: a representative dataset/ },
  { name: 'dynamic-range', kind: 'dynamic-range', bytes: (m) => convert(sharedModel(m.float), dynamicRange), message: /^dynamic-range quantization: \d+ of \d+ weight tensors are int8.*but every activation, the input and the output are float32/, hint: /add a representative dataset/ },
  { name: 'float16', kind: 'float16', bytes: (m) => convert(sharedModel(m.float), float16), message: /^float16 quantization: weights are stored as float16 and expanded to float32 by \d+ DEQUANTIZE ops/, hint: /^Remove converter\.target_spec\.supported_types = \[tf\.float16\]/ },
  { name: 'int16x8', kind: 'int16x8', bytes: (m) => convert(sharedModel(m.int8), int16x8), message: /^16x8 quantization: \d+ activation tensors are int16 \(weights \d+ int8\)/, hint: /TFLITE_BUILTINS_INT8\] instead of EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8/ },
  { name: 'int8 with float input/output', kind: 'int8-float-io', bytes: (m) => convert(sharedModel(m.int8), floatEdges), message: /^int8 inside, but the input and output are float32: the converter wrapped the model in #0 QUANTIZE, #\d+ DEQUANTIZE$/, hint: /inference_input_type = tf\.int8 and converter\.inference_output_type = tf\.int8/ },
];

const failing = (r: PreflightReport) => r.checks.filter((c) => c.status === 'fail');

describe.skipIf(!HAVE_SHARED_MODELS)('diagnosis of each conversion of the shared models', () => {
  for (const m of MODELS) {
    const rules = rulesForChallenge(loadChallenge(m.challenge).definition);
    for (const v of VARIANTS) {
      it(`${m.task}: ${v.name} fails once, as ${v.kind}, with one fix and the recipe's section`, () => {
        const bytes = v.bytes(m);
        expect(diagnoseQuantization(parseModel(bytes)).kind).toBe(v.kind);
        for (const r of [preflight(bytes, rules).report, preflight(bytes, DEFAULT_RULES).report]) {
          expect(r.readable).toBe(true);
          const fails = failing(r);
          expect(fails.map((c) => c.id), JSON.stringify(fails)).toEqual(['int8.quantization']);
          const [c] = fails;
          expect(c!.message).toMatch(v.message);
          expect(c!.hint).toMatch(v.hint);
          expect(c!.link).toBe(`/help/quantization#${v.kind === 'int8-float-io' ? 'float-io' : v.kind}`);
          // The recipe's code lives on the linked page, not in the messages.
          expect(JSON.stringify(r.checks)).not.toMatch(/representative_dataset\s*=/);
          // A budget the int8 model would meet is a note, not a second failure.
          for (const b of r.checks.filter((x) => x.id.startsWith('budget.') && x.status === 'warn')) expect(b.message).toMatch(/within it$/);
        }
      });
    }

    it(`${m.task}: the full-int8 model passes every check`, () => {
      const bytes = sharedModel(m.int8);
      expect(diagnoseQuantization(parseModel(bytes)).kind).toBe('full-int8');
      const r = preflight(bytes, rules).report;
      expect(failing(r)).toEqual([]);
      expect(r.checks.find((c) => c.id === 'int8.quantization')).toMatchObject({ status: 'pass', message: 'full-integer int8: int8 weights and activations' });
    });

    it(`${m.task}: int8 with float edges passes where the rules allow edge conversion`, () => {
      const r = preflight(convert(sharedModel(m.int8), floatEdges), { ...rules, allowEdgeQuantize: true }).report;
      expect(failing(r)).toEqual([]);
      expect(r.checks.find((c) => c.id === 'int8.quantization')!.message).toMatch(/^int8 inside; float input\/output converted at the edges/);
    });
  }

  it('the shared kws "float32" file is really dynamic-range: conv weights int8, the five small ones float32', () => {
    const r = preflight(sharedModel('kws_ref_model_float32'), rulesForChallenge(loadChallenge('kws-demo').definition)).report;
    expect(failing(r).map((c) => c.id)).toEqual(['int8.quantization']);
    expect(failing(r)[0]!.message).toBe(
      "dynamic-range quantization: 5 of 10 weight tensors are int8 (the 5 smaller ones, under 1,024 values each, stay float32: the converter leaves those alone), but every activation, the input and the output are float32; the board's int8 kernels need int8 activations",
    );
    // Its float32 activations overflow the 64 KiB arena; as int8 they fit, so that is a note only.
    expect(r.checks.find((c) => c.id === 'budget.arena')).toMatchObject({ status: 'warn', message: expect.stringMatching(/with float32 activations, over the 64 KiB RAM budget; ≈ 23\.7 KiB once int8, within it/) as unknown });
  });

  it('a float model too big even as int8 still fails the budget, with both sizes', () => {
    const r = preflight(convert(sharedModel('vww_96_float'), float32), { ...DEFAULT_RULES, maxModelBytes: 100_000 }).report;
    expect(failing(r).map((c) => c.id)).toEqual(['int8.quantization', 'budget.flash']);
    expect(failing(r)[1]!.message).toMatch(/^the model is \d+\.\d KiB; even converted to int8 \(≈ \d+\.\d KiB\) it is over the 97\.7 KiB flash budget$/);
  });

  it('the learner-facing reason: one entry per failed check, fix and link once each, short, line breaks kept', () => {
    const r = preflight(sharedModel('kws_ref_model_float32'), rulesForChallenge(loadChallenge('kws-demo').definition)).report;
    const reason = rejectionReason(r, 'https://arena.example');
    expect(reason.split('\n')).toEqual([
      expect.stringMatching(/^int8\.quantization: dynamic-range quantization: 5 of 10 weight tensors are int8/) as unknown,
      expect.stringMatching(/^ {2}Fix: Keep optimizations = \[tf\.lite\.Optimize\.DEFAULT\] and add a representative dataset/) as unknown,
      '  Recipe: https://arena.example/help/quantization#dynamic-range',
    ]);
    expect(reason.length).toBeLessThan(700);
    // Several failures: one block each, in check order.
    const many = preflight(convert(sharedModel('vww_96_float'), float32), { ...DEFAULT_RULES, maxModelBytes: 100_000 }).report;
    const text = rejectionReason(many, 'https://arena.example');
    expect(text.match(/^\S.*$/gm)!.map((l) => l.split(':')[0])).toEqual(['int8.quantization', 'budget.flash']);
    expect(text.match(/Fix:/g)).toHaveLength(2);
    expect(text.match(/Recipe:/g)).toHaveLength(1);
  });
});
