/**
 * The shape of a slash command, independent of Discord: a definition (name, options) that an adapter
 * registers, and an `execute` that talks only to {@link CommandContext}. The Discord adapter
 * (bot/discord/) defers the reply, checks organizer rights and cooldowns, downloads attachments and
 * turns every thrown error into an edited reply; a command only does its work and edits its reply.
 */
import type { Logger } from '../../core/logger.js';
import type { Services } from '../../core/services.js';
import type { ProgressEvent } from '../../arena/events.js';

/** An option as it is registered (mapped one to one onto Discord's option types). */
export type OptionDefinition =
  | { type: 'string'; name: string; description: string; required?: boolean; maxLength?: number; choices?: { name: string; value: string }[] }
  | { type: 'integer'; name: string; description: string; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; name: string; description: string; required?: boolean }
  | { type: 'user'; name: string; description: string; required?: boolean }
  | { type: 'attachment'; name: string; description: string; required?: boolean };

export interface SubcommandDefinition {
  name: string;
  description: string;
  options?: OptionDefinition[];
}

export interface CommandDefinition {
  name: string;
  description: string;
  /** Either options or subcommands, as Discord allows. */
  options?: OptionDefinition[];
  subcommands?: SubcommandDefinition[];
}

/** What a definition may depend on at registration time (the `challenge` choices). */
export interface DefinitionContext {
  challenges: { id: string; title: string }[];
}

export interface CommandUser {
  /** The transport's stable user id (a Discord snowflake). */
  id: string;
  /** Login name (used to derive a handle on first use). */
  name: string;
  displayName: string;
}

/** An uploaded file; `download` starts at most once (the adapter starts it as soon as it acknowledges). */
export interface AttachmentRef {
  fileName: string;
  size: number;
  contentType: string | null;
  download(): Promise<Uint8Array>;
}

export interface CommandOptions {
  subcommand(): string | null;
  string(name: string): string | null;
  integer(name: string): number | null;
  boolean(name: string): boolean | null;
  user(name: string): CommandUser | null;
  attachment(name: string): AttachmentRef | null;
}

/** The one reply of an interaction, plus the ways to reach people beyond it. */
export interface Responder {
  /** Replace the reply's text (at most 2000 characters; longer text is cut). */
  edit(content: string): Promise<void>;
  /** An extra message under the reply (ephemeral unless `public`). */
  followUp(content: string, opts?: { public?: boolean }): Promise<void>;
  /** A public message in the channel the command was used in. */
  announce(content: string): Promise<void>;
  /** A direct message to the user; false if they do not accept DMs. */
  dm(content: string): Promise<boolean>;
}

export interface CommandContext {
  services: Services;
  logger: Logger;
  user: CommandUser;
  /** True when the user holds one of the configured organizer roles (checked by the adapter at run time). */
  organizer: boolean;
  options: CommandOptions;
  reply: Responder;
  /** How long the reply can still be edited, from the start of the command (Discord: 15 minutes per interaction token). */
  replyEditableMs: number;
  /** Largest upload this interaction accepts (the platform's limit and MAX_UPLOAD_BYTES, whichever is smaller). */
  attachmentLimitBytes: number;
  /** The Person linked to this user (created and linked on first use). */
  person(): Promise<{ id: string; handle: string }>;
  /** The Person linked to another user of the same transport. */
  personFor(user: CommandUser): Promise<{ id: string; handle: string }>;
  /** Live progress events of one submission until the returned function is called. */
  watch(submissionId: string, onEvent: (ev: ProgressEvent) => void): () => void;
}

export interface Command {
  /** Static, or built from the current challenges when registering. */
  definition: CommandDefinition | ((ctx: DefinitionContext) => CommandDefinition);
  /** Refused to anyone without an organizer role, before `execute` runs. */
  organizerOnly?: boolean;
  /** Whether the reply is visible to the user only (default true). */
  ephemeral?: boolean;
  /** Minimum time between two uses by the same user. */
  cooldownMs?: number;
  execute(ctx: CommandContext): Promise<void>;
}

/** The registered name of a command. */
export function commandName(c: Command): string {
  return typeof c.definition === 'function' ? c.definition({ challenges: [] }).name : c.definition.name;
}

/** A refusal or mistake whose message is meant for the user as it is. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}
