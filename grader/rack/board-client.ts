/**
 * Stop-and-wait client for one board over a {@link Transport}: send one command, collect reply lines
 * until `m-ready`, never send before it. Faults of the board or the link (timeout, garbage,
 * disconnect) are {@link BoardFault}s, which count against the board; `e-[…]` replies are
 * {@link BoardReplyError}s, which usually mean the request (the model) was refused.
 */
import { chunks, crc32, decodeMessage, encodeCommand, LineSplitter, lapLatencyUs, MAX_DB_CHUNK, ProtocolError, quote, type BoardInfo, type Command, type CommitInfo, type InstructionCount, type Message } from './protocol.js';
import type { Transport } from './transports/transport.js';

/** `drift`: valid protocol, wrong numbers (the reference-model check failed). */
export type FaultKind = 'timeout' | 'garbled' | 'disconnected' | 'protocol' | 'drift';

/** The board or its link misbehaved; the message says how, quoting what came back. */
export class BoardFault extends Error {
  override name = 'BoardFault';
  constructor(
    readonly kind: FaultKind,
    message: string,
  ) {
    super(message);
  }
}

/** The board answered `e-[…]`. */
export class BoardReplyError extends Error {
  override name = 'BoardReplyError';
  constructor(
    readonly command: string,
    readonly reply: string,
  ) {
    super(`the board refused "${command}": ${reply}`);
  }
}

export interface ClientOptions {
  /** Timeout of ordinary commands (not infer), ms. */
  commandTimeoutMs?: number;
}

export interface InferResult {
  latencyUs: number;
  results: string[];
}

