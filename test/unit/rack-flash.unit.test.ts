/**
 * Flashers: bossac's arguments, progress and failure text, the bootloader port choice, and the spawn
 * path against a fake `bossac` script (real bossac needs a Nano 33 BLE in its bootloader on USB);
 * the simulated-board flasher's contract; the rack config's firmware section.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BossacFlasher, BossacOutput, bossacArgs, bossacFailure, parseBossacProgress, pickBootloaderPort } from '../../grader/rack/flash/bossac.js';
import { FlashError, NANO33BLE_APP_START } from '../../grader/rack/flash/flasher.js';
import { firmwareBlocker } from '../../grader/rack/flash/index.js';
import { SimFlasher } from '../../grader/rack/flash/sim.js';
import { VirtualFlasher } from '../../grader/rack/flash/virtual.js';
import { MPS2_AN386_APP_START } from '../../grader/firmware/check.js';
import { parseRackConfig } from '../../grader/rack/rack-config.js';
import { tempDir } from '../helpers/tmp.js';

const image = { bytes: Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff), address: NANO33BLE_APP_START };

describe('bossac (pure parts)', () => {
  it('builds the arguments Arduino uses for mbed_nano', () => {
    expect(bossacArgs('/dev/ttyACM3', '/tmp/x/image.bin')).toEqual(['--port=/dev/ttyACM3', '-U', '-i', '-e', '-w', '/tmp/x/image.bin', '-R']);
  });

  it('parses progress bars, including CR-redrawn ones split across chunks', () => {
    expect(parseBossacProgress('[=============                 ] 45% (123/456 pages)')).toBeCloseTo(123 / 456);
    expect(parseBossacProgress('[==============================] 100% (21/21 pages)')).toBe(1);
    expect(parseBossacProgress('Write 84176 bytes to flash (21 pages)')).toBeNull();
    const out = new BossacOutput();
    const lines = [...out.push('Erase flash\n\nDone in 0.001 seconds\nWrite 84176 bytes to flash (21 pages)\n\r[=====    '), ...out.push('    ] 23% (5/21 pages)\r[====='), ...out.push('=====] 100% (21/21 pages)\nDone in 3.4 seconds\n')];
    expect(lines.map(parseBossacProgress).filter((f) => f !== null)).toEqual([5 / 21, 1]);
    // Progress lines never crowd the useful ones out of the tail.
    expect(out.lastLines(3)).toEqual(['Done in 0.001 seconds', 'Write 84176 bytes to flash (21 pages)', 'Done in 3.4 seconds']);
  });

  it('says how bossac failed, with its last lines', () => {
    expect(bossacFailure({ code: 1, signal: null }, ['No device found on /dev/ttyACM0'])).toBe('bossac exited with code 1: No device found on /dev/ttyACM0');
    expect(bossacFailure({ code: null, signal: 'SIGKILL', timedOutMs: 500 }, [])).toBe('bossac did not finish within 500 ms and printed nothing');
    expect(bossacFailure({ code: null, signal: 'SIGSEGV' }, ['a', 'b'])).toBe('bossac was killed by SIGSEGV: a | b');
  });

  it('picks the bootloader port by serial number, else the configured path, else the one new bootloader port', () => {
    const sketch = { path: '/dev/ttyACM0', vendorId: '2341', productId: '805a', serialNumber: 'AAA' };
    const other = { path: '/dev/ttyACM1', vendorId: '2341', productId: '805A', serialNumber: 'BBB' };
    const boot = { path: '/dev/ttyACM2', vendorId: '2341', productId: '005a', serialNumber: 'AAA' };
    expect(pickBootloaderPort([sketch, other], { serialNumber: 'aaa' })).toBeNull();
    expect(pickBootloaderPort([other, boot], { serialNumber: 'aaa' })).toBe('/dev/ttyACM2');
    expect(pickBootloaderPort([other, boot], { serialNumber: 'BBB' })).toBeNull();
    expect(pickBootloaderPort([{ ...boot, path: '/dev/ttyACM0' }], { path: '/dev/ttyACM0' })).toBe('/dev/ttyACM0');
    expect(pickBootloaderPort([other, boot], { path: '/dev/ttyACM0', before: [sketch, other] })).toBe('/dev/ttyACM2');
    // Two kits in their bootloaders and no serial number: ambiguous, never guess.
    expect(pickBootloaderPort([boot, { ...boot, path: '/dev/ttyACM3' }], { path: '/dev/ttyACM0', before: [sketch] })).toBeNull();
  });
});

/**
 * A stand-in for bossac written by the test: the real one needs a board in its bootloader on USB. It
 * records its arguments and the image it was given, prints bossac-like output, and fails, hangs or
 * succeeds as the test asks.
 */
