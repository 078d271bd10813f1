/**
 * The engine is pure: it imports nothing from core, bot, web, cli or the pipeline, never builds at
 * run time (kernels.wasm comes from the install/build step), and says how to fix a missing or stale
 * build instead of failing obscurely.
 */
import { copyFileSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { loadSimdModule, SimdBuildError } from '../../grader/inference/engine.js';
import { tempDir } from '../helpers/tmp.js';

const ENGINE = fromRoot('grader', 'interpreter');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|mjs)$/.test(f) && !f.endsWith('.as.ts') ? [p] : [];
  });
}

describe('engine purity', () => {
  it('imports only itself, the tflite reader, validate and packages (no core, bot, web, cli, pipeline, no files, threads or child processes)', () => {
    const bad: string[] = [];
    for (const file of sources(ENGINE)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        const spec = m[1]!;
        if (/^(node:)?(child_process|fs|fs\/promises|worker_threads|net|http|https)$/.test(spec)) bad.push(`${relative(ENGINE, file)} → ${spec}`);
        if (!spec.startsWith('.')) continue;
        const target = relative(fromRoot('grader'), resolve(dirname(file), spec));
        if (target.startsWith('..') || !/^(interpreter|tflite|validate)\//.test(target)) bad.push(`${relative(ENGINE, file)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('a missing kernels.wasm names the build step', () => {
    const dir = tempDir();
    const load = () => loadSimdModule(pathToFileURL(join(dir, 'kernels.wasm')), pathToFileURL(join(dir, 'kernels.as.ts')));
    expect(load).toThrow(SimdBuildError);
    expect(load).toThrow(/is missing\): run `npm run build:simd` \(or reinstall with `npm ci`\)/);
  });

  it('a kernels.wasm older than its source is refused, naming the build step; a fresh one loads', () => {
    const dir = tempDir();
    const wasm = join(dir, 'kernels.wasm');
    const source = join(dir, 'kernels.as.ts');
    copyFileSync(join(ENGINE, 'simd', 'kernels.wasm'), wasm);
    writeFileSync(source, '// edited');
    const now = Date.now() / 1000;
    utimesSync(wasm, now - 60, now - 60);
    utimesSync(source, now, now);
    expect(() => loadSimdModule(pathToFileURL(wasm), pathToFileURL(source))).toThrow(/older than .*kernels\.as\.ts: run `npm run build:simd`/);
    utimesSync(wasm, now + 1, now + 1);
    expect(loadSimdModule(pathToFileURL(wasm), pathToFileURL(source))).toBeInstanceOf(WebAssembly.Module);
  });

  it('loads no kernels by itself: until the edge hands them in, making an interpreter says where they come from', async () => {
    vi.resetModules();
    const runtime = await import('../../grader/interpreter/simd/runtime.js');
    expect(runtime.simdModuleProvided()).toBe(false);
    expect(() => runtime.instantiate(1024)).toThrow(/SIMD kernels were not provided on this thread: create interpreters through grader\/inference\/engine\.ts/);
    const { loadEngine } = await import('../../grader/inference/engine.js');
    loadEngine();
    expect(runtime.simdModuleProvided()).toBe(true);
    expect(runtime.instantiate(1024).memory).toBeInstanceOf(WebAssembly.Memory);
  });
});
