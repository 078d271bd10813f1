/**
 * Building the firmware of firmware/ (its Makefile, Debian's arm-none-eabi-gcc): the virtual board's
 * harness image, which the rack builds on demand into a cache keyed by the sources' hash (so every
 * rack process and test run of the same sources shares one build), and the learner template.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { fromRoot } from '../../../core/paths.js';

export const FIRMWARE_DIR = fromRoot('firmware');

let toolchain: boolean | undefined;
/** Whether arm-none-eabi-gcc (with newlib) and make are installed. */
export function haveArmToolchain(): boolean {
  return (toolchain ??= spawnSync('arm-none-eabi-gcc', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('make', ['--version'], { stdio: 'ignore' }).status === 0);
}

/** A build failed: the compiler's own words (tail) are in the message. */
export class FirmwareBuildError extends Error {
  override name = 'FirmwareBuildError';
}

/**
 * `make -C firmware <target> BUILD=<dir> [VAR=value…]`. @throws FirmwareBuildError with the tail of
 * the compiler output.
 */
export async function makeFirmware(target: 'harness' | 'runtime-test' | 'runtime-test-host' | 'template', buildDir: string, vars: Record<string, string> = {}, timeoutMs = 300_000): Promise<void> {
  if (!haveArmToolchain()) throw new FirmwareBuildError('arm-none-eabi-gcc and make are needed to build firmware (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi make)');
  const args = ['-C', FIRMWARE_DIR, target, `BUILD=${buildDir}`, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
  await new Promise<void>((resolve, reject) => {
    const child = spawn('make', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new FirmwareBuildError(`cannot run make: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new FirmwareBuildError(`make ${target} failed (${signal ?? `exit ${code}`}):\n${out.trim().split('\n').slice(-25).join('\n')}`));
    });
  });
}

/** Files the harness image is built from (sources, headers, linker script, Makefile). */
function harnessSources(): string[] {
  const files: string[] = [join(FIRMWARE_DIR, 'Makefile')];
  for (const dir of ['runtime', 'mps2', join('harness', 'src')]) {
    const abs = join(FIRMWARE_DIR, dir);
    for (const f of readdirSync(abs).sort()) if (/\.(c|cpp|h|ld)$/.test(f) && statSync(join(abs, f)).isFile()) files.push(join(abs, f));
  }
  return files;
}

let compilerVersion: Promise<string> | undefined;
/** The compiler's version line (asked once, without blocking the event loop: racks build in the background). */
function armGccVersion(): Promise<string> {
  return (compilerVersion ??= new Promise((resolve) => execFile('arm-none-eabi-gcc', ['--version'], (err, stdout) => resolve(err ? '' : stdout))));
}

/** Hash of everything the harness image is built from (and the compiler's version). */
export async function harnessSourceHash(): Promise<string> {
  const h = createHash('sha256');
  for (const f of harnessSources()) h.update(relative(FIRMWARE_DIR, f)).update('\0').update(await readFile(f)).update('\0');
  h.update(await armGccVersion());
  return h.digest('hex').slice(0, 16);
}

/** Default build cache: per user, outside the project (a read-only checkout still works). */
export function defaultFirmwareCache(): string {
  return join(tmpdir(), `tinyarena-firmware-${userInfo().uid}`);
}

const building = new Map<string, Promise<string>>();

/**
 * The virtual board's harness image (an ELF for `qemu-system-arm -kernel`), built once per source
 * hash into `cacheDir` (a temporary build is renamed into place, so concurrent builders never see
 * half an image). @throws FirmwareBuildError
 */
export async function virtualHarnessImage(cacheDir = defaultFirmwareCache()): Promise<string> {
  const hash = await harnessSourceHash();
  const dir = join(cacheDir, `harness-${hash}`);
  const elf = join(dir, 'mps2', 'harness.elf');
  if (existsSync(elf)) return elf;
  let p = building.get(elf);
  if (!p) {
    p = (async () => {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      try {
        await makeFirmware('harness', tmp);
        try {
          renameSync(tmp, dir);
        } catch (err) {
          // Another process built the same sources first: use theirs.
          if (!existsSync(elf)) throw err;
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
        building.delete(elf);
      }
      return elf;
    })();
    building.set(elf, p);
  }
  return p;
}
