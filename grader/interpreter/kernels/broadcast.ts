/**
 * Numpy-style broadcasting of two inputs to an output shape, resolved at prepare time into index
 * maps so eval is a flat loop (TFLM's BroadcastAdd6DSlow visits the same pairs).
 */
export function broadcastIndexMaps(a: number[], b: number[], out: number[]): { ia: Int32Array; ib: Int32Array } | null {
  const rank = out.length;
  if (a.length > rank || b.length > rank) return null;
  const pad = (s: number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
  const sa = pad(a);
  const sb = pad(b);
  for (let d = 0; d < rank; d++) {
    if ((sa[d] !== out[d] && sa[d] !== 1) || (sb[d] !== out[d] && sb[d] !== 1)) return null;
  }
  const strides = (s: number[]) => {
    const st = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let d = rank - 1; d >= 0; d--) {
      st[d] = s[d] === 1 ? 0 : acc;
      acc *= s[d]!;
    }
    return st;
  };
  const sta = strides(sa);
  const stb = strides(sb);
  const total = out.reduce((x, y) => x * y, 1);
  const ia = new Int32Array(total);
  const ib = new Int32Array(total);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < total; i++) {
    let pa = 0;
    let pb = 0;
    for (let d = 0; d < rank; d++) {
      pa += idx[d]! * sta[d]!;
      pb += idx[d]! * stb[d]!;
    }
    ia[i] = pa;
    ib[i] = pb;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < out[d]!) break;
      idx[d] = 0;
    }
  }
  return { ia, ib };
}
