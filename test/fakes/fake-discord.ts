/**
 * A wire-level fake of Discord for tests and benchmarks: one local HTTP server that speaks the REST API
 * (`/api/v10/...`), serves attachments from a CDN route with expiring signed URLs, and upgrades
 * `/gateway` to a WebSocket gateway (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeat ACK,
 * INTERACTION_CREATE). The real discord.js client connects to it with `rest.api` pointed at
 * {@link FakeDiscord.apiUrl}.
 *
 * Enforced like the real thing: an interaction must be acknowledged within 3 s of its creation and
 * only once; its token works on the webhook routes for 15 minutes; signed CDN URLs stop working at
 * their `ex` time. Any route can be made to answer 429 with `Retry-After`. The clock can be moved
 * forward ({@link FakeDiscord.advanceClock}) to test the 15-minute and URL-expiry rules without waiting.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Discord's documented windows. */
export const ACK_WINDOW_MS = 3_000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

type Json = Record<string, unknown>;

export interface FakeUser {
  id: string;
  username: string;
  globalName?: string;
}

export interface FakeRole {
  id: string;
  name: string;
}

/** A message as the fake stores it (the original interaction response, a follow-up, a channel or DM message). */
export interface FakeMessage {
  id: string;
  channelId: string;
  content: string;
  embeds: Json[];
  flags: number;
  /** Every content this message has had, oldest first (edits of the original response). */
  history: string[];
  webhookId: string | null;
  createdAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** One option of a slash-command invocation as a test writes it. */
export type FakeOption =
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'integer'; value: number }
  | { name: string; type: 'boolean'; value: boolean }
  | { name: string; type: 'user'; value: string; username?: string }
  | { name: string; type: 'attachment'; file: { name: string; bytes: Uint8Array; contentType?: string; expiresInMs?: number } };

export interface InteractOptions {
  command: string;
  /** `['challenge', 'open']` for a subcommand; `['quota', 'grant']` likewise. */
  subcommand?: string;
  options?: FakeOption[];
  user: FakeUser;
  /** Role ids the member has in the guild. */
  roles?: string[];
  channelId?: string;
  /** Per-interaction upload limit Discord sends (`attachment_size_limit`); default 10 MiB. */
  attachmentSizeLimit?: number;
}

interface InteractionState {
  id: string;
  token: string;
  applicationId: string;
  createdAt: number;
  channelId: string;
  ackedAt: number | null;
  ackType: number | null;
  original: FakeMessage | null;
  followUps: FakeMessage[];
  /** Callback attempts refused (late, twice, unknown). */
  refusals: { at: number; code: number }[];
  waiters: (() => void)[];
}

/** What a test holds on to after sending an interaction. */
export interface FakeInteraction {
  readonly id: string;
  readonly token: string;
  /** When INTERACTION_CREATE went out (fake clock). */
  readonly sentAt: number;
  /** Ms from dispatch to the acknowledgement (null until acknowledged). */
  ackLatencyMs(): number | null;
  acked(): boolean;
  /** The original response's current content ('' while deferred and not yet edited). */
  content(): string;
  /** Every content the original response went through. */
  history(): string[];
  ephemeral(): boolean;
  followUps(): FakeMessage[];
  /** Resolves when the original response's content matches (checked on every change). */
  waitForContent(match: RegExp, timeoutMs?: number): Promise<string>;
}

interface RateLimitRule {
  method: string;
  path: RegExp;
  remaining: number;
  retryAfterS: number;
  global: boolean;
}

const snowflakeEpoch = 1420070400000n;
let counter = 0n;
/** Snowflakes with a real timestamp part, as discord.js reads creation times from them. */
function snowflake(now = Date.now()): string {
  counter = (counter + 1n) & 0xfffn;
  return (((BigInt(now) - snowflakeEpoch) << 22n) | counter).toString();
}

