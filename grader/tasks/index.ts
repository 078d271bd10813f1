/**
 * Every task, as a plain list (no directory scan): what challenges, datasets and the grader accept is
 * what is written here. See README.md to add one.
 */
import ad from './ad.js';
import kws from './kws.js';
import type { TaskPlugin } from './types.js';
import vww from './vww.js';

const PLUGINS = [kws, vww, ad] as const satisfies readonly TaskPlugin[];

export type Task = (typeof PLUGINS)[number]['id'];

/** Task ids in registration order (for schemas, CLI choices and messages). */
export const TASK_IDS = PLUGINS.map((p) => p.id) as [Task, ...Task[]];

const BY_ID = new Map<string, TaskPlugin>(PLUGINS.map((p) => [p.id, p]));

export const isTask = (id: string): id is Task => BY_ID.has(id);

/** The plug-in of a task. @throws Error for an id no plug-in has (a schema let it through). */
export function taskPlugin(id: Task): TaskPlugin {
  const p = BY_ID.get(id);
  if (!p) throw new Error(`no task plug-in "${id}" (known: ${TASK_IDS.join(', ')})`);
  return p;
}

/**
 * The one function from outputs to a task's score, for the host engine's outputs and a firmware's
 * printed results alike: `outputs[i][k]` belongs to the k-th model input of sample i.
 */
export function scoreOutputs(task: Task, labels: readonly number[], outputs: readonly (readonly ArrayLike<number>[])[]) {
  return taskPlugin(task).metric.score(labels, outputs);
}

/** Whether a set of labelled samples can be scored on its own (not empty; both classes where the metric needs them). */
export function scoreable(task: Task, samples: readonly { label: number }[]): boolean {
  return samples.length > 0 && (!taskPlugin(task).needsBothClasses || new Set(samples.map((s) => s.label)).size === 2);
}
