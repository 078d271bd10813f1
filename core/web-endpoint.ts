/**
 * `$DATA_DIR/web.json`: where the running web server of this data folder answers, so CLI commands on
 * the same machine print links that work (PUBLIC_URL follows the server's PORT unless set).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface WebEndpoint {
  publicUrl: string;
  pid: number;
}

const fileOf = (dataDir: string) => join(dataDir, 'web.json');

export async function writeWebEndpoint(dataDir: string, ep: WebEndpoint): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(fileOf(dataDir), JSON.stringify(ep));
}

/** Remove it if it is still ours (another server may have started on the same folder since). */
export async function removeWebEndpoint(dataDir: string, pid: number): Promise<void> {
  try {
    const ep = JSON.parse(await readFile(fileOf(dataDir), 'utf8')) as Partial<WebEndpoint>;
    if (ep.pid === pid) await rm(fileOf(dataDir), { force: true });
  } catch {
    // Absent or unreadable: nothing to clean.
  }
}

/** The public URL of a live server on this data folder, or null. */
export function readWebEndpoint(dataDir: string): string | null {
  const file = fileOf(dataDir);
  if (!existsSync(file)) return null;
  try {
    const ep = JSON.parse(readFileSync(file, 'utf8')) as Partial<WebEndpoint>;
    if (typeof ep.publicUrl !== 'string' || typeof ep.pid !== 'number') return null;
    process.kill(ep.pid, 0); // throws when the process is gone
    return ep.publicUrl;
  } catch {
    return null;
  }
}
