/**
 * BoardClient.waitBoot and profile over an in-memory transport: boot lines printed before anyone
 * waited are not lost, an m-ready before m-init-done ends an earlier reply (not the boot), and
 * timeouts, garbage and disconnects are BoardFaults quoting what was seen.
 */
import { describe, expect, it } from 'vitest';
import { BoardClient, BoardFault } from '../../grader/rack/board-client.js';
import type { Transport } from '../../grader/rack/transports/transport.js';

/** A link whose board side is the test: `board(text)` delivers bytes, `replies` answers commands. */
class MemoryTransport implements Transport {
  readonly location = 'mem://board';
  isOpen = false;
  private data = new Set<(c: Uint8Array) => void>();
  private closers = new Set<(e?: Error) => void>();
  constructor(private readonly replies: Record<string, string> = {}) {}
  async open() {
    this.isOpen = true;
  }
  async write(text: string) {
    const reply = this.replies[text];
    if (reply !== undefined) setTimeout(() => this.board(reply), 1);
  }
  board(text: string) {
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    for (const l of this.data) l(bytes);
  }
  onData(l: (c: Uint8Array) => void) {
    this.data.add(l);
    return () => this.data.delete(l);
  }
  onClose(l: (e?: Error) => void) {
    this.closers.add(l);
    return () => this.closers.delete(l);
  }
  async flush() {}
  async close() {
    this.isOpen = false;
  }
  unplug() {
    this.isOpen = false;
    for (const l of this.closers) l(new Error('gone'));
  }
}

const BOOT = 'm-timestamp-mode-performance\r\nm-lap-us-1234\r\nm-init-done\r\nm-ready\r\n';

async function client(replies?: Record<string, string>) {
  const t = new MemoryTransport(replies);
  const c = new BoardClient(t, { commandTimeoutMs: 500 });
  await c.open();
  return { t, c };
}

describe('BoardClient.waitBoot', () => {
  it('takes boot lines that arrived before it was called, and ones that come later', async () => {
    const early = await client();
    early.t.board(BOOT);
    expect(await early.c.waitBoot(500, 'flashing')).toEqual(['m-timestamp-mode-performance', 'm-lap-us-1234', 'm-init-done']);
    const late = await client();
    const boot = late.c.waitBoot(500);
    late.t.board('debug: hello\r\nm-ready\r\n');
    setTimeout(() => late.t.board(BOOT), 20);
    // The stray m-ready (the end of an earlier reply) does not end the boot; debug text is kept.
    expect(await boot).toEqual(['debug: hello', 'm-ready', 'm-timestamp-mode-performance', 'm-lap-us-1234', 'm-init-done']);
  });

  it('forgets chatter from before discardChatter and before the last command', async () => {
    const { t, c } = await client({ 'name%': 'm-name-dut-[x]\r\nm-ready\r\n' });
    t.board(BOOT);
    c.discardChatter();
    await expect(c.waitBoot(200, 'flashing')).rejects.toThrow('the firmware did not print m-init-done within 200 ms after flashing (got: nothing)');
    t.board(BOOT);
    expect(await c.hello()).toBe('x');
    await expect(c.waitBoot(200)).rejects.toThrow(/got: nothing/);
  });

  it('reports timeouts after m-init-done, garbage and disconnects with what was seen', async () => {
    const a = await client();
    a.t.board('m-timestamp-mode-performance\r\nm-init-done\r\n');
    const err = await a.c.waitBoot(200, 'flashing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoardFault);
    expect((err as BoardFault).kind).toBe('timeout');
    expect((err as Error).message).toBe('the firmware did not print m-ready after m-init-done within 200 ms after flashing (got: "m-timestamp-mode-performance", "m-init-done")');
    const b = await client();
    b.t.board('m-timestamp-mode-performance\r\n\xff\xfe\r\n');
    await expect(b.c.waitBoot(500, 'flashing')).rejects.toThrow(/^garbled line from the board: .* while booting after flashing \(got before: "m-timestamp-mode-performance"\)$/);
    const c = await client();
    const boot = c.c.waitBoot(500);
    c.t.unplug();
    await expect(boot).rejects.toMatchObject({ kind: 'disconnected' });
  });
});

describe('BoardClient.profile', () => {
  it('reads the model id', async () => {
    const { c } = await client({ 'profile%': 'm-model-[kws01]\r\nm-ready\r\n' });
    expect(await c.profile()).toBe('kws01');
  });
});
