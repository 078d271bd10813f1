/**
 * Attachment downloads: only from Discord's CDN hosts (or the host of DISCORD_API_URL when that is a
 * local or self-hosted stand-in), capped at the size limit while streaming, waiting out 429s, and
 * refreshing a signed URL once when it has expired (Discord's CDN then answers 404).
 */
import type { REST } from 'discord.js';
import { formatBytes } from '../../lib/format.js';
import { UserFacingError } from '../commands/types.js';

const CDN_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

/** Why a file could not be fetched, in words for the learner. */
export class DownloadError extends UserFacingError {
  override name = 'DownloadError';
}

/** Whether the bot may fetch from this URL. */
export function allowedAttachmentUrl(url: string, apiUrl: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:' && CDN_HOSTS.has(u.hostname)) return true;
  const api = new URL(apiUrl);
  const apiIsDiscord = api.hostname === 'discord.com' || api.hostname.endsWith('.discord.com');
  return !apiIsDiscord && u.host === api.host && (u.protocol === 'http:' || u.protocol === 'https:');
}

export interface DownloadOptions {
  url: string;
  maxBytes: number;
  apiUrl: string;
  /** For refreshing an expired signed URL (POST /attachments/refresh-urls). */
  rest?: Pick<REST, 'post'>;
  timeoutMs?: number;
  /** Longest Retry-After honoured before giving up. */
  maxRetryAfterMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function downloadAttachment(o: DownloadOptions): Promise<Uint8Array> {
  let url = o.url;
  let refreshed = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!allowedAttachmentUrl(url, o.apiUrl)) throw new DownloadError('the attachment does not come from Discord\'s CDN; upload the file directly to the command');
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new DownloadError(`could not download the attachment (${(err as Error).message}); try again`);
    }
    if (res.status === 429) {
      const wait = Math.ceil(Number(res.headers.get('retry-after') ?? '1') * 1000);
      await res.body?.cancel();
      if (!(wait <= (o.maxRetryAfterMs ?? 10_000))) throw new DownloadError('Discord is rate limiting downloads right now; try again in a minute');
      await sleep(wait);
      continue;
    }
    if (res.status === 404 || res.status === 403 || res.status === 410) {
      await res.body?.cancel();
      if (refreshed || !o.rest) throw new DownloadError('the attachment link expired before it could be downloaded; upload the file again');
      refreshed = true;
      url = await refreshUrl(o.rest, url);
      continue;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new DownloadError(`Discord's CDN answered ${res.status} for the attachment; try again`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > o.maxBytes) {
      await res.body.cancel();
      throw new DownloadError(`the file is ${formatBytes(declared)}; the limit is ${formatBytes(o.maxBytes)}`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > o.maxBytes) throw new DownloadError(`the file is larger than the limit of ${formatBytes(o.maxBytes)}`);
      chunks.push(chunk);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  throw new DownloadError('could not download the attachment after several tries; upload it again');
}

async function refreshUrl(rest: Pick<REST, 'post'>, url: string): Promise<string> {
  try {
    const body = (await rest.post('/attachments/refresh-urls', { body: { attachment_urls: [url] } })) as { refreshed_urls?: { original: string; refreshed: string }[] };
    const fresh = body.refreshed_urls?.[0]?.refreshed;
    if (fresh && fresh !== url) return fresh;
  } catch {
    // Fall through: the learner re-uploads.
  }
  throw new DownloadError('the attachment link expired before it could be downloaded; upload the file again');
}
