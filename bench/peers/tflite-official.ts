/**
 * The official TFLite runtime (WebAssembly SIMD build shipped in @tensorflow/tfjs-tflite), loaded in
 * Node the way ARCHITECTURE.md §8 describes: we read the .wasm ourselves and hand it over as
 * `wasmBinary`. Used as a speed peer by the benchmarks and as a test oracle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

interface CppVector<T> {
  size(): number;
  get(i: number): T;
  delete(): void;
}
interface CppTensor {
  data(): Int8Array | Uint8Array | Float32Array | Int32Array;
  delete(): void;
}
export interface OfficialRunner {
  Infer(): boolean;
  GetInputs(): CppVector<CppTensor>;
  GetOutputs(): CppVector<CppTensor>;
  delete(): void;
}
interface TfliteModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(ptr: number, len: number, opts: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number }): { ok(): boolean; errorMessage(): string; value(): OfficialRunner };
  };
}

let modulePromise: Promise<TfliteModule> | undefined;

/** Load the single-threaded SIMD build once per process. */
export function loadOfficialTflite(): Promise<TfliteModule> {
  modulePromise ??= (async () => {
    const jsPath = require.resolve('@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc_simd.js');
    const factory = require(jsPath) as (opts: { wasmBinary: Uint8Array; print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<TfliteModule>;
    const wasmBinary = readFileSync(join(dirname(jsPath), 'tflite_web_api_cc_simd.wasm'));
    return factory({ wasmBinary, print: () => {}, printErr: () => {} });
  })();
  return modulePromise;
}

/** Create a runner for model bytes (copies them into the wasm heap). Call `dispose()` when done. */
export async function createOfficialRunner(bytes: Uint8Array): Promise<{ runner: OfficialRunner; dispose(): void }> {
  const mod = await loadOfficialTflite();
  const ptr = mod._malloc(bytes.length);
  mod.HEAPU8.set(bytes, ptr);
  const res = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, { numThreads: 1, enableProfiling: false, maxProfilingBufferEntries: 1024 });
  if (!res.ok()) {
    mod._free(ptr);
    throw new Error(`official TFLite runtime refused the model: ${res.errorMessage()}`);
  }
  const runner = res.value();
  return {
    runner,
    dispose: () => {
      runner.delete();
      mod._free(ptr);
    },
  };
}

/**
 * Copy raw input bytes (the input tensors' bytes concatenated in input order, as `tinyarena infer`
 * takes them) into the runner's inputs. Returns a function doing the same again without allocating,
 * for timing loops.
 */
export function officialInputSetter(runner: OfficialRunner, raw: Uint8Array): () => void {
  const inputs = runner.GetInputs();
  const views: { dst: Uint8Array; src: Uint8Array }[] = [];
  let at = 0;
  for (let k = 0; k < inputs.size(); k++) {
    const d = inputs.get(k).data();
    const dst = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    views.push({ dst, src: raw.subarray(at, at + dst.length) });
    at += dst.length;
  }
  if (at !== raw.length) throw new RangeError(`input is ${raw.length} bytes; the model takes ${at}`);
  const set = () => {
    for (const v of views) v.dst.set(v.src);
  };
  set();
  return set;
}

/** The runner's outputs as raw bytes, concatenated in output order (copied). */
export function officialOutputBytes(runner: OfficialRunner): Uint8Array {
  const outputs = runner.GetOutputs();
  const parts: Uint8Array[] = [];
  for (let k = 0; k < outputs.size(); k++) {
    const d = outputs.get(k).data();
    parts.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice());
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
