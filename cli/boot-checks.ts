/**
 * Boot-time check of the system programs this configuration needs (core/system-tools.ts): one log
 * line per missing program saying what will not work, and a `tools` entry in /healthz listing them,
 * instead of a failure at the first submission that needs one.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Component, ComponentHealth } from '../core/component.js';
import type { Config } from '../core/config.js';
import { findExecutable } from '../core/redis.js';
import { SYSTEM_TOOLS, type SystemToolId } from '../core/system-tools.js';
import { listChallengeIds, loadChallenge } from '../grader/challenges/load.js';
import { challengeDatasetDir } from '../grader/datasets/resolve.js';

export interface MissingTool {
  tool: string;
  debianPackage: string;
  /** What will not work, in words. */
  impact: string;
}

/**
 * The programs `config` needs that are not on `path`, each with what will not work without it.
 * `grading`: this process runs the workers (the rack and the held-out sets are theirs).
 */
export function missingTools(config: Config, path = process.env.PATH ?? '', grading = true): MissingTool[] {
  const needs: { id: SystemToolId; impact: string }[] = [];
  if (!config.REDIS_URL) needs.push({ id: 'redis', impact: 'the private Redis cannot start (or set REDIS_URL to a Redis elsewhere)' });
  if (!grading) return pick(needs, path);
  if (!config.RACK_CONFIG && config.RACK_SIM_BOARDS > 0) {
    needs.push({ id: 'socat', impact: 'the simulated boards cannot run: the device stage is skipped (no latency term) and firmware submissions cannot be graded' });
  }
  // Virtual boards asked for by name (unset: one when both programs are there, none otherwise).
  if (!config.RACK_CONFIG && (config.RACK_VIRTUAL_BOARDS ?? 0) > 0) {
    const impact = 'the virtual boards asked for in RACK_VIRTUAL_BOARDS cannot run';
    needs.push({ id: 'qemu', impact }, { id: 'armGcc', impact });
  }
  // KWS demo sets are spoken by espeak-ng when first used; a set already generated needs nothing.
  const waiting = listChallengeIds(config.CHALLENGES_DIR).filter((id) => {
    try {
      const c = loadChallenge(id, config.CHALLENGES_DIR);
      const d = c.definition;
      return d.task === 'kws' && d.dataset?.demo === true && !existsSync(join(challengeDatasetDir(d, dirname(c.file), config.DATA_DIR), 'y_labels.csv'));
    } catch {
      return false; // a broken challenge file is reported by the challenge sync
    }
  });
  if (waiting.length) needs.push({ id: 'espeak', impact: `the demo set of ${waiting.join(', ')} cannot be generated, so submissions to ${waiting.length === 1 ? 'it' : 'them'} fail at the score stage` });
  return pick(needs, path);
}

const pick = (needs: { id: SystemToolId; impact: string }[], path: string): MissingTool[] =>
  needs.filter((n) => !findExecutable(SYSTEM_TOOLS[n.id].bin, path)).map((n) => ({ tool: SYSTEM_TOOLS[n.id].bin, debianPackage: SYSTEM_TOOLS[n.id].debianPackage, impact: n.impact }));

/** One line per missing program: `espeak-ng is missing (apt-get install espeak-ng): …`. */
export const describeMissingTool = (m: MissingTool) => `${m.tool} is missing (apt-get install ${m.debianPackage}): ${m.impact}`;

/** The check's result in /healthz (informative: the process runs, some features do not). */
export class ToolsCheck implements Component {
  readonly name = 'tools';
  constructor(private readonly missing: MissingTool[]) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  health(): ComponentHealth {
    return { ok: true, state: this.missing.length ? 'missing' : 'complete', missing: this.missing.map((m) => ({ ...m, message: describeMissingTool(m) })) };
  }
}
