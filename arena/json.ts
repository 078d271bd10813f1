/** A plain JSON copy for database JSON columns (drops undefined, turns typed arrays into arrays). */
export function toJson(value: unknown): object {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v))) as object;
}
