/**
 * The layering rules (.dependency-cruiser.mjs, run by `npm run lint`) catch what they promise, and a
 * Discord /submit stays light: it loads intake and preflight, not the stages, the rack or the engine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { importClosure } from '../../scripts/import-closure.js';
import { tempDir } from '../helpers/tmp.js';

// The rules as `npm run lint` runs them (a plain .mjs file, so it is loaded by URL).
const configUrl = pathToFileURL(join(import.meta.dirname, '../../.dependency-cruiser.mjs')).href;
const config = ((await import(configUrl)) as { default: IConfiguration }).default;

/** Violations (rule name → "from → to") of the project's rules over a small tree of files. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const root = tempDir('tinyarena-layers-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = await cruise(Object.keys(files).map((f) => f.split('/')[0]!).filter((d, i, a) => a.indexOf(d) === i), {
    baseDir: root,
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
    tsPreCompilationDeps: true,
    outputType: 'json',
  });
  const out = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output) as ICruiseResult;
  return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('layering rules', () => {
  it('report file cycles, folder cycles and forbidden arrows', { timeout: 60_000 }, async () => {
    const found = await violations({
      // A folder cycle (arena ↔ web) made of a forbidden arrow.
      'arena/intake.ts': "import { page } from '../web/page.ts';\nexport const intake = () => page;\n",
      'web/page.ts': "import { intake } from '../arena/intake.ts';\nexport const page = () => intake;\n",
      // The pure engine reaching for core and the file system.
      'grader/validate/checks.ts': "import { readFileSync } from 'node:fs';\nimport { paths } from '../../core/paths.ts';\nexport const x = [readFileSync, paths];\n",
      'core/paths.ts': 'export const paths = 1;\n',
      // A type-only file cycle counts too.
      'bot/commands/a.ts': "import type { B } from './b.ts';\nexport type A = B | 1;\n",
      'bot/commands/b.ts': "import type { A } from './a.ts';\nexport type B = A | 2;\n",
      // Production code loading the simulator.
      'grader/pipeline/stage-device.ts': "import { clock } from '../rack/sim/clock.ts';\nexport const d = clock;\n",
      'grader/rack/sim/clock.ts': 'export const clock = 1;\n',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'no-cycle: arena/intake.ts → web/page.ts',
        'domain-below-the-stage-machine: arena/intake.ts → web/page.ts',
        'no-folder-cycle: arena → web',
        'pure-engine-imports-no-core: grader/validate/checks.ts → core/paths.ts',
        'pure-engine-does-no-io: grader/validate/checks.ts → fs',
        'no-cycle: bot/commands/a.ts → bot/commands/b.ts',
        'production-never-loads-the-simulator: grader/pipeline/stage-device.ts → grader/rack/sim/clock.ts',
      ]),
    );
  });

  it('allow the arrows the layers draw', { timeout: 60_000 }, async () => {
    const found = await violations({
      'lib/format.ts': 'export const f = 1;\n',
      'core/blob-store.ts': "import { f } from '../lib/format.ts';\nexport const b = f;\n",
      'grader/validate/checks.ts': "import { f } from '../../lib/format.ts';\nexport const c = f;\n",
      'arena/intake.ts': "import { b } from '../core/blob-store.ts';\nimport { c } from '../grader/validate/checks.ts';\nexport const i = [b, c];\n",
      'grader/pipeline/stages.ts': "import { i } from '../../arena/intake.ts';\nexport const s = i;\n",
      'bot/commands/submit.ts': "import { i } from '../../arena/intake.ts';\nexport const x = i;\n",
      'web/app.ts': "import { i } from '../arena/intake.ts';\nimport { x } from '../bot/commands/submit.ts';\nexport const a = [i, x];\n",
      'worker/registry.ts': "import { s } from '../grader/pipeline/stages.ts';\nexport const r = s;\n",
      'cli/main.ts': "import { a } from '../web/app.ts';\nimport { r } from '../worker/registry.ts';\nexport const m = [a, r];\n",
    });
    expect(found).toEqual([]);
  });
});

describe('Discord /submit', () => {
  it('loads at most 50 project modules', { timeout: 60_000 }, async () => {
    const modules = await importClosure('bot/commands/submit.ts');
    console.log(`bot/commands/submit.ts loads ${modules.length} project modules:\n  ${modules.join('\n  ')}`);
    expect(modules).toContain('arena/intake.ts');
    expect(modules.filter((m) => /^grader\/(pipeline|rack|interpreter|scoring)\//.test(m))).toEqual([]);
    expect(modules.length).toBeLessThanOrEqual(50);
  });
});
