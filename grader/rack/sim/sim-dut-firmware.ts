/**
 * A simulated board running a *submitted firmware image* as if it were an MLPerf Tiny reference
 * firmware. We cannot execute ARM code, so the board "runs" an image by finding what an MLPerf Tiny
 * firmware carries in flash: the model as a TFLite flatbuffer constant and the model id string
 * (`kws01`, `vww01`, `ad01`, `ic01`). It answers the base protocol only (no `x-` extensions), takes
 * inputs as the dataset stores them and prints results as the reference firmware does (dequantized,
 * `%.3f`; the anomaly score for ad01, `%.3e`). Pure apart from the clock passed in, like sim-board.ts.
 */
import type { Interpreter } from '../../interpreter/interpreter.js';
import { createInterpreter } from '../../inference/engine.js';
import { DEFAULT_ARITHMETIC, type ArithmeticProfileName } from '../../interpreter/arithmetic.js';
import type { Graph, Tensor } from '../../tflite/graph.js';
import { parseModel } from '../../tflite/parse.js';
import { encodeMessage, parseCommand, ProtocolError, quote, type Message } from '../protocol.js';
import { estimateLatency } from '../../validate/latency-model.js';
import { VirtualClock } from './virtual-clock.js';

/** MLPerf Tiny model ids a firmware reports with `profile`. */
export const DUT_PROFILES = ['kws01', 'vww01', 'ad01', 'ic01'] as const;
export type DutProfile = (typeof DUT_PROFILES)[number];

/** Marker before the DUT name string in a simulated firmware image (up to a NUL). */
export const DUT_NAME_MARKER = 'dut-name=';

/** What any simulated firmware offers the board process: boot lines and one reply per command. */
export interface SimFirmware {
  boot(): string[];
  /** Reply to one command (text without `%`); `reset` asks the wrapper to reboot. */
  handle(text: string): { lines: string[]; reset?: boolean };
}

export interface SimDutFirmwareOptions {
  arithmetic?: ArithmeticProfileName;
  /** Multiplies modelled latency (board-to-board spread); default 1. */
  speed?: number;
}

/** What a scan of a firmware image found. */
export interface FirmwareModelScan {
  /** Byte offset of the model flatbuffer in the image. */
  offset: number;
  /** Bytes of the model (the shortest prefix from `offset` the parser accepts). */
  length: number;
  graph: Graph;
  profile: DutProfile;
  /** DUT name after {@link DUT_NAME_MARKER}, or `unspecified`. */
  name: string;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const TFL3 = ascii('TFL3');

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first, from); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

const parses = (bytes: Uint8Array): Graph | null => {
  try {
    return parseModel(bytes);
  } catch {
    return null;
  }
};

/**
 * Find the model: a `TFL3` file identifier at o+4 whose bytes from o parse as a model. The parser
 * only bounds-checks, so it accepts the rest of the image trailing the model; the model's extent is
 * then the shortest prefix that still parses (success is monotonic in the length), found by bisection.
 */
function findModel(image: Uint8Array): { offset: number; length: number; graph: Graph } | null {
  for (let at = indexOf(image, TFL3, 4); at >= 0; at = indexOf(image, TFL3, at + 1)) {
    const o = at - 4;
    if (!parses(image.subarray(o))) continue;
    let lo = 8;
    let hi = image.length - o;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (parses(image.subarray(o, o + mid))) hi = mid;
      else lo = mid + 1;
    }
    return { offset: o, length: hi, graph: parseModel(image.subarray(o, o + hi)) };
  }
  return null;
}

/** The first NUL-terminated C string in the image that is exactly a model id. */
function findProfile(image: Uint8Array): DutProfile | null {
  let best: { at: number; id: DutProfile } | null = null;
  for (const id of DUT_PROFILES) {
    const needle = ascii(`${id}\0`);
    for (let at = indexOf(image, needle); at >= 0; at = indexOf(image, needle, at + 1)) {
      if (at > 0 && image[at - 1] !== 0) continue; // the tail of a longer string
      if (!best || at < best.at) best = { at, id };
      break;
    }
  }
  return best?.id ?? null;
}

function findName(image: Uint8Array): string {
  const at = indexOf(image, ascii(DUT_NAME_MARKER));
  if (at < 0) return 'unspecified';
  const start = at + DUT_NAME_MARKER.length;
  let end = start;
  while (end < image.length && image[end] !== 0 && end - start <= 64) end++;
  const name = String.fromCharCode(...image.subarray(start, end));
  // Brackets would break `m-name-dut-[…]`; anything unprintable is not a name.
  return name && end - start <= 64 && /^[\x20-\x7e]+$/.test(name) && !/[[\]]/.test(name) ? name : 'unspecified';
}

/** Model, model id and DUT name of a firmware image, or null when it lacks the model or the id. */
export function scanFirmwareImage(image: Uint8Array): FirmwareModelScan | null {
  const profile = findProfile(image);
  if (!profile) return null;
  const model = findModel(image);
  if (!model) return null;
  return { ...model, profile, name: findName(image) };
}

