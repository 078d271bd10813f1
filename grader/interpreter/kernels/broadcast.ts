/**
 * Numpy-style broadcasting of two inputs to an output shape, resolved at prepare time into the loop
 * the `binary` SIMD kernel runs: an inner run (each operand contiguous or one broadcast value), an
 * outer count with per-operand strides, and blocks for any dimensions left over. TFLM's
 * BroadcastAdd6DSlow visits the same pairs.
 */
export interface BroadcastPlan {
  inner: number;
  outer: number;
  /** 1: the operand advances along the inner run; 0: one value for the whole run. */
  aInner: 0 | 1;
  bInner: 0 | 1;
  /** Element strides per outer step. */
  aOuter: number;
  bOuter: number;
  /** Element offsets (a, b, out) of each block of outer × inner outputs. */
  blocks: { a: number; b: number; out: number }[];
}

export function broadcastPlan(a: number[], b: number[], out: number[]): BroadcastPlan | null {
  const rank = out.length;
  if (a.length > rank || b.length > rank) return null;
  const pad = (s: number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
  const sa = pad(a);
  const sb = pad(b);
  // Dimensions that matter, with whether each operand spans them; neighbours alike are merged.
  const dims: { size: number; a: 0 | 1; b: 0 | 1 }[] = [];
  for (let d = 0; d < rank; d++) {
    if ((sa[d] !== out[d] && sa[d] !== 1) || (sb[d] !== out[d] && sb[d] !== 1)) return null;
    if (out[d] === 1) continue;
    const ea = sa[d] === out[d] ? 1 : 0;
    const eb = sb[d] === out[d] ? 1 : 0;
    const last = dims.at(-1);
    if (last && last.a === ea && last.b === eb) last.size *= out[d]!;
    else dims.push({ size: out[d]!, a: ea, b: eb });
  }
  if (dims.length === 0) dims.push({ size: 1, a: 1, b: 1 });
  // Element strides of each operand per merged dimension.
  const stride = (which: 'a' | 'b') => {
    const st = new Array<number>(dims.length).fill(0);
    let acc = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (dims[d]![which]) {
        st[d] = acc;
        acc *= dims[d]!.size;
      }
    }
    return st;
  };
  const stA = stride('a');
  const stB = stride('b');
  const k = dims.length;
  const inner = dims[k - 1]!.size;
  const outer = k >= 2 ? dims[k - 2]!.size : 1;
  const blocks: BroadcastPlan['blocks'] = [];
  const lead = dims.slice(0, Math.max(0, k - 2));
  const count = lead.reduce((x, d) => x * d.size, 1);
  const idx = new Array<number>(lead.length).fill(0);
  for (let n = 0; n < count; n++) {
    blocks.push({ a: idx.reduce((s, v, d) => s + v * stA[d]!, 0), b: idx.reduce((s, v, d) => s + v * stB[d]!, 0), out: n * outer * inner });
    for (let d = lead.length - 1; d >= 0; d--) {
      if (++idx[d]! < lead[d]!.size) break;
      idx[d] = 0;
    }
  }
  return { inner, outer, aInner: dims[k - 1]!.a, bInner: dims[k - 1]!.b, aOuter: k >= 2 ? stA[k - 2]! : 0, bOuter: k >= 2 ? stB[k - 2]! : 0, blocks };
}
