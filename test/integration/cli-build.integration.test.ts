/**
 * The bin runs the compiled build (dist/), not the TypeScript sources through a loader, and keeps
 * start-up light: `tinyarena --help` loads no command module's dependencies (no Prisma, zod, express,
 * discord.js, BullMQ); and a build older than its sources is never run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { build, isBuildFresh } from '../../scripts/build.mjs';
import { tempDir } from '../helpers/tmp.js';

function loadsOf(args: string[]): { status: number | null; stdout: string; urls: string[] } {
  const file = join(tempDir(), 'loads.txt');
  writeFileSync(file, '');
  const r = spawnSync(process.execPath, ['--import', fromRoot('test/fixtures/record-loads.mjs'), fromRoot('bin/tinyarena.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', RECORD_LOADS_TO: file },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, urls: readFileSync(file, 'utf8').split('\n').filter(Boolean) };
}

describe('the tinyarena bin', () => {
  it('--help runs compiled JavaScript and loads no heavy dependency, yet lists every command', () => {
    const { status, stdout, urls } = loadsOf(['--help']);
    expect(status).toBe(0);
    const project = urls.filter((u) => u.startsWith('file://') && !u.includes('/node_modules/'));
    expect(project.filter((u) => u.endsWith('.ts'))).toEqual([]);
    expect(project.every((u) => u.includes('/dist/') || u.endsWith('/bin/tinyarena.js') || u.endsWith('/scripts/build.mjs') || u.includes('/test/fixtures/'))).toBe(true);
    const packages = [...new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []))].sort();
    expect(packages).toEqual(['commander']);
    for (const name of ['start', 'validate', 'submit', 'rejudge', 'quota', 'rack', 'discord-deploy']) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(stdout).toMatch(/validate \[options\] <model> +preflight a \.tflite model/);
  });

  it('a command loads its own module only', () => {
    const { status, urls } = loadsOf(['validate', '--help']);
    expect(status).toBe(0);
    const commands = urls.filter((u) => /\/dist\/cli\/commands\/[^/]+\.js$/.test(u)).map((u) => u.replace(/^.*\/commands\//, ''));
    expect(commands.sort()).toEqual(['index.js', 'types.js', 'validate.js'].filter((f) => urls.some((u) => u.endsWith(`/commands/${f}`))).sort());
    expect(commands).toContain('validate.js');
    expect(commands).not.toContain('submit.js');
  });

  it('the manifest names exactly the commands each module registers', async () => {
    const { commandModules } = await import('../../cli/commands/index.js');
    const { commandManifest } = await import('../../cli/command-manifest.js');
    const manifest = await commandManifest();
    expect(commandModules.flatMap((m, i) => m.names.map((name) => `${i}:${name}`))).toEqual(manifest.map((e) => `${e.module}:${e.name}`));
  });

  it('knows when the build is older than the sources (a changed, added or removed file)', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'lib'));
    mkdirSync(join(root, 'core'));
    writeFileSync(join(root, 'lib', 'a.ts'), 'export const a: number = 1;\n');
    writeFileSync(join(root, 'core', 'b.ts'), "import { a } from '../lib/a.js';\nexport const b = a + 1;\n");
    expect(isBuildFresh(root)).toBe(false);
    // A file saved in the very millisecond a build starts counts as newer (it may have been missed).
    await new Promise((r) => setTimeout(r, 20));
    expect(await build(root)).toBe(2);
    expect(readFileSync(join(root, 'dist', 'core', 'b.js'), 'utf8')).toContain('a + 1');
    expect(isBuildFresh(root)).toBe(true);
    const pause = () => new Promise((r) => setTimeout(r, 20));
    // An edit.
    await pause();
    writeFileSync(join(root, 'lib', 'a.ts'), 'export const a: number = 2;\n');
    expect(isBuildFresh(root)).toBe(false);
    await pause();
    await build(root);
    expect(isBuildFresh(root)).toBe(true);
    // A new file changes its folder.
    await pause();
    writeFileSync(join(root, 'core', 'c.ts'), 'export const c = 3;\n');
    expect(isBuildFresh(root)).toBe(false);
  });
});
