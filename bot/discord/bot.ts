/**
 * The Discord adapter: a discord.js client that routes slash commands to bot/commands. For every
 * interaction it acknowledges first (deferReply, well inside Discord's 3-second window), then checks
 * organizer rights against DISCORD_ORGANIZER_ROLE_IDS and the per-user cooldown, starts downloading
 * attachments at once (signed URLs expire), runs the command, and turns any error into an edited
 * reply, so no interaction is left unanswered. discord.js's REST layer queues requests per route and
 * waits out 429s; edits of one reply are coalesced so a burst of progress events costs one request.
 */
import { randomBytes } from 'node:crypto';
import { Client, Events, GatewayIntentBits, GuildMember, MessageFlags, Routes, Status, type ChatInputCommandInteraction, type CommandInteractionOption } from 'discord.js';
import type { Component, ComponentHealth } from '../../core/component.js';
import type { Services } from '../../core/services.js';

import { subscribeEvents, type EventSubscription } from '../../arena/event-feed.js';
import type { ProgressEvent } from '../../arena/events.js';

import { grantRole } from '../../arena/people.js';
import { commands as allCommands } from '../commands/index.js';
import { linkedPerson } from '../../arena/people.js';
import { claimCompletionNotice } from '../commands/follow.js';
import { clip, completionNote, settled } from '../commands/shared.js';
import { submissionStatus } from '../../arena/status.js';
import { commandName, UserFacingError, type AttachmentRef, type Command, type CommandContext, type CommandOptions, type CommandUser, type Responder } from '../commands/types.js';
import { downloadAttachment } from './attachments.js';
import { domainRefusal } from '../../arena/errors.js';

export interface DiscordBotOptions {
  services: Services;
  /** Default: every command in bot/commands/index.ts. */
  commands?: Command[];
  /** Multiply every command's cooldown (0 turns cooldowns off; tests). */
  cooldownScale?: number;
  /** Wait between connection attempts while Discord is unreachable (default 30 s). */
  retryMs?: number;
  /** Longest wait for READY after login (default 30 s). */
  readyTimeoutMs?: number;
  /** How long a reply stays editable (default: Discord's 15-minute interaction token; tests shorten it). */
  replyEditableMs?: number;
}

/** Events that end a run: the learner hears about them once. */
const FINAL_EVENTS = new Set<ProgressEvent['type']>(['done', 'rejected', 'failed']);
/** The bot marks itself alive this often; a restart catches up on what finished since. */
const HEARTBEAT_MS = 30_000;

/** Discord's default upload limit, used when an interaction does not say. */
const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;
/** Interaction tokens work for 15 minutes after the interaction. */
const REPLY_EDITABLE_MS = 15 * 60_000;

export class DiscordBot implements Component {
  readonly name = 'discord';
  private client: Client | null = null;
  private events: EventSubscription | null = null;
  private readonly watchers = new Map<string, Set<(ev: ProgressEvent) => void>>();
  private readonly cooldowns = new Map<string, number>();
  private readonly byName: Map<string, Command>;
  private readonly organizerRoles: Set<string>;
  private readonly inFlight = new Set<Promise<void>>();
  private state: 'stopped' | 'starting' | 'running' | 'reconnecting' | 'stopping' | 'failed' = 'stopped';
  private handled = 0;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  private readonly readyTimeoutMs: number;

  constructor(private readonly opts: DiscordBotOptions) {
    this.byName = new Map((opts.commands ?? allCommands).map((c) => [commandName(c), c]));
    this.retryMs = opts.retryMs ?? 30_000;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
    this.organizerRoles = new Set(opts.services.config.discordOrganizerRoleIds);
  }

  /** The discord.js client (null until started). */
  get discord(): Client | null {
    return this.client;
  }

  async start(): Promise<void> {
    const { config, redisHandle } = this.opts.services;
    if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set');
    this.state = 'starting';
    this.events = await subscribeEvents(redisHandle, config.QUEUE_PREFIX, (ev) => {
      const watched = this.watchers.get(ev.submissionId);
      for (const fn of watched ?? []) fn(ev);
      // A Discord submission nobody here follows (the bot restarted since /submit): tell the learner.
      if (!watched?.size && FINAL_EVENTS.has(ev.type) && (ev.data as { stage?: unknown } | undefined)?.stage !== 'intake') void this.noticeOnce(ev.submissionId);
    });
    await this.connect();
  }

