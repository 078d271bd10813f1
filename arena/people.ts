/**
 * People as the pipeline needs them: find-or-create by handle (server-side CLI), API tokens (only a
 * sha256 of the secret is stored), roles, and the participant a submission counts for (their team in
 * that challenge, or themselves).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../core/db/client.js';
import { AuthError } from './errors.js';

export type RoleName = 'learner' | 'organizer' | 'moderator' | 'admin' | 'judge';

const HANDLE = /^[a-z0-9][a-z0-9_.-]{1,38}$/;

export function normaliseHandle(handle: string): string {
  const h = handle.trim().toLowerCase();
  if (!HANDLE.test(h)) throw new AuthError(`"${handle}" is not a valid handle (2–39 letters, digits, ".", "_" or "-", starting with a letter or digit)`);
  return h;
}

/** The person with this handle (case ignored), or null. */
export async function findPerson(db: Db, handle: string) {
  return db.person.findUnique({ where: { handle: handle.trim().toLowerCase() } });
}

export async function ensurePerson(db: Db, handle: string, displayName?: string) {
  const h = normaliseHandle(handle);
  const existing = await db.person.findUnique({ where: { handle: h } });
  if (existing) return existing;
  try {
    return await db.person.create({ data: { handle: h, displayName: displayName ?? h, roles: { create: [{ role: 'learner' }] } } });
  } catch (err) {
    // Created concurrently by someone else.
    const again = await db.person.findUnique({ where: { handle: h } });
    if (again) return again;
    throw err;
  }
}

export async function rolesOf(db: Db, personId: string): Promise<Set<RoleName>> {
  const rows = await db.personRole.findMany({ where: { personId }, select: { role: true } });
  return new Set(rows.map((r) => r.role));
}

export async function grantRole(db: Db, personId: string, role: RoleName): Promise<void> {
  await db.personRole.upsert({ where: { personId_role: { personId, role } }, create: { personId, role }, update: {} });
}

export async function isOrganizer(db: Db, personId: string): Promise<boolean> {
  const roles = await rolesOf(db, personId);
  return roles.has('organizer') || roles.has('admin');
}

const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Issue a token; the secret is returned once and never stored. */
export async function issueToken(db: Db, personId: string, label: string): Promise<{ id: string; secret: string }> {
  const secret = `ta_${randomBytes(24).toString('base64url')}`;
  const row = await db.apiToken.create({ data: { personId, label, tokenHash: hashToken(secret) } });
  return { id: row.id, secret };
}

/** A person by id (handle and display name), or null. */
export async function personById(db: Db, id: string) {
  return db.person.findUnique({ where: { id }, select: { id: true, handle: true, displayName: true } });
}

/** The person a bearer token belongs to. @throws AuthError for unknown or revoked tokens. */
export async function authenticate(db: Db, secret: string) {
  if (!secret.startsWith('ta_') || secret.length > 200) throw new AuthError('not a TinyArena API token');
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(secret) }, include: { person: true } });
  if (!row || row.revokedAt) throw new AuthError('unknown or revoked API token');
  // Best effort, at most once a minute per token: bookkeeping must not slow every request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  return row.person;
}

export interface Participant {
  key: string;
  personId: string;
  teamId: string | null;
}

export async function participantFor(db: Db, challengeId: string, personId: string): Promise<Participant> {
  const m = await db.teamMember.findUnique({ where: { challengeId_personId: { challengeId, personId } }, select: { teamId: true } });
  return m ? { key: `team:${m.teamId}`, personId, teamId: m.teamId } : { key: `person:${personId}`, personId, teamId: null };
}

export type ChatProvider = 'discord';

/** An account on a chat platform: its stable id, login name and display name. */
export interface ChatUser {
  id: string;
  name: string;
  displayName: string;
}

function handleCandidates(user: ChatUser): string[] {
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

/**
 * The Person linked to a chat or sign-in account (an Identity: provider + the platform's user id),
 * created with a handle derived from the user name on first use. A handle already taken by someone
 * else gets a suffix from the user id: a chat name never takes over another person's record.
 */
export async function linkedPerson(db: Db, provider: ChatProvider, user: ChatUser): Promise<{ id: string; handle: string }> {
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
