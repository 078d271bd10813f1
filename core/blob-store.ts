/**
 * Content-addressed file store for uploads: a blob's name is the sha256 of its bytes, so identical
 * uploads are stored once and a name always means the same bytes.
 *
 * Layout: <root>/<ab>/<cd>/<sha256>; partial writes go to <root>/.incoming and are renamed into place
 * only when complete (rename is atomic on one filesystem), so a reader never sees half a file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { formatBytes } from '../lib/format.js';
import { SNIFF_BYTES, sniffFileKind, type FileKind } from './file-kind.js';

/** Raised when an upload passes the size cap; nothing of it is kept. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the ${formatBytes(maxBytes)} upload limit.`);
    this.name = 'BlobTooLargeError';
  }
}

export interface StoredBlob {
  sha256: string;
  sizeBytes: number;
  kind: FileKind;
  /** False when identical bytes were already stored. */
  created: boolean;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class BlobStore {
  constructor(readonly root: string) {}

  /** Path of a blob on disk. Rejects anything that is not a sha256 (no path tricks). */
  path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256 hex digest: ${JSON.stringify(sha256).slice(0, 80)}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /**
   * Stream bytes into the store, hashing as they arrive and stopping as soon as the cap is passed
   * (never buffering the whole upload).
   * @throws BlobTooLargeError when more than `maxBytes` arrive.
   */
  async put(source: AsyncIterable<Uint8Array> | Readable, opts: { maxBytes: number }): Promise<StoredBlob> {
    const incoming = join(this.root, '.incoming');
    await mkdir(incoming, { recursive: true });
    const tmp = join(incoming, randomUUID());
    const out = createWriteStream(tmp, { flags: 'wx' });
    // A write still in flight when we give up (upload too large, client gone) reports on the
    // destroyed stream; without a listener that would be an uncaught exception. Real write errors
    // surface through finished() below.
    let writeError: Error | undefined;
    out.on('error', (err) => (writeError ??= err));
    const hash = createHash('sha256');
    const head = new Uint8Array(SNIFF_BYTES);
    let size = 0;
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        if (size < SNIFF_BYTES) head.set(bytes.subarray(0, SNIFF_BYTES - size), size);
        size += bytes.length;
        if (size > opts.maxBytes) throw new BlobTooLargeError(opts.maxBytes);
        hash.update(bytes);
        if (!out.write(bytes)) await new Promise<void>((r) => out.once('drain', r));
      }
      if (writeError) throw writeError;
      out.end();
      await finished(out);
    } catch (err) {
      out.destroy();
      await rm(tmp, { force: true });
      // Stop reading the source too, so an oversized upload is not drained to the end.
      if (typeof (source as Readable).destroy === 'function') (source as Readable).destroy();
      throw err;
    }
    const sha256 = hash.digest('hex');
    const final = this.path(sha256);
    const kind = sniffFileKind(head.subarray(0, Math.min(size, SNIFF_BYTES)));
    if (await this.has(sha256)) {
      await rm(tmp, { force: true });
      return { sha256, sizeBytes: size, kind, created: false };
    }
    await mkdir(join(final, '..'), { recursive: true });
    await rename(tmp, final);
    return { sha256, sizeBytes: size, kind, created: true };
  }

  /** Store bytes already in memory (tests, small generated files). */
  async putBytes(bytes: Uint8Array, opts: { maxBytes: number }): Promise<StoredBlob> {
    return this.put((async function* () { yield bytes; })(), opts);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.path(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /** Size and modification time, or null when absent. */
  async stat(sha256: string): Promise<{ sizeBytes: number; mtime: Date } | null> {
    try {
      const s = await stat(this.path(sha256));
      return { sizeBytes: s.size, mtime: s.mtime };
    } catch {
      return null;
    }
  }

  read(sha256: string): Readable {
    return createReadStream(this.path(sha256));
  }

  readBytes(sha256: string): Promise<Buffer> {
    return readFile(this.path(sha256));
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }

  /** Every stored digest (walks the two-level fan-out). */
  async *list(): AsyncGenerator<string> {
    const level = async (dir: string) => (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && /^[0-9a-f]{2}$/.test(d.name));
    for (const a of await level(this.root)) {
      for (const b of await level(join(this.root, a.name))) {
        for (const f of await readdir(join(this.root, a.name, b.name))) if (SHA256.test(f)) yield f;
      }
    }
  }
}