// ───────────────────────────── printf ─────────────────────────────

/** Exact decimal digits of a finite double: value = digits × 10^-scale. */
function exactDecimal(x: number): { neg: boolean; digits: bigint; scale: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const neg = hi >>> 31 === 1;
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = exp - 1075;
  if (exp === 0) e = -1074;
  else mant |= 1n << 52n;
  if (e >= 0) return { neg, digits: mant << BigInt(e), scale: 0 };
  return { neg, digits: mant * 5n ** BigInt(-e), scale: -e };
}

/** Divide by 10^k rounding half to even (glibc printf rounds the exact binary value this way). */
function roundDiv(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const d = 10n ** BigInt(k);
  const q = n / d;
  const r = n % d;
  const twice = 2n * r;
  return twice > d || (twice === d && q % 2n === 1n) ? q + 1n : q;
}

/** C `printf("%.<p>f", x)` for a finite double. */
export function printfFixed(x: number, precision: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const { neg, digits, scale } = exactDecimal(x);
  const s = roundDiv(digits, scale - precision).toString().padStart(precision + 1, '0');
  const body = precision ? `${s.slice(0, -precision)}.${s.slice(-precision)}` : s;
  return neg ? `-${body}` : body;
}

/** C `printf("%.<p>e", x)` for a finite double (exponent with at least two digits). */
export function printfExp(x: number, precision: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const { neg, digits, scale } = exactDecimal(x);
  let mant: bigint;
  let exp10: number;
  if (digits === 0n) {
    mant = 0n;
    exp10 = 0;
  } else {
    const len = digits.toString().length;
    exp10 = len - 1 - scale;
    mant = roundDiv(digits, len - 1 - precision);
    // Rounding up may carry into a new digit (9.9995 → 10.000).
    if (mant.toString().length > precision + 1) {
      mant /= 10n;
      exp10++;
    }
  }
  const m = mant.toString().padStart(precision + 1, '0');
  const e = `${exp10 < 0 ? '-' : '+'}${String(Math.abs(exp10)).padStart(2, '0')}`;
  return `${neg ? '-' : ''}${m[0]}${precision ? `.${m.slice(1)}` : ''}e${e}`;
}

// ───────────────────────────── the firmware ─────────────────────────────

const quantParams = (t: Tensor) => ({ scale: t.quantization?.scale[0] ?? 1, zeroPoint: t.quantization?.zeroPoint[0] ?? 0 });

export class SimDutFirmware implements SimFirmware {
  private readonly interpreter: Interpreter;
  private readonly latencyUs: number;
  /** Bytes `db load` must announce: the dataset's stored sample (float32 for ad01, bytes otherwise). */
  readonly rawInputBytes: number;
  private input: { want: number; got: number; buffer: Uint8Array } | null = null;
  /** The converted input tensor bytes, kept apart from the tensor: the arena reuses that memory. */
  private staged: Uint8Array | null = null;
  private readonly clock: VirtualClock;
  private results: string[] | null = null;

  private constructor(
    readonly scan: FirmwareModelScan,
    opts: SimDutFirmwareOptions,
    realMicros: () => number,
  ) {
    this.clock = new VirtualClock(realMicros);
    this.interpreter = createInterpreter(scan.graph, { arithmetic: opts.arithmetic ?? DEFAULT_ARITHMETIC });
    this.latencyUs = estimateLatency(scan.graph).us * (opts.speed ?? 1);
    const width = scan.profile === 'ad01' ? 4 : 1;
    this.rawInputBytes = this.interpreter.inputs.reduce((a, t) => a + t.tensor.elements * width, 0);
  }

  /**
   * The firmware an image holds, or null when it has no recognisable model and model id (or the
   * engine cannot run the model): such a board prints nothing, it "does not boot".
   */
  static fromImage(image: Uint8Array, opts: SimDutFirmwareOptions, realMicros: () => number): SimDutFirmware | null {
    const scan = scanFirmwareImage(image);
    if (!scan) return null;
    try {
      return new SimDutFirmware(scan, opts, realMicros);
    } catch {
      return null;
    }
  }

  /** The input tensor bytes the last completed `db` load converted to (null before one). */
  get stagedInput(): Uint8Array | null {
    return this.staged;
  }

  get profile(): DutProfile {
    return this.scan.profile;
  }

  get name(): string {
    return this.scan.name;
  }


  boot(): string[] {
    return this.clock.bootLines();
  }

