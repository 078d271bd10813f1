/**
 * Flashing a simulated board on a real socat pty: a submitted firmware image boots as an MLPerf Tiny
 * reference firmware and answers the base protocol; the harness comes back; an image without a model
 * does not boot; unplugging during a flash fails the flash.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { BoardClient, BoardReplyError } from '../../grader/rack/board-client.js';
import { chunks, LineSplitter, MAX_DB_CHUNK, type Message } from '../../grader/rack/protocol.js';
import { buildSimFirmwareImage } from '../../grader/rack/sim/firmware-image.js';
import { launchSimBoard, type SimBoardHandle } from '../../grader/rack/sim/launch.js';
import { printfFixed } from '../../grader/rack/sim/sim-dut-firmware.js';
import { SerialTransport } from '../../grader/rack/transports/serial.js';
import { Interpreter } from '../../grader/interpreter/interpreter.js';
import { parseModel } from '../../grader/tflite/parse.js';
import { waitFor } from '../helpers/process.js';
import { HAVE_SOCAT } from '../helpers/rack.js';
import { buildModel, i8 } from '../../grader/tflite/builder.js';
import { tinyInt8Model } from '../helpers/tiny-model.js';
import { tempDir } from '../helpers/tmp.js';

/** A board, a client on its host end, and every line the board prints (boot lines included). */
async function connect(id: string, faults: { kind: 'reboot'; afterCommands: number }[] = []) {
  const board = await launchSimBoard({ id, dir: tempDir('tinyarena-flash-'), board: {}, faults });
  const transport = new SerialTransport({ port: board.hostPort });
  const client = new BoardClient(transport, { commandTimeoutMs: 5_000 });
  const lines: string[] = [];
  const splitter = new LineSplitter();
  transport.onData((chunk) => {
    for (const l of splitter.push(chunk)) if (typeof l === 'string') lines.push(l);
  });
  onTestFinished(async () => {
    await client.close().catch(() => undefined);
    await board.stop();
  });
  await client.open();
  await client.hello();
  return { board, client, lines };
}

/** Flash and wait until the new firmware's boot lines have arrived. */
async function flashAndBoot(board: SimBoardHandle, lines: string[], image: Uint8Array | 'harness'): Promise<string[]> {
  lines.length = 0;
  await board.flash(image);
  await waitFor(() => lines.includes('m-init-done') && lines.at(-1) === 'm-ready', 10_000, 'the boot lines after flashing');
  return [...lines];
}

const results = (m: Message[]) => m.find((l) => l.kind === 'results');

describe.skipIf(!HAVE_SOCAT)('flashing simulated boards (socat ptys)', () => {
  it('boots a flashed MLPerf Tiny image, runs name/profile/db/infer, then goes back to the harness', async () => {
    const { board, client, lines } = await connect('sim-flash-a');
    expect((await client.send({ cmd: 'x-info' }))[0]?.kind).toBe('x-info');

    const model = buildModel(tinyInt8Model());
    const boot = await flashAndBoot(board, lines, buildSimFirmwareImage({ model, profile: 'kws01', name: 'ref-kws' }));
    expect(boot[0]).toBe('m-timestamp-mode-performance');
    expect(boot[1]).toMatch(/^m-lap-us-\d+$/);
    expect(boot.slice(2)).toEqual(['m-init-done', 'm-ready']);

    expect(await client.send('name%')).toEqual([{ kind: 'name', name: 'ref-kws' }]);
    expect(await client.send('profile%')).toEqual([{ kind: 'model', model: 'kws01' }]);
    await expect(client.send('x-info%')).rejects.toThrow(BoardReplyError);
    await expect(client.send('x-info%')).rejects.toThrow(/unknown command "x-info"/);

    const input = i8([12, -7, 99, -128]);
    await client.send({ cmd: 'db-load', bytes: input.length });
    for (const c of chunks(input, MAX_DB_CHUNK)) expect(await client.send({ cmd: 'db', data: c })).toEqual([{ kind: 'load-done' }]);
    const reply = await client.send({ cmd: 'infer', count: 5, warmups: 1 });
    expect(reply.filter((l) => l.kind === 'lap')).toHaveLength(2);
    const interp = Interpreter.create(parseModel(model));
    interp.setInputBytes(input);
    interp.invoke();
    const out = interp.outputs[0]!;
    const want = Array.from(out.i8, (q) => printfFixed(Math.fround((q - out.tensor.quantization!.zeroPoint[0]!) * out.tensor.quantization!.scale[0]!), 3));
    expect(results(reply)).toEqual({ kind: 'results', values: want });
    expect(results(await client.send('results%'))).toEqual({ kind: 'results', values: want });

    await flashAndBoot(board, lines, 'harness');
    const info = (await client.send({ cmd: 'x-info' }))[0];
    expect(info?.kind === 'x-info' && info.info.firmware).toBe('0.1.0-sim');
    expect(await client.send('profile%')).toEqual([{ kind: 'model', model: 'tinyarena' }]);
  });

  it('an image without a model prints nothing and answers nothing; faults keep applying to flashed firmware', async () => {
    const { board, client, lines } = await connect('sim-flash-b', [{ kind: 'reboot', afterCommands: 3 }]);
    lines.length = 0;
    await board.flash(buildSimFirmwareImage({ profile: 'vww01' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(lines).toEqual([]);
    await expect(client.send('name%', 500)).rejects.toThrow(/no m-ready within 500 ms/);
    // Commands so far: hello's name (0), the unanswered name (1).
    await flashAndBoot(board, lines, buildSimFirmwareImage({ model: buildModel(tinyInt8Model()), profile: 'vww01' }));
    expect(await client.send('profile%')).toEqual([{ kind: 'model', model: 'vww01' }]); // command 2
    // Command 3 meets the board's injected reboot: the flashed firmware boots again instead of answering.
    expect((await client.send('name%')).map((m) => m.kind)).toEqual(['timestamp-mode', 'lap', 'init-done']);
    expect(await client.send('profile%')).toEqual([{ kind: 'model', model: 'vww01' }]);
  });

  it('unplugging during a flash rejects it, and a gone board cannot be flashed', async () => {
    const { board } = await connect('sim-flash-c');
    const big = buildSimFirmwareImage({ model: buildModel(tinyInt8Model()), profile: 'ad01', padTo: 900 * 1024 });
    const flashing = board.flash(big);
    board.unplug();
    await expect(flashing).rejects.toThrow(/sim-flash-c (went away while flashing|is gone)/);
    await board.gone;
    await expect(board.flash('harness')).rejects.toThrow(/sim-flash-c is gone/);
  });
});
