/**
 * The firmware's own int8 runtime (firmware/runtime/), built for the Cortex-M4 with arm-none-eabi-gcc
 * and run as Thumb-2 code under qemu-arm: byte-equal to real TensorFlow Lite Micro on every shared
 * golden case (../shared/oracle-tflm), to the TypeScript engine on random models of every operator
 * and on several architectures in all three arithmetic profiles, and never crashing on hostile
 * files (also checked natively under AddressSanitizer and UBSan). And the bare-metal image for the
 * virtual board: it builds, its flash and RAM are what the README says, and it passes the same
 * firmware checks a submitted image gets.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { checkFirmware, MPS2_AN386 } from '../../grader/firmware/check.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { UnsupportedModelError } from '../../grader/interpreter/kernel.js';
import { haveArmToolchain, makeFirmware } from '../../grader/rack/virtual/firmware-build.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { runCRuntime, type CArithmetic, type CJob } from '../helpers/c-runtime.js';
import { ARCHITECTURES, architectureModel, NODE_GENERATORS, Rng, singleOpModel } from '../helpers/random-models.js';
import { sharedPath } from '../helpers/shared.js';
import { buildModel } from '../../grader/tflite/builder.js';
import { seededInput } from '../../bench/zoo/inputs.js';
import { ZOO, zooModel } from '../../bench/zoo/models.js';
import type { Graph } from '../../grader/tflite/graph.js';

const haveQemuUser = spawnSync('qemu-arm', ['--version'], { stdio: 'ignore' }).status === 0;
const haveGcc = spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
const ORACLE = sharedPath('oracle');
const ORACLE_TFLM = sharedPath('oracle-tflm');
const PROFILES: CArithmetic[] = ['tflm', 'tflm-single', 'tflite'];

if (!haveArmToolchain()) console.warn('virtual-runtime tests skipped: arm-none-eabi-gcc (gcc-arm-none-eabi, libnewlib-arm-none-eabi) or make is not installed');
if (!haveQemuUser) console.warn('virtual-runtime tests skipped: qemu-arm (qemu-user) is not installed');

describe.skipIf(!haveArmToolchain() || !haveQemuUser)('the C int8 runtime on the Cortex-M4 (qemu-arm)', () => {
  let build: string;
  let driver: string[];
  beforeAll(async () => {
    build = mkdtempSync(join(tmpdir(), 'tinyarena-runtime-'));
    await makeFirmware('runtime-test', build);
    // linux-user qemu runs no M-profile CPU; a Cortex-A15 executes the same Thumb-2 and VFP code.
    driver = ['qemu-arm', '-cpu', 'cortex-a15', join(build, 'test', 'runtime-driver.elf')];
  }, 300_000);
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  const bytes = (p: string) => new Uint8Array(readFileSync(p));
  const goldenModels = ORACLE ? readdirSync(ORACLE).filter((d) => existsSync(join(ORACLE, d, 'model.tflite'))) : [];

  it.skipIf(!ORACLE || !ORACLE_TFLM)('is byte-equal to stock TFLM on every shared golden case (and to its single-rounding build, and to desktop TFLite)', async () => {
    expect(goldenModels.sort()).toEqual(['ad01_int8', 'hello_world_int8', 'kws_ref_model', 'vww_96_int8']);
    const refs: [CArithmetic, (m: string, c: string) => string][] = [
      ['tflm', (m, c) => join(ORACLE_TFLM!, 'stock', m, `output_${c}.bin`)],
      ['tflm-single', (m, c) => join(ORACLE_TFLM!, 'single-rounding', m, `output_${c}.bin`)],
      ['tflite', (m, c) => join(ORACLE!, m, `output_${c}.bin`)],
    ];
    const jobs: CJob[] = [];
    const expected: Uint8Array[][] = [];
    let stockCases = 0;
    for (const [arithmetic, ref] of refs) {
      for (const m of goldenModels) {
        const cases = readdirSync(join(ORACLE!, m))
          .map((f) => /^input_(\d+)\.bin$/.exec(f)?.[1])
          .filter((c): c is string => c !== undefined);
        jobs.push({ model: bytes(join(ORACLE!, m, 'model.tflite')), arithmetic, arenaBytes: 256 * 1024, inputs: cases.map((c) => bytes(join(ORACLE!, m, `input_${c}.bin`))) });
        expected.push(cases.map((c) => bytes(ref(m, c))));
        if (arithmetic === 'tflm') stockCases += cases.length;
      }
    }
    const results = await runCRuntime(driver, jobs);
    const mismatches: string[] = [];
    results.forEach((r, j) => {
      if (!r.ok) return mismatches.push(`${jobs[j]!.arithmetic} job ${j}: refused: ${r.error}`);
      expected[j]!.forEach((e, c) => {
        if (Buffer.compare(Buffer.from(r.outputs[c]!), Buffer.from(e)) !== 0) mismatches.push(`${jobs[j]!.arithmetic} ${goldenModels[j % goldenModels.length]} case ${c}`);
      });
    });
    expect(mismatches).toEqual([]);
    expect(stockCases).toBe(19 + 256 + 19 + 11);
    // The shared reference models fit the virtual board's 256 KiB arena (VWW needs the most).
    const vww = results[goldenModels.indexOf('vww_96_int8')]!;
    expect(vww.ok && vww.arenaUsed).toBeLessThan(256 * 1024);
  }, 300_000);

  /** Jobs for `defs` with random inputs; the TypeScript engine's outputs as the expectation. */
  const differential = (defs: { name: string; model: Uint8Array }[], arithmetic: CArithmetic, seed: number) => {
    const rng = new Rng(seed);
    const jobs: (CJob & { name: string; expected: Uint8Array[] })[] = [];
    for (const d of defs) {
      let interp: Interpreter;
      try {
        interp = Interpreter.create(parseModel(d.model), { arithmetic });
      } catch (err) {
        // The generators build runnable models; a refusal here is a bug in them.
        if (err instanceof UnsupportedModelError) throw new Error(`${d.name}: the engine refuses it: ${err.message}`);
        throw err;
      }
      const inputs = [0, 1, 2].map(() => rng.bytes(interp.inputBytes));
      const expected = inputs.map((x) => {
        interp.setInputBytes(x);
        interp.invoke();
        return interp.getOutputBytes();
      });
      jobs.push({ name: d.name, model: d.model, arithmetic, inputs, expected });
    }
    return jobs;
  };

  const compare = async (jobs: (CJob & { name: string; expected: Uint8Array[] })[]) => {
    const results = await runCRuntime(driver, jobs);
    const problems: string[] = [];
    results.forEach((r, j) => {
      const job = jobs[j]!;
      if (!r.ok) return problems.push(`${job.name} (${job.arithmetic}): refused: ${r.error}`);
      job.expected.forEach((e, c) => {
        const got = r.outputs[c]!;
        const at = got.findIndex((v, i) => v !== e[i]);
        if (got.length !== e.length || at >= 0) problems.push(`${job.name} (${job.arithmetic}) input ${c}: byte ${at}: C ${got[at]} vs engine ${e[at]}`);
      });
    });
    return { problems, compared: jobs.reduce((a, j) => a + j.inputs.length, 0) };
  };

  it('equals the TypeScript engine on random models of every firmware operator, in every arithmetic profile', async () => {
    const ops = JSON.parse(readFileSync(fromRoot('firmware', 'op-set.json'), 'utf8')) as { ops: { op: string }[] };
    const covered = [...Object.keys(NODE_GENERATORS), 'DEQUANTIZE'];
    expect(covered.sort()).toEqual(ops.ops.map((o) => o.op).sort());
    const models = covered.flatMap((op) => Array.from({ length: 12 }, (_, s) => ({ name: `${op}#${s + 1}`, model: buildModel(singleOpModel(op, s + 1)) })));
    let compared = 0;
    for (const [k, arithmetic] of PROFILES.entries()) {
      const r = await compare(differential(models, arithmetic, 100 + k));
      expect(r.problems).toEqual([]);
      compared += r.compared;
    }
    expect(compared).toBe(24 * 12 * 3 * 3);
  }, 300_000);

  it('equals the TypeScript engine on whole architectures: DS-CNN, residual block, autoencoder, gated block, data movement', async () => {
    const models = Object.keys(ARCHITECTURES).flatMap((a) => [1, 2, 3].map((s) => ({ name: `${a}#${s}`, model: buildModel(architectureModel(a, s)) })));
    for (const [k, arithmetic] of PROFILES.entries()) {
      const r = await compare(differential(models, arithmetic, 200 + k));
      expect(r.problems).toEqual([]);
    }
  }, 300_000);

  it('equals the TypeScript engine on every model of the zoo (bench/zoo), seeded and edge inputs, in every arithmetic profile', async () => {
    // Real architectures it was not written against (odd channel counts, depth multipliers,
    // dilation, padding, broadcasts, float inputs): seeded inputs, and edge inputs (NaN, ±Inf,
    // ±FLT_MAX, denormals, exact rounding ties in float; all −128, all 127, alternating in int8).
    // A wider sweep (300 seeded inputs per model under the tflm profile) found no difference either.
    const jobs: (CJob & { name: string; expected: Uint8Array[] })[] = [];
    for (const [k, arithmetic] of PROFILES.entries()) {
      for (const z of ZOO) {
        const model = zooModel(z.name);
        const graph = parseModel(model);
        const interp = Interpreter.create(graph, { arithmetic });
        const inputs = [seededInput(graph, 300 + k), edgeInput(graph, k), ...(arithmetic === 'tflm' ? [seededInput(graph, 310), edgeInput(graph, 3)] : [])];
        const expected = inputs.map((x) => {
          interp.setInputBytes(x);
          interp.invoke();
          return interp.getOutputBytes();
        });
        jobs.push({ name: z.name, model, arithmetic, inputs, expected });
      }
    }
    const r = await compare(jobs);
    expect(r.problems).toEqual([]);
    expect(r.compared).toBe(ZOO.length * (4 + 2 + 2));
  }, 300_000);

  it('registers exactly the shared op list (firmware/op-set.json)', () => {
    const source = readFileSync(fromRoot('firmware', 'runtime', 'ta_model.c'), 'utf8');
    const names = [.../ta_op_names\[\] = \{([^}]*)\}/.exec(source)![1]!.matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
    const table = [...source.matchAll(/\{"([A-Z0-9_]+)", \d+, ta_prep_/g)].map((m) => m[1]);
    const ops = (JSON.parse(readFileSync(fromRoot('firmware', 'op-set.json'), 'utf8')) as { ops: { op: string }[] }).ops.map((o) => o.op);
    expect(names).toEqual(ops);
    expect(table).toEqual(ops);
  });

  it('refuses hostile and truncated models with a reason and never crashes (Thumb-2 under qemu-arm)', async () => {
    const jobs = hostileJobs(1, 1500);
    const results = await runCRuntime(driver, jobs, 300_000);
    expect(results).toHaveLength(jobs.length);
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBeGreaterThan(jobs.length / 2);
    for (const r of refused) if (!r.ok) expect(r.error).toMatch(/\S/);
    // Reasons name what is wrong, as the board's e-[…] line will.
    expect(refused.some((r) => !r.ok && /lies outside the \d+-byte file/.test(r.error))).toBe(true);
    expect(refused.some((r) => !r.ok && /^node #\d+ [A-Z_0-9]+: /.test(r.error))).toBe(true);
  }, 300_000);
});

describe.skipIf(!haveGcc)('the C int8 runtime under AddressSanitizer and UBSan (native)', () => {
  it('reads nothing out of bounds and does nothing undefined on hostile models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyarena-asan-'));
    try {
      const exe = join(dir, 'driver-asan');
      const runtime = readdirSync(fromRoot('firmware', 'runtime')).filter((f) => f.endsWith('.c')).map((f) => fromRoot('firmware', 'runtime', f));
      execFileSync('gcc', ['-std=c11', '-O1', '-g', '-fwrapv', '-ffp-contract=off', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined,float-cast-overflow', '-fno-sanitize-recover=all', `-I${fromRoot('firmware', 'runtime')}`, ...runtime, fromRoot('firmware', 'test', 'runtime_driver.c'), '-lm', '-o', exe], { stdio: 'pipe' });
      const jobs = hostileJobs(2, 4000);
      const results = await runCRuntime([exe], jobs, 300_000);
      expect(results).toHaveLength(jobs.length);
      // Some mutated models still run (mutations that keep the structure valid).
      expect(results.some((r) => r.ok)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

/**
 * Hostile inputs: real and generated models truncated, with bytes flipped, with offsets overwritten
 * by extreme values, random bytes behind a TFL3 identifier, and models built with wild shapes,
 * scales, zero points, options and tensor indices; small arenas too.
 */
function hostileJobs(seed: number, n: number): CJob[] {
  const rng = new Rng(seed);
  const bases: Uint8Array[] = [];
  for (const m of ['ad01_int8', 'hello_world_int8', 'kws_ref_model']) {
    const p = sharedPath(`models/${m}.tflite`);
    if (p) bases.push(new Uint8Array(readFileSync(p)));
  }
  for (const op of Object.keys(NODE_GENERATORS)) bases.push(buildModel(singleOpModel(op, 3)));
  bases.push(buildModel(architectureModel('ds-cnn', 1)), buildModel(architectureModel('data-movement', 2)));
  const jobs: CJob[] = [];
  const arithmetic = () => rng.pick(PROFILES);
  for (let k = 0; k < n; k++) {
    const base = rng.pick(bases);
    let model: Uint8Array;
    switch (rng.int(0, 5)) {
      case 0:
        model = base.slice(0, rng.int(0, base.length));
        break;
      case 1:
        model = base.slice();
        for (let f = rng.int(1, 8); f > 0; f--) model[rng.int(0, model.length - 1)] = rng.int(0, 255);
        break;
      case 2:
        model = base.slice();
        for (let f = rng.int(1, 4); f > 0; f--) new DataView(model.buffer).setUint32(rng.int(0, model.length - 4), rng.pick([0, 0xffffffff, 0x7fffffff, 0x80000000, rng.int(0, 1 << 20), rng.int(0, model.length)]), true);
        break;
      case 3:
        model = rng.bytes(rng.int(0, 200));
        if (model.length > 8) model.set([0x54, 0x46, 0x4c, 0x33], 4);
        break;
      default: {
        const def = singleOpModel(rng.pick(Object.keys(NODE_GENERATORS)), rng.int(1, 1000));
        for (let f = rng.int(1, 3); f > 0; f--) {
          const t = rng.pick(def.tensors);
          const wild = () => rng.pick([0, 1, -1, 2, 3, 255, 65536, 0x7fffffff, -0x80000000, rng.int(-10, 10)]);
          const op = def.ops.length ? rng.pick(def.ops) : null;
          switch (rng.int(0, 5)) {
            case 0:
              if (t.shape.length) t.shape[rng.int(0, t.shape.length - 1)] = wild();
              break;
            case 1:
              if (t.quant) t.quant.scale[0] = rng.pick([0, -1, Number.NaN, Infinity, 1e-45, 1e38, 3e-39]);
              break;
            case 2:
              if (t.quant) t.quant.zeroPoint[0] = rng.pick([-1000, 1000, 128, -129, 2 ** 40]);
              break;
            case 3:
              if (op?.options) (op.options.int32 ??= {})[rng.int(0, 6)] = wild();
              break;
            case 4:
              if (op?.options) (op.options.int8 ??= {})[rng.int(0, 6)] = rng.int(-128, 127);
              break;
            default:
              if (op?.inputs.length) op.inputs[rng.int(0, op.inputs.length - 1)] = rng.int(-1, def.tensors.length - 1);
          }
        }
        try {
          model = buildModel(def);
        } catch {
          model = new Uint8Array(0);
        }
      }
    }
    jobs.push({ model, arithmetic: arithmetic(), arenaBytes: rng.pick([1 << 20, 4096, 64 * 1024]), inputs: [rng.bytes(rng.int(0, 3000)), rng.bytes(490)] });
  }
  return jobs;
}

describe.skipIf(!haveArmToolchain())('the virtual board image (mps2-an386, bare metal)', () => {
  it('builds with -mcpu=cortex-m4 -mfloat-abi=hard -mthumb -O2 and passes the virtual board’s firmware checks; flash and RAM as documented', async () => {
    const build = mkdtempSync(join(tmpdir(), 'tinyarena-harness-'));
    try {
      await makeFirmware('harness', build);
      const elf = join(build, 'mps2', 'harness.elf');
      const sections = new Map(
        execFileSync('arm-none-eabi-size', ['-A', elf], { encoding: 'utf8' })
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .filter((p) => p.length === 3 && /^\d+$/.test(p[1]!))
          .map((p) => [p[0]!, { size: Number(p[1]), addr: Number(p[2]) }]),
      );
      const flash = ['.isr_vector', '.text', '.ARM.exidx', '.init_array', '.data'].reduce((a, s) => a + (sections.get(s)?.size ?? 0), 0);
      const ram = (sections.get('.data')?.size ?? 0) + (sections.get('.bss')?.size ?? 0);
      // firmware/README.md: about 60 KB of flash; RAM is the 256 KiB arena, the 128 KiB input
      // staging buffer and the protocol's buffers (plus the 64 KiB stack the linker script keeps).
      expect(flash).toBeGreaterThan(30_000);
      expect(flash).toBeLessThan(96 * 1024);
      expect(ram).toBeGreaterThan(384 * 1024);
      expect(ram).toBeLessThan(400 * 1024);
      expect(sections.get('.isr_vector')!.addr).toBe(0);
      expect(sections.get('.bss')!.addr).toBeGreaterThanOrEqual(0x20000000);
      const report = checkFirmware(new Uint8Array(readFileSync(elf)), { board: MPS2_AN386, fileName: 'harness.elf' });
      expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(report.initialSp).toBe(0x20400000);
      // The model slot (0x00200000) lies above the image.
      expect(report.flashSpanBytes).toBeLessThan(0x200000);
      const bin = checkFirmware(new Uint8Array(readFileSync(join(build, 'mps2', 'harness.bin'))), { board: MPS2_AN386, fileName: 'harness.bin' });
      expect(bin.ok).toBe(true);
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  }, 300_000);
});

/**
 * An input at the edges of the arithmetic: float inputs mix NaN, ±Infinity, ±FLT_MAX, ±0,
 * denormals and values exactly halfway between two quantization steps (rounding ties); int8 inputs
 * are all −128 (`variant` 0), all 127 (1), alternating (2) or a random mix of the extremes (3).
 */
function edgeInput(graph: Graph, variant: number): Uint8Array {
  const rng = new Rng(900 + variant);
  const parts = graph.inputs.map((i) => {
    const t = graph.tensors[i]!;
    if (t.type === 'float32') {
      const q = graph.operators.find((o) => o.inputs[0] === i)?.outputs[0];
      const quant = q !== undefined ? graph.tensors[q]!.quantization : undefined;
      const scale = quant?.scale[0] ?? 1 / 64;
      const zp = quant?.zeroPoint[0] ?? 0;
      const specials = [NaN, Infinity, -Infinity, 0, -0, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45];
      const f = Float32Array.from({ length: t.elements }, (_, j) => (j % 3 === 0 ? specials[(j / 3 + variant) % specials.length]! : scale * (((j * 37 + variant * 11) % 300) - 150 - zp + 0.5)));
      return new Uint8Array(f.buffer);
    }
    const width = t.type === 'int32' ? 4 : t.type === 'int16' ? 2 : 1;
    return Uint8Array.from({ length: t.elements * width }, (_, j) => [0x80, 0x7f, j % 2 ? 0x80 : 0x7f, rng.pick([0x80, 0x7f, 0x81, 0x7e, 0x00, 0xff])][variant % 4]!);
  });
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}