  /**
   * DM the learner the outcome of a Discord submission that finished while no reply followed it,
   * once per run (claimCompletionNotice). Rejudges are not announced; closed DMs are logged.
   */
  private async noticeOnce(submissionId: string): Promise<void> {
    const { services } = this.opts;
    const { db, config, logger } = services;
    try {
      const sub = await db.submission.findUnique({ where: { id: submissionId }, select: { source: true, lane: true, personId: true } });
      if (!sub || sub.source !== 'discord' || sub.lane !== 'fresh') return;
      const status = await submissionStatus(db, submissionId, { publicUrl: config.PUBLIC_URL, workers: config.WORKER_CONCURRENCY });
      if (!status || !settled(status)) return;
      const identity = await db.identity.findFirst({ where: { provider: 'discord', personId: sub.personId }, select: { externalId: true } });
      const client = this.client;
      if (!identity || !client || this.state !== 'running') return;
      if (!(await claimCompletionNotice(services, submissionId))) return;
      try {
        const dm = await client.users.createDM(identity.externalId);
        await dm.send({ content: completionNote(status), allowedMentions: { parse: [] } });
        logger.info({ submission: submissionId }, 'completion notice sent (no reply was following it)');
      } catch (err) {
        logger.warn({ submission: submissionId, err: (err as Error).message }, 'could not DM the completion notice');
      }
    } catch (err) {
      logger.warn({ submission: submissionId, err: (err as Error).message }, 'completion notice failed');
    }
  }

