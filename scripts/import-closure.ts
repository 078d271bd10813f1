/**
 * The project modules a file loads at run time (type-only imports left out: they are erased), found by
 * dependency-cruiser with the project's tsconfig. Used by test/unit/layering.unit.test.ts to keep a
 * Discord `/submit` light; run it by hand to see what any entry point pulls in:
 *
 *   npx tsx scripts/import-closure.ts bot/commands/submit.ts
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/** Repository-relative paths of the project modules `entry` loads, itself included, sorted. */
export async function importClosure(entry: string): Promise<string[]> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsConfigFile = join(root, 'tsconfig.json');
  const result = await cruise(
    [entry],
    { baseDir: root, doNotFollow: { path: 'node_modules' }, tsPreCompilationDeps: false, tsConfig: { fileName: tsConfigFile }, outputType: 'json' },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  const output = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output) as ICruiseResult;
  return output.modules
    // Packages are not project modules, wherever node_modules really lives (a worktree links it).
    .filter((m) => !m.coreModule && !m.couldNotResolve && !/(^|\/)node_modules\//.test(m.source))
    .map((m) => m.source)
    .sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const entry = process.argv[2];
  if (!entry) {
    console.error('usage: npx tsx scripts/import-closure.ts <file>');
    process.exit(2);
  }
  const modules = await importClosure(entry);
  console.log(modules.join('\n'));
  console.log(`${modules.length} modules`);
}
