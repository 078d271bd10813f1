/**
 * Checked access to an untrusted flatbuffer.
 *
 * The `flatbuffers` runtime reads primitives but verifies nothing: a hostile offset reads outside the
 * file or loops. Every accessor here checks before it reads — table and vtable bounds, field sizes
 * against the table, offsets and vector lengths against the file, nesting depth — and throws a
 * {@link ModelFormatError} naming the path of the bad field (e.g. `subgraphs[0].tensors[7].shape`).
 */
import { ByteBuffer } from 'flatbuffers';

/** Why an untrusted model file cannot be read; `path` says where in the structure. */
export class ModelFormatError extends Error {
  constructor(
    readonly code: 'too-small' | 'out-of-bounds' | 'bad-vtable' | 'too-deep' | 'bad-value' | 'bad-reference',
    readonly path: string,
    detail: string,
  ) {
    super(`${path ? `${path}: ` : ''}${detail}`);
    this.name = 'ModelFormatError';
  }
}

/** Deeper than any TFLite structure nests; deeper offsets mean a hostile or corrupt file. */
export const MAX_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class FlatReader {
  readonly bb: ByteBuffer;
  readonly length: number;

  constructor(readonly bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
    this.length = bytes.length;
  }

  /** The root table (uoffset at byte 0). */
  root(): Table {
    if (this.length < 8) throw new ModelFormatError('too-small', '', `${this.length} bytes is too small to be a flatbuffer`);
    return this.tableAt(this.bb.readUint32(0), '', 0);
  }

  /** File identifier at bytes 4–7 (may be anything: checked by the validators, not here). */
  identifier(): string {
    return this.length >= 8 ? String.fromCharCode(...this.bytes.subarray(4, 8)) : '';
  }

  check(pos: number, size: number, path: string, what: string): void {
    if (!(pos >= 0 && size >= 0 && pos + size <= this.length)) {
      throw new ModelFormatError('out-of-bounds', path, `${what} at byte ${pos} (+${size}) lies outside the ${this.length}-byte file`);
    }
  }

  tableAt(pos: number, path: string, depth: number): Table {
    if (depth > MAX_DEPTH) throw new ModelFormatError('too-deep', path, `tables nest deeper than ${MAX_DEPTH} levels`);
    this.check(pos, 4, path, 'table');
    const vt = pos - this.bb.readInt32(pos);
    this.check(vt, 4, path, 'vtable');
    const vtSize = this.bb.readUint16(vt);
    const tableSize = this.bb.readUint16(vt + 2);
    if (vtSize < 4 || vtSize % 2 !== 0) throw new ModelFormatError('bad-vtable', path, `vtable size ${vtSize} is invalid`);
    this.check(vt, vtSize, path, 'vtable');
    if (tableSize < 4) throw new ModelFormatError('bad-vtable', path, `table size ${tableSize} is invalid`);
    this.check(pos, tableSize, path, 'table');
    return new Table(this, pos, vt, vtSize, tableSize, path, depth);
  }
}

/** One table, with its vtable already checked. Field ids are the schema's field order (unions take two). */
export class Table {
  constructor(
    private readonly r: FlatReader,
    readonly pos: number,
    private readonly vt: number,
    private readonly vtSize: number,
    private readonly tableSize: number,
    readonly path: string,
    private readonly depth: number,
  ) {}

