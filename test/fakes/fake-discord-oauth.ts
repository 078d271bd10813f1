/**
 * Discord's OAuth2 endpoints as a fake: an authorize page that consents at once for the user the test
 * chose, the token exchange (client credentials by HTTP Basic, single-use codes bound to their
 * redirect_uri), /users/@me and the guild-member route with role ids.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOAuthUser {
  id: string;
  username: string;
  global_name?: string;
  /** Role ids in the guild (absent: not a member). */
  roles?: string[];
}

export class FakeDiscordOAuth {
  /** The user who "clicks Authorize" next. */
  nextUser: FakeOAuthUser | null = null;
  private readonly codes = new Map<string, { user: FakeOAuthUser; redirectUri: string }>();
  private readonly tokens = new Map<string, FakeOAuthUser>();
  private server: Server | undefined;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    readonly guildId: string,
  ) {}

  /** The DISCORD_API_URL to configure. */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    if (req.method === 'GET' && url.pathname === '/api/oauth2/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== this.clientId || q.get('response_type') !== 'code') return this.json(res, 400, { error: 'invalid_request' });
      const target = new URL(q.get('redirect_uri') ?? '');
      if (!this.nextUser) {
        target.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(8).toString('hex');
        this.codes.set(code, { user: this.nextUser, redirectUri: q.get('redirect_uri')! });
        target.searchParams.set('code', code);
      }
      target.searchParams.set('state', q.get('state') ?? '');
      return void res.writeHead(302, { location: target.toString() }).end();
    }
    if (req.method === 'POST' && url.pathname === '/api/oauth2/token') {
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (basic !== `${this.clientId}:${this.clientSecret}`) return this.json(res, 401, { error: 'invalid_client' });
      const grant = this.codes.get(body.get('code') ?? '');
      this.codes.delete(body.get('code') ?? '');
      if (body.get('grant_type') !== 'authorization_code' || !grant || grant.redirectUri !== body.get('redirect_uri')) return this.json(res, 400, { error: 'invalid_grant' });
      const token = randomBytes(12).toString('hex');
      this.tokens.set(token, grant.user);
      return this.json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 604800, scope: 'identify guilds.members.read' });
    }
    const user = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return this.json(res, 401, { message: '401: Unauthorized', code: 0 });
    if (url.pathname === '/api/users/@me') return this.json(res, 200, { id: user.id, username: user.username, global_name: user.global_name ?? null, discriminator: '0' });
    if (url.pathname === `/api/users/@me/guilds/${this.guildId}/member`) {
      return user.roles ? this.json(res, 200, { roles: user.roles, user: { id: user.id } }) : this.json(res, 404, { message: 'Unknown Guild', code: 10004 });
    }
    this.json(res, 404, { message: '404: Not Found', code: 0 });
  }
}
