/**
 * Transport-agnostic command definitions → Discord's application-command JSON (type 1, chat input).
 * Organizer commands get `default_member_permissions` (Manage Server) so most members do not even see
 * them; the bot still checks the organizer roles at run time, since server admins can change that.
 */
import type { Command, DefinitionContext, OptionDefinition } from '../commands/types.js';

const TYPE = { string: 3, integer: 4, boolean: 5, user: 6, attachment: 11 } as const;
const MANAGE_GUILD = '32';

function option(o: OptionDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { type: TYPE[o.type], name: o.name, description: o.description, required: o.required ?? false };
  if (o.type === 'string') {
    if (o.choices) out.choices = o.choices;
    if (o.maxLength) out.max_length = o.maxLength;
  }
  if (o.type === 'integer') {
    if (o.min !== undefined) out.min_value = o.min;
    if (o.max !== undefined) out.max_value = o.max;
  }
  return out;
}

// Discord requires required options before optional ones.
const options = (list: OptionDefinition[] = []) => [...list].sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false)).map(option);

export function toDiscordCommand(c: Command, ctx: DefinitionContext): Record<string, unknown> {
  const def = typeof c.definition === 'function' ? c.definition(ctx) : c.definition;
  return {
    type: 1,
    name: def.name,
    description: def.description,
    // Guild channels only (interaction context 0): submissions and admin belong to the course server.
    contexts: [0],
    ...(c.organizerOnly ? { default_member_permissions: MANAGE_GUILD } : {}),
    options: def.subcommands ? def.subcommands.map((s) => ({ type: 1, name: s.name, description: s.description, options: options(s.options) })) : options(def.options),
  };
}
