import { describe, expect, it } from 'vitest';
import { FlatReader, MAX_DEPTH, ModelFormatError } from '../../grader/tflite/flat-reader.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { buildModel } from '../../grader/tflite/builder.js';
import { tinyInt8Model } from '../helpers/tiny-model.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';

const opCounts = (stem: string) => {
  const g = parseModel(sharedModel(stem));
  const counts: Record<string, number> = {};
  for (const op of g.operators) counts[op.op] = (counts[op.op] ?? 0) + 1;
  return { g, counts };
};

describe.skipIf(!HAVE_SHARED_MODELS)('parsing the shared reference models', () => {
  it('kws_ref_model: DS-CNN, int8 [1,49,10,1] → [1,12]', () => {
    const { g, counts } = opCounts('kws_ref_model');
    expect(counts).toEqual({ CONV_2D: 5, DEPTHWISE_CONV_2D: 4, AVERAGE_POOL_2D: 1, RESHAPE: 1, FULLY_CONNECTED: 1, SOFTMAX: 1 });
    const input = g.tensors[g.inputs[0]!]!;
    expect(input).toMatchObject({ type: 'int8', shape: [1, 49, 10, 1] });
    expect(input.quantization!.scale[0]).toBeCloseTo(0.5847029, 6);
    expect(input.quantization!.zeroPoint).toEqual([83]);
    const output = g.tensors[g.outputs[0]!]!;
    expect(output).toMatchObject({ type: 'int8', shape: [1, 12] });
    expect(output.quantization!.scale[0]).toBeCloseTo(1 / 256, 9);
    expect(output.quantization!.zeroPoint).toEqual([-128]);
    const conv = g.operators.find((o) => o.op === 'CONV_2D')!;
    expect(conv.options).toMatchObject({ kind: 'conv2d', activation: 'RELU' });
    // Per-channel weights: one scale per output channel along dimension 0.
    const w = g.tensors[conv.inputs[1]!]!;
    expect(w.quantization!.scale.length).toBe(w.shape[0]);
    expect(w.data!.length).toBe(w.elements);
  });

  it('vww_96_int8: MobileNet, int8 [1,96,96,3] → [1,2]', () => {
    const { g, counts } = opCounts('vww_96_int8');
    expect(counts).toEqual({ CONV_2D: 14, DEPTHWISE_CONV_2D: 13, AVERAGE_POOL_2D: 1, RESHAPE: 1, FULLY_CONNECTED: 1, SOFTMAX: 1 });
    expect(g.tensors[g.inputs[0]!]).toMatchObject({ type: 'int8', shape: [1, 96, 96, 3] });
    expect(g.tensors[g.inputs[0]!]!.quantization!.zeroPoint).toEqual([-128]);
    expect(g.tensors[g.outputs[0]!]).toMatchObject({ type: 'int8', shape: [1, 2] });
  });

  it('ad01_int8: ten dense layers, int8 [1,640] → [1,640]', () => {
    const { g, counts } = opCounts('ad01_int8');
    expect(counts).toEqual({ FULLY_CONNECTED: 10 });
    const [i, o] = [g.tensors[g.inputs[0]!]!, g.tensors[g.outputs[0]!]!];
    expect(i.quantization!.scale[0]).toBeCloseTo(0.3910152, 6);
    expect(i.quantization!.zeroPoint).toEqual([89]);
    expect(o.quantization!.scale[0]).toBeCloseTo(0.3644985, 6);
    expect(o.quantization!.zeroPoint).toEqual([96]);
  });

  it('float models and hello_world are readable too', () => {
    for (const stem of ['kws_ref_model_float32', 'vww_96_float', 'ad01_fp32', 'hello_world_int8']) {
      const g = parseModel(sharedModel(stem));
      expect(g.identifier).toBe('TFL3');
      expect(g.schemaVersion).toBe(3);
      expect(g.operators.length).toBeGreaterThan(0);
    }
    expect(opCounts('hello_world_int8').counts).toEqual({ FULLY_CONNECTED: 3 });
  });
});