  /** Absolute position of a present field of `size` bytes, or 0 when absent. */
  private field(id: number, size: number, name: string): number {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.vtSize) return 0;
    const off = this.r.bb.readUint16(this.vt + slot);
    if (off === 0) return 0;
    if (off + size > this.tableSize) {
      throw new ModelFormatError('bad-vtable', this.sub(name), `field of ${size} bytes at offset ${off} overruns its ${this.tableSize}-byte table`);
    }
    return this.pos + off;
  }

  sub(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  has(id: number): boolean {
    const slot = 4 + 2 * id;
    return slot + 2 <= this.vtSize && this.r.bb.readUint16(this.vt + slot) !== 0;
  }

  int8(id: number, name: string, dflt = 0): number {
    const p = this.field(id, 1, name);
    return p ? this.r.bb.readInt8(p) : dflt;
  }
  uint8(id: number, name: string, dflt = 0): number {
    const p = this.field(id, 1, name);
    return p ? this.r.bb.readUint8(p) : dflt;
  }
  bool(id: number, name: string, dflt = false): boolean {
    const p = this.field(id, 1, name);
    return p ? this.r.bb.readUint8(p) !== 0 : dflt;
  }
  int32(id: number, name: string, dflt = 0): number {
    const p = this.field(id, 4, name);
    return p ? this.r.bb.readInt32(p) : dflt;
  }
  uint32(id: number, name: string, dflt = 0): number {
    const p = this.field(id, 4, name);
    return p ? this.r.bb.readUint32(p) : dflt;
  }
  float32(id: number, name: string, dflt = 0): number {
    const p = this.field(id, 4, name);
    return p ? this.r.bb.readFloat32(p) : dflt;
  }
  /** A 64-bit unsigned field as a number; values past 2^53 are refused (no file is that large). */
  uint64(id: number, name: string, dflt = 0): number {
    const p = this.field(id, 8, name);
    if (!p) return dflt;
    const lo = this.r.bb.readUint32(p);
    const hi = this.r.bb.readUint32(p + 4);
    if (hi > 0x1fffff) throw new ModelFormatError('bad-value', this.sub(name), 'value exceeds 2^53');
    return hi * 0x1_0000_0000 + lo;
  }

  /** Follow a uoffset field; returns the absolute target position or 0. */
  private offsetTarget(id: number, name: string): number {
    const p = this.field(id, 4, name);
    if (!p) return 0;
    const target = p + this.r.bb.readUint32(p);
    this.r.check(target, 4, this.sub(name), 'referenced object');
    return target;
  }

  table(id: number, name: string): Table | null {
    const t = this.offsetTarget(id, name);
    return t ? this.r.tableAt(t, this.sub(name), this.depth + 1) : null;
  }

  string(id: number, name: string): string | null {
    const v = this.vectorRaw(id, name, 1);
    return v ? utf8.decode(this.r.bytes.subarray(v.start, v.start + v.length)) : null;
  }

  /** Start and element count of a vector, with the whole extent checked. */
  private vectorRaw(id: number, name: string, elemSize: number): { start: number; length: number } | null {
    const t = this.offsetTarget(id, name);
    if (!t) return null;
    const length = this.r.bb.readUint32(t);
    this.r.check(t + 4, length * elemSize, this.sub(name), `vector of ${length} × ${elemSize} bytes`);
    return { start: t + 4, length };
  }

  /** A byte vector as a view into the file (no copy). */
  bytes(id: number, name: string): Uint8Array | null {
    const v = this.vectorRaw(id, name, 1);
    return v ? this.r.bytes.subarray(v.start, v.start + v.length) : null;
  }

  int32s(id: number, name: string): number[] | null {
    const v = this.vectorRaw(id, name, 4);
    if (!v) return null;
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.r.bb.readInt32(v.start + 4 * i);
    return out;
  }

  float32s(id: number, name: string): number[] | null {
    const v = this.vectorRaw(id, name, 4);
    if (!v) return null;
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.r.bb.readFloat32(v.start + 4 * i);
    return out;
  }

  /** int64 vector; each value must fit a double exactly (zero points always do in valid models). */
  int64s(id: number, name: string): number[] | null {
    const v = this.vectorRaw(id, name, 8);
    if (!v) return null;
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) {
      const lo = this.r.bb.readUint32(v.start + 8 * i);
      const hi = this.r.bb.readInt32(v.start + 8 * i + 4);
      if (hi > 0x1fffff || hi < -0x200000) throw new ModelFormatError('bad-value', `${this.sub(name)}[${i}]`, 'value exceeds ±2^53');
      out[i] = hi * 0x1_0000_0000 + lo;
    }
    return out;
  }

  /** Vector of tables; `each` gets every element (paths carry the index). */
  tables<T>(id: number, name: string, each: (t: Table, index: number) => T, maxCount = Infinity): T[] | null {
    const v = this.vectorRaw(id, name, 4);
    if (!v) return null;
    if (v.length > maxCount) throw new ModelFormatError('bad-value', this.sub(name), `${v.length} entries; no board model has more than ${maxCount}`);
    const out = new Array<T>(v.length);
    for (let i = 0; i < v.length; i++) {
      const p = v.start + 4 * i;
      const target = p + this.r.bb.readUint32(p);
      const path = `${this.sub(name)}[${i}]`;
      this.r.check(target, 4, path, 'referenced table');
      out[i] = each(this.r.tableAt(target, path, this.depth + 1), i);
    }
    return out;
  }
}
