/**
 * The simulated harness board's model upload (`x-model load/chunk/commit`): refusals worded as the
 * harness words them, and a committed model that runs.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../grader/tflite/builder.js';
import { crc32, decodeMessage, encodeCommand, type Command, type Message } from '../../grader/rack/protocol.js';
import { SimBoard } from '../../grader/rack/sim/sim-board.js';
import { tinyInt8Model } from '../helpers/tiny-model.js';

function board(opts: { modelSlot?: number; chunk?: number } = {}): { send: (c: Command) => Message[] } {
  let t = 0;
  const b = new SimBoard(opts, () => (t += 10));
  // encodeCommand writes the `%` the harness reads as end of command; handle() takes the text without it.
  return { send: (c) => b.handle(encodeCommand(c).replace(/%$/, '')).lines.filter((l) => l !== 'm-ready').map(decodeMessage) };
}

const errorsOf = (ms: Message[]) => ms.flatMap((m) => (m.kind === 'error' ? [m.message] : []));

describe('SimBoard model upload', () => {
  const model = buildModel(tinyInt8Model());

  it('refuses an empty or too large upload, a chunk over the size or the announced bytes, a short upload and a wrong CRC', () => {
    const b = board({ modelSlot: 1000, chunk: 64 });
    expect(errorsOf(b.send({ cmd: 'x-model-load', bytes: 0, crc32: 0 }))).toEqual(['x-model load: bad size']);
    expect(errorsOf(b.send({ cmd: 'x-model-load', bytes: 1001, crc32: 0 }))).toEqual(['model too large: 1001 > slot 1000']);
    expect(errorsOf(b.send({ cmd: 'x-model-chunk', data: new Uint8Array(4) }))).toEqual(['x-model: no upload in progress']);
    expect(errorsOf(b.send({ cmd: 'x-model-load', bytes: 100, crc32: 0 }))).toEqual([]);
    expect(errorsOf(b.send({ cmd: 'x-model-chunk', data: new Uint8Array(65) }))).toEqual(['overflow']);
    expect(errorsOf(b.send({ cmd: 'x-model-chunk', data: new Uint8Array(60) }))).toEqual([]);
    expect(errorsOf(b.send({ cmd: 'x-model-chunk', data: new Uint8Array(41) }))).toEqual(['x-model: more bytes than announced']);
    expect(errorsOf(b.send({ cmd: 'x-model-commit' }))).toEqual(['short upload: 60/100 bytes']);
    expect(errorsOf(b.send({ cmd: 'x-model-commit' }))).toEqual(['x-model: no upload in progress']);
    const bytes = new Uint8Array(10).fill(7);
    b.send({ cmd: 'x-model-load', bytes: 10, crc32: 1 });
    b.send({ cmd: 'x-model-chunk', data: bytes });
    expect(errorsOf(b.send({ cmd: 'x-model-commit' }))[0]).toMatch(/^crc mismatch: got [0-9a-f]{8} want 00000001$/);
  });

  it('commits a model it can run (its tensors described), and refuses one that is not a model', () => {
    const b = board();
    b.send({ cmd: 'x-model-load', bytes: model.length, crc32: crc32(model) });
    for (let at = 0; at < model.length; at += 256) expect(errorsOf(b.send({ cmd: 'x-model-chunk', data: model.subarray(at, at + 256) }))).toEqual([]);
    const committed = b.send({ cmd: 'x-model-commit' });
    expect(committed).toMatchObject([{ kind: 'x-model-committed', commit: { inputs: [{ dtype: 'int8', shape: [1, 4] }], outputs: [{ dtype: 'int8', shape: [1, 2] }] } }]);
    const junk = new Uint8Array(64).fill(1);
    b.send({ cmd: 'x-model-load', bytes: junk.length, crc32: crc32(junk) });
    b.send({ cmd: 'x-model-chunk', data: junk });
    expect(errorsOf(b.send({ cmd: 'x-model-commit' }))).toHaveLength(1);
  });
});
