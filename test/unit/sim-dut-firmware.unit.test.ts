/** A simulated board running a submitted firmware image as an MLPerf Tiny reference firmware. */
import { describe, expect, it } from 'vitest';
import { checkFirmware } from '../../grader/firmware/check.js';
import { readFirmware } from '../../grader/firmware/image.js';
import { toElf, toFlatBinary, toIntelHex } from '../../grader/firmware/write.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { buildSimFirmwareImage } from '../../grader/rack/sim/firmware-image.js';
import { estimateLatency } from '../../grader/validate/latency-model.js';
import { printfExp, printfFixed, SimDutFirmware, type DutProfile } from '../../grader/rack/sim/sim-dut-firmware.js';
import { chunks, decodeMessage, lapLatencyUs, MAX_DB_CHUNK, toHex } from '../../grader/rack/protocol.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { mulberry32 } from '../../lib/rng.js';
import { HAVE_SHARED_MODELS, sharedModel } from '../helpers/shared.js';
import { buildModel, i32, i8 } from '../../grader/tflite/builder.js';
import { tinyInt8Model } from '../helpers/tiny-model.js';

const APP = 0x10000;
const clock = () => 1000;
const tiny = () => buildModel(tinyInt8Model());

/** An autoencoder-shaped model for ad01: input [1,4] → FULLY_CONNECTED (4 units) → output [1,4]. */
function adModel(): Uint8Array {
  const q = (scale: number, zp: number) => ({ scale: [scale], zeroPoint: [zp] });
  return buildModel({
    tensors: [
      { name: 'input', shape: [1, 4], type: 'int8', quant: q(0.1, 2) },
      { name: 'w', shape: [4, 4], type: 'int8', data: i8([40, 5, 0, -3, 2, 50, 1, 0, 0, -4, 45, 2, 1, 0, 3, 60]), quant: q(0.02, 0) },
      { name: 'b', shape: [4], type: 'int32', data: i32([10, -20, 5, 0]), quant: q(0.002, 0) },
      { name: 'recon', shape: [1, 4], type: 'int8', quant: q(0.08, -1) },
    ],
    ops: [{ op: 'FULLY_CONNECTED', version: 4, inputs: [0, 1, 2], outputs: [3], options: { union: 'FullyConnectedOptions', int8: { 0: 0 } } }],
    inputs: [0],
    outputs: [3],
  });
}

const fw = (image: Uint8Array, speed = 1) => {
  const f = SimDutFirmware.fromImage(image, { speed }, clock);
  if (!f) throw new Error('the image did not boot');
  return f;
};

/** Load `raw` with db load/db, then `infer N W`; the decoded reply lines. */
function loadAndInfer(f: SimDutFirmware, raw: Uint8Array, n = 1, w = 0) {
  const send = (text: string) => {
    const { lines } = f.handle(text);
    expect(lines.at(-1)).toBe('m-ready');
    return lines.slice(0, -1);
  };
  expect(send(`db load ${raw.length}`)).toEqual([]);
  const parts = chunks(raw, MAX_DB_CHUNK);
  parts.forEach((c, i) => expect(send(`db ${toHex(c)}`)).toEqual(i === parts.length - 1 ? ['m-load-done'] : []));
  return send(`infer ${n} ${w}`).map(decodeMessage);
}

/** The dequantized outputs of the host engine on input tensor bytes, as `%.3f`. */
function hostResults(model: Uint8Array, input: Uint8Array): string[] {
  const interp = Interpreter.create(parseModel(model));
  interp.setInputBytes(input);
  interp.invoke();
  return interp.outputs.flatMap((t) => {
    const { scale, zeroPoint } = { scale: t.tensor.quantization!.scale[0]!, zeroPoint: t.tensor.quantization!.zeroPoint[0]! };
    return Array.from(t.i8, (q) => printfFixed(Math.fround((q - zeroPoint) * scale), 3));
  });
}

