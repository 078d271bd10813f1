/**
 * Runs many samples of one model across cores: one worker thread per core, each with its own
 * Interpreter (and WebAssembly memory). The scorer hands over all samples of a dataset at once;
 * outputs come back in input order, byte-identical to a single-thread run.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ArithmeticProfileName } from './arithmetic.js';
import { DEFAULT_ARITHMETIC } from './arithmetic.js';
import { Interpreter } from './interpreter.js';
import type { BatchReply, BatchRequest } from './pool-worker.js';
import { parseModel } from '../tflite/parse.js';

export interface PoolOptions {
  threads?: number;
  arithmetic?: ArithmeticProfileName;
}

export class InferencePool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly workers: Worker[],
    /** Bytes of one sample's inputs (all input tensors concatenated). */
    readonly inputBytes: number,
    readonly outputBytes: number,
  ) {
    for (const w of workers) {
      w.on('message', (m: BatchReply | { ready: true }) => {
        if ('ready' in m) return;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if ('error' in m) p.reject(new Error(m.error));
        else p.resolve(m.outputs);
      });
      w.on('error', (err) => this.failAll(err));
      w.on('exit', (code) => code !== 0 && this.failAll(new Error(`inference worker exited with code ${code}`)));
    }
  }

  /** Prepare the model in this thread first (so an unsupported model fails here, clearly), then start workers. */
  static async create(model: Uint8Array, options: PoolOptions = {}): Promise<InferencePool> {
    const arithmetic = options.arithmetic ?? DEFAULT_ARITHMETIC;
    const probe = Interpreter.create(parseModel(model), { arithmetic });
    const threads = Math.max(1, options.threads ?? availableParallelism());
    const url = new URL('./pool-worker-boot.mjs', import.meta.url);
    const workers = Array.from({ length: threads }, () => new Worker(url, { workerData: { model, arithmetic } }));
    // Ready = the thread has loaded the engine and prepared the model, so start-up is paid here.
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
            w.once('exit', (code) => reject(new Error(`inference worker exited with code ${code} during start-up`)));
          }),
      ),
    );
    return new InferencePool(workers, probe.inputBytes, probe.outputBytes);
  }

  private idleUnref = false;

  /** Let the process exit while this pool is idle (for long-lived cached pools); busy pools stay ref'd. */
  unref(): void {
    this.idleUnref = true;
    for (const w of this.workers) w.unref();
  }

  get threads(): number {
    return this.workers.length;
  }

  /**
   * Run `count` samples (inputs concatenated) and return their outputs concatenated, in order. Work is
   * handed out in batches to whichever worker is free; `onProgress` sees the running total.
   */
  async inferMany(inputs: Uint8Array, count: number, onProgress?: (done: number, total: number) => void, batch = 64): Promise<Uint8Array> {
    if (inputs.length !== count * this.inputBytes) throw new RangeError(`expected ${count} × ${this.inputBytes} input bytes, got ${inputs.length}`);
    const out = new Uint8Array(count * this.outputBytes);
    let next = 0;
    let done = 0;
    const runWorker = async (w: Worker) => {
      while (next < count) {
        const start = next;
        const n = Math.min(batch, count - start);
        next += n;
        const chunk = inputs.slice(start * this.inputBytes, (start + n) * this.inputBytes);
        const id = this.nextId++;
        const result = await new Promise<ArrayBuffer>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          w.postMessage({ id, inputs: chunk.buffer, count: n } satisfies BatchRequest, [chunk.buffer]);
        });
        out.set(new Uint8Array(result), start * this.outputBytes);
        done += n;
        onProgress?.(done, count);
      }
    };
    // Work in flight must keep the process alive even for an idle-unref'd pool.
    for (const w of this.workers) w.ref();
    try {
      await Promise.all(this.workers.map(runWorker));
    } finally {
      if (this.idleUnref) for (const w of this.workers) w.unref();
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error('pool closed'));
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