  /** Answer one base command (text without `%`); everything else is an unknown command. */
  handle(text: string): { lines: string[] } {
    const out: Message[] = [];
    const reply = () => ({ lines: [...out.map(encodeMessage), 'm-ready'] });
    const error = (message: string) => {
      out.push({ kind: 'error', message });
      return reply();
    };
    if (/^\s*x-/.test(text)) return error(`unknown command "${quote(text.trim()).replace(/[[\]]/g, '')}"`);
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
        out.push({ kind: 'model', model: this.profile });
        break;
      case 'timestamp':
        out.push({ kind: 'lap', us: this.clock.now() % 0x100000000 });
        break;
      case 'db-load': {
        if (cmd.bytes !== this.rawInputBytes) return error(`db load: input is ${this.rawInputBytes} bytes`);
        const unsupported = this.interpreter.inputs.find((t) => t.tensor.type !== 'int8' && t.tensor.type !== 'uint8');
        if (unsupported) return error(`unsupported input type ${unsupported.tensor.type}`);
        this.input = { want: cmd.bytes, got: 0, buffer: new Uint8Array(cmd.bytes) };
        this.staged = null;
        this.results = null;
        break;
      }
      case 'db': {
        const inp = this.input;
        if (!inp) return error('db: no load in progress');
        if (inp.got + cmd.data.length > inp.want) return error('db: more bytes than announced');
        inp.buffer.set(cmd.data, inp.got);
        inp.got += cmd.data.length;
        if (inp.got === inp.want) {
          this.staged = this.convertInput(inp.buffer);
          this.input = null;
          out.push({ kind: 'load-done' });
        }
        break;
      }
      case 'infer': {
        if (!this.staged) return error('input not loaded');
        if (cmd.count === 0) return error("infer: want 'infer <N> <W>' with N >= 1");
        // Every invocation (warm-ups included) starts from the staged input, so all give the same
        // outputs: one real invocation stands for them; time is modelled, not measured.
        this.interpreter.setInputBytes(this.staged);
        this.interpreter.invoke();
        const { t0, t1 } = this.clock.infer(this.latencyUs, cmd.count, cmd.warmups);
        this.results = this.resultValues();
        out.push({ kind: 'lap', us: t0 % 0x100000000 }, { kind: 'lap', us: t1 % 0x100000000 }, { kind: 'results', values: this.results });
        break;
      }
      case 'results':
        if (!this.results) return error('no results yet');
        out.push({ kind: 'results', values: this.results });
        break;
      default:
        return error(`unknown command "${quote(text.trim()).replace(/[[\]]/g, '')}"`);
    }
    return reply();
  }

  /** The dataset's stored bytes → input tensor bytes, as the MLPerf Tiny firmware converts them. */
  private convertInput(raw: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.interpreter.inputBytes);
    const floats = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    let src = 0;
    let dst = 0;
    for (const t of this.interpreter.inputs) {
      const signed = t.tensor.type === 'int8';
      const n = t.tensor.elements;
      if (this.profile === 'ad01') {
        // float32 features quantized on the board: round half away from zero, clamp.
        const { scale, zeroPoint } = quantParams(t.tensor);
        const [min, max] = signed ? [-128, 127] : [0, 255];
        for (let i = 0; i < n; i++) {
          const v = Math.fround(floats.getFloat32(src + 4 * i, true) / scale);
          const q = Math.min(max, Math.max(min, Math.sign(v) * Math.round(Math.abs(v)) + zeroPoint));
          out[dst + i] = q & 0xff;
        }
        src += 4 * n;
      } else {
        // kws01 stores int8 features; vww01/ic01 store uint8 pixels (the firmware subtracts 128).
        const storedSigned = this.profile === 'kws01';
        for (let i = 0; i < n; i++) out[dst + i] = storedSigned === signed ? raw[src + i]! : raw[src + i]! ^ 0x80;
        src += n;
      }
      dst += t.bytes.length;
    }
    return out;
  }

  private dequantized(t: { tensor: Tensor; bytes: Uint8Array; f32: Float32Array | null }, bytes = t.bytes): Float32Array {
    const n = t.tensor.elements;
    if (t.tensor.type === 'float32') return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 4 * n));
    const { scale, zeroPoint } = quantParams(t.tensor);
    const signed = t.tensor.type === 'int8';
    const out = new Float32Array(n);
    // float32 arithmetic, as the firmware's `(q - zero_point) * scale`.
    for (let i = 0; i < n; i++) out[i] = Math.fround(((signed ? (bytes[i]! << 24) >> 24 : bytes[i]!) - zeroPoint) * scale);
    return out;
  }

  private resultValues(): string[] {
    if (this.profile === 'ad01') {
      // The reference AD firmware prints one anomaly score: the MSE of the reconstruction.
      const input = this.interpreter.inputs[0]!;
      const x = this.dequantized(input, this.staged!.subarray(0, input.bytes.length));
      const y = this.dequantized(this.interpreter.outputs[0]!);
      const n = Math.min(x.length, y.length);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.fround(y[i]! - x[i]!);
        sum = Math.fround(sum + Math.fround(d * d));
      }
      return [printfExp(Math.fround(sum / Math.max(1, n)), 3)];
    }
    return this.interpreter.outputs.flatMap((t) => Array.from(this.dequantized(t), (v) => printfFixed(v, 3)));
  }
}
