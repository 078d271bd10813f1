import { describe, expect, it } from 'vitest';
import { loadChallenge, rulesForChallenge } from '../../grader/challenges/load.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { estimateArena, planArena } from '../../grader/validate/arena.js';
import { preflight, type PreflightReport } from '../../grader/validate/preflight.js';
import { DEFAULT_RULES, type PreflightRules } from '../../grader/validate/rules.js';
import { buildModel, f32, i32, i8, type ModelDef } from '../../grader/tflite/builder.js';
import { tinyInt8Model } from '../helpers/tiny-model.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';

const check = (r: PreflightReport, id: string) => r.checks.find((c) => c.id === id);
const failing = (r: PreflightReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const run = (def: ModelDef, rules: PreflightRules = DEFAULT_RULES) => preflight(buildModel(def), rules).report;

describe.skipIf(!HAVE_SHARED_MODELS)('preflight on the shared models', () => {
  it.each([
    ['kws_ref_model', 'kws-demo'],
    ['vww_96_int8', 'vww-demo'],
    ['ad01_int8', 'ad-demo'],
  ])('%s passes %s and the default rules', (stem, challenge) => {
    const bytes = sharedModel(stem);
    for (const rules of [DEFAULT_RULES, rulesForChallenge(loadChallenge(challenge).definition)]) {
      const r = preflight(bytes, rules).report;
      expect(failing(r), JSON.stringify(r.checks)).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it.each([
    ['kws_ref_model_float32', 'dynamic-range'],
    ['vww_96_float', 'float32'],
    ['ad01_fp32', 'float32'],
  ])('%s fails the int8 check once, diagnosed as %s, with a fix and the recipe', (stem, kind) => {
    const r = preflight(sharedModel(stem)).report;
    expect(r.ok).toBe(false);
    expect(r.readable).toBe(true);
    expect(failing(r)).toEqual(['int8.quantization']);
    const c = check(r, 'int8.quantization')!;
    expect(c.hint).toMatch(/representative dataset.*int8 input and output/);
    expect(c.link).toBe(`/help/quantization#${kind}`);
  });

  it('a model for another task fails the signature with a task-specific hint', () => {
    const r = preflight(sharedModel('vww_96_int8'), rulesForChallenge(loadChallenge('kws-demo').definition)).report;
    const c = check(r, 'io.inputs')!;
    expect(c).toMatchObject({ status: 'fail', message: 'input 0 is [1,96,96,3]; challenge kws-demo expects [1,49,10,1]' });
    expect(c.hint).toMatch(/49 frames × 10 MFCC/);
  });

  it('plans the activation arena by TFLM greedy rules: KWS 16,000 bytes, AD 768', () => {
    expect(planArena(parseModel(sharedModel('kws_ref_model'))).plannedBytes).toBe(16_000);
    expect(planArena(parseModel(sharedModel('ad01_int8'))).plannedBytes).toBe(768);
  });

  it('counts MACs and parameters', () => {
    const kws = preflight(sharedModel('kws_ref_model')).report;
    expect(kws.macs).toBe(2_664_780);
    expect(kws.params).toBe(22_604);
    const ad = preflight(sharedModel('ad01_int8')).report;
    // 640→128→128→128→128→8→128→128→128→128→640 dense layers
    expect(ad.macs).toBe(640 * 128 + 128 * 128 * 3 + 128 * 8 + 8 * 128 + 128 * 128 * 3 + 128 * 640);
    expect(kws.ops).toContainEqual({ op: 'CONV_2D', count: 5 });
  });

  it('hello_world_int8 is readable and full-int8', () => {
    const r = preflight(sharedModel('hello_world_int8')).report;
    expect(r.readable).toBe(true);
    expect(r.ok).toBe(true);
  });
});

describe('preflight on crafted models', () => {
  it('accepts the tiny full-int8 model and reports its tensors', () => {
    const r = run(tinyInt8Model());
    expect(r.ok).toBe(true);
    expect(r.inputs[0]).toMatchObject({ shape: [1, 4], dtype: 'int8', zeroPoint: -3 });
    expect(r.macs).toBe(8 + 2);
  });

  it('names the float ops of a partly quantized model', () => {
    const def = tinyInt8Model();
    def.tensors[3] = { name: 'dense/out', shape: [1, 2], type: 'float32' };
    const r = run(def);
    expect(failing(r)).toEqual(['int8.quantization']);
    expect(check(r, 'int8.quantization')).toMatchObject({ status: 'fail', message: 'partly quantized: 2 of 2 operators still compute in float between int8 parts: #0 FULLY_CONNECTED, #1 SOFTMAX', link: '/help/quantization#mixed' });
  });

  it('flags edge QUANTIZE/DEQUANTIZE unless the challenge allows them', () => {
    const def = tinyInt8Model();
    // float input → QUANTIZE → (int8 graph) → DEQUANTIZE → float output
    def.tensors.push({ name: 'float_in', shape: [1, 4], type: 'float32' }, { name: 'float_out', shape: [1, 2], type: 'float32' });
    def.ops.unshift({ op: 'QUANTIZE', inputs: [5], outputs: [0] });
    def.ops.push({ op: 'DEQUANTIZE', inputs: [4], outputs: [6] });
    def.inputs = [5];
    def.outputs = [6];
    const strict = run(def);
    expect(failing(strict)).toEqual(['int8.quantization']);
    expect(check(strict, 'int8.quantization')).toMatchObject({ message: 'int8 inside, but the input and output are float32: the converter wrapped the model in #0 QUANTIZE, #3 DEQUANTIZE' });
    expect(check(strict, 'int8.quantization')!.hint).toMatch(/inference_input_type = tf\.int8 and converter\.inference_output_type = tf\.int8/);
    const lenient = run(def, { ...DEFAULT_RULES, allowEdgeQuantize: true });
    expect(failing(lenient)).toEqual([]);
  });

  it('checks weights: int8, symmetric, positive scales, one scale per channel', () => {
    const asym = tinyInt8Model();
    asym.tensors[1]!.quant = { scale: [0.02], zeroPoint: [3] };
    expect(check(run(asym), 'int8.weights')!.message).toMatch(/#0 FULLY_CONNECTED dense\/weights: zero point ≠ 0/);
    const badScale = tinyInt8Model();
    badScale.tensors[1]!.quant = { scale: [0], zeroPoint: [0] };
    expect(check(run(badScale), 'int8.weights')!.message).toMatch(/scale 0 \(must be > 0 and finite\)/);
    const channels = tinyInt8Model();
    channels.tensors[1]!.quant = { scale: [0.1, 0.2, 0.3], zeroPoint: [0, 0, 0], dim: 0 };
    expect(check(run(channels), 'int8.weights')!.message).toMatch(/3 scales for 2 channels/);
    const perChannelOk = tinyInt8Model();
    perChannelOk.tensors[1]!.quant = { scale: [0.1, 0.2], zeroPoint: [0, 0], dim: 0 };
    expect(check(run(perChannelOk), 'int8.weights')!.status).toBe('pass');
    const floatWeights = tinyInt8Model();
    floatWeights.tensors[1] = { name: 'dense/weights', shape: [2, 4], type: 'float32', data: f32([1, 2, 3, 4, 5, 6, 7, 8]) };
    expect(check(run(floatWeights), 'int8.weights')!.message).toMatch(/float32, not int8/);
  });

  it('requires int32 biases', () => {
    const def = tinyInt8Model();
    def.tensors[2] = { name: 'dense/bias', shape: [2], type: 'int8', data: i8([1, 2]), quant: { scale: [0.01], zeroPoint: [0] } };
    expect(check(run(def), 'int8.biases')).toMatchObject({ status: 'fail', message: 'biases must be int32 for int8 kernels: #0 FULLY_CONNECTED dense/bias (int8)' });
  });

  it('names ops the firmware lacks, custom ops included', () => {
    const def = tinyInt8Model();
    def.ops.push({ op: 'CUSTOM', custom: 'TFLite_Detection_PostProcess', inputs: [4], outputs: [4] });
    def.ops.push({ op: 'LSTM', inputs: [4], outputs: [4] });
    const c = check(run(def), 'ops.supported')!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('CUSTOM "TFLite_Detection_PostProcess" (1×, e.g. #2)');
    expect(c.message).toContain('LSTM (1×, e.g. #3)');
    expect(c.hint).toMatch(/^Custom ops cannot run on the board\. Rebuild the model from supported layers: CONV_2D/);
  });

  it('warns on op versions newer than the firmware was tested with', () => {
    const def = tinyInt8Model();
    def.ops[1]!.version = 9;
    const r = run(def);
    expect(check(r, 'ops.versions')).toMatchObject({ status: 'warn' });
    expect(r.ok).toBe(true);
  });

  it('enforces flash, arena and MAC budgets', () => {
    const tight: PreflightRules = { ...DEFAULT_RULES, maxModelBytes: 100, maxArenaBytes: 64, maxMacs: 5 };
    const r = run(tinyInt8Model(), tight);
    expect(failing(r)).toEqual(['budget.flash', 'budget.arena', 'budget.macs']);
    expect(check(r, 'budget.flash')!.message).toMatch(/over the 100 B flash budget/);
  });

  it('checks the schema version and the number of subgraphs', () => {
    expect(check(run({ ...tinyInt8Model(), version: 2 }), 'format.schema-version')!.status).toBe('fail');
    expect(check(run({ ...tinyInt8Model(), extraSubgraphs: 1 }), 'format.subgraphs')!.message).toBe('2 subgraphs; the board runs exactly one');
  });

  it('says what a non-model upload is', () => {
    const jpeg = preflight(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1])).report;
    expect(jpeg).toMatchObject({ ok: false, readable: false });
    expect(check(jpeg, 'format.identifier')!.message).toBe('this is a JPEG image, not a TFLite model');
    const h5 = preflight(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])).report;
    expect(check(h5, 'format.identifier')!.hint).toMatch(/TFLiteConverter\.from_keras_model/);
    const elf = preflight(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0, 0, 0])).report;
    expect(check(elf, 'format.identifier')!.hint).toMatch(/firmware submission/);
    const empty = preflight(new Uint8Array(0)).report;
    expect(check(empty, 'format.identifier')!.message).toBe('this is an empty file, not a TFLite model');
    const truncated = preflight(buildModel(tinyInt8Model()).subarray(0, 200)).report;
    expect(check(truncated, 'format.identifier')!.status).toBe('pass');
    expect(check(truncated, 'format.parse')!.hint).toMatch(/truncated or corrupted/);
  });

  it('adds persistent bookkeeping to the planned area', () => {
    const g = parseModel(buildModel(tinyInt8Model()));
    const a = estimateArena(g);
    // input, dense/out and probs take 16 bytes each after alignment; input and probs are never alive
    // at the same time, so they share offset 0 and the plan peaks at 32.
    expect(a.plannedBytes).toBe(32);
    expect(a.totalBytes).toBe(a.plannedBytes + a.persistentBytes);
    expect(a.persistentBytes % 16).toBe(0);
  });

  it('keeps int32 shape tensors out of the parameter count', () => {
    const def = tinyInt8Model();
    def.tensors.push({ name: 'shape', shape: [2], type: 'int32', data: i32([1, 2]) }, { name: 'reshaped', shape: [1, 2], type: 'int8', quant: { scale: [1 / 256], zeroPoint: [-128] } });
    def.ops.push({ op: 'RESHAPE', inputs: [4, 5], outputs: [6] });
    def.outputs = [6];
    expect(run(def).params).toBe(8 + 2);
  });
});
