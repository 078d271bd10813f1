import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../grader/datasets/dataset.js';
import { KWS_FRAMES, kwsMfcc, melMatrix, quantizeKwsFeatures } from '../../grader/tasks/front-ends/kws-mfcc.js';
import { parseWav } from '../../grader/datasets/wav.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { argmax } from '../../grader/metrics/classification.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { HAVE_SHARED_MODELS, sharedModel, sharedPath } from '../helpers/shared.js';
import { wavBytes } from '../helpers/wav.js';

const LABELS = ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', 'silence', 'unknown'];

const wav = (samples: number[], channels = 1, bits = 16) => wavBytes(samples, { channels, float: bits === 32 });

describe('WAV reading', () => {
  it('reads PCM16 and float32, mixing channels down', () => {
    expect(Array.from(parseWav(wav([16384, -16384, 0])).samples)).toEqual([0.5, -0.5, 0]);
    expect(Array.from(parseWav(wav([16384, 0, -32768, 0], 2)).samples)).toEqual([0.25, -0.5]);
    expect(parseWav(wav([0.25], 1, 32)).samples[0]).toBe(0.25);
  });
  it('refuses broken files with a reason', () => {
    expect(() => parseWav(new Uint8Array(10), 'x.wav')).toThrow(new DatasetError('x.wav: not a RIFF/WAVE file'));
    const w = wav([1, 2, 3]);
    new DataView(w.buffer).setUint32(40, 1e9, true);
    expect(() => parseWav(w, 'y.wav')).toThrow(/chunk "data" runs past the end/);
    for (let cut = 0; cut < 44; cut++) expect(() => parseWav(wav([1, 2]).subarray(0, cut))).toThrow(DatasetError);
  });
});

describe('KWS front end', () => {
  it('builds the TensorFlow mel matrix shape with a zero DC row and triangular weights', () => {
    const m = melMatrix();
    expect(m).toHaveLength(257);
    expect(Array.from(m[0]!).every((v) => v === 0)).toBe(true);
    for (const row of m) for (const v of row) expect(v).toBeGreaterThanOrEqual(0);
    expect(Math.max(...m.flatMap((r) => Array.from(r)))).toBeLessThanOrEqual(1);
  });

  it('gives 49×10 features; silence of zeros is finite', () => {
    const f = kwsMfcc(new Float32Array(16000));
    expect(f).toHaveLength(KWS_FRAMES * 10);
    expect(KWS_FRAMES).toBe(49);
    expect(f.every((v) => Number.isFinite(v))).toBe(true);
    expect(quantizeKwsFeatures(Float32Array.from([0, 0.5847029 * 10.9, -1000]))).toEqual(Int8Array.from([83, 93, -128]));
  });

  it.skipIf(!HAVE_SHARED_MODELS || !sharedPath('samples/yes_1000ms.wav'))('recognises the real clips with the reference model: yes, silence, unknown (marvin, stereo)', () => {
    const interp = Interpreter.create(parseModel(sharedModel('kws_ref_model')));
    const classify = (file: string) => {
      const audio = parseWav(new Uint8Array(readFileSync(sharedPath(`samples/${file}`)!)), file);
      interp.inputs[0]!.i8.set(quantizeKwsFeatures(kwsMfcc(audio.samples)));
      interp.invoke();
      return LABELS[argmax(interp.outputs[0]!.i8)];
    };
    expect(classify('yes_1000ms.wav')).toBe('yes');
    expect(classify('silence_1000ms.wav')).toBe('silence');
    expect(classify('marvin_617de221_0.wav')).toBe('unknown');
  });
});
