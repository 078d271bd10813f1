/**
 * The Node version the README promises is the one every installed package accepts: `npm ci` on the
 * oldest supported Node prints no "Unsupported engine" warning.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';

const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(fromRoot('package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };

describe('Node version', () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it('package.json engines and the README agree', () => {
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    expect(readme).toContain(`Node.js ≥ ${oldest.replace(/\.0$/, '')}`);
  });

  it(`every locked package runs on the oldest supported Node (${pkg.engines.node})`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path.startsWith('node_modules/'))
      .flatMap(([path, p]) => {
        const range = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
        return range && !semver.satisfies(oldest, range) ? [`${path.replace(/^.*node_modules\//, '')}@${p.version ?? '?'} needs node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });
});
