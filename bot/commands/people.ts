/**
 * Chat users as People: an Identity (provider + the platform's user id) links a user to one Person,
 * created with a handle derived from their user name on first use. A handle already taken by
 * someone else gets a suffix from the user id: a chat name never takes over another person's record.
 */
import type { Db } from '../../core/db/client.js';
import type { CommandUser } from './types.js';

export type ChatProvider = 'discord';

function handleCandidates(user: CommandUser): string[] {
  const base = user.name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 30)
    .replace(/[-_.]+$/, '');
  const tail = user.id.slice(-6);
  const out = base.length >= 2 ? [base, `${base}-${tail}`] : [];
  return [...out, `${user.name ? 'user' : 'discord'}-${user.id}`.slice(0, 39)];
}

/** The Person linked to this chat user, created and linked on first use. */
export async function linkedPerson(db: Db, provider: ChatProvider, user: CommandUser): Promise<{ id: string; handle: string }> {
  const found = await db.identity.findUnique({ where: { provider_externalId: { provider, externalId: user.id } }, include: { person: { select: { id: true, handle: true } } } });
  if (found) {
    if (found.username !== user.name) await db.identity.update({ where: { id: found.id }, data: { username: user.name } }).catch(() => undefined);
    return found.person;
  }
  for (const handle of handleCandidates(user)) {
    if (await db.person.findUnique({ where: { handle }, select: { id: true } })) continue;
    try {
      return await db.person.create({
        data: { handle, displayName: user.displayName || user.name || handle, roles: { create: [{ role: 'learner' }] }, identities: { create: [{ provider, externalId: user.id, username: user.name }] } },
        select: { id: true, handle: true },
      });
    } catch (err) {
      // The same user in two commands at once, or the handle taken a moment ago: look again.
      const again = await db.identity.findUnique({ where: { provider_externalId: { provider, externalId: user.id } }, include: { person: { select: { id: true, handle: true } } } });
      if (again) return again.person;
      if ((err as { code?: string }).code !== 'P2002') throw err;
    }
  }
  throw new Error(`could not find a free handle for ${provider} user ${user.id}`);
}
