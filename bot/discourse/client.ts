/**
 * A small Discourse API client: Api-Key/Api-Username headers, a token bucket (about one request a second
 * by default, Discourse's admin API limits are per minute), and 429 handling that waits for
 * `Retry-After` or the body's `extras.wait_seconds` before trying again.
 */
import type { Services } from '../../core/services.js';

/** Thrown for a non-2xx answer that retrying will not fix. */
export class DiscourseApiError extends Error {
  constructor(readonly status: number, readonly path: string, message: string) {
    super(`Discourse ${status} on ${path}: ${message}`);
    this.name = 'DiscourseApiError';
  }
}

export interface DiscourseClientOptions {
  baseUrl: string;
  apiKey: string;
  apiUsername: string;
  /** Sustained requests per second (default 1). */
  ratePerSecond?: number;
  /** Requests allowed back to back before the rate applies (default 3). */
  burst?: number;
  /** Attempts after 429s before giving up (default 4). */
  maxRetries?: number;
  /** Longest wait honoured for one 429, in ms (default 60 s). */
  maxWaitMs?: number;
  fetch?: typeof fetch;
}

/** The parts of a topic triage reads. */
export interface DiscourseTopic {
  id: number;
  title: string;
  slug: string;
  tags: string[];
  category_id?: number;
  /** Posts in the topic (1 = nobody has answered). */
  posts_count?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DiscourseClient {
  private tokens: number;
  private last = Date.now();
  private readonly rate: number;
  private readonly burst: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: DiscourseClientOptions) {
    this.rate = opts.ratePerSecond ?? 1;
    this.burst = opts.burst ?? 3;
    this.tokens = this.burst;
  }

  /** Wait for a token; calls are serialised so the bucket is shared fairly. */
  private take(): Promise<void> {
    const next = this.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** One API call with JSON in and out. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const f = this.opts.fetch ?? fetch;
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}${path}`;
    for (let attempt = 0; ; attempt++) {
      await this.take();
      const res = await f(url, {
        method,
        headers: { 'Api-Key': this.opts.apiKey, 'Api-Username': this.opts.apiUsername, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const json = text ? (safeJson(text) as Record<string, unknown> | undefined) : undefined;
      if (res.status === 429 && attempt < (this.opts.maxRetries ?? 4)) {
        await sleep(Math.min(this.opts.maxWaitMs ?? 60_000, retryAfterMs(res.headers.get('retry-after'), json)));
        continue;
      }
      if (!res.ok) {
        const errors = Array.isArray(json?.errors) ? json.errors.join('; ') : res.statusText;
        throw new DiscourseApiError(res.status, path, errors);
      }
      return json as T;
    }
  }

  async getTopic(id: number): Promise<DiscourseTopic> {
    const t = await this.request<Record<string, unknown>>('GET', `/t/${id}.json`);
    const tags = Array.isArray(t.tags) ? t.tags.map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x && 'name' in x ? String((x as { name: unknown }).name) : '')).filter(Boolean) : [];
    return { id, title: typeof t.title === 'string' ? t.title : '', slug: typeof t.slug === 'string' ? t.slug : '', tags, category_id: typeof t.category_id === 'number' ? t.category_id : undefined, posts_count: typeof t.posts_count === 'number' ? t.posts_count : undefined };
  }

  /** A staff-only whisper in the topic (evidence for moderators; learners never see it). */
  async whisper(topicId: number, raw: string): Promise<{ id: number }> {
    return this.request('POST', '/posts.json', { topic_id: topicId, raw, whisper: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Wait for a 429: `Retry-After` seconds, else `extras.wait_seconds`, else 5 s. */
export function retryAfterMs(header: string | null, body: Record<string, unknown> | undefined): number {
  const h = header === null ? NaN : Number(header);
  if (Number.isFinite(h) && h >= 0) return h * 1000;
  const extras = body?.extras as { wait_seconds?: unknown } | undefined;
  if (typeof extras?.wait_seconds === 'number') return extras.wait_seconds * 1000;
  return 5000;
}

const clients = new WeakMap<Services, DiscourseClient>();

/**
 * The process's Discourse client (one per services, so its token bucket limits the whole process), or
 * null when Discourse is not configured.
 */
export function discourseClient(services: Services): DiscourseClient | null {
  const c = services.config;
  if (!c.discourseEnabled || !c.DISCOURSE_URL || !c.DISCOURSE_API_KEY || !c.DISCOURSE_API_USERNAME) return null;
  let client = clients.get(services);
  if (!client) {
    client = new DiscourseClient({ baseUrl: c.DISCOURSE_URL, apiKey: c.DISCOURSE_API_KEY, apiUsername: c.DISCOURSE_API_USERNAME });
    clients.set(services, client);
  }
  return client;
}
