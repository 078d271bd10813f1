/**
 * "Sign in with Discord" (OAuth2 authorization-code flow) for organizers, moderators and learners:
 *   GET /auth/discord            → Discord's consent page, with a per-session `state`
 *   GET /auth/discord/callback   → code exchanged for a token, the Discord user (and, with
 *                                  DISCORD_GUILD_ID, their roles there) read, linked to a person
 * Organizer rights follow DISCORD_ORGANIZER_ROLE_IDS at every sign-in (granted and withdrawn, audited).
 * Needs DISCORD_APPLICATION_ID and DISCORD_CLIENT_SECRET; DISCORD_API_URL points tests at a fake.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { audit } from '../../arena/admin.js';
import { grantRole, isOrganizer, normaliseHandle } from '../../arena/people.js';
import type { Services } from '../../core/services.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';


interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
}

/** Find the person linked to this Discord account, or create one with a free handle. */
async function personForDiscord(services: Services, user: DiscordUser) {
  const { db } = services;
  const linked = await db.identity.findUnique({ where: { provider_externalId: { provider: 'discord', externalId: user.id } }, include: { person: true } });
  if (linked) {
    if (linked.username !== user.username) await db.identity.update({ where: { id: linked.id }, data: { username: user.username } });
    return linked.person;
  }
  let base: string;
  try {
    base = normaliseHandle(user.username);
  } catch {
    base = `discord-${user.id.slice(-8)}`;
  }
  for (let i = 0; ; i++) {
    const handle = i === 0 ? base : `${base.slice(0, 34)}-${i + 1}`;
    if (await db.person.findUnique({ where: { handle } })) continue;
    return db.person.create({
      data: {
        handle,
        displayName: user.global_name ?? user.username,
        roles: { create: [{ role: 'learner' }] },
        identities: { create: [{ provider: 'discord', externalId: user.id, username: user.username }] },
      },
    });
  }
}

const fail = (res: Response, status: number, message: string) =>
  res.status(status).type('html').send(page('Sign-in failed', `<h1>Sign-in failed</h1><p role="alert">${escapeHtml(message)}</p><p><a href="/login">Try again</a></p>`));

export function discordOAuthRoutes(ctx: WebContext): Router {
  const router = Router();
  const { config } = ctx.services;
  const enabled = () => Boolean(config.DISCORD_APPLICATION_ID && config.DISCORD_CLIENT_SECRET);
  const clientId = () => (config.DISCORD_APPLICATION_ID ?? '').split(',')[0]!.trim();
  const redirectUri = () => `${config.PUBLIC_URL}/auth/discord/callback`;

  router.get('/auth/discord', (req: Request, res: Response) => {
    if (!enabled()) return fail(res, 404, 'Discord sign-in is not configured on this server.');
    const state = randomBytes(18).toString('base64url');
    req.session.oauthState = state;
    const scope = config.DISCORD_GUILD_ID ? 'identify guilds.members.read' : 'identify';
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId(), scope, state, redirect_uri: redirectUri(), prompt: 'none' });
    req.session.save(() => res.redirect(302, `${config.DISCORD_API_URL}/oauth2/authorize?${q.toString()}`));
  });

  router.get('/auth/discord/callback', async (req: Request, res: Response) => {
    if (!enabled()) return fail(res, 404, 'Discord sign-in is not configured on this server.');
    const { code, state, error } = req.query as Record<string, string | undefined>;
    if (error) return fail(res, 400, `Discord said: ${error}`);
    const want = req.session.oauthState ?? '';
    delete req.session.oauthState;
    if (!code || !state || state.length !== want.length || !timingSafeEqual(Buffer.from(state), Buffer.from(want))) {
      return fail(res, 400, 'This sign-in link is stale or did not start here (state mismatch).');
    }
    const api = config.DISCORD_API_URL;
    const basic = Buffer.from(`${clientId()}:${config.DISCORD_CLIENT_SECRET!}`).toString('base64');
    const tokenRes = await fetch(`${api}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri() }).toString(),
    });
    if (!tokenRes.ok) return fail(res, 502, `Discord refused the sign-in code (${tokenRes.status}).`);
    const { access_token: accessToken } = (await tokenRes.json()) as { access_token?: string };
    if (!accessToken) return fail(res, 502, 'Discord sent no access token.');
    const bearer = { authorization: `Bearer ${accessToken}` };
    const userRes = await fetch(`${api}/users/@me`, { headers: bearer });
    if (!userRes.ok) return fail(res, 502, `Discord did not say who you are (${userRes.status}).`);
    const user = (await userRes.json()) as DiscordUser;
    const person = await personForDiscord(ctx.services, user);

    // Organizer rights come from the guild's roles, checked at every sign-in.
    const orgRoles = config.discordOrganizerRoleIds;
    const guild = config.discordGuildIds[0];
    if (guild && orgRoles.length) {
      const memberRes = await fetch(`${api}/users/@me/guilds/${guild}/member`, { headers: bearer });
      const roles = memberRes.ok ? ((await memberRes.json()) as { roles?: string[] }).roles ?? [] : [];
      const isOrg = roles.some((r) => orgRoles.includes(r));
      const had = (await ctx.services.db.personRole.findUnique({ where: { personId_role: { personId: person.id, role: 'organizer' } } })) !== null;
      if (isOrg && !had) {
        await grantRole(ctx.services.db, person.id, 'organizer');
        await audit(ctx.services.db, { actorId: null, reason: 'holds an organizer role on Discord' }, 'person.role-grant', { type: 'person', id: person.id }, null, { role: 'organizer', via: 'discord' });
      } else if (!isOrg && had) {
        await ctx.services.db.personRole.delete({ where: { personId_role: { personId: person.id, role: 'organizer' } } });
        await audit(ctx.services.db, { actorId: null, reason: 'no longer holds an organizer role on Discord' }, 'person.role-revoke', { type: 'person', id: person.id }, { role: 'organizer' }, null);
      }
    }
    const landing = (await isOrganizer(ctx.services.db, person.id)) ? '/admin' : '/';
    req.session.regenerate((err) => {
      if (err) return fail(res, 500, 'could not start a session');
      req.session.personId = person.id;
      req.session.save(() => res.redirect(303, landing));
    });
  });
  return router;
}
