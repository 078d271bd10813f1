/**
 * One set of inference threads per process for every model: the pipeline scores a different model
 * in almost every job, and starting threads per model (≈1 s each) would cost more than the scoring.
 * Each thread keeps its few most recently used models prepared; the pool mirrors each thread's LRU,
 * so a model's bytes travel to a thread only when it does not hold them. Outputs come back in input
 * order, byte-identical to a single-thread run. Idle threads never keep the process alive.
 *
 * Cold start: threads start on first use unless the process started them ahead ({@link start}). One
 * boots in about 0.15 s of a core (one bundled module, see WORKER_ENTRY; the kernels compiled once on
 * the calling thread and shared; a warm-up). While no thread was started, a job that the calling
 * thread can finish within IN_PROCESS_BUDGET_MS (timed on its first few samples, past the JIT's
 * warm-up) runs in-process with the interpreter prepared to check the model,
 * and the threads boot after it; a longer job, or one that finds threads booting, takes batches on the
 * calling thread until a thread is ready. So a first scoring in a fresh process costs about one
 * thread's time, not the boot plus the work, and none of the boot when the process started early.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromRoot } from '../../core/paths.js';
import type { ArithmeticProfileName } from '../interpreter/arithmetic.js';
import type { Interpreter } from '../interpreter/interpreter.js';
import { UnsupportedModelError } from '../interpreter/kernel.js';
import { ModelFormatError } from '../tflite/flat-reader.js';
import { parseModel } from '../tflite/parse.js';
import { tensorByteSize } from '../tflite/schema.js';
import { compiledKernels } from './kernels-module.js';
import { MODELS_PER_THREAD, type SharedError, type SharedReply, type SharedRequest, type SharedWorkerData } from './shared-pool-protocol.js';

// The interpreter (engine.js) loads on the first job that needs it on this thread, not with the pool:
// a process that starts its threads first (tinyarena score) gets them going before loading the engine.
const engine = () => import('./engine.js');

/**
 * Where a thread starts. The compiled build starts the bundled worker beside this module: one file,
 * about 0.15 s of a core. Run from source (tests, `npx tsx`), a thread that registered the TypeScript
 * loader would transpile the engine first, about a second of a core; so it starts the compiled build's
 * worker when dist/ was built from the current sources (the check `tinyarena` makes before it runs),
 * and the TypeScript one only when the build is stale.
 */
const WORKER_ENTRY: { url: URL; fast: boolean } = import.meta.url.endsWith('.js')
  ? { url: new URL('./shared-pool-worker-boot.mjs', import.meta.url), fast: true }
  : await sourceEntry();

async function sourceEntry(): Promise<{ url: URL; fast: boolean }> {
  const { isBuildFresh } = (await import(pathToFileURL(fromRoot('scripts', 'build.mjs')).href)) as { isBuildFresh: () => boolean };
  return isBuildFresh()
    ? { url: pathToFileURL(fromRoot('dist', 'grader', 'inference', 'shared-pool-worker-boot.mjs')), fast: true }
    : { url: new URL('./shared-pool-worker-boot.mjs', import.meta.url), fast: false };
}

/** Whether a thread boots fast here (see WORKER_ENTRY); where it does not, threads start on first use. */
export const THREADS_BOOT_FAST = WORKER_ENTRY.fast;

/** A job the calling thread can do alone in this long is not worth waiting for threads to boot. */
export const IN_PROCESS_BUDGET_MS = 2000;
/** Samples (at most, and for at most WARMUP_MAX_MS) the calling thread runs before estimating a job's length. */
export const WARMUP_SAMPLES = 16;
const WARMUP_MAX_MS = 250;

interface Slot {
  worker: Worker;
  /** Mirror of the thread's LRU (most recently used last). */
  models: string[];
  ready: Promise<void>;
  isReady: boolean;
}

interface Prepared {
  inputBytes: number;
  outputBytes: number;
}

