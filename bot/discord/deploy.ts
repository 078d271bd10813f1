/**
 * Register the slash commands with Discord: per guild (instant; DISCORD_GUILD_ID) or globally (may take
 * up to an hour to show). A bulk overwrite, so commands removed from the list disappear too.
 * The `challenge` choices come from the challenges stored in the database, so deploy again after adding one.
 */
import { REST, Routes } from 'discord.js';
import type { Config } from '../../core/config.js';
import type { Db } from '../../core/db/client.js';
import { commands as allCommands } from '../commands/index.js';
import type { Command } from '../commands/types.js';
import { toDiscordCommand } from './definitions.js';

export interface DeployResult {
  scope: 'global' | 'guild';
  guildIds: string[];
  commands: string[];
}

const first = (list: string | undefined) => list?.split(',')[0]?.trim();

export async function deployCommands(config: Config, db: Db, opts: { global?: boolean; commands?: Command[] } = {}): Promise<DeployResult> {
  const token = config.DISCORD_TOKEN;
  const app = first(config.DISCORD_APPLICATION_ID);
  if (!token || !app) throw new Error('DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to register commands');
  const guildIds = config.discordGuildIds;
  if (!opts.global && !guildIds.length) throw new Error('DISCORD_GUILD_ID is not set: set it for guild registration, or deploy with --global');
  const challenges = await db.challenge.findMany({ select: { id: true, title: true }, orderBy: { id: 'asc' } });
  const body = (opts.commands ?? allCommands).map((c) => toDiscordCommand(c, { challenges }));
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(token);
  if (opts.global) {
    await rest.put(Routes.applicationCommands(app), { body });
  } else {
    for (const g of guildIds) await rest.put(Routes.applicationGuildCommands(app, g), { body });
  }
  return { scope: opts.global ? 'global' : 'guild', guildIds: opts.global ? [] : guildIds, commands: body.map((b) => String(b.name)) };
}
