/**
 * README "On a fresh machine" installs every system package in one line: the programs `npm start`
 * checks at boot (core/system-tools.ts) and everything `.ci/run` installs for the tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { SYSTEM_TOOLS } from '../../core/system-tools.js';

const readme = readFileSync(fromRoot('README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## On a fresh machine'), readme.indexOf('\n## ', readme.indexOf('## On a fresh machine') + 1));
const installLines = section.split('\n').filter((l) => /^sudo apt-get install /.test(l));

describe('README: on a fresh machine', () => {
  it('has one apt-get install line', () => {
    expect(installLines).toHaveLength(1);
  });

  const packages = new Set(installLines[0]?.replace(/^sudo apt-get install /, '').split(/\s+/) ?? []);

  it('installs every program npm start checks at boot', () => {
    expect(Object.values(SYSTEM_TOOLS).map((t) => t.debianPackage).filter((p) => !packages.has(p))).toEqual([]);
  });

  it('installs every package .ci/run installs', () => {
    const ci = readFileSync(fromRoot('.ci/run'), 'utf8');
    const wanted = [...ci.matchAll(/need\+=\(([^)]+)\)/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
    expect(wanted.length).toBeGreaterThan(5);
    expect(wanted.filter((p) => !packages.has(p))).toEqual([]);
  });
});
