/**
 * The harness firmware's portable protocol core, compiled with the host g++ and run against its C++
 * unit tests, cross-compiled for the board's Cortex-M4 (arm-none-eabi-gcc, newlib) and run again under
 * qemu-arm; the generated op registrations checked against the one shared op list; and the firmware
 * submission checks tried on images the real ARM toolchain links.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { checkFirmware } from '../../grader/firmware/check.js';
import { currentOpsHeader, OPS_HEADER_PATH, resolverMethod } from '../../grader/rack/firmware-ops.js';
import { tempDir } from '../helpers/tmp.js';

const haveGxx = spawnSync('g++', ['--version']).status === 0;

describe('harness firmware core (host build)', () => {
  it.skipIf(!haveGxx)('compiles warning-free and passes its unit tests', () => {
    const out = join(tempDir(), 'harness_test');
    execFileSync('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-O1', `-I${fromRoot('firmware', 'harness', 'src')}`, fromRoot('firmware', 'harness', 'src', 'protocol_core.cpp'), fromRoot('firmware', 'test', 'harness_test.cpp'), '-o', out], { stdio: 'pipe' });
    const run = spawnSync(out, { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed/);
    expect(run.status).toBe(0);
  }, 60_000);

  it('registers exactly the shared op list (ops_gen.h is up to date)', () => {
    expect(readFileSync(OPS_HEADER_PATH, 'utf8'), 'run `npx tsx grader/rack/firmware-ops.ts`').toBe(currentOpsHeader());
    expect(resolverMethod('CONV_2D')).toBe('AddConv2D');
    expect(resolverMethod('DEPTHWISE_CONV_2D')).toBe('AddDepthwiseConv2D');
    expect(resolverMethod('RELU6')).toBe('AddRelu6');
    expect(resolverMethod('HARD_SWISH')).toBe('AddHardSwish');
  });
});

const haveArm = spawnSync('arm-none-eabi-g++', ['--version']).status === 0;
const haveQemuArm = spawnSync('qemu-arm', ['--version']).status === 0;
const TARGET = fromRoot('firmware', 'test', 'target');
/** The Nano 33 BLE Sense's core: Cortex-M4F, Thumb-2, single-precision FPU, hard-float ABI. */
const M4 = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'];

describe.skipIf(!haveArm)('harness firmware core (Cortex-M4 build, arm-none-eabi-gcc)', () => {
  it('compiles for the board as the Arduino build does (no exceptions, no RTTI), warning-free', () => {
    const out = join(tempDir(), 'protocol_core.o');
    execFileSync('arm-none-eabi-g++', [...M4, '-std=c++17', '-Os', '-fno-exceptions', '-fno-rtti', '-Wall', '-Wextra', '-Werror', '-c', fromRoot('firmware', 'harness', 'src', 'protocol_core.cpp'), '-o', out], { stdio: 'pipe' });
    const size = execFileSync('arm-none-eabi-size', [out], { encoding: 'utf8' });
    const [text, data, bss] = size.trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
    // A few KB of code and its line/chunk buffers: far inside the nRF52840's 1 MB flash and 256 KB RAM.
    expect(text).toBeLessThan(16 * 1024);
    expect(data! + bss!).toBeLessThan(16 * 1024);
  }, 60_000);

  it.skipIf(!haveQemuArm)('passes its unit tests as Thumb-2 code with newlib, under qemu-arm', () => {
    const dir = tempDir();
    const flags = [...M4, '-Os', '-ffunction-sections', '-fdata-sections', '-Wall', '-Wextra', '-Werror'];
    const sys = join(dir, 'sys.o');
    execFileSync('arm-none-eabi-gcc', [...flags, '-c', join(TARGET, 'linux_syscalls.c'), '-o', sys], { stdio: 'pipe' });
    const elf = join(dir, 'harness_test.elf');
    execFileSync('arm-none-eabi-g++', [...flags, '-std=c++17', '--specs=nosys.specs', '-nostartfiles', '-Wl,--gc-sections', `-I${fromRoot('firmware', 'harness', 'src')}`, fromRoot('firmware', 'harness', 'src', 'protocol_core.cpp'), fromRoot('firmware', 'test', 'harness_test.cpp'), sys, '-o', elf], { stdio: 'pipe' });
    // linux-user qemu runs no M-profile CPU; a Cortex-A15 executes the same Thumb-2 and VFP instructions.
    const run = spawnSync('qemu-arm', ['-cpu', 'cortex-a15', elf], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed/);
    expect(run.status).toBe(0);
  }, 90_000);
});

describe.skipIf(!haveArm)('firmware submission checks on images from the real toolchain', () => {
  const link = (name: string, opts: { ld?: (script: string) => string; defines?: string[] } = {}) => {
    const dir = tempDir();
    const script = join(dir, 'app.ld');
    writeFileSync(script, (opts.ld ?? ((x) => x))(readFileSync(join(TARGET, 'nrf52840.ld'), 'utf8')));
    const elf = join(dir, `${name}.elf`);
    execFileSync('arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '-Os', '-nostdlib', ...(opts.defines ?? []), '-T', script, join(TARGET, 'minimal_app.c'), '-o', elf], { stdio: 'pipe' });
    const hex = join(dir, `${name}.hex`);
    const bin = join(dir, `${name}.bin`);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'ihex', elf, hex]);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', elf, bin]);
    return { elf, hex, bin };
  };
  const check = (file: string) => checkFirmware(new Uint8Array(readFileSync(file)), { fileName: file });

  it('accepts a correctly linked application as .elf, .hex (objcopy) and .bin, with its RAM from the ELF sections', () => {
    const app = link('app');
    for (const f of [app.elf, app.hex, app.bin]) expect(check(f), f).toMatchObject({ ok: true, initialSp: 0x20040000 });
    expect(check(app.elf).ramBytes).toBe(4 + 4096 + 4);
    // The three forms describe the same flash contents.
    expect(check(app.hex).flashSpanBytes).toBe(check(app.elf).flashSpanBytes);
    expect(check(app.bin).flashSpanBytes).toBe(check(app.elf).flashSpanBytes);
  });

  it('rejects one linked over the bootloader, and one whose RAM and stack overflow, naming the addresses', () => {
    const zero = check(link('zero', { ld: (s) => s.replace('ORIGIN = 0x10000', 'ORIGIN = 0x0') }).elf);
    expect(zero.ok).toBe(false);
    expect(zero.checks.find((c) => c.id === 'flash-range')!.message).toMatch(/starts at 0x00000000, inside the bootloader .* link the application at 0x00010000/);
    expect(zero.flashSpanBytes).toBeGreaterThan(0);
    const big = check(link('big', { ld: (s) => s.replace('LENGTH = 256K', 'LENGTH = 1024K'), defines: ['-DSCRATCH_BYTES=300000'] }).elf);
    expect(big.checks.find((c) => c.id === 'ram')).toMatchObject({ status: 'fail', message: expect.stringMatching(/bytes past the end of RAM \(0x20040000\); last: \.bss \(300004 bytes\)/) as unknown });
    expect(big.checks.find((c) => c.id === 'vector-sp')!.message).toMatch(/initial stack pointer 0x20100000 is outside RAM/);
  });
});
