/**
 * A simulated harness board: the protocol of firmware/PROTOCOL.md answered by the project's own engine
 * (the host interpreter with the challenge's arithmetic profile), timed by the Cortex-M4 latency model
 * on a virtual µs clock. Pure apart from the clock passed in: the process wrapper
 * (board-process.ts) puts it on a serial port and injects faults.
 */
import type { Interpreter } from '../../interpreter/interpreter.js';
import { createInterpreter } from '../../inference/engine.js';
import { DEFAULT_ARITHMETIC, type ArithmeticProfileName } from '../../interpreter/arithmetic.js';
import { parseModel } from '../../tflite/parse.js';
import { estimateArena } from '../../validate/arena.js';
import { FIRMWARE_OP_SET } from '../../validate/op-set.js';
import { crc32, encodeMessage, parseCommand, ProtocolError, quote, type BoardInfo, type Message, type TensorDesc } from '../protocol.js';
import { estimateLatency } from '../../validate/latency-model.js';
import { VirtualClock } from './virtual-clock.js';

export interface SimBoardOptions {
  name?: string;
  firmware?: string;
  /** Flash model slot bytes (the harness uses 512 KiB). */
  modelSlot?: number;
  maxArena?: number;
  chunk?: number;
  /** Arithmetic the simulated firmware computes with; default: stock TFLM, as a Nano's. */
  arithmetic?: ArithmeticProfileName;
  /** Multiplies modelled latency (board-to-board spread); default 1. */
  speed?: number;
}

export const SIM_FIRMWARE_VERSION = '0.1.0-sim';

const DTYPE: Record<string, string> = { int8: 'int8', uint8: 'uint8', float32: 'float32', int16: 'int16', int32: 'int32' };

export class SimBoard {
  private readonly info: BoardInfo;
  private readonly arithmetic: ArithmeticProfileName;
  private readonly speed: number;
  private upload: { want: number; crc: number; bytes: Uint8Array; got: number } | null = null;
  private interpreter: Interpreter | null = null;
  private latencyUs = 0;
  private input: { want: number; got: number; buffer: Uint8Array } | null = null;
  private inputReady = false;
  /** The loaded input, kept apart from the input tensor: the arena reuses that memory during a run. */
  private staged: Uint8Array | null = null;
  private readonly clock: VirtualClock;
  private haveOutput = false;

  constructor(
    opts: SimBoardOptions,
    /** Real µs since some origin; the virtual clock adds modelled compute time. */
    realMicros: () => number,
  ) {
    this.clock = new VirtualClock(realMicros);
    this.info = {
      firmware: opts.firmware ?? SIM_FIRMWARE_VERSION,
      modelSlot: opts.modelSlot ?? 512 * 1024,
      ram: 256 * 1024,
      maxArena: opts.maxArena ?? 160 * 1024,
      chunk: opts.chunk ?? 2048,
      mhz: 64,
      ops: [...FIRMWARE_OP_SET.keys()],
    };
    this.arithmetic = opts.arithmetic ?? DEFAULT_ARITHMETIC;
    this.speed = opts.speed ?? 1;
    this.name = opts.name ?? 'tinyarena-harness-sim';
  }

  readonly name: string;


  boot(): string[] {
    return this.clock.bootLines();
  }

