import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlobStore, BlobTooLargeError } from '../../core/blob-store.js';
import { formatBytes } from '../../lib/format.js';
import { tempDir } from '../helpers/tmp.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('BlobStore', () => {
  it('stores bytes under their sha256 and dedupes identical uploads', async () => {
    const store = new BlobStore(tempDir());
    const bytes = Buffer.from('0000TFL3 a small model');
    const a = await store.putBytes(bytes, { maxBytes: 1024 });
    expect(a).toEqual({ sha256: sha(bytes), sizeBytes: bytes.length, kind: 'tflite', created: true });
    const b = await store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), { maxBytes: 1024 });
    expect(b.created).toBe(false);
    expect(b.sha256).toBe(a.sha256);
    expect(await store.readBytes(a.sha256)).toEqual(bytes);
    const all = [];
    for await (const s of store.list()) all.push(s);
    expect(all).toEqual([a.sha256]);
  });

  it('stops reading as soon as the cap is passed and keeps nothing', async () => {
    const root = tempDir();
    const store = new BlobStore(root);
    let produced = 0;
    // An endless upload: the store must give up after the cap, not drain it.
    const endless = Readable.from(
      (function* () {
        for (;;) {
          produced += 64 * 1024;
          yield Buffer.alloc(64 * 1024, 7);
        }
      })(),
    );
    await expect(store.put(endless, { maxBytes: 1024 * 1024 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(produced).toBeLessThanOrEqual(1024 * 1024 + 2 * 64 * 1024);
    expect(readdirSync(join(root, '.incoming'))).toEqual([]);
    expect(readdirSync(root).filter((d) => d !== '.incoming')).toEqual([]);
  });

  it('accepts exactly the cap', async () => {
    const store = new BlobStore(tempDir());
    const r = await store.putBytes(Buffer.alloc(4096, 1), { maxBytes: 4096 });
    expect(r.sizeBytes).toBe(4096);
  });

  it('rejects names that are not digests (no path traversal)', () => {
    const store = new BlobStore('/data/blobs');
    expect(() => store.path('../../etc/passwd')).toThrow(/not a sha256/);
    expect(() => store.path('A'.repeat(64))).toThrow(/not a sha256/);
    expect(store.path('ab'.repeat(32))).toBe(`/data/blobs/ab/ab/${'ab'.repeat(32)}`);
  });

  it('says the limit in words people read', () => {
    expect(new BlobTooLargeError(16 * 1024 * 1024).message).toBe('The file is larger than the 16 MiB upload limit.');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