export class SharedInferencePool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void }>();
  private slots: Slot[] = [];
  /** Sizes of models already checked in this thread (a prepare error surfaces here, clearly). */
  private readonly prepared = new Map<string, Prepared>();
  /** Interpreters of the calling thread, for work done while no thread is ready (few, LRU). */
  private readonly local = new Map<string, Interpreter>();
  private busy = 0;
  /** Samples run so far on the calling thread and on the pool's threads (for tests and benchmarks). */
  readonly samplesRun = { callingThread: 0, threads: 0 };
  private closed = false;

  constructor(private readonly threadCount = availableParallelism()) {}

  get threads(): number {
    return Math.max(1, this.threadCount);
  }

  /**
   * Start the threads (once); resolves when every thread is ready. A process that will score soon
   * (`tinyarena score`, the grader's workers) calls this at its own start, so the threads boot (about
   * 0.15 s of a core each) while it reads its dataset or waits for a job, and its first scoring runs on
   * threads already up. Without it the threads start on first use.
   */
  start(): Promise<void> {
    if (this.slots.length === 0 && !this.closed) {
      const { url } = WORKER_ENTRY;
      // The kernels compiled once here: a thread given the module starts without compiling (V8 shares its code).
      const workerData: SharedWorkerData = { simd: compiledKernels() };
      this.slots = Array.from({ length: this.threads }, () => {
        const worker = new Worker(url, { workerData });
        if (this.busy === 0) worker.unref();
        const ready = new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        });
        ready.catch(() => undefined);
        const slot: Slot = { worker, models: [], ready, isReady: false };
        void ready.then(() => (slot.isReady = true), () => undefined);
        worker.on('message', (m: SharedReply | { ready: true }) => {
          if ('ready' in m) return;
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          if ('error' in m) p.reject(reviveError(m));
          else p.resolve(m.outputs);
        });
        worker.on('error', (err) => this.failAll(err));
        worker.on('exit', (code) => !this.closed && this.failAll(new Error(`inference thread exited with code ${code}`)));
        return slot;
      });
    }
    return Promise.all(this.slots.map((s) => s.ready)).then(() => undefined);
  }

  /** Threads booted and taking work. */
  get readyThreads(): number {
    return this.slots.filter((s) => s.isReady).length;
  }

  private anyReady(): boolean {
    return this.slots.some((s) => s.isReady);
  }

  /**
   * Run `count` samples of `model` (inputs concatenated); outputs concatenated, in order. `signal`:
   * abandoned work stops between batches (rejecting with the signal's reason).
   */
  async inferMany(model: Uint8Array, arithmetic: ArithmeticProfileName, inputs: Uint8Array, count: number, onProgress?: (done: number, total: number) => void, batch = 64, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.closed) throw new Error('the inference pool is closed');
    signal?.throwIfAborted();
    const key = `${createHash('sha256').update(model).digest('hex')}|${arithmetic}`;
    let sizes = this.prepared.get(key);
    let local = this.local.get(key);
    if (!sizes && this.anyReady()) {
      // Threads are up and prepare the model themselves (each once): the sizes come from the graph, and a
      // model they cannot prepare fails the job with their error. Preparing it here as well would put
      // a whole prepare (tens of ms with cold JavaScript) in front of every new model's first batch.
      const graph = parseModel(model);
      sizes = { inputBytes: sum(graph.inputs.map((i) => tensorByteSize(graph.tensors[i]!))), outputBytes: sum(graph.outputs.map((i) => tensorByteSize(graph.tensors[i]!))) };
      if (this.prepared.size > 256) this.prepared.clear();
      this.prepared.set(key, sizes);
    } else if (!sizes || (!this.anyReady() && !local)) {
      const { createInterpreter } = await engine();
      const probe = createInterpreter(parseModel(model), { arithmetic });
      sizes = { inputBytes: probe.inputBytes, outputBytes: probe.outputBytes };
      if (this.prepared.size > 256) this.prepared.clear();
      this.prepared.set(key, sizes);
      if (!this.anyReady()) {
        if (this.local.size >= MODELS_PER_THREAD) this.local.delete(this.local.keys().next().value!);
        this.local.set(key, probe);
        local = probe;
      }
    }
    if (inputs.length !== count * sizes.inputBytes) throw new RangeError(`expected ${count} × ${sizes.inputBytes} input bytes, got ${inputs.length}`);
    const { inputBytes, outputBytes } = sizes;
    const out = new Uint8Array(count * outputBytes);
    let next = 0;
    let done = 0;
    // The job is over when every output is in, not when every thread has booted: a thread still
    // starting when the calling thread took the last batch has nothing to wait for.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    if (count === 0) finish();
    const runHere = (interpreter: Interpreter, start: number, n: number) => {
      signal?.throwIfAborted();
      for (let i = start; i < start + n; i++) {
        interpreter.setInputBytes(inputs.subarray(i * inputBytes, (i + 1) * inputBytes));
        interpreter.invoke();
        interpreter.getOutputBytes(out.subarray(i * outputBytes, (i + 1) * outputBytes));
      }
      done += n;
      this.samplesRun.callingThread += n;
      onProgress?.(done, count);
      if (done === count) finish();
    };

    // Threads already booting (a process that started the pool ahead of its first job, see start())
    // are worth waiting for: the calling thread takes batches until they are up.
    if (!this.anyReady() && local && count > 0 && this.slots.length === 0) {
      // A job this thread finishes within the budget runs here, threads after. Its length is
      // estimated from the median of the later warm-up samples: in a fresh process the first
      // inferences time the JIT (JavaScript and WebAssembly tiering, several times slower), not
      // the model, and sent every first scoring of a small model to threads still booting.
      const times: number[] = [];
      const tStart = performance.now();
      let tLast = tStart;
      while (next < Math.min(count, WARMUP_SAMPLES) && tLast - tStart < WARMUP_MAX_MS) {
        runHere(local, next, 1);
        next++;
        const t = performance.now();
        times.push(t - tLast);
        tLast = t;
      }
      const later = times.slice(times.length >> 1).sort((a, b) => a - b);
      const perSample = later[later.length >> 1]!;
      if (perSample * (count - next) <= IN_PROCESS_BUDGET_MS) {
        while (next < count) {
          const n = Math.min(batch, count - next);
          runHere(local, next, n);
          next += n;
          await yieldToEvents();
        }
        void this.start();
        return out;
      }
    }

    void this.start();
    const run = async (slot: Slot) => {
      await slot.ready;
      while (next < count) {
        signal?.throwIfAborted();
        const start = next;
        const n = Math.min(batch, count - start);
        next += n;
        const chunk = inputs.slice(start * inputBytes, (start + n) * inputBytes);
        const has = slot.models.indexOf(key);
        if (has >= 0) slot.models.splice(has, 1);
        else if (slot.models.length >= MODELS_PER_THREAD) slot.models.shift();
        slot.models.push(key);
        const id = this.nextId++;
        const result = await new Promise<ArrayBuffer>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          const req: SharedRequest = { id, key, arithmetic, inputs: chunk.buffer, count: n, ...(has >= 0 ? {} : { model }) };
          slot.worker.postMessage(req, [chunk.buffer]);
        });
        out.set(new Uint8Array(result), start * outputBytes);
        done += n;
        this.samplesRun.threads += n;
        onProgress?.(done, count);
        if (done === count) finish();
      }
    };
    // The calling thread takes batches until a thread is ready (then leaves the cores to them).
    const runLocal = async () => {
      if (!local) return;
      while (next < count && !this.anyReady()) {
        const start = next;
        const n = Math.min(batch, count - start);
        next += n;
        runHere(local, start, n);
        // Let a thread's "ready" through between batches.
        await yieldToEvents();
      }
    };
    // Work in flight keeps the process alive; idle threads do not.
    if (this.busy++ === 0) for (const s of this.slots) s.worker.ref();
    try {
      const work = Promise.all([runLocal(), ...this.slots.map(run)]);
      // Once the job is done, a thread that fails to boot has lost nothing of it (the pool's error
      // handler retires the pool); before that, its failure is the job's.
      work.catch(() => undefined);
      await Promise.race([work, finished]);
    } finally {
      if (--this.busy === 0) for (const s of this.slots) s.worker.unref();
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.failAll(new Error('pool closed'));
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    // A thread that died leaves the pool unusable: the next caller gets a fresh one.
    if (shared.get(this.threads) === this) shared.delete(this.threads);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A thread's error as the calling thread would have raised it (the callers tell a model's fault by its class). */