function fakeBossac(dir: string, mode: 'ok' | 'fail' | 'hang'): { path: string; argsFile: string; imageFile: string } {
  const path = join(dir, 'bossac');
  const argsFile = join(dir, 'args.txt');
  const imageFile = join(dir, 'written.bin');
  const body = {
    ok: `printf 'Device       : nRF52840-QIAA\\nErase flash\\n\\nDone in 0.001 seconds\\nWrite 10000 bytes to flash (3 pages)\\n'
printf '\\r[==========                    ] 33%% (1/3 pages)'
printf '\\r[====================          ] 66%% (2/3 pages)'
printf '\\r[==============================] 100%% (3/3 pages)\\nDone in 0.5 seconds\\n'
exit 0`,
    fail: `printf 'Device       : nRF52840-QIAA\\n'
printf 'Flash command failed\\n' >&2
exit 1`,
    hang: `sleep 30`,
  }[mode];
  writeFileSync(
    path,
    `#!/bin/sh
printf '%s\\n' "$@" > '${argsFile}'
for a in "$@"; do case "$a" in *.bin) cp "$a" '${imageFile}';; esac; done
${body}
`,
  );
  chmodSync(path, 0o755);
  return { path, argsFile, imageFile };
}

const ports = (list: { path: string; productId: string }[]) => async () => list.map((p) => ({ ...p, vendorId: '2341', serialNumber: 'AAA' }));