  /**
   * After (re)connecting: notices for Discord submissions that finished while the bot was away
   * (since its last heartbeat), then keep the heartbeat going. The first run has no heartbeat and
   * sends nothing (earlier submissions were told by their replies).
   */
  private async catchUp(): Promise<void> {
    const { redis, db, config, logger } = this.opts.services;
    const key = `${config.QUEUE_PREFIX}:discord:alive`;
    const last = Number(await redis.get(key).catch(() => null));
    await redis.set(key, String(Date.now())).catch(() => undefined);
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => void redis.set(key, String(Date.now())).catch(() => undefined), HEARTBEAT_MS);
    this.heartbeat.unref();
    if (!last) return;
    const missed = await db.submission.findMany({
      // startedAt: it entered the pipeline (a file rejected at upload was answered in the reply).
      where: { source: 'discord', lane: 'fresh', state: { in: ['done', 'rejected', 'failed'] }, finishedAt: { gte: new Date(last - 2 * HEARTBEAT_MS) }, startedAt: { not: null } },
      select: { id: true },
      take: 1000,
    });
    if (missed.length) logger.info({ count: missed.length }, 'catching up on completion notices');
    for (const m of missed) await this.noticeOnce(m.id);
  }

  /**
   * Log in and wait for READY. A rejected token is a configuration error and stops start-up; Discord
   * being unreachable is not: grading and the web go on while the bot retries in the background.
   */
  private async connect(): Promise<void> {
    const { config, logger } = this.opts.services;
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: config.DISCORD_API_URL }, allowedMentions: { parse: ['users'] } });
    this.client = client;
    client.on(Events.InteractionCreate, (i) => {
      if (!i.isChatInputCommand()) return;
      const p = this.handle(i).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    });
    client.on(Events.Error, (err) => logger.warn({ err: err.message }, 'discord client error'));
    client.rest.on('rateLimited', (info) => logger.info({ route: info.route, retryAfter: info.retryAfter, global: info.global }, 'discord rate limit: waiting'));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    try {
      await client.login(config.DISCORD_TOKEN);
      await Promise.race([ready, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no READY from the gateway within ${this.readyTimeoutMs} ms`)), this.readyTimeoutMs)))]);
    } catch (err) {
      await client.destroy().catch(() => undefined);
      if (this.client === client) this.client = null;
      if ((err as { code?: string }).code === 'TokenInvalid') {
        this.state = 'failed';
        await this.events?.close();
        this.events = null;
        throw new Error('Discord rejected DISCORD_TOKEN (401): check the bot token in the developer portal');
      }
      if (this.state === 'stopping' || this.state === 'stopped') return;
      this.state = 'reconnecting';
      logger.warn({ err: (err as Error).message, retryInMs: this.retryMs }, 'cannot reach Discord; the bot retries in the background');
      this.retry = setTimeout(() => void this.connect().catch((e: unknown) => logger.error({ err: (e as Error).message }, 'Discord bot stopped')), this.retryMs);
      this.retry.unref();
      return;
    } finally {
      clearTimeout(timer);
    }
    if (this.state === 'stopping' || this.state === 'stopped') {
      // stop() ran while this attempt was connecting.
      await client.destroy();
      return;
    }
    this.state = 'running';
    logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size, commands: this.byName.size }, 'Discord bot connected');
    void this.catchUp().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'completion-notice catch-up failed'));
  }

  async stop(): Promise<void> {
    if (this.state !== 'failed') this.state = 'stopping';
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    // Replies that follow a submission stop updating; the learner can ask /status later.
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
    for (const set of this.watchers.values()) set.clear();
    this.watchers.clear();
    await this.client?.destroy();
    this.client = null;
    await this.events?.close();
    this.events = null;
    if (this.state !== 'failed') this.state = 'stopped';
  }

  health(): ComponentHealth {
    const ws = this.client?.ws;
    return { ok: this.state === 'running' && ws?.status === Status.Ready, state: this.state, pingMs: ws?.ping ?? null, guilds: this.client?.guilds.cache.size ?? 0, handled: this.handled, inFlight: this.inFlight.size };
  }

  private isOrganizer(i: ChatInputCommandInteraction): boolean {
    const m = i.member;
    if (!m || !this.organizerRoles.size) return false;
    const roles: string[] = m instanceof GuildMember ? [...m.roles.cache.keys()] : Array.isArray(m.roles) ? m.roles : [];
    return roles.some((r) => this.organizerRoles.has(r));
  }

  private async handle(i: ChatInputCommandInteraction): Promise<void> {
    const { services } = this.opts;
    const log = services.logger.child({ interaction: i.id, command: i.commandName, user: i.user.id });
    this.handled++;
    const cmd = this.byName.get(i.commandName);
    const organizer = this.isOrganizer(i);
    // Refusals answer at once (no deferral needed: nothing slow runs).
    const refuse = (content: string) => i.reply({ content, flags: MessageFlags.Ephemeral }).then(() => undefined, (err: unknown) => log.warn({ err: (err as Error).message }, 'could not answer'));
    if (!cmd) return refuse(`Unknown command /${i.commandName}; the bot may be newer or older than the registered commands.`);
    if (cmd.organizerOnly && !organizer) {
      log.info('organizer command refused to a non-organizer');
      return refuse('🚫 This command is for organizers only.');
    }
    const cooldown = (cmd.cooldownMs ?? 0) * (this.opts.cooldownScale ?? 1);
    const key = `${i.commandName}:${i.user.id}`;
    const until = this.cooldowns.get(key) ?? 0;
    if (cooldown > 0 && Date.now() < until) return refuse(`⏳ Slow down: you can use /${i.commandName} again in ${Math.ceil((until - Date.now()) / 1000)} s.`);
    if (cooldown > 0) {
      // Forget expired entries now and then, so a busy server's map stays small.
      if (this.cooldowns.size > 5000) for (const [k, t] of this.cooldowns) if (t < Date.now()) this.cooldowns.delete(k);
      this.cooldowns.set(key, Date.now() + cooldown);
    }

    try {
      await i.deferReply(cmd.ephemeral === false ? {} : { flags: MessageFlags.Ephemeral });
    } catch (err) {
      // Too late (the 3 s window passed) or already answered: nothing can be sent on this interaction.
      log.warn({ err: (err as Error).message }, 'could not acknowledge the interaction');
      return;
    }
    const limit = Math.min(i.attachmentSizeLimit || DEFAULT_ATTACHMENT_LIMIT, services.config.MAX_UPLOAD_BYTES);
    const reply = this.responder(i);
    const ctx: CommandContext = {
      services,
      logger: log,
      user: userOf(i.user),
      organizer,
      options: this.options(i, limit),
      reply,
      attachmentLimitBytes: limit,
      replyEditableMs: this.opts.replyEditableMs ?? REPLY_EDITABLE_MS,
      person: async () => {
        const p = await linkedPerson(services.db, 'discord', userOf(i.user));
        // The Discord role is the organizer's credential here; the pipeline checks the Person's role.
        if (organizer) await grantRole(services.db, p.id, 'organizer');
        return p;
      },
      personFor: (u) => linkedPerson(services.db, 'discord', u),
      watch: (id, fn) => {
        let set = this.watchers.get(id);
        if (!set) this.watchers.set(id, (set = new Set()));
        set.add(fn);
        return () => {
          set.delete(fn);
          if (!set.size) this.watchers.delete(id);
        };
      },
    };
    try {
      await cmd.execute(ctx);
    } catch (err) {
      // A command's own refusal, or the domain's (arena/errors.ts): the person can fix it.
      const known = err instanceof UserFacingError ? err.message : domainRefusal(err)?.message;
      let text: string;
      if (known !== undefined) {
        text = `❌ ${known}`;
      } else {
        const code = randomBytes(4).toString('hex');
        log.error({ err, code }, 'command failed');
        text = `⚠️ Something went wrong on our side (error ${code}). Try again in a minute; if it keeps happening, tell an organizer this code.`;
      }
      await reply.edit(text).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not report the error'));
    }
  }

  private options(i: ChatInputCommandInteraction, limit: number): CommandOptions {
    const o = i.options;
    const files = new Map<string, AttachmentRef>();
    const { config } = this.opts.services;
    // Start every attachment download now: the signed URL is freshest at this moment.
    const walk = (list: readonly CommandInteractionOption[]) => {
      for (const opt of list) {
        if (opt.options) walk(opt.options);
        const a = opt.attachment;
        if (!a) continue;
        let started: Promise<Uint8Array> | null = null;
        const download = () =>
          (started ??= a.size > limit ? Promise.reject(new UserFacingError('the file is over the size limit')) : downloadAttachment({ url: a.url, maxBytes: limit, apiUrl: config.DISCORD_API_URL, rest: i.client.rest }));
        if (a.size <= limit) download().catch(() => undefined);
        files.set(opt.name, { fileName: a.name, size: a.size, contentType: a.contentType, download });
      }
    };
    walk(o.data);
    return {
      subcommand: () => o.getSubcommand(false),
      string: (n) => o.getString(n),
      integer: (n) => o.getInteger(n),
      boolean: (n) => o.getBoolean(n),
      user: (n) => {
        const u = o.getUser(n);
        return u ? userOf(u) : null;
      },
      attachment: (n) => files.get(n) ?? null,
    };
  }

  private responder(i: ChatInputCommandInteraction): Responder {
    // Coalesce edits: while one is in flight only the newest waiting text is sent next.
    let inFlight: Promise<void> | null = null;
    let wanted: string | null = null;
    let waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
    const pump = async (): Promise<void> => {
      while (wanted !== null) {
        const content = wanted;
        const settle = waiting;
        wanted = null;
        waiting = [];
        try {
          await i.editReply({ content, allowedMentions: { parse: [] } });
          for (const w of settle) w.resolve();
        } catch (err) {
          for (const w of settle) w.reject(err);
        }
      }
      inFlight = null;
    };
    return {
      edit: (content) =>
        new Promise<void>((resolve, reject) => {
          wanted = clip(content);
          waiting.push({ resolve, reject });
          inFlight ??= pump();
        }),
      followUp: async (content, opts) => {
        await i.followUp({ content: clip(content), ...(opts?.public ? {} : { flags: MessageFlags.Ephemeral }) });
      },
      announce: async (content) => {
        await i.client.rest.post(Routes.channelMessages(i.channelId), { body: { content: clip(content), allowed_mentions: { parse: ['users'] } } });
      },
      dm: async (content) => {
        try {
          const ch = await i.client.users.createDM(i.user.id);
          await ch.send({ content: clip(content) });
          return true;
        } catch {
          return false;
        }
      },
    };
  }
}

function userOf(u: { id: string; username: string; globalName: string | null }): CommandUser {
  return { id: u.id, name: u.username, displayName: u.globalName ?? u.username };
}
