/**
 * The Discord bot on real services, connected to a fresh fake Discord: pipeline services (real Redis,
 * SQLite, the small KWS test challenge) configured with the fake's token, ids and REST URL, commands
 * registered in the fake guild, and optionally a WorkerPool grading for real.
 */
import { onTestFinished } from 'vitest';
import type { Services } from '../../core/services.js';
import { DiscordBot } from '../../bot/discord/bot.js';
import { deployCommands } from '../../bot/discord/deploy.js';
import { WorkerPool } from '../../worker/workers.js';
import { FakeDiscord } from '../fakes/fake-discord.js';
import { pipelineServices, type ChallengeOptions } from './pipeline.js';

export const ORGANIZER_ROLE = '500000000000000001';
export const learner = { id: '400000000000000001', username: 'ada', globalName: 'Ada L.' };
export const learner2 = { id: '400000000000000002', username: 'bob' };
export const organizer = { id: '400000000000000009', username: 'org' };

export interface BotSetup {
  fake: FakeDiscord;
  services: Services;
  bot: DiscordBot;
}

export async function discordBot(opts: { workers?: boolean; challenge?: ChallengeOptions; cooldownScale?: number; replyEditableMs?: number; env?: Record<string, string> } = {}): Promise<BotSetup> {
  const fake = new FakeDiscord({ roles: [{ id: ORGANIZER_ROLE, name: 'Organizers' }] });
  await fake.start();
  onTestFinished(() => fake.stop());
  const services = await pipelineServices({
    challenge: opts.challenge,
    env: {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_ORGANIZER_ROLE_IDS: ORGANIZER_ROLE,
      DISCORD_API_URL: fake.apiUrl,
      PUBLIC_URL: 'http://arena.test',
      ...opts.env,
    },
  });
  await deployCommands(services.config, services.db);
  const bot = new DiscordBot({ services, cooldownScale: opts.cooldownScale ?? 0, ...(opts.replyEditableMs ? { replyEditableMs: opts.replyEditableMs } : {}) });
  // Registered after the services' cleanup, so it runs before it (cleanups run in reverse).
  onTestFinished(() => bot.stop());
  await bot.start();
  if (opts.workers) {
    const pool = new WorkerPool(services);
    onTestFinished(() => pool.stop());
    await pool.start();
  }
  return { fake, services, bot };
}
