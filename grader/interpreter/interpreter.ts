/**
 * The engine: prepare every node once (kernels from the registry), then `invoke()` runs the eval
 * closures in order. Inputs and outputs are typed views into the arena: write inputs, invoke, read
 * outputs; nothing is allocated per inference.
 */
import type { Graph } from '../tflite/graph.js';
import { allocate } from './allocator.js';
import { ARITHMETIC_PROFILES, DEFAULT_ARITHMETIC, roundingFor, type ArithmeticProfile, type ArithmeticProfileName } from './arithmetic.js';
import { UnsupportedModelError, type ByteFunction, type Eval, type Kernel, type PrepareContext, type TensorData } from './kernel.js';
import { KERNELS } from './registry.js';

export interface InterpreterOptions {
  /** Runtime whose arithmetic to reproduce (see arithmetic.ts); default: stock TFLM, what the board computes. */
  arithmetic?: ArithmeticProfileName;
  kernels?: ReadonlyMap<string, Kernel>;
}

export class Interpreter {
  private constructor(
    readonly graph: Graph,
    private readonly evals: Eval[],
    private readonly storage: (TensorData | null)[],
    /** Views of the model inputs, in input order. */
    readonly inputs: TensorData[],
    /** Views of the model outputs, in output order. */
    readonly outputs: TensorData[],
  ) {}

  /**
   * Prepare a model. Throws {@link UnsupportedModelError} naming the node for any op, type or
   * parameter the engine cannot run: never mid-run.
   */
  static create(graph: Graph, options: InterpreterOptions = {}): Interpreter {
    const kernels = options.kernels ?? KERNELS;
    const profile: ArithmeticProfile = ARITHMETIC_PROFILES[options.arithmetic ?? DEFAULT_ARITHMETIC];
    const { tensors, simd, scratch, persistent } = allocate(graph);
    const evals: Eval[] = [];
    const byteFunctions = new Map<number, ByteFunction>();
    const elided = new Set<number>();
    for (const op of graph.operators) {
      const kernel = kernels.get(op.op);
      if (!kernel) throw new UnsupportedModelError(op.index, op.op, 'operator not supported by the engine');
      const get = (i: number | undefined, what: string): TensorData => {
        const d = i === undefined || i < 0 ? null : tensors[i];
        if (!d) throw new UnsupportedModelError(op.index, op.op, `missing ${what}`);
        return d;
      };
      const ctx: PrepareContext = {
        graph,
        rounding: roundingFor(profile, op.op),
        simd,
        scratch,
        persistent,
        op,
        input: (k) => get(op.inputs[k], `input ${k}`),
        optionalInput: (k) => (op.inputs[k] === undefined || op.inputs[k] < 0 ? null : get(op.inputs[k], `input ${k}`)),
        output: (k) => get(op.outputs[k], `output ${k}`),
        byteFunctions,
        elide: (node) => {
          if (node >= op.index) throw new Error(`internal: node ${op.index} cannot elide node ${node}`);
          elided.add(node);
        },
      };
      evals.push(kernel.prepare(ctx));
    }
    return new Interpreter(
      graph,
      evals.filter((_, i) => !elided.has(graph.operators[i]!.index)),
      tensors,
      graph.inputs.map((i) => tensors[i]!),
      graph.outputs.map((i) => tensors[i]!),
    );
  }

  /**
   * Storage of any tensor. Activations share the arena, so an intermediate tensor holds its value only
   * until its memory is reused later in the same invocation.
   */
  tensor(index: number): TensorData {
    const t = this.storage[index];
    if (!t) throw new RangeError(`no tensor ${index}`);
    return t;
  }

  invoke(): void {
    const evals = this.evals;
    for (let i = 0; i < evals.length; i++) evals[i]!();
  }

  /** Total bytes of all inputs (the raw-input contract of `tinyarena infer`). */
  get inputBytes(): number {
    return this.inputs.reduce((a, t) => a + t.bytes.length, 0);
  }

  get outputBytes(): number {
    return this.outputs.reduce((a, t) => a + t.bytes.length, 0);
  }

  /** Copy concatenated raw input bytes into the input tensors. */
  setInputBytes(raw: Uint8Array): void {
    // The common single-input case copies straight; small models are dominated by such overheads.
    if (this.inputs.length === 1 && raw.length === this.inputs[0]!.bytes.length) {
      this.inputs[0]!.bytes.set(raw);
      return;
    }
    if (raw.length !== this.inputBytes) throw new RangeError(`input is ${raw.length} bytes; the model takes ${this.inputBytes}`);
    let at = 0;
    for (const t of this.inputs) {
      t.bytes.set(raw.subarray(at, at + t.bytes.length));
      at += t.bytes.length;
    }
  }

  /** Concatenated raw output bytes, written into `out` (allocated if not given). */
  getOutputBytes(out = new Uint8Array(this.outputBytes)): Uint8Array {
    let at = 0;
    for (const t of this.outputs) {
      out.set(t.bytes, at);
      at += t.bytes.length;
    }
    return out;
  }
}
