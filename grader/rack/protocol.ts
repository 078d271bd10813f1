/**
 * The rack protocol (firmware/PROTOCOL.md): pure encoding and decoding, no I/O.
 *
 * Host → board: one ASCII command ending with `%` (no CR/LF). Board → host: lines ending CR LF; every
 * command's reply ends with `m-ready`; errors are `e-[…]`. This is the MLPerf Tiny / EEMBC DUT protocol
 * plus TinyArena's `x-` extensions (firmware info, model upload into a flash slot, raw output bytes).
 * Everything a board sends is untrusted: decoding never throws on garbage lines, it returns them as
 * `text` or as a {@link ProtocolError} the caller can report with the offending bytes quoted.
 */

/** Bytes per `db <hex>` command (the EEMBC runner's limit: 31 bytes = 62 hex characters). */
export const MAX_DB_CHUNK = 31;
/** Longest line a host accepts from a board before calling it garbage (results of big outputs fit). */
export const MAX_LINE = 64 * 1024;

/** Bad bytes or a malformed command/reply; `message` quotes what was seen. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** A host → board command. */
export type Command =
  | { cmd: 'name' }
  | { cmd: 'profile' }
  | { cmd: 'timestamp' }
  | { cmd: 'db-load'; bytes: number }
  | { cmd: 'db'; data: Uint8Array }
  | { cmd: 'infer'; count: number; warmups: number }
  | { cmd: 'results' }
  | { cmd: 'x-info' }
  | { cmd: 'x-model-load'; bytes: number; crc32: number }
  | { cmd: 'x-model-chunk'; data: Uint8Array }
  | { cmd: 'x-model-commit' }
  | { cmd: 'x-output' }
  | { cmd: 'x-reset' }
  /** Select the arithmetic profile (boards whose x-info lists `arith=`). */
  | { cmd: 'x-arith'; profile: string }
  /** Instructions per inference of the last timed run (boards whose x-info says `icount=1`). */
  | { cmd: 'x-icount' };

// ───────────────────────────── hex, CRC ─────────────────────────────

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  return s;
}

