import { describe, expect, it } from 'vitest';
import { crc32, decodeMessage, encodeCommand, encodeMessage, fromHex, lapLatencyUs, LineSplitter, parseCommand, ProtocolError, toHex, type Command, type Message } from '../../grader/rack/protocol.js';
import { mulberry32 } from '../../lib/rng.js';

const bytes = (n: number, seed = 1) => {
  const r = mulberry32(seed);
  return Uint8Array.from({ length: n }, () => r() & 0xff);
};

describe('rack protocol', () => {
  it('round-trips every command', () => {
    const cmds: Command[] = [
      { cmd: 'name' },
      { cmd: 'profile' },
      { cmd: 'timestamp' },
      { cmd: 'results' },
      { cmd: 'db-load', bytes: 490 },
      { cmd: 'db', data: bytes(31) },
      { cmd: 'infer', count: 10, warmups: 2 },
      { cmd: 'x-info' },
      { cmd: 'x-model-load', bytes: 53936, crc32: 0xdeadbeef },
      { cmd: 'x-model-chunk', data: bytes(200) },
      { cmd: 'x-model-commit' },
      { cmd: 'x-output' },
      { cmd: 'x-reset' },
    ];
    for (const c of cmds) {
      const text = encodeCommand(c);
      expect(text.endsWith('%')).toBe(true);
      if (!c.cmd.startsWith('x-')) expect(text.length).toBeLessThanOrEqual(80);
      expect(parseCommand(text.slice(0, -1))).toEqual(c);
    }
  });

  it('round-trips every reply line', () => {
    const msgs: Message[] = [
      { kind: 'ready' },
      { kind: 'init-done' },
      { kind: 'timestamp-mode', mode: 'performance' },
      { kind: 'name', name: 'tinyarena-harness' },
      { kind: 'model', model: 'kws01' },
      { kind: 'lap', us: 4294967295 },
      { kind: 'load-done' },
      { kind: 'results', values: ['0.1', '-3', '7'] },
      { kind: 'error', message: 'crc mismatch' },
      { kind: 'x-info', info: { firmware: '0.1.0', modelSlot: 524288, ram: 262144, maxArena: 160000, chunk: 256, mhz: 64, ops: ['CONV_2D', 'SOFTMAX'] } },
      { kind: 'x-model-committed', commit: { arenaUsed: 23000, inputs: [{ dtype: 'int8', shape: [1, 49, 10, 1] }], outputs: [{ dtype: 'int8', shape: [1, 12] }] } },
      { kind: 'x-output', bytes: bytes(12) },
      { kind: 'text', text: 'debug: hello' },
    ];
    for (const m of msgs) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  it('drops empty result items (trailing comma) and handles a wrapped µs counter', () => {
    expect(decodeMessage('m-results-[1,2,]')).toEqual({ kind: 'results', values: ['1', '2'] });
    expect(lapLatencyUs(0xffffff00, 0x100, 2)).toBe(0x100);
    expect(lapLatencyUs(1000, 3000, 4)).toBe(500);
  });

  it('CRC-32 matches zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('rejects bad commands and malformed protocol lines with clear errors', () => {
    for (const bad of ['', 'nmae', 'db zz', 'db 0', 'db load -1', 'infer 1', `db ${'00'.repeat(32)}`, 'x-model load 10 nothex', 'x-model commit now']) {
      expect(() => parseCommand(bad), bad).toThrow(ProtocolError);
    }
    for (const bad of ['m-lap-us-12a', 'x-info-[fw=1]', 'x-output-[abc]', 'm-whatever', 'x-model-committed-[arena=1,in=int8:1x,out=]']) {
      expect(() => decodeMessage(bad), bad).toThrow(ProtocolError);
    }
    expect(() => fromHex('0g')).toThrow(/not hex/);
  });

  it('splits CR LF lines across chunk boundaries and names garbled ones', () => {
    const s = new LineSplitter();
    expect(s.push('m-re')).toEqual([]);
    expect(s.push('ady\r\nm-lap-us-5\r')).toEqual(['m-ready']);
    expect(s.push('\n')).toEqual(['m-lap-us-5']);
    const out = s.push(Uint8Array.from([0x6d, 0xff, 0x00, 0x0d, 0x0a, 0x6f, 0x6b, 0x0a]));
    expect(out[0]).toBeInstanceOf(ProtocolError);
    expect((out[0] as Error).message).toMatch(/garbled line from the board: "m\\xff\\x00/);
    expect(out[1]).toBe('ok');
  });

  it('fuzz: random bytes never crash the decoder, only ProtocolError', () => {
    const r = mulberry32(42);
    const alphabet = 'm-e[]x,;=:0123456789abcdefreadyinfolapus \r\n\x00\xff%';
    for (let i = 0; i < 3000; i++) {
      const len = r() % 60;
      let s = '';
      for (let k = 0; k < len; k++) s += alphabet[r() % alphabet.length];
      const splitter = new LineSplitter();
      for (const line of splitter.push(s)) {
        if (line instanceof ProtocolError) continue;
        try {
          decodeMessage(line);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }
      try {
        parseCommand(s);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
      }
      // Valid hex always round-trips.
      const b = bytes(r() % 40, i);
      expect(fromHex(toHex(b))).toEqual(b);
    }
  });
});
