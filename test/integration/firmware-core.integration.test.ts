/**
 * The harness firmware's portable protocol core, compiled with the host g++ and run against its C++
 * unit tests; and the generated op registrations checked against the one shared op list.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../core/paths.js';
import { currentOpsHeader, OPS_HEADER_PATH, resolverMethod } from '../../grader/rack/firmware-ops.js';
import { tempDir } from '../helpers/tmp.js';

const haveGxx = spawnSync('g++', ['--version']).status === 0;

describe('harness firmware core (host build)', () => {
  it.skipIf(!haveGxx)('compiles warning-free and passes its unit tests', () => {
    const out = join(tempDir(), 'harness_test');
    execFileSync('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-O1', `-I${fromRoot('firmware', 'harness', 'src')}`, fromRoot('firmware', 'harness', 'src', 'protocol_core.cpp'), fromRoot('firmware', 'test', 'harness_test.cpp'), '-o', out], { stdio: 'pipe' });
    const run = spawnSync(out, { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed/);
    expect(run.status).toBe(0);
  }, 60_000);

  it('registers exactly the shared op list (ops_gen.h is up to date)', () => {
    expect(readFileSync(OPS_HEADER_PATH, 'utf8'), 'run `npx tsx grader/rack/firmware-ops.ts`').toBe(currentOpsHeader());
    expect(resolverMethod('CONV_2D')).toBe('AddConv2D');
    expect(resolverMethod('DEPTHWISE_CONV_2D')).toBe('AddDepthwiseConv2D');
    expect(resolverMethod('RELU6')).toBe('AddRelu6');
    expect(resolverMethod('HARD_SWISH')).toBe('AddHardSwish');
  });
});