/** Strict hex (even length, 0-9a-fA-F only). @throws ProtocolError */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new ProtocolError(`not hex bytes: "${quote(hex)}"`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib and the harness firmware compute it). */
export function crc32(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Printable, bounded rendering of untrusted text for error messages. */
export function quote(s: string, max = 60): string {
  const shown = s.length > max ? `${s.slice(0, max)}…` : s;
  return shown.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// ───────────────────────────── commands ─────────────────────────────

const uint = (s: string | undefined, what: string, max = 0xffffffff): number => {
  if (s === undefined || !/^\d{1,10}$/.test(s)) throw new ProtocolError(`${what}: expected a whole number, got "${quote(s ?? '')}"`);
  const n = Number(s);
  if (n > max) throw new ProtocolError(`${what}: ${n} is above ${max}`);
  return n;
};

/** The command text including the trailing `%`. */
export function encodeCommand(c: Command): string {
  switch (c.cmd) {
    case 'name':
    case 'profile':
    case 'timestamp':
    case 'results':
    case 'x-info':
    case 'x-output':
    case 'x-reset':
    case 'x-icount':
      return `${c.cmd}%`;
    case 'x-arith':
      if (!/^[a-z0-9-]{1,30}$/.test(c.profile)) throw new RangeError(`not an arithmetic profile name: "${quote(c.profile)}"`);
      return `x-arith ${c.profile}%`;
    case 'db-load':
      return `db load ${c.bytes}%`;
    case 'db':
      if (c.data.length === 0 || c.data.length > MAX_DB_CHUNK) throw new RangeError(`db chunks hold 1–${MAX_DB_CHUNK} bytes (got ${c.data.length})`);
      return `db ${toHex(c.data)}%`;
    case 'infer':
      return `infer ${c.count} ${c.warmups}%`;
    case 'x-model-load':
      return `x-model load ${c.bytes} ${c.crc32.toString(16).padStart(8, '0')}%`;
    case 'x-model-chunk':
      if (c.data.length === 0) throw new RangeError('an x-model chunk holds at least one byte');
      return `x-model ${toHex(c.data)}%`;
    case 'x-model-commit':
      return 'x-model commit%';
  }
}

/**
 * Parse one command's text (without the `%`), as a board does.
 * @throws ProtocolError naming what is wrong.
 */
export function parseCommand(text: string): Command {
  const parts = text.trim().split(/ +/);
  const [head, a, b, c] = parts;
  const arity = (n: number) => {
    if (parts.length !== n) throw new ProtocolError(`${head} takes ${n - 1} argument(s): "${quote(text)}"`);
  };
  switch (head) {
    case 'name':
    case 'profile':
    case 'timestamp':
    case 'results':
    case 'x-info':
    case 'x-output':
    case 'x-reset':
    case 'x-icount':
      arity(1);
      return { cmd: head };
    case 'x-arith':
      arity(2);
      return { cmd: 'x-arith', profile: a! };
    case 'db':
      arity(3 - (a === 'load' ? 0 : 1));
      if (a === 'load') return { cmd: 'db-load', bytes: uint(b, 'db load') };
      {
        const data = fromHex(a ?? '');
        if (data.length === 0 || data.length > MAX_DB_CHUNK) throw new ProtocolError(`db chunks hold 1–${MAX_DB_CHUNK} bytes (got ${data.length})`);
        return { cmd: 'db', data };
      }
    case 'infer':
      arity(3);
      return { cmd: 'infer', count: uint(a, 'infer count', 1_000_000), warmups: uint(b, 'infer warm-ups', 1_000_000) };
    case 'x-model':
      if (a === 'load') {
        arity(4);
        if (!/^[0-9a-fA-F]{1,8}$/.test(c ?? '')) throw new ProtocolError(`x-model load: crc32 must be up to 8 hex digits, got "${quote(c ?? '')}"`);
        return { cmd: 'x-model-load', bytes: uint(b, 'x-model load size'), crc32: parseInt(c!, 16) >>> 0 };
      }
      arity(2);
      if (a === 'commit') return { cmd: 'x-model-commit' };
      {
        const data = fromHex(a ?? '');
        if (data.length === 0) throw new ProtocolError('an x-model chunk holds at least one byte');
        return { cmd: 'x-model-chunk', data };
      }
    default:
      throw new ProtocolError(`unknown command "${quote(text)}"`);
  }
}

/** Split bytes into `db` chunks of at most {@link MAX_DB_CHUNK} bytes (or `max` for x- chunks). */
export function chunks(bytes: Uint8Array, max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += max) out.push(bytes.subarray(i, i + max));
  return out;
}

// ───────────────────────────── replies ─────────────────────────────

/** Firmware facts reported by `x-info`. */
export interface BoardInfo {
  firmware: string;
  /** Bytes of the flash model slot. */
  modelSlot: number;
  /** RAM of the part, bytes. */
  ram: number;
  /** Largest tensor arena the firmware can give a model. */
  maxArena: number;
  /** Largest x-model chunk in bytes (bounded by the command buffer). */
  chunk: number;
  /** Registered TFLite ops (the MicroMutableOpResolver list). */
  ops: string[];
  /** Clock of the core, MHz. */
  mhz?: number;
  /** Arithmetic profiles the firmware can reproduce, selected with `x-arith` (absent: one fixed). */
  arithmetics?: string[];
  /** The board counts executed instructions (`x-icount`): an emulated core with a deterministic clock. */
  icount?: boolean;
}

/** What `x-icount` reports about the last timed `infer`. */
export interface InstructionCount {
  /** Instructions per inference (total / n, floored). */
  perInference: number;
  total: number;
  inferences: number;
}

export interface TensorDesc {
  dtype: string;
  shape: number[];
}

/** What `x-model commit` reports after AllocateTensors. */
export interface CommitInfo {
  arenaUsed: number;
  inputs: TensorDesc[];
  outputs: TensorDesc[];
}

/** One decoded board → host line. */
export type Message =
  | { kind: 'ready' }
  | { kind: 'init-done' }
  | { kind: 'timestamp-mode'; mode: string }
  | { kind: 'name'; name: string }
  | { kind: 'model'; model: string }
  | { kind: 'lap'; us: number }
  | { kind: 'load-done' }
  | { kind: 'results'; values: string[] }
  | { kind: 'error'; message: string }
  | { kind: 'x-info'; info: BoardInfo }
  | { kind: 'x-model-committed'; commit: CommitInfo }
  | { kind: 'x-output'; bytes: Uint8Array }
  | { kind: 'x-icount'; count: InstructionCount }
  | { kind: 'text'; text: string };

const bracket = (line: string, prefix: string): string | null => (line.startsWith(`${prefix}[`) && line.endsWith(']') ? line.slice(prefix.length + 1, -1) : null);

/** `k=v,k=v` → map (values may not contain commas). */
function keyValues(body: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const item of body.split(',')) {
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ProtocolError(`expected key=value, got "${quote(item)}"`);
    m.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return m;
}

function need(m: Map<string, string>, key: string, what: string): string {
  const v = m.get(key);
  if (v === undefined) throw new ProtocolError(`${what} has no ${key}=`);
  return v;
}

/** `int8:1x49x10x1` */
function tensorDesc(s: string): TensorDesc {
  const m = /^([a-z0-9]+):(\d+(?:x\d+)*)$/.exec(s);
  if (!m) throw new ProtocolError(`bad tensor description "${quote(s)}" (want dtype:AxBxC)`);
  return { dtype: m[1]!, shape: m[2]!.split('x').map(Number) };
}

export const formatTensor = (t: TensorDesc) => `${t.dtype}:${t.shape.join('x')}`;

/** Encode a board line (without CR LF): used by the simulated board and the tests. */
export function encodeMessage(m: Message): string {
  switch (m.kind) {
    case 'ready':
      return 'm-ready';
    case 'init-done':
      return 'm-init-done';
    case 'timestamp-mode':
      return `m-timestamp-mode-${m.mode}`;
    case 'name':
      return `m-name-dut-[${m.name}]`;
    case 'model':
      return `m-model-[${m.model}]`;
    case 'lap':
      return `m-lap-us-${m.us >>> 0}`;
    case 'load-done':
      return 'm-load-done';
    case 'results':
      return `m-results-[${m.values.join(',')}]`;
    case 'error':
      return `e-[${m.message}]`;
    case 'x-info': {
      const i = m.info;
      return `x-info-[fw=${i.firmware},slot=${i.modelSlot},ram=${i.ram},arena=${i.maxArena},chunk=${i.chunk}${i.mhz ? `,mhz=${i.mhz}` : ''}${i.arithmetics ? `,arith=${i.arithmetics.join(';')}` : ''}${i.icount ? ',icount=1' : ''},ops=${i.ops.join(';')}]`;
    }
    case 'x-model-committed': {
      const c = m.commit;
      return `x-model-committed-[arena=${c.arenaUsed},in=${c.inputs.map(formatTensor).join(';')},out=${c.outputs.map(formatTensor).join(';')}]`;
    }
    case 'x-output':
      return `x-output-[${toHex(m.bytes)}]`;
    case 'x-icount':
      return `x-icount-[per=${m.count.perInference},total=${m.count.total},n=${m.count.inferences}]`;
    case 'text':
      return m.text;
  }
}

/**
 * Decode one board line (CR LF already removed). Lines the protocol does not define (firmware debug
 * prints) come back as `text`; a line that starts like a protocol message but is malformed throws.
 * @throws ProtocolError
 */
export function decodeMessage(line: string): Message {
  if (line === 'm-ready') return { kind: 'ready' };
  if (line === 'm-init-done') return { kind: 'init-done' };
  if (line === 'm-load-done') return { kind: 'load-done' };
  if (line.startsWith('m-timestamp-mode-')) return { kind: 'timestamp-mode', mode: line.slice('m-timestamp-mode-'.length) };
  let body: string | null;
  if ((body = bracket(line, 'm-name-dut-')) !== null) return { kind: 'name', name: body };
  if ((body = bracket(line, 'm-model-')) !== null) return { kind: 'model', model: body };
  if (line.startsWith('m-lap-us-')) {
    const v = line.slice('m-lap-us-'.length);
    if (!/^\d{1,10}$/.test(v) || Number(v) > 0xffffffff) throw new ProtocolError(`bad timestamp "${quote(line)}"`);
    return { kind: 'lap', us: Number(v) };
  }
  if ((body = bracket(line, 'm-results-')) !== null) return { kind: 'results', values: body.split(',').map((s) => s.trim()).filter((s) => s !== '') };
  if ((body = bracket(line, 'e-')) !== null) return { kind: 'error', message: body };
  if ((body = bracket(line, 'x-info-')) !== null) {
    const m = keyValues(body);
    const num = (k: string) => uint(need(m, k, 'x-info'), `x-info ${k}`);
    const ops = need(m, 'ops', 'x-info');
    return {
      kind: 'x-info',
      info: {
        firmware: need(m, 'fw', 'x-info'),
        modelSlot: num('slot'),
        ram: num('ram'),
        maxArena: num('arena'),
        chunk: num('chunk'),
        ...(m.has('mhz') ? { mhz: num('mhz') } : {}),
        ...(m.get('arith') ? { arithmetics: m.get('arith')!.split(';').filter(Boolean) } : {}),
        ...(m.get('icount') === '1' ? { icount: true } : {}),
        ops: ops ? ops.split(';') : [],
      },
    };
  }
  if ((body = bracket(line, 'x-model-committed-')) !== null) {
    const m = keyValues(body);
    const list = (k: string) => need(m, k, 'x-model commit').split(';').filter(Boolean).map(tensorDesc);
    return { kind: 'x-model-committed', commit: { arenaUsed: uint(need(m, 'arena', 'x-model commit'), 'arena'), inputs: list('in'), outputs: list('out') } };
  }
  if ((body = bracket(line, 'x-output-')) !== null) return { kind: 'x-output', bytes: fromHex(body) };
  if ((body = bracket(line, 'x-icount-')) !== null) {
    const m = keyValues(body);
    // Instruction counts pass 2^32 (the firmware prints 64-bit values); doubles hold them exactly here.
    const big = (k: string) => {
      const v = need(m, k, 'x-icount');
      if (!/^\d{1,15}$/.test(v)) throw new ProtocolError(`x-icount ${k}: expected a whole number, got "${quote(v)}"`);
      return Number(v);
    };
    return { kind: 'x-icount', count: { perInference: big('per'), total: big('total'), inferences: big('n') } };
  }
  if (/^(m|e|x)-/.test(line)) throw new ProtocolError(`malformed protocol line "${quote(line)}"`);
  return { kind: 'text', text: line };
}

/** Latency per inference from two `m-lap-us-` stamps of a 32-bit µs counter (handles one wrap). */
export function lapLatencyUs(start: number, end: number, count: number): number {
  const elapsed = (end - start + 0x100000000) % 0x100000000;
  return elapsed / Math.max(1, count);
}

/**
 * Incremental CR LF line splitter over untrusted bytes: feed chunks, get whole lines. Bytes outside
 * printable ASCII (other than CR/LF/TAB) and over-long lines are reported as {@link ProtocolError}
 * with the line they spoiled, so a garbling link is named, not silently misparsed.
 */
export class LineSplitter {
  private buf = '';
  private bad = false;

  /** Lines completed by `chunk`; each is a string or a ProtocolError for a spoiled line. */
  push(chunk: Uint8Array | string): (string | ProtocolError)[] {
    const text = typeof chunk === 'string' ? chunk : latin1(chunk);
    const out: (string | ProtocolError)[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) {
        const line = this.buf.endsWith('\r') ? this.buf.slice(0, -1) : this.buf;
        out.push(this.bad ? new ProtocolError(`garbled line from the board: "${quote(line)}"`) : line);
        this.buf = '';
        this.bad = false;
        continue;
      }
      if (this.buf.length >= MAX_LINE) {
        this.bad = true;
        continue;
      }
      if ((ch < 0x20 && ch !== 13 && ch !== 9) || ch > 0x7e) this.bad = true;
      // A CR not followed by LF inside a line is garbage too (except the final one).
      if (this.buf.endsWith('\r')) this.bad = true;
      this.buf += text[i];
    }
    return out;
  }

  /** Drop any partial line (after a timeout or a recovery). */
  reset(): void {
    this.buf = '';
    this.bad = false;
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}
