import type { BlobStore } from './blob-store.js';
import type { Db } from './db/client.js';

export interface SweepResult {
  /** Files on disk with no Blob row (upload stored, database write never happened). */
  deletedFiles: number;
  /** Blob rows no submission refers to any more (submission deleted). */
  deletedRows: number;
}

/**
 * Remove blobs nothing refers to. Only blobs older than `minAgeMs` are touched, because an intake in
 * flight stores the file before it writes the rows.
 */
export async function sweepBlobs(db: Db, blobs: BlobStore, opts: { minAgeMs: number; now: Date }): Promise<SweepResult> {
  const cutoff = new Date(opts.now.getTime() - opts.minAgeMs);
  let deletedFiles = 0;
  for await (const sha of blobs.list()) {
    const st = await blobs.stat(sha);
    if (!st || st.mtime > cutoff) continue;
    const row = await db.blob.findUnique({ where: { sha256: sha }, select: { sha256: true } });
    if (!row) {
      await blobs.delete(sha);
      deletedFiles++;
    }
  }
  const unused = await db.blob.findMany({ where: { createdAt: { lt: cutoff }, submissions: { none: {} } }, select: { sha256: true } });
  for (const { sha256 } of unused) {
    // Delete the row first: a file without a row is swept next time; a row without a file is a broken reference.
    const { count } = await db.blob.deleteMany({ where: { sha256, submissions: { none: {} } } });
    if (count) await blobs.delete(sha256);
  }
  return { deletedFiles, deletedRows: unused.length };
}