export class FakeDiscord {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly botUser: FakeUser = { id: this.applicationId, username: 'tinyarena-test' };
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly roles: FakeRole[] = [];
  /** Registered commands: key `guild:<id>` or `global`. */
  readonly commands = new Map<string, Json[]>();
  readonly channelMessages: FakeMessage[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Heartbeats received (each answered with an ACK). */
  heartbeats = 0;
  /** Identify payloads received (their `d`). */
  readonly identifies: Json[] = [];
  heartbeatIntervalMs = 41_250;
  /** When true, POST /attachments/refresh-urls hands back the original (still expired) URLs. */
  refreshDisabled = false;
  private clockSkew = 0;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private interactions = new Map<string, InteractionState>();
  private rateLimits: RateLimitRule[] = [];
  private readonly cdnKey = randomBytes(16);
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly dmChannels = new Map<string, string>();
  private port = 0;
  private readyWaiters: (() => void)[] = [];
  private identified = false;

  constructor(opts: { token?: string; roles?: FakeRole[] } = {}) {
    this.token = opts.token ?? `fake.${randomBytes(12).toString('hex')}`;
    this.roles.push({ id: this.guildId, name: '@everyone' }, ...(opts.roles ?? []));
  }

  /** REST base to give the bot (`DISCORD_API_URL`), without the version. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  now(): number {
    return Date.now() + this.clockSkew;
  }

  /** Move the fake's clock forward (token lifetimes and CDN expiry follow it; the 3 s rule uses it too). */
  advanceClock(ms: number): void {
    this.clockSkew += ms;
  }

  /** Listen on 127.0.0.1 (`port` 0 = any free port; pass the old port to come back after {@link stop}). */
  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) return socket.destroy();
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Resolves once a client has identified and received READY and GUILD_CREATE. */
  whenIdentified(): Promise<void> {
    return this.identified ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  /** The next `count` requests matching method and path answer 429 with `Retry-After: retryAfterS`. */
  rateLimit(method: string, path: RegExp, opts: { count?: number; retryAfterS?: number; global?: boolean } = {}): void {
    this.rateLimits.push({ method: method.toUpperCase(), path, remaining: opts.count ?? 1, retryAfterS: opts.retryAfterS ?? 0.3, global: opts.global ?? false });
  }

  /** Messages sent to a user's DM channel. */
  dmsTo(userId: string): FakeMessage[] {
    const ch = this.dmChannels.get(userId);
    return ch ? this.channelMessages.filter((m) => m.channelId === ch) : [];
  }

  /** A CDN URL for bytes, signed to expire `expiresInMs` from now (fake clock). */
  cdnUrl(channelId: string, fileName: string, bytes: Uint8Array, expiresInMs = 24 * 3600_000): { id: string; url: string } {
    const id = snowflake();
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(fileName)}`;
    this.blobs.set(path, bytes);
    return { id, url: this.sign(path, this.now(), this.now() + expiresInMs) };
  }

  private sign(path: string, issuedMs: number, expiresMs: number): string {
    const ex = Math.floor(expiresMs / 1000).toString(16);
    const is = Math.floor(issuedMs / 1000).toString(16);
    const hm = createHmac('sha256', this.cdnKey).update(`${path}|${ex}|${is}`).digest('hex');
    return `http://127.0.0.1:${this.port}/cdn${path}?ex=${ex}&is=${is}&hm=${hm}`;
  }

