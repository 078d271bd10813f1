// CLI start-up against a bare Node start, measured alternately in one run (same load for both):
// `node -e 0`, `tinyarena --help`, `tinyarena validate <kws model>`, and (for comparison) the same
// --help through the TypeScript loader the bin used before it ran the build.
//
//   node bench/cli-startup.mjs [--runs N]
// Goal: --help ≤ 5× node -e 0; validate well under a second.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build, isBuildFresh } from '../scripts/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const model = join(root, '..', 'shared', 'models', 'kws_ref_model.tflite');
if (!isBuildFresh()) await build();

const bin = join(root, 'bin', 'tinyarena.js');
const cases = {
  'node -e 0': ['-e', '0'],
  'tinyarena --help': [bin, '--help'],
  ...(existsSync(model) ? { 'tinyarena validate kws_ref_model': [bin, 'validate', model] } : {}),
  'cli/main.ts --help via tsx (before)': ['--import', 'tsx', join(root, 'cli', 'main.ts'), '--help'],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    if (r.status !== 0 && !(name.includes('validate') && r.status === 1)) throw new Error(`${name} exited ${r.status}`);
    times[name].push(performance.now() - t0);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times['node -e 0']);
process.stdout.write(`| command | median | × node -e 0 |\n|---|---|---|\n`);
for (const [name, xs] of Object.entries(times)) process.stdout.write(`| ${name} | ${median(xs).toFixed(0)} ms | ${(median(xs) / base).toFixed(2)}× |` + '\n');
process.stdout.write(`\nmedian of ${runs} alternated runs, ${process.version}\n`);