  /** Answer one command (text without `%`). `reset` asks the wrapper to reboot. */
  handle(text: string): { lines: string[]; reset?: boolean } {
    const out: Message[] = [];
    const reply = () => ({ lines: [...out.map(encodeMessage), 'm-ready'] });
    const error = (message: string) => {
      out.push({ kind: 'error', message });
      return reply();
    };
    let cmd;
    try {
      cmd = parseCommand(text);
    } catch (err) {
      return error(err instanceof ProtocolError && !text.trim() ? 'empty command' : (err as Error).message.replace(/[[\]]/g, ''));
    }
    switch (cmd.cmd) {
      case 'name':
        out.push({ kind: 'name', name: this.name });
        break;
      case 'profile':
        out.push({ kind: 'model', model: 'tinyarena' });
        break;
      case 'timestamp':
        out.push({ kind: 'lap', us: this.clock.now() % 0x100000000 });
        break;
      case 'x-info':
        out.push({ kind: 'x-info', info: this.info });
        break;
      case 'x-reset':
        return { lines: [], reset: true };
      case 'x-model-load': {
        const refused = this.startUpload(cmd.bytes, cmd.crc32);
        if (refused) return error(refused);
        break;
      }
      case 'x-model-chunk': {
        const refused = this.receiveChunk(cmd.data);
        if (refused) return error(refused);
        break;
      }
      case 'x-model-commit': {
        const committed = this.commitUpload();
        if (typeof committed === 'string') return error(committed);
        out.push(committed);
        break;
      }
      case 'db-load':
        if (!this.interpreter) return error('no model');
        if (cmd.bytes !== this.interpreter.inputBytes) return error(`db load: input is ${this.interpreter.inputBytes} bytes`);
        this.input = { want: cmd.bytes, got: 0, buffer: new Uint8Array(cmd.bytes) };
        this.inputReady = false;
        this.haveOutput = false;
        break;
      case 'db': {
        const inp = this.input;
        if (!inp || !this.interpreter) return error('db: no load in progress');
        if (inp.got + cmd.data.length > inp.want) return error('db: more bytes than announced');
        inp.buffer.set(cmd.data, inp.got);
        inp.got += cmd.data.length;
        if (inp.got === inp.want) {
          this.staged = inp.buffer;
          this.input = null;
          this.inputReady = true;
          out.push({ kind: 'load-done' });
        }
        break;
      }
      case 'infer': {
        if (!this.interpreter) return error('no model');
        if (!this.inputReady) return error('input not loaded');
        if (cmd.count === 0) return error("infer: want 'infer <N> <W>' with N >= 1");
        // One real invocation gives the outputs (deterministic); time is modelled, not measured.
        this.interpreter.setInputBytes(this.staged!);
        this.interpreter.invoke();
        const { t0, t1 } = this.clock.infer(this.latencyUs, cmd.count, cmd.warmups);
        out.push({ kind: 'lap', us: t0 % 0x100000000 }, { kind: 'lap', us: t1 % 0x100000000 }, { kind: 'results', values: this.resultValues() });
        this.haveOutput = true;
        break;
      }
      case 'results':
        if (!this.haveOutput) return error('no results yet');
        out.push({ kind: 'results', values: this.resultValues() });
        break;
      case 'x-output':
        if (!this.haveOutput || !this.interpreter) return error('no results yet');
        out.push({ kind: 'x-output', bytes: this.interpreter.getOutputBytes() });
        break;
    }
    return reply();
  }

  /** `x-model load`: a new upload of `bytes` replaces the model; null, or why it was refused. */
  private startUpload(bytes: number, crc: number): string | null {
    if (bytes === 0) return 'x-model load: bad size';
    if (bytes > this.info.modelSlot) return `model too large: ${bytes} > slot ${this.info.modelSlot}`;
    this.interpreter = null;
    this.inputReady = false;
    this.haveOutput = false;
    this.upload = { want: bytes, crc, bytes: new Uint8Array(bytes), got: 0 };
    return null;
  }

  /** `x-model chunk`: the next bytes of the upload; null, or why they were refused. */
  private receiveChunk(data: Uint8Array): string | null {
    const u = this.upload;
    if (!u) return 'x-model: no upload in progress';
    if (data.length > this.info.chunk) return 'overflow';
    if (u.got + data.length > u.want) return 'x-model: more bytes than announced';
    u.bytes.set(data, u.got);
    u.got += data.length;
    return null;
  }

  /** Check and prepare the uploaded model: the `x-model-committed` message, or why it was refused. */
  private commitUpload(): Message | string {
    const u = this.upload;
    if (!u) return 'x-model: no upload in progress';
    this.upload = null;
    if (u.got !== u.want) return `short upload: ${u.got}/${u.want} bytes`;
    const crc = crc32(u.bytes);
    if (crc !== u.crc) return `crc mismatch: got ${crc.toString(16).padStart(8, '0')} want ${u.crc.toString(16).padStart(8, '0')}`;
    try {
      const graph = parseModel(u.bytes);
      const unsupported = graph.operators.find((op) => !FIRMWARE_OP_SET.has(op.op));
      if (unsupported) return `unsupported op ${unsupported.op}`;
      const arena = estimateArena(graph).totalBytes;
      if (arena > this.info.maxArena) return `arena too small: needs ${arena}`;
      this.interpreter = createInterpreter(graph, { arithmetic: this.arithmetic });
      this.latencyUs = estimateLatency(graph).us * this.speed;
      const desc = (i: number): TensorDesc => ({ dtype: DTYPE[graph.tensors[i]!.type] ?? 'other', shape: graph.tensors[i]!.shape });
      return { kind: 'x-model-committed', commit: { arenaUsed: arena, inputs: graph.inputs.map(desc), outputs: graph.outputs.map(desc) } };
    } catch (err) {
      return quote((err as Error).message, 120).replace(/[[\]]/g, '');
    }
  }

  private resultValues(): string[] {
    const raw = this.interpreter!.getOutputBytes();
    return Array.from(new Int8Array(raw.buffer, raw.byteOffset, raw.length), String);
  }
}