describe('BossacFlasher (fake bossac)', () => {
  it('touches the sketch port, finds the bootloader, writes the image and reports progress', async () => {
    const dir = tempDir('tinyarena-bossac-');
    const fake = fakeBossac(dir, 'ok');
    const touched: string[] = [];
    let list = [{ path: '/dev/ttyACM0', productId: '805a' }];
    const flasher = new BossacFlasher({
      bossac: fake.path,
      serialNumber: 'AAA',
      timeoutMs: 10_000,
      locate: async () => '/dev/ttyACM0',
      touch: async (port) => {
        touched.push(port);
        // The board resets into its bootloader, which enumerates with another PID (and here another path).
        list = [{ path: '/dev/ttyACM1', productId: '005a' }];
      },
      listPorts: async () => ports(list)(),
    });
    const progress: number[] = [];
    await flasher.flash(image, (f) => progress.push(f));
    expect(touched).toEqual(['/dev/ttyACM0']);
    const args = readFileSync(fake.argsFile, 'utf8').trim().split('\n');
    expect(args.slice(0, 5)).toEqual(['--port=/dev/ttyACM1', '-U', '-i', '-e', '-w']);
    expect(args.at(-1)).toBe('-R');
    expect(new Uint8Array(readFileSync(fake.imageFile))).toEqual(image.bytes);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toContain(1 / 3);
  });

  it('skips the touch when the board already sits in its bootloader', async () => {
    const fake = fakeBossac(tempDir('tinyarena-bossac-'), 'ok');
    let touches = 0;
    const flasher = new BossacFlasher({
      bossac: fake.path,
      serialNumber: 'AAA',
      timeoutMs: 10_000,
      locate: async () => null,
      touch: async () => void touches++,
      listPorts: ports([{ path: '/dev/ttyACM4', productId: '005a' }]),
    });
    await flasher.flash(image);
    expect(touches).toBe(0);
    expect(readFileSync(fake.argsFile, 'utf8')).toContain('--port=/dev/ttyACM4');
  });

  it("fails with bossac's last lines, on a timeout, without bossac, and when no bootloader appears", async () => {
    const dir = tempDir('tinyarena-bossac-');
    const boot = ports([{ path: '/dev/ttyACM1', productId: '005a' }]);
    const base = { serialNumber: 'AAA', locate: async () => null, listPorts: boot };
    await expect(new BossacFlasher({ ...base, bossac: fakeBossac(join(dir), 'fail').path, timeoutMs: 10_000 }).flash(image)).rejects.toThrow(
      /^bossac exited with code 1: Device {7}: nRF52840-QIAA \| Flash command failed$/,
    );
    const hang = tempDir('tinyarena-bossac-');
    await expect(new BossacFlasher({ ...base, bossac: fakeBossac(hang, 'hang').path, timeoutMs: 300 }).flash(image)).rejects.toThrow(/^bossac did not finish within 300 ms/);
    await expect(new BossacFlasher({ ...base, bossac: join(dir, 'no-such-bossac'), timeoutMs: 1000 }).flash(image)).rejects.toThrow(/cannot run bossac .*Arduino's fork/);
    const never = new BossacFlasher({
      bossac: 'unused',
      serialNumber: 'AAA',
      timeoutMs: 1000,
      bootloaderWaitMs: 500,
      locate: async () => '/dev/ttyACM0',
      touch: async () => undefined,
      listPorts: ports([{ path: '/dev/ttyACM0', productId: '805a' }]),
    });
    await expect(never.flash(image)).rejects.toThrow(/no bootloader port \(USB 2341:005a, serial AAA\) appeared within 500 ms after the 1200-baud touch on \/dev\/ttyACM0/);
    const gone = new BossacFlasher({ bossac: 'unused', serialNumber: 'AAA', timeoutMs: 1000, locate: async () => null, listPorts: async () => [] });
    await expect(gone.flash(image)).rejects.toThrow(/with USB serial number AAA is not plugged in/);
  });

  it('refuses images that do not start at the application start', async () => {
    const flasher = new BossacFlasher({ bossac: 'unused', timeoutMs: 1000, locate: async () => null, listPorts: async () => [] });
    await expect(flasher.flash({ bytes: image.bytes, address: 0 })).rejects.toThrow(FlashError);
    await expect(flasher.flash({ bytes: new Uint8Array(0), address: NANO33BLE_APP_START })).rejects.toThrow(/empty/);
  });
});

describe('SimFlasher', () => {
  it("sends the image, or 'harness', to the simulated board and wraps its failures", async () => {
    const sent: (Uint8Array | 'harness')[] = [];
    const flasher = new SimFlasher({ id: 'sim-x', flash: async (img) => void sent.push(img) });
    const progress: number[] = [];
    await flasher.flash(image, (f) => progress.push(f));
    await flasher.flashHarness();
    expect(sent).toEqual([image.bytes, 'harness']);
    expect(progress).toEqual([0, 1]);
    expect(flasher.takesPort).toBe(false);
    const broken = new SimFlasher({ id: 'sim-y', flash: () => Promise.reject(new Error('gone')) });
    await expect(broken.flashHarness()).rejects.toThrow(/^flashing simulated board sim-y failed: gone$/);
  });
});

describe('VirtualFlasher', () => {
  it('takes images at the mps2-an386 vector table only, and names the virtual board in its failures', async () => {
    const sent: (Uint8Array | 'harness')[] = [];
    const flasher = new VirtualFlasher({ id: 'virtual-x', flash: async (img) => void sent.push(img) });
    await flasher.flash({ bytes: image.bytes, address: MPS2_AN386_APP_START });
    await expect(flasher.flash(image)).rejects.toThrow(/this board's bootloader writes the application at 0x0+\b/);
    expect(sent).toEqual([image.bytes]);
    const broken = new VirtualFlasher({ id: 'virtual-y', flash: () => Promise.reject(new Error('gone')) });
    await expect(broken.flashHarness()).rejects.toThrow(/^flashing virtual board virtual-y failed: gone$/);
  });
});

describe('rack config: firmware section', () => {
  it('has defaults, takes the harness image and bossac path, and rejects unknown keys', () => {
    const plain = parseRackConfig({ boards: [{ id: 'n1', kind: 'nano33ble', serialNumber: 'AAA' }, { id: 's1', kind: 'sim' }] });
    expect(plain.firmware).toEqual({ bossac: 'bossac', flashTimeoutMs: 60_000, bootTimeoutMs: 5_000, bootloaderWaitMs: 10_000 });
    expect(firmwareBlocker(plain.boards[0]!, plain.firmware)).toMatch(/^n1: no firmware.harnessImage/);
    expect(firmwareBlocker(plain.boards[1]!, plain.firmware)).toBeNull();
    const real = parseRackConfig({ firmware: { harnessImage: '/srv/harness.bin', bossac: '/opt/arduino/bossac', bootTimeoutMs: 8000 }, boards: [{ id: 'n1', kind: 'nano33ble', port: '/dev/ttyACM0' }] });
    expect(real.firmware).toMatchObject({ harnessImage: '/srv/harness.bin', bossac: '/opt/arduino/bossac', bootTimeoutMs: 8000, flashTimeoutMs: 60_000 });
    expect(firmwareBlocker(real.boards[0]!, real.firmware)).toBeNull();
    expect(() => parseRackConfig({ firmware: { harnesImage: 'x' }, boards: [{ id: 's1', kind: 'sim' }] })).toThrow(/firmware: Unrecognized key/);
  });
});
