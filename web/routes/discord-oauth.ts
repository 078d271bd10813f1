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
import { syncRole } from '../../arena/admin.js';
import { isOrganizer, linkedPerson } from '../../arena/people.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';


interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
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
    const person = await linkedPerson(ctx.services.db, 'discord', { id: user.id, name: user.username, displayName: user.global_name ?? user.username });

    // Organizer rights come from the guild's roles, checked at every sign-in.
    const orgRoles = config.discordOrganizerRoleIds;
    const guild = config.discordGuildIds[0];
    if (guild && orgRoles.length) {
      const memberRes = await fetch(`${api}/users/@me/guilds/${guild}/member`, { headers: bearer });
      const roles = memberRes.ok ? ((await memberRes.json()) as { roles?: string[] }).roles ?? [] : [];
      await syncRole(ctx.services.db, person.id, 'organizer', roles.some((r) => orgRoles.includes(r)), 'Discord');
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
