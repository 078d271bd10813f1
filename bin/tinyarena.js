#!/usr/bin/env node
// TinyArena's command line. Runs the compiled build in dist/ (made at install by `npm run build`);
// when any source is newer than the build it rebuilds first (esbuild, under a second), so a stale
// build never runs.
import process from 'node:process';
import { build, isBuildFresh } from '../scripts/build.mjs';

if (!isBuildFresh()) {
  process.stderr.write('tinyarena: the sources changed since the last build; compiling dist/ …\n');
  await build();
}
await import('../dist/cli/main.js');
