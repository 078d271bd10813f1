/**
 * One set of inference threads per process for every model: the pipeline scores a different model
 * in almost every job, and starting threads per model (≈1 s each) would cost more than the scoring.
 * Each thread keeps its few most recently used models prepared; the pool mirrors each thread's LRU,
 * so a model's bytes travel to a thread only when it does not hold them. Outputs come back in input
 * order, byte-identical to a single-thread run. Idle threads never keep the process alive.
 *
 * Cold start: threads start on first use, and booting them (loader, module compilation) takes about
 * a second of both cores. While no thread is ready, a job that the calling thread can finish within
 * IN_PROCESS_BUDGET_MS (timed on its first few samples, past the JIT's warm-up) runs in-process
 * with the interpreter prepared to check the model, and the threads boot after it; a longer job
 * starts the threads and the calling thread takes batches until one is ready. So a first scoring in a fresh process costs about one
 * thread's time, not the boot plus the work.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { ArithmeticProfileName } from '../interpreter/arithmetic.js';
import type { Interpreter } from '../interpreter/interpreter.js';
import { createInterpreter } from './engine.js';
import { MODELS_PER_THREAD, type SharedReply, type SharedRequest } from './shared-pool-worker.js';
import { parseModel } from '../tflite/parse.js';

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
  private closed = false;

  constructor(private readonly threadCount = availableParallelism()) {}

  get threads(): number {
    return Math.max(1, this.threadCount);
  }

  /** Start the threads (once); resolves when every thread is ready. */
  start(): Promise<void> {
    if (this.slots.length === 0 && !this.closed) {
      const url = new URL('./shared-pool-worker-boot.mjs', import.meta.url);
      this.slots = Array.from({ length: this.threads }, () => {
        const worker = new Worker(url);
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
          if ('error' in m) p.reject(new Error(m.error));
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
    if (!sizes || (!this.anyReady() && !local)) {
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
    const runHere = (interpreter: Interpreter, start: number, n: number) => {
      signal?.throwIfAborted();
      for (let i = start; i < start + n; i++) {
        interpreter.setInputBytes(inputs.subarray(i * inputBytes, (i + 1) * inputBytes));
        interpreter.invoke();
        interpreter.getOutputBytes(out.subarray(i * outputBytes, (i + 1) * outputBytes));
      }
      done += n;
      onProgress?.(done, count);
    };

    if (!this.anyReady() && local && count > 0) {
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
        onProgress?.(done, count);
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
      await Promise.all([runLocal(), ...this.slots.map(run)]);
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

/** The process's pools, one per thread count (the default, all cores, is the one the pipeline uses). */
const shared = new Map<number, SharedInferencePool>();

/** The process's shared pool of `threads` threads (default: all cores); its threads start on first use. */
export function sharedPool(threads = availableParallelism()): SharedInferencePool {
  const size = Math.max(1, threads);
  let pool = shared.get(size);
  if (!pool) shared.set(size, (pool = new SharedInferencePool(size)));
  return pool;
}

/** Stop the shared pools (shutdown, tests). */
export async function closeSharedPool(): Promise<void> {
  const pools = [...shared.values()];
  shared.clear();
  await Promise.all(pools.map((p) => p.close()));
}