describe('parsing built models', () => {
  it('reads inline and external (offset/size) buffers alike', () => {
    const inline = parseModel(buildModel(tinyInt8Model()));
    const external = parseModel(buildModel({ ...tinyInt8Model(), externalData: true }));
    expect(external.buffers.filter((b) => b.external)).toHaveLength(2);
    expect(Array.from(external.tensors[1]!.data!)).toEqual(Array.from(inline.tensors[1]!.data!));
    expect(external.tensors[1]!.data!.length).toBe(8);
  });

  it('decodes options by union type', () => {
    const g = parseModel(buildModel(tinyInt8Model()));
    expect(g.operators[0]!.options).toEqual({ kind: 'fullyConnected', activation: 'NONE', weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false });
    expect(g.operators[1]!.options).toEqual({ kind: 'softmax', beta: 1 });
  });

  it('refuses dangling tensor indices with the path of the field', () => {
    const def = tinyInt8Model();
    def.ops[0]!.inputs = [0, 1, 9];
    expect(() => parseModel(buildModel(def))).toThrow(/subgraphs\[0\]\.operators\[0\]\.inputs\[2\]: tensor index 9 is out of range/);
  });

  it('refuses constant data that does not match the shape', () => {
    const def = tinyInt8Model();
    def.tensors[1]!.shape = [2, 5];
    expect(() => parseModel(buildModel(def))).toThrow(/constant data is 8 bytes but shape \[2,5\] of int8 needs 10/);
  });

  it('refuses truncated files and offsets past the end', () => {
    const bytes = buildModel(tinyInt8Model());
    for (const cut of [0, 3, 7, 20, bytes.length / 2, bytes.length - 1]) {
      expect(() => parseModel(bytes.subarray(0, Math.floor(cut)))).toThrow(ModelFormatError);
    }
    const hostile = bytes.slice();
    new DataView(hostile.buffer).setUint32(0, 0xfffffff0, true);
    expect(() => parseModel(hostile)).toThrow(/lies outside the/);
  });

  it('caps nesting depth on self-referencing tables', () => {
    // root → table T whose field 0 is an offset back to T itself: following it forever must stop.
    const buf = new Uint8Array(32);
    const dv = new DataView(buf.buffer);
    dv.setUint32(0, 16, true); // root offset → table at 16
    // vtable at 8: size 6, table size 8, field 0 at offset 4
    dv.setUint16(8, 6, true);
    dv.setUint16(10, 8, true);
    dv.setUint16(12, 4, true);
    dv.setInt32(16, 16 - 8, true); // table soffset → vtable at 8
    // Field 0 tries to point 4 bytes back, at the table itself; uoffsets are unsigned, so this reads as
    // a jump of ~4 GB forward, which the reader refuses instead of looping.
    dv.setUint32(20, 2 ** 32 - 4, true);
    const reader = new FlatReader(buf);
    let t = reader.root();
    expect(() => t.table(0, 'self')).toThrow(ModelFormatError);
    // A chain that stays inside the file still ends at MAX_DEPTH.
    const chain = new Uint8Array(16 + 12 * (MAX_DEPTH + 4));
    const cv = new DataView(chain.buffer);
    cv.setUint32(0, 16, true);
    cv.setUint16(4, 6, true);
    cv.setUint16(6, 8, true);
    cv.setUint16(8, 4, true);
    for (let k = 0; k < MAX_DEPTH + 3; k++) {
      const pos = 16 + 12 * k;
      cv.setInt32(pos, pos - 4, true); // every table shares the vtable at 4
      cv.setUint32(pos + 4, 12 - 4, true); // field 0 → next table, 12 bytes on
    }
    t = new FlatReader(chain).root();
    expect(() => {
      for (let k = 0; k < MAX_DEPTH + 2; k++) t = t.table(0, `t${k}`)!;
    }).toThrow(/nest deeper than 32 levels/);
  });
});

describe('size limits', () => {
  it('refuses more tensors than any board model has', () => {
    const def = tinyInt8Model();
    for (let i = 0; i < 10_001; i++) def.tensors.push({ shape: [1], type: 'int8' });
    expect(() => parseModel(buildModel(def))).toThrow(/subgraphs\[0\]\.tensors: 10006 entries; no board model has more than 10000/);
  });
});