interface Pending {
  text: string;
  lines: Message[];
  resolve: (m: Message[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Lines kept from between commands (boot lines printed before anyone waits for them). */
const MAX_UNSOLICITED = 256;

interface BootWait {
  onLine: (line: string | ProtocolError) => void;
  reject: (e: Error) => void;
}

/** Printable, bounded rendering of the lines seen so far, for error messages. */
/** A decoded line as the board printed it, near enough for an error message. */
function describeLine(m: Message): string {
  switch (m.kind) {
    case 'text':
      return m.text;
    case 'error':
      return `e-[${m.message}]`;
    case 'lap':
      return `m-lap-us-${m.us}`;
    case 'timestamp-mode':
      return `m-timestamp-mode-${m.mode}`;
    default:
      return `m-${m.kind}`;
  }
}
const seen = (lines: readonly string[]) => (lines.length ? lines.slice(-6).map((l) => `"${quote(l)}"`).join(', ') : 'nothing');

export class BoardClient {
  private readonly splitter = new LineSplitter();
  private pending: Pending | null = null;
  private boot: BootWait | null = null;
  /** Lines that arrived while no command was in flight, since the last command. */
  private unsolicited: (string | ProtocolError)[] = [];
  private closed = false;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly commandTimeoutMs: number;

  constructor(
    readonly transport: Transport,
    opts: ClientOptions = {},
  ) {
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 3_000;
  }

  /** Open the link and attach; does not talk to the board yet. */
  async open(): Promise<void> {
    this.detach();
    this.closed = false;
    await this.transport.open();
    this.splitter.reset();
    this.unsolicited = [];
    this.unsubscribe.push(
      this.transport.onData((chunk) => this.onData(chunk)),
      this.transport.onClose((err) => {
        this.closed = true;
        this.fail(new BoardFault('disconnected', `the link to ${this.transport.location} closed${err ? ` (${err.message})` : ''}`));
      }),
    );
    await this.transport.flush();
  }

  get isOpen(): boolean {
    return !this.closed && this.transport.isOpen;
  }

  private onData(chunk: Uint8Array): void {
    for (const line of this.splitter.push(chunk)) {
      if (this.boot) {
        this.boot.onLine(line);
        continue;
      }
      const p = this.pending;
      if (!p) {
        // Chatter between commands (boot lines, debug prints): kept for waitBoot, bounded.
        this.unsolicited.push(line);
        if (this.unsolicited.length > MAX_UNSOLICITED) this.unsolicited.shift();
        continue;
      }
      if (line instanceof ProtocolError) {
        this.fail(new BoardFault('garbled', `${line.message} (after "${quote(p.text)}")`));
        continue;
      }
      let msg: Message;
      try {
        msg = decodeMessage(line);
      } catch (err) {
        this.fail(new BoardFault('protocol', `${(err as Error).message} (after "${quote(p.text)}")`));
        continue;
      }
      if (msg.kind === 'ready') {
        this.pending = null;
        clearTimeout(p.timer);
        p.resolve(p.lines);
      } else {
        p.lines.push(msg);
      }
    }
  }

  private fail(err: Error): void {
    const b = this.boot;
    this.boot = null;
    b?.reject(err);
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(err);
  }

  /** Send one command; the reply lines before `m-ready`. @throws BoardFault | BoardReplyError */
  async send(cmd: Command | string, timeoutMs = this.commandTimeoutMs): Promise<Message[]> {
    const text = typeof cmd === 'string' ? cmd : encodeCommand(cmd);
    const lines = await this.exchange(text, true, timeoutMs);
    const error = lines.find((m) => m.kind === 'error');
    if (error?.kind === 'error') throw new BoardReplyError(text, error.message);
    return lines;
  }

  /** Write `text` (or only listen, for a reply already on its way) and collect lines until `m-ready`. */
  private exchange(text: string, write: boolean, timeoutMs: number): Promise<Message[]> {
    if (this.pending || this.boot) throw new Error('stop-and-wait: a command is still in flight');
    if (!this.isOpen) throw new BoardFault('disconnected', `${this.transport.location} is not connected`);
    this.unsolicited = [];
    return new Promise<Message[]>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new BoardFault('timeout', `no m-ready within ${timeoutMs} ms after "${quote(text)}"`)), timeoutMs);
      this.pending = { text, lines: [], resolve, reject, timer };
      if (write) this.transport.write(text).catch((err: Error) => this.fail(new BoardFault('disconnected', `write to ${this.transport.location} failed: ${err.message}`)));
    });
  }

  private static pick<K extends Message['kind']>(lines: Message[], kind: K, after: string): Extract<Message, { kind: K }> {
    const m = lines.find((l) => l.kind === kind);
    if (!m) throw new BoardFault('protocol', `no ${kind} line in the reply to "${after}" (got ${lines.map((l) => l.kind).join(', ') || 'nothing'})`);
    return m as Extract<Message, { kind: K }>;
  }

  /**
   * Synchronise with a board that may have printed boot lines (with their own `m-ready`) before we
   * attached: ask `name` until a reply carries the name.
   */
  async hello(): Promise<string> {
    // A stale m-ready (boot, or the end of an interrupted reply) can arrive right after we send: then
    // the real reply is still coming, so listen for it instead of sending again (which would leave
    // every later reply one behind).
    let lines = await this.send({ cmd: 'name' });
    // What the board printed instead of its name (a fault handler's line, boot lines after a reset):
    // named in the error, so a learner's firmware that crashes on its first command says so.
    const printed: Message[] = [];
    const instead = () => (printed.length ? ` (it printed instead: ${seen(printed.map(describeLine))})` : '');
    for (let extra = 0; extra < 3; extra++) {
      const name = lines.find((l) => l.kind === 'name');
      if (name?.kind === 'name') return name.name;
      printed.push(...lines);
      try {
        lines = await this.exchange('name%', false, this.commandTimeoutMs);
      } catch (err) {
        if (err instanceof BoardFault && printed.length) throw new BoardFault(err.kind, `${err.message}${instead()}`);
        throw err;
      }
    }
    throw new BoardFault('protocol', `${this.transport.location} does not answer "name%" with m-name-dut-[…]${instead()}`);
  }

  /** Forget lines received since the last command (call before a reset, so waitBoot sees only the new boot). */
  discardChatter(): void {
    this.unsolicited = [];
  }

  /**
   * After a reset or flashing: collect the board's lines (those that arrived since the last command
   * first) until `m-init-done` and then `m-ready`. Returns the lines before that `m-ready`.
   * @param after what happened before, for messages ("flashing", "the reset").
   * @throws BoardFault (timeout, garbled, protocol, disconnected) quoting what was seen.
   */
  waitBoot(timeoutMs: number, after = 'the reset'): Promise<string[]> {
    if (this.pending || this.boot) throw new Error('stop-and-wait: a command is still in flight');
    if (!this.isOpen) return Promise.reject(new BoardFault('disconnected', `${this.transport.location} is not connected`));
    const backlog = this.unsolicited;
    this.unsolicited = [];
    return new Promise<string[]>((resolve, reject) => {
      const lines: string[] = [];
      let initDone = false;
      const timer = setTimeout(() => {
        this.boot = null;
        const what = initDone ? `m-ready after m-init-done` : 'm-init-done';
        reject(new BoardFault('timeout', `the firmware did not print ${what} within ${timeoutMs} ms after ${after} (got: ${seen(lines)})`));
      }, timeoutMs);
      const finish = (err: BoardFault | null) => {
        clearTimeout(timer);
        this.boot = null;
        if (err) reject(err);
        else resolve(lines);
      };
      const onLine = (line: string | ProtocolError) => {
        if (line instanceof ProtocolError) return finish(new BoardFault('garbled', `${line.message} while booting after ${after} (got before: ${seen(lines)})`));
        let msg: Message;
        try {
          msg = decodeMessage(line);
        } catch (err) {
          return finish(new BoardFault('protocol', `${(err as Error).message} while booting after ${after} (got before: ${seen(lines)})`));
        }
        // An m-ready before m-init-done ends an earlier reply, not the boot.
        if (msg.kind === 'ready' && initDone) return finish(null);
        lines.push(line);
        if (msg.kind === 'init-done') initDone = true;
      };
      this.boot = {
        onLine,
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      for (const line of backlog) if (this.boot) onLine(line);
    });
  }

  /** `profile` → the model the firmware was built for (`m-model-[kws01]` → `kws01`). */
  async profile(): Promise<string> {
    return BoardClient.pick(await this.send({ cmd: 'profile' }), 'model', 'profile%').model;
  }

  async info(): Promise<BoardInfo> {
    return BoardClient.pick(await this.send({ cmd: 'x-info' }), 'x-info', 'x-info%').info;
  }

  async timestamp(): Promise<number> {
    return BoardClient.pick(await this.send({ cmd: 'timestamp' }), 'lap', 'timestamp%').us;
  }

  /** Upload a model into the flash slot and commit it. */
  async uploadModel(model: Uint8Array, chunkBytes: number): Promise<CommitInfo> {
    await this.send({ cmd: 'x-model-load', bytes: model.length, crc32: crc32(model) });
    // Multiples of 4 keep the board's flash writes word-aligned.
    const size = Math.max(4, chunkBytes - (chunkBytes % 4));
    for (const c of chunks(model, size)) await this.send({ cmd: 'x-model-chunk', data: c });
    // Writing flash and AllocateTensors take a while on a real board.
    return BoardClient.pick(await this.send({ cmd: 'x-model-commit' }, this.commandTimeoutMs * 4), 'x-model-committed', 'x-model commit%').commit;
  }

  async loadInput(input: Uint8Array): Promise<void> {
    await this.send({ cmd: 'db-load', bytes: input.length });
    const parts = chunks(input, MAX_DB_CHUNK);
    for (let i = 0; i < parts.length; i++) {
      const lines = await this.send({ cmd: 'db', data: parts[i]! });
      if (i === parts.length - 1 && !lines.some((l) => l.kind === 'load-done')) throw new BoardFault('protocol', `no m-load-done after the last of ${input.length} input bytes`);
    }
  }

  async infer(count: number, warmups: number, timeoutMs: number): Promise<InferResult> {
    const lines = await this.send({ cmd: 'infer', count, warmups }, timeoutMs);
    const laps = lines.filter((l): l is Extract<Message, { kind: 'lap' }> => l.kind === 'lap');
    if (laps.length < 2) throw new BoardFault('protocol', `infer: expected two m-lap-us- stamps, got ${laps.length}`);
    const results = BoardClient.pick(lines, 'results', 'infer').values;
    return { latencyUs: lapLatencyUs(laps[laps.length - 2]!.us, laps[laps.length - 1]!.us, count), results };
  }

  async output(): Promise<Uint8Array> {
    return BoardClient.pick(await this.send({ cmd: 'x-output' }), 'x-output', 'x-output%').bytes;
  }

  /** `x-arith <profile>`: the arithmetic the firmware reproduces from now on (boards listing `arith=`). */
  async setArithmetic(profile: string): Promise<void> {
    // Preparing the committed model again takes a moment on a board.
    await this.send({ cmd: 'x-arith', profile }, this.commandTimeoutMs * 4);
  }

  /** `x-icount`: instructions per inference of the last timed `infer` (boards with `icount=1`). */
  async instructionCount(): Promise<InstructionCount> {
    return BoardClient.pick(await this.send({ cmd: 'x-icount' }), 'x-icount', 'x-icount%').count;
  }

  /**
   * Recovery after a fault: flush, a lone `%` to end any half-received command, re-open the link,
   * and check the board answers again. @throws BoardFault when it does not.
   */
  async recover(): Promise<void> {
    this.fail(new BoardFault('timeout', 'recovering'));
    if (this.transport.isOpen) {
      await this.transport.flush();
      await this.transport.write('%').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      await this.transport.close();
    }
    await this.open();
    await this.hello();
  }

  private detach(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  async close(): Promise<void> {
    this.fail(new BoardFault('disconnected', 'closed'));
    this.detach();
    await this.transport.close();
  }
}