  /** Dispatch INTERACTION_CREATE for a chat-input command to every connected client. */
  interact(o: InteractOptions): FakeInteraction {
    const now = this.now();
    const id = snowflake(Date.now());
    const token = `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
    const channelId = o.channelId ?? this.channelId;
    const state: InteractionState = { id, token, applicationId: this.applicationId, createdAt: now, channelId, ackedAt: null, ackType: null, original: null, followUps: [], refusals: [], waiters: [] };
    this.interactions.set(token, state);
    const attachments: Record<string, Json> = {};
    const users: Record<string, Json> = {};
    const wireOptions = (o.options ?? []).map((opt): Json => {
      switch (opt.type) {
        case 'string':
          return { name: opt.name, type: 3, value: opt.value };
        case 'integer':
          return { name: opt.name, type: 4, value: opt.value };
        case 'boolean':
          return { name: opt.name, type: 5, value: opt.value };
        case 'user':
          users[opt.value] = { id: opt.value, username: opt.username ?? `user${opt.value.slice(-4)}`, global_name: null, discriminator: '0', avatar: null, public_flags: 0 };
          return { name: opt.name, type: 6, value: opt.value };
        case 'attachment': {
          const { id: attId, url } = this.cdnUrl(channelId, opt.file.name, opt.file.bytes, opt.file.expiresInMs);
          attachments[attId] = { id: attId, filename: opt.file.name, size: opt.file.bytes.length, url, proxy_url: url, content_type: opt.file.contentType ?? 'application/octet-stream', ephemeral: true };
          return { name: opt.name, type: 11, value: attId };
        }
      }
    });
    const options = o.subcommand ? [{ name: o.subcommand, type: 1, options: wireOptions }] : wireOptions;
    const user = { id: o.user.id, username: o.user.username, global_name: o.user.globalName ?? null, discriminator: '0', avatar: null, public_flags: 0 };
    const d: Json = {
      id,
      application_id: this.applicationId,
      type: 2,
      data: { id: this.commandId(o.command), name: o.command, type: 1, guild_id: this.guildId, options, resolved: { attachments, users } },
      guild_id: this.guildId,
      guild: { id: this.guildId, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: this.guildId, name: 'submissions', position: 0, permissions: '2248473465835073', nsfw: false, parent_id: null },
      member: { user, roles: o.roles ?? [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null, permissions: '2248473465835073', communication_disabled_until: null },
      token,
      version: 1,
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: 0,
      attachment_size_limit: o.attachmentSizeLimit ?? 10 * 1024 * 1024,
    };
    this.dispatch('INTERACTION_CREATE', d);
    return this.view(state);
  }

  private commandId(name: string): string {
    for (const list of this.commands.values()) {
      const c = list.find((x) => x.name === name);
      if (c) return String(c.id);
    }
    return snowflake();
  }

  private view(s: InteractionState): FakeInteraction {
    const waitForContent = (match: RegExp, timeoutMs = 20_000) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const c = s.original?.content ?? '';
          if (match.test(c)) {
            clearTimeout(timer);
            resolve(c);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => reject(new Error(`no reply matching ${String(match)} within ${timeoutMs} ms; history: ${JSON.stringify(s.original?.history ?? [])}; refusals: ${JSON.stringify(s.refusals)}`)), timeoutMs);
        if (check()) return;
        const waiter = () => {
          if (!check()) s.waiters.push(waiter);
        };
        s.waiters.push(waiter);
      });
    return {
      id: s.id,
      token: s.token,
      sentAt: s.createdAt,
      ackLatencyMs: () => (s.ackedAt === null ? null : s.ackedAt - s.createdAt),
      acked: () => s.ackedAt !== null,
      content: () => s.original?.content ?? '',
      history: () => [...(s.original?.history ?? [])],
      ephemeral: () => ((s.original?.flags ?? 0) & 64) !== 0,
      followUps: () => [...s.followUps],
      waitForContent,
    };
  }

  // ---------------------------------------------------------------- gateway

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
    ws.on('message', (raw: Buffer) => {
      let msg: { op: number; d: unknown };
      try {
        msg = JSON.parse(raw.toString()) as { op: number; d: unknown };
      } catch {
        return ws.close(4002, 'Error while decoding payload.');
      }
      switch (msg.op) {
        case 1:
          this.heartbeats++;
          ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          break;
        case 2: {
          const d = msg.d as Json;
          if (d.token !== this.token && d.token !== `Bot ${this.token}`) return ws.close(4004, 'Authentication failed.');
          this.identifies.push(d);
          this.sendReady(ws);
          break;
        }
        case 6: // resume: we keep no session; tell the client to identify again
          ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
          break;
        default:
          break; // presence updates and the like are accepted silently
      }
    });
  }

  private sendReady(ws: WebSocket): void {
    const send = (t: string, d: unknown) => ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
    send('READY', {
      v: 10,
      user: { id: this.botUser.id, username: this.botUser.username, discriminator: '0', global_name: null, avatar: null, bot: true, verified: true, flags: 0, mfa_enabled: false },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: randomBytes(16).toString('hex'),
      resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
    });
    send('GUILD_CREATE', {
      id: this.guildId,
      name: 'TinyML course',
      icon: null,
      owner_id: snowflake(),
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: this.roles.map((r, i) => ({ id: r.id, name: r.name, color: 0, hoist: false, position: i, permissions: '2248473465835073', managed: false, mentionable: false, flags: 0, icon: null, unicode_emoji: null })),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_flags: 0,
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [],
      channels: [{ id: this.channelId, type: 0, name: 'submissions', position: 0, permission_overwrites: [], guild_id: this.guildId, nsfw: false, parent_id: null }],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
    });
    this.identified = true;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private dispatch(t: string, d: unknown): void {
    const frame = JSON.stringify({ op: 0, t, s: ++this.seq, d });
    for (const ws of this.sockets) ws.send(frame);
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const pathname = decodeURIComponent(url.pathname);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path: pathname, status, at: this.now() });
      if (body === undefined) {
        res.writeHead(status, headers).end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      }
    };
    const raw = await readBody(req);

    const limit = this.rateLimits.find((r) => r.remaining > 0 && r.method === method && r.path.test(pathname));
    if (limit) {
      limit.remaining--;
      return send(
        429,
        { message: 'You are being rate limited.', retry_after: limit.retryAfterS, global: limit.global },
        { 'retry-after': String(limit.retryAfterS), 'x-ratelimit-scope': limit.global ? 'global' : 'user', ...(limit.global ? { 'x-ratelimit-global': 'true' } : {}) },
      );
    }

    if (url.pathname.startsWith('/cdn/')) return this.serveCdn(url, send, res);
    const m = /^\/api\/v10(\/.*)$/.exec(url.pathname);
    if (!m) return send(404, { message: '404: Not Found', code: 0 });
    const path = decodeURIComponent(m[1]!);
    let body: Json = {};
    if (raw.length) {
      try {
        body = parseBody(raw, req.headers['content-type'] ?? '');
      } catch {
        return send(400, { message: 'The request body contains invalid JSON.', code: 50109 });
      }
    }

    // Interaction routes authenticate with the interaction token in the path, not the bot token.
    let r: RegExpExecArray | null;
    if ((r = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') return this.callback(r[1]!, r[2]!, body, url, send);
    if ((r = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path))) return this.webhook(r[1]!, r[2]!, r[3], method, body, send);

    const auth = req.headers.authorization;
    if (auth !== `Bot ${this.token}`) return send(401, { message: '401: Unauthorized', code: 0 });
    if (path === '/gateway/bot' && method === 'GET') {
      return send(200, { url: `ws://127.0.0.1:${this.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } });
    }
    if (path === '/users/@me' && method === 'GET') return send(200, { id: this.botUser.id, username: this.botUser.username, discriminator: '0', bot: true, avatar: null });
    if ((r = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      if (r[1] !== this.applicationId) return send(403, { message: 'Missing Access', code: 50001 });
      const key = r[2] ? `guild:${r[2]}` : 'global';
      if (method === 'PUT') {
        if (!Array.isArray(body)) return send(400, { message: 'Invalid Form Body', code: 50035 });
        const list = (body as Json[]).map((c) => ({ ...c, id: snowflake(), application_id: this.applicationId, version: snowflake(), type: c.type ?? 1, ...(r![2] ? { guild_id: r![2] } : {}) }));
        this.commands.set(key, list);
        return send(200, list);
      }
      if (method === 'GET') return send(200, this.commands.get(key) ?? []);
    }
    if (path === '/users/@me/channels' && method === 'POST') {
      const recipient = typeof body.recipient_id === 'string' ? body.recipient_id : '';
      if (!recipient) return send(400, { message: 'Invalid Form Body', code: 50035 });
      let ch = this.dmChannels.get(recipient);
      if (!ch) this.dmChannels.set(recipient, (ch = snowflake()));
      return send(200, { id: ch, type: 1, last_message_id: null, recipients: [{ id: recipient, username: 'learner', discriminator: '0', avatar: null }] });
    }
    if ((r = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      const channelId = r[1]!;
      if (channelId !== this.channelId && ![...this.dmChannels.values()].includes(channelId)) return send(404, { message: 'Unknown Channel', code: 10003 });
      const msg = this.newMessage(channelId, body, null);
      this.channelMessages.push(msg);
      return send(200, this.wireMessage(msg));
    }
    if (path === '/attachments/refresh-urls' && method === 'POST') {
      const urls = Array.isArray(body.attachment_urls) ? (body.attachment_urls as string[]) : [];
      const refreshed = urls.map((original) => {
        const u = new URL(original);
        const p = u.pathname.replace(/^\/cdn/, '');
        return { original, refreshed: this.blobs.has(p) && !this.refreshDisabled ? this.sign(p, this.now(), this.now() + 24 * 3600_000) : original };
      });
      return send(200, { refreshed_urls: refreshed });
    }
    return send(404, { message: '404: Not Found', code: 0 });
  }

  private serveCdn(url: URL, send: (s: number, b?: unknown, h?: Record<string, string>) => void, res: ServerResponse): void {
    const path = url.pathname.replace(/^\/cdn/, '');
    const bytes = this.blobs.get(path);
    const ex = url.searchParams.get('ex') ?? '';
    const is = url.searchParams.get('is') ?? '';
    const hm = url.searchParams.get('hm') ?? '';
    const good = createHmac('sha256', this.cdnKey).update(`${path}|${ex}|${is}`).digest('hex');
    // Discord answers an expired or unsigned attachment link with 404 "This content is no longer available."
    if (!bytes || hm !== good || parseInt(ex, 16) * 1000 <= this.now()) {
      this.requests.push({ method: 'GET', path: url.pathname, status: 404, at: this.now() });
      res.writeHead(404, { 'content-type': 'text/plain' }).end('This content is no longer available.');
      return;
    }
    this.requests.push({ method: 'GET', path: url.pathname, status: 200, at: this.now() });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }).end(Buffer.from(bytes));
    void send;
  }

  private callback(id: string, token: string, body: Json, url: URL, send: (s: number, b?: unknown) => void): void {
    const s = this.interactions.get(token);
    const now = this.now();
    if (!s || s.id !== id || now - s.createdAt > ACK_WINDOW_MS) {
      s?.refusals.push({ at: now, code: 10062 });
      return send(404, { message: 'Unknown interaction', code: 10062 });
    }
    if (s.ackedAt !== null) {
      s.refusals.push({ at: now, code: 40060 });
      return send(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    }
    const type = Number(body.type);
    const data = (body.data ?? {}) as Json;
    if (![4, 5, 6, 7].includes(type)) return send(400, { message: 'Invalid Form Body', code: 50035 });
    s.ackedAt = now;
    s.ackType = type;
    s.original = this.newMessage(s.channelId, type === 5 ? { flags: data.flags } : data, s.applicationId);
    if (type === 5) s.original.history = [];
    this.notify(s);
    if (url.searchParams.get('with_response') === 'true') {
      return send(200, { interaction: { id: s.id, type: 2, response_message_id: s.original.id, response_message_loading: type === 5, response_message_ephemeral: (s.original.flags & 64) !== 0 }, resource: { type, message: this.wireMessage(s.original) } });
    }
    send(204);
  }

  private webhook(appId: string, token: string, messageId: string | undefined, method: string, body: Json, send: (s: number, b?: unknown) => void): void {
    const s = this.interactions.get(token);
    if (!s || appId !== s.applicationId) return send(401, { message: 'Invalid Webhook Token', code: 50027 });
    if (this.now() - s.createdAt > TOKEN_LIFETIME_MS) return send(401, { message: 'Invalid Webhook Token', code: 50027 });
    if (s.ackedAt === null) return send(404, { message: 'Unknown Webhook', code: 10015 });
    if (!messageId) {
      if (method !== 'POST') return send(405, { message: '405: Method Not Allowed', code: 0 });
      const msg = this.newMessage(s.channelId, body, s.applicationId);
      s.followUps.push(msg);
      this.notify(s);
      return send(200, this.wireMessage(msg));
    }
    const target = messageId === '@original' ? s.original : (s.followUps.find((f) => f.id === messageId) ?? (s.original?.id === messageId ? s.original : null));
    if (!target) return send(404, { message: 'Unknown Message', code: 10008 });
    if (method === 'GET') return send(200, this.wireMessage(target));
    if (method === 'PATCH') {
      if (typeof body.content === 'string') {
        if (body.content.length > 2000) return send(400, { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } });
        target.content = body.content;
        target.history.push(body.content);
      }
      if (Array.isArray(body.embeds)) target.embeds = body.embeds as Json[];
      this.notify(s);
      return send(200, this.wireMessage(target));
    }
    if (method === 'DELETE') {
      target.content = '';
      return send(204);
    }
    return send(405, { message: '405: Method Not Allowed', code: 0 });
  }

  private notify(s: InteractionState): void {
    for (const w of s.waiters.splice(0)) w();
  }

  private newMessage(channelId: string, body: Json, webhookId: string | null): FakeMessage {
    const content = typeof body.content === 'string' ? body.content : '';
    return { id: snowflake(), channelId, content, embeds: Array.isArray(body.embeds) ? (body.embeds as Json[]) : [], flags: Number(body.flags ?? 0), history: content ? [content] : [], webhookId, createdAt: this.now() };
  }

  private wireMessage(m: FakeMessage): Json {
    return {
      id: m.id,
      channel_id: m.channelId,
      author: { id: this.botUser.id, username: this.botUser.username, discriminator: '0', avatar: null, bot: true, global_name: null },
      content: m.content,
      timestamp: new Date(m.createdAt).toISOString(),
      edited_timestamp: m.history.length > 1 ? new Date(this.now()).toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: m.embeds,
      pinned: false,
      type: m.webhookId ? 20 : 0,
      flags: m.flags,
      components: [],
      ...(m.webhookId ? { webhook_id: m.webhookId, application_id: this.applicationId } : {}),
    };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** JSON bodies, and multipart ones (discord.js sends files that way) by their `payload_json` part. */
function parseBody(raw: Buffer, contentType: string): Json {
  if (contentType.startsWith('multipart/form-data')) {
    const m = /name="payload_json"\r\n(?:[^\r\n]*\r\n)*\r\n([\s\S]*?)\r\n--/.exec(raw.toString('utf8'));
    return m ? (JSON.parse(m[1]!) as Json) : {};
  }
  return JSON.parse(raw.toString('utf8')) as Json;
}
