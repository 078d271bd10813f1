// Compile the TypeScript sources to JavaScript in dist/ (same layout), so the `tinyarena` bin starts
// without a TypeScript loader. Run at install (postinstall), by `npm test` / `npm start`, and by the bin
// itself whenever a source is newer than the build: a stale build never runs.
//
// Compiler: esbuild's per-file transform (no bundling, no type check: `npm run typecheck` does that).
// It is the transform tsx already runs these sources through (same output semantics, isolatedModules),
// it is already installed with tsx, and it compiles the ~350 files in well under a second; tsc would
// take tens of seconds and type-check again what typecheck checks.
//
// Besides .ts → .js it copies the JSON files the code imports, turns the worker/child entry files
// (`*-boot.mjs`, which register tsx for the sources) into plain imports of the compiled .js, and writes
// the command manifest (dist/cli/commands.json) that lets `tinyarena --help` list every command without
// loading any of them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The folders compiled (everything the bin can load). */
export const SOURCE_DIRS = ['lib', 'core', 'grader', 'arena', 'bot', 'web', 'cli', 'worker'];
export const DIST = 'dist';
const STAMP = '.build-stamp.json';

const isSource = (name) => (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.as.ts')) || name.endsWith('-boot.mjs');
/**
 * Files a module loads relative to itself (new URL('./x', import.meta.url)), copied as they are: the
 * engine's compiled SIMD kernels and the web's static stylesheet and page scripts.
 */
const isAsset = (path) => path.endsWith('.wasm') || /[\\/]web[\\/]static[\\/]/.test(path);

/** Every source file and folder under SOURCE_DIRS (folders too: a rename or a deletion changes theirs). */
function* walk(root) {
  for (const dir of SOURCE_DIRS) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    yield { path: abs, dir: true };
    for (const e of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      const path = join(e.parentPath, e.name);
      if (e.isDirectory()) yield { path, dir: true };
      else if (e.isFile() && (isSource(e.name) || isAsset(path))) yield { path, dir: false };
    }
  }
}

/**
 * Whether dist/ was built from the current sources: no source file or folder (nor an asset the build
 * copied) is newer than the build. Stats ~400 paths: a few milliseconds.
 */
export function isBuildFresh(root = ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, DIST, STAMP), 'utf8'));
  } catch {
    return false;
  }
  const builtAt = stamp.startedAt;
  for (const { path } of walk(root)) if (statSync(path).mtimeMs > builtAt) return false;
  for (const asset of stamp.assets ?? []) {
    const st = statSync(join(root, asset), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > builtAt) return false;
  }
  return true;
}

/** Write a file atomically (several processes may build at once; readers never see half a file). */
function put(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Compile everything into dist/. Returns the number of files written. */
export async function build(root = ROOT) {
  // The clock before reading any source: a file saved during the build makes the next start rebuild.
  const startedAt = Date.now() - 1;
  const { transform } = await import('esbuild');
  const out = join(root, DIST);
  const assets = new Set();
  let count = 0;
  const files = [...walk(root)].filter((f) => !f.dir).map((f) => f.path);
  await Promise.all(
    files.map(async (file) => {
      const rel = relative(root, file);
      if (isAsset(file)) {
        put(join(out, rel), readFileSync(file));
        count++;
        return;
      }
      const source = readFileSync(file, 'utf8');
      if (file.endsWith('.mjs')) {
        // A boot file registers tsx and imports './x.ts'; compiled, it imports './x.js' directly, or
        // './x.bundle.js' when it asks for a bundle (see bundleEntry).
        const bundled = /\(build: bundle\)/.test(source);
        const js = source
          .replace(/^import \{ register \} from 'tsx\/esm\/api';\n/m, '')
          .replace(/^register\(\);\n/m, '')
          .replace(/(import\(\s*'\.[^']*)\.ts'/g, bundled ? "$1.bundle.js'" : "$1.js'");
        if (/tsx|\.ts'/.test(js.replace(/^\/\/.*$/gm, ''))) throw new Error(`${rel}: a boot file must only register tsx and import './<file>.ts'`);
        if (bundled) {
          for (const m of source.matchAll(/import\(\s*'(\.[^']*)\.ts'/g)) await bundleEntry(join(dirname(file), `${m[1]}.ts`), join(out, dirname(rel), `${m[1]}.bundle.js`));
        }
        put(join(out, rel), js);
      } else {
        const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20.19', sourcefile: rel, sourcemap: 'inline', supported: { 'import-attributes': true } });
        put(join(out, rel.replace(/\.ts$/, '.js')), code);
        // JSON the code imports (e.g. firmware/op-set.json) goes next to it in dist/ too.
        for (const m of code.matchAll(/from\s+"(\.{1,2}\/[^"]+\.json)"/g)) {
          const asset = relative(root, join(dirname(file), m[1]));
          assets.add(asset);
        }
      }
      count++;
    }),
  );
  for (const asset of assets) put(join(out, asset), readFileSync(join(root, asset)));
  writeCommandManifest(root);
  put(join(out, STAMP), JSON.stringify({ startedAt, files: count, assets: [...assets].sort() }));
  return count;
}

/**
 * One file holding `entry` and everything it imports, written beside the entry's compiled module (so
 * `new URL(…, import.meta.url)` in the entry's own folder still points where it did). For thread entries
 * that must start fast: a thread that loads one module starts in ~25 ms where resolving the ~50 files
 * behind the inference worker takes ~90 ms, and a pool starts one thread per core.
 */
async function bundleEntry(entry, outfile) {
  const { build: esbuild } = await import('esbuild');
  const res = await esbuild({
    entryPoints: [entry],
    outfile: `${outfile}.${process.pid}.tmp`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // Linked, not inline: an inline map would triple the file a thread decodes and compiles at start.
    sourcemap: 'linked',
    supported: { 'import-attributes': true },
    logLevel: 'silent',
    write: false,
  });
  for (const f of res.outputFiles) put(f.path.endsWith('.map') ? `${outfile}.map` : outfile, f.path.endsWith('.map') ? f.text : f.text.replace(/(\/\/# sourceMappingURL=)\S+/, `$1${basename(outfile)}.map`));
}

/** dist/cli/commands.json: every top-level command's name, help term and description. */
function writeCommandManifest(root) {
  if (!existsSync(join(root, DIST, 'cli', 'command-manifest.js'))) return;
  execFileSync(process.execPath, [join(root, DIST, 'cli', 'command-manifest.js'), join(root, DIST, 'cli', 'commands.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-stale') && isBuildFresh()) process.exit(0);
  const t0 = performance.now();
  const n = await build();
  process.stderr.write(`built ${n} files into dist/ in ${Math.round(performance.now() - t0)} ms\n`);
}