describe('simulated firmware images', () => {
  it('fromImage finds the model, model id and DUT name in a .bin, and via HEX and ELF', () => {
    const model = tiny();
    const bin = buildSimFirmwareImage({ model, profile: 'kws01', name: 'nano33-ref' });
    const entry = new DataView(bin.buffer).getUint32(4, true);
    const images = {
      bin,
      hex: toFlatBinary(readFirmware(toIntelHex(bin, APP, entry), 'fw.hex', APP), APP),
      elf: toFlatBinary(readFirmware(toElf(bin, APP), 'fw.elf', APP), APP),
    };
    for (const [format, image] of Object.entries(images)) {
      expect(image, format).toEqual(bin);
      const f = fw(image);
      expect(f.scan.offset % 16, format).toBe(0);
      expect(f.scan.length, format).toBe(model.length);
      expect(image.subarray(f.scan.offset, f.scan.offset + f.scan.length)).toEqual(model);
      expect(f.handle('name').lines).toEqual(['m-name-dut-[nano33-ref]', 'm-ready']);
      expect(f.handle('profile').lines).toEqual(['m-model-[kws01]', 'm-ready']);
    }
    expect(fw(buildSimFirmwareImage({ model, profile: 'ad01' })).handle('name').lines[0]).toBe('m-name-dut-[unspecified]');
  });

  it('boots with the MLPerf Tiny boot lines and answers timestamp', () => {
    const f = fw(buildSimFirmwareImage({ model: tiny(), profile: 'kws01' }));
    expect(f.boot()).toEqual(['m-timestamp-mode-performance', 'm-lap-us-1000', 'm-init-done', 'm-ready']);
    expect(f.handle('timestamp').lines).toEqual(['m-lap-us-1000', 'm-ready']);
  });

  it('returns null (does not boot) without a model or a model id', () => {
    const model = tiny();
    expect(SimDutFirmware.fromImage(buildSimFirmwareImage(), {}, clock)).toBeNull();
    expect(SimDutFirmware.fromImage(buildSimFirmwareImage({ profile: 'kws01' }), {}, clock)).toBeNull();
    expect(SimDutFirmware.fromImage(buildSimFirmwareImage({ model }), {}, clock)).toBeNull();
    // A "TFL3" that is not a model, then random bytes.
    const junk = buildSimFirmwareImage({ profile: 'vww01', padTo: 8192 });
    junk.set(new TextEncoder().encode('\0\0\0\0TFL3garbage'), 6000);
    expect(SimDutFirmware.fromImage(junk, {}, clock)).toBeNull();
    const rnd = mulberry32(4);
    expect(SimDutFirmware.fromImage(Uint8Array.from({ length: 4096 }, () => rnd() & 0xff), {}, clock)).toBeNull();
    // The id must be a whole C string, not the tail of a longer one.
    const tail = buildSimFirmwareImage({ model, name: 'my-kws01' });
    expect(SimDutFirmware.fromImage(tail, {}, clock)).toBeNull();
  });

  it('built images pass the firmware-submission checks as BIN, HEX and ELF', () => {
    const bin = buildSimFirmwareImage({ model: tiny(), profile: 'ic01', padTo: 64 * 1024 });
    expect(bin.length).toBe(64 * 1024);
    const entry = new DataView(bin.buffer).getUint32(4, true);
    for (const [bytes, name] of [
      [bin, 'fw.bin'],
      [toIntelHex(bin, APP, entry), 'fw.hex'],
      [toElf(bin, APP), 'fw.elf'],
      [buildSimFirmwareImage(), 'empty.bin'],
    ] as const) {
      const r = checkFirmware(bytes, { fileName: name });
      expect(r.checks.filter((c) => c.status !== 'pass'), name).toEqual([]);
      expect(r.initialSp).toBe(0x20040000);
    }
  });

  it('kws01: int8 features go straight into the input; outputs print dequantized, agreeing with the engine', () => {
    const model = tiny();
    const f = fw(buildSimFirmwareImage({ model, profile: 'kws01' }));
    const raw = i8([10, -20, 30, -40]);
    const lines = loadAndInfer(f, raw);
    expect(f.stagedInput).toEqual(raw);
    const results = lines.find((m) => m.kind === 'results');
    expect(results).toEqual({ kind: 'results', values: hostResults(model, raw) });
    expect(f.handle('results').lines[0]).toBe(`m-results-[${hostResults(model, raw).join(',')}]`);
    for (const v of hostResults(model, raw)) expect(v).toMatch(/^-?\d+\.\d{3}$/);
  });

  it.skipIf(!HAVE_SHARED_MODELS)('kws01 with the reference KWS model agrees with the engine', () => {
    const model = sharedModel('kws_ref_model');
    const f = fw(buildSimFirmwareImage({ model, profile: 'kws01', name: 'kws-ref' }));
    expect(f.scan.length).toBeLessThanOrEqual(model.length);
    const rnd = mulberry32(11);
    const raw = Uint8Array.from({ length: 490 }, () => rnd() & 0xff);
    const results = loadAndInfer(f, raw).find((m) => m.kind === 'results');
    expect(results).toEqual({ kind: 'results', values: hostResults(model, raw) });
    expect(results?.kind === 'results' && results.values.length).toBe(12);
  });

  it('vww01 and ic01: uint8 pixels, the firmware subtracts 128', () => {
    for (const profile of ['vww01', 'ic01'] as const) {
      const model = tiny();
      const f = fw(buildSimFirmwareImage({ model, profile }));
      const pixels = Uint8Array.from([0, 127, 128, 255]);
      const results = loadAndInfer(f, pixels).find((m) => m.kind === 'results');
      const tensor = i8([-128, -1, 0, 127]);
      expect(f.stagedInput, profile).toEqual(tensor);
      expect(results, profile).toEqual({ kind: 'results', values: hostResults(model, tensor) });
    }
  });

  it('ad01: float32 features quantized on the board; one value, the reconstruction MSE in %.3e', () => {
    const model = adModel();
    const f = fw(buildSimFirmwareImage({ model, profile: 'ad01' }));
    // scale 0.1, zero point 2: 0.25 → 2.5 → 3 (half away from zero) → 5; -0.25 → -3 → -1; clamps at ±.
    const features = Float32Array.from([0.25, -0.25, 100, -100]);
    const raw = new Uint8Array(features.buffer);
    expect(f.handle('db load 4').lines).toEqual(['e-[db load: input is 16 bytes]', 'm-ready']);
    const lines = loadAndInfer(f, raw);
    expect(f.stagedInput).toEqual(i8([5, -1, 127, -128]));
    const results = lines.find((m) => m.kind === 'results');
    expect(results?.kind === 'results' && results.values).toHaveLength(1);
    const printed = results?.kind === 'results' ? results.values[0]! : '';
    expect(printed).toMatch(/^\d\.\d{3}e[+-]\d{2}$/);
    // The same MSE from the engine's outputs, in doubles.
    const interp = Interpreter.create(parseModel(model));
    interp.setInputBytes(i8([5, -1, 127, -128]));
    interp.invoke();
    const x = [5, -1, 127, -128].map((q) => (q - 2) * 0.1);
    const y = Array.from(interp.outputs[0]!.i8, (q) => (q + 1) * 0.08);
    const mse = x.reduce((a, xi, i) => a + (y[i]! - xi) ** 2, 0) / 4;
    expect(Math.abs(Number(printed) - mse) / mse).toBeLessThan(1e-3);
  });

  it('times inferences on the virtual clock with the latency model (warm-ups before the first stamp)', () => {
    const model = tiny();
    const f = fw(buildSimFirmwareImage({ model, profile: 'kws01' }), 2.5);
    const perInference = estimateLatency(parseModel(model)).us * 2.5;
    const laps = loadAndInfer(f, i8([1, 2, 3, 4]), 10, 3).filter((m) => m.kind === 'lap');
    expect(laps).toHaveLength(2);
    const [t0, t1] = laps.map((m) => (m.kind === 'lap' ? m.us : 0));
    expect(t0).toBe(1000 + Math.round(perInference * 3));
    expect(lapLatencyUs(t0!, t1!, 10)).toBeCloseTo(perInference, 0);
  });

  it('answers only base commands: x- and unknown commands are errors, as are out-of-order loads', () => {
    const f = fw(buildSimFirmwareImage({ model: tiny(), profile: 'kws01' }));
    expect(f.handle('x-info').lines).toEqual(['e-[unknown command "x-info"]', 'm-ready']);
    expect(f.handle('x-model load 10 deadbeef').lines).toEqual(['e-[unknown command "x-model load 10 deadbeef"]', 'm-ready']);
    expect(f.handle('x-output').lines[0]).toMatch(/^e-\[unknown command/);
    expect(f.handle('bogus').lines).toEqual(['e-[unknown command "bogus"]', 'm-ready']);
    expect(f.handle('db load 5').lines).toEqual(['e-[db load: input is 4 bytes]', 'm-ready']);
    expect(f.handle('db 00').lines).toEqual(['e-[db: no load in progress]', 'm-ready']);
    expect(f.handle('infer 1 0').lines).toEqual(['e-[input not loaded]', 'm-ready']);
    expect(f.handle('results').lines).toEqual(['e-[no results yet]', 'm-ready']);
  });

  it('prints like C printf (%.3f and %.3e round exact ties to even)', () => {
    expect(printfFixed(0.0625, 3)).toBe('0.062');
    expect(printfFixed(0.1875, 3)).toBe('0.188');
    expect(printfFixed(-0.0039, 3)).toBe('-0.004');
    expect(printfFixed(0.99609375, 3)).toBe('0.996');
    expect(printfFixed(0, 3)).toBe('0.000');
    expect(printfExp(0.1234, 3)).toBe('1.234e-01');
    expect(printfExp(0, 3)).toBe('0.000e+00');
    expect(printfExp(9.9996, 3)).toBe('1.000e+01');
    expect(printfExp(1234567, 3)).toBe('1.235e+06');
    expect(printfExp(Math.fround(0.5), 3)).toBe('5.000e-01');
  });
});

describe('firmware writers', () => {
  it('round-trip through readFirmware; toFlatBinary fills gaps with 0xFF', () => {
    const a = Uint8Array.from({ length: 100 }, (_, i) => i);
    const b = Uint8Array.from({ length: 40 }, (_, i) => 255 - i);
    // Straddles a 64 KiB boundary: records are split there.
    const hex = readFirmware(toIntelHex(a, 0x1fff8, 0x20001), 'x.hex', 0);
    expect(hex.segments).toEqual([{ address: 0x1fff8, data: a }]);
    expect(hex.entry).toBe(0x20001);
    const elf = readFirmware(toElf([{ address: 0x10100, data: b }, { address: 0x10000, data: a }], { entry: 0x10001, ram: { data: 8, bss: 16 } }), 'x.elf', 0);
    expect(elf.segments.map((s) => [s.address, Array.from(s.data)])).toEqual([
      [0x10000, Array.from(a)],
      [0x10100, Array.from(b)],
    ]);
    expect(elf.entry).toBe(0x10001);
    expect(elf.ramSections?.map((s) => [s.name, s.size])).toEqual([
      ['.data', 8],
      ['.bss', 16],
    ]);
    const flat = toFlatBinary(elf, 0x10000);
    expect(flat.length).toBe(0x100 + 40);
    expect(flat.subarray(0, 100)).toEqual(a);
    expect(flat.subarray(100, 0x100).every((x) => x === 0xff)).toBe(true);
    expect(flat.subarray(0x100)).toEqual(b);
    expect(() => toFlatBinary(elf, 0x10010)).toThrow(RangeError);
  });

  it('every profile id round-trips through the image', () => {
    for (const profile of ['kws01', 'vww01', 'ad01', 'ic01'] satisfies DutProfile[]) {
      expect(fw(buildSimFirmwareImage({ model: profile === 'ad01' ? adModel() : tiny(), profile })).profile).toBe(profile);
    }
  });
});
