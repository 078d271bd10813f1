/**
 * One node of a model definition as a model of its own (its constant inputs kept, the others made
 * model inputs): for timing an operator alone in the engine and in the official runtime.
 */
import type { ModelDef, TensorDef } from '../../grader/tflite/builder.js';

export function singleOpModel(def: ModelDef, node: number): ModelDef {
  const op = def.ops[node];
  if (!op) throw new RangeError(`no node ${node}`);
  const tensors: TensorDef[] = [];
  const index = new Map<number, number>();
  const take = (i: number) => {
    if (i < 0) return i;
    let j = index.get(i);
    if (j === undefined) {
      j = tensors.push(def.tensors[i]!) - 1;
      index.set(i, j);
    }
    return j;
  };
  const inputs = op.inputs.map(take);
  const outputs = op.outputs.map(take);
  return {
    tensors,
    ops: [{ ...op, inputs, outputs }],
    inputs: op.inputs.filter((i) => i >= 0 && !def.tensors[i]!.data).map((i) => index.get(i)!),
    outputs,
  };
}