function reviveError(m: SharedError): Error {
  const f = m.fields ?? {};
  if (m.name === 'UnsupportedModelError') {
    const prefix = `node #${f.nodeIndex} ${f.op}: `;
    return new UnsupportedModelError(Number(f.nodeIndex), String(f.op), m.error.startsWith(prefix) ? m.error.slice(prefix.length) : m.error);
  }
  if (m.name === 'ModelFormatError') {
    const path = String(f.path ?? '');
    const prefix = path ? `${path}: ` : '';
    return new ModelFormatError(f.code as ModelFormatError['code'], path, m.error.startsWith(prefix) ? m.error.slice(prefix.length) : m.error);
  }
  return new Error(m.error);
}

/** The process's pools, one per thread count (the default, all cores, is the one the pipeline uses). */
const shared = new Map<number, SharedInferencePool>();

/** The process's shared pool of `threads` threads (default: all cores); its threads start on first use. */
export function sharedPool(threads = availableParallelism()): SharedInferencePool {
  const size = Math.max(1, threads);
  let pool = shared.get(size);
  if (!pool) shared.set(size, (pool = new SharedInferencePool(size)));
  return pool;
}


/**
 * Boot the shared pool's threads now, for a process that will score soon (`tinyarena score` before
 * it reads its dataset, the grader's score worker before its first job), so its first scoring runs on
 * threads already up. Does nothing where threads boot slowly ({@link THREADS_BOOT_FAST}). Never
 * throws: a thread that cannot start fails the first job that needs it, with its reason.
 */
export function startThreadsEarly(threads?: number): void {
  if (THREADS_BOOT_FAST) sharedPool(threads).start().catch(() => undefined);
}

/** Stop the shared pools (shutdown, tests). */
export async function closeSharedPool(): Promise<void> {
  const pools = [...shared.values()];
  shared.clear();
  await Promise.all(pools.map((p) => p.close()));
}
