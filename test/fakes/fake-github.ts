/**
 * A fake GitHub REST API for octokit, speaking the real routes, status codes and headers for what
 * TinyArena uses: repository contents (get / create-or-update with the sha rule) and issues.
 * Token-checked, with rate-limit headers on every answer.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGithubFile {
  sha: string;
  text: string;
}

export class FakeGithub {
  readonly files = new Map<string, FakeGithubFile>();
  readonly commits: { repo: string; path: string; message: string; sha: string }[] = [];
  readonly requests: { method: string; path: string }[] = [];
  private remaining = 5000;
  private server: Server | undefined;

  constructor(
    readonly token: string,
    readonly repos: string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    this.remaining = Math.max(0, this.remaining - 1);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(this.remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
    });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname });
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) return this.send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname);
    if (m) {
      const repo = `${m[1]}/${m[2]}`;
      if (!this.repos.includes(repo)) return this.send(res, 404, { message: 'Not Found', status: '404' });
      const path = decodeURIComponent(m[3]!);
      const key = `${repo}/${path}`;
      const existing = this.files.get(key);
      if (req.method === 'GET') {
        if (!existing) return this.send(res, 404, { message: 'Not Found', status: '404' });
        const b64 = Buffer.from(existing.text).toString('base64').replace(/(.{60})/g, '$1\n');
        return this.send(res, 200, { type: 'file', encoding: 'base64', size: existing.text.length, name: path.split('/').pop(), path, content: b64, sha: existing.sha });
      }
      if (req.method === 'PUT') {
        if (typeof body.message !== 'string' || typeof body.content !== 'string') return this.send(res, 422, { message: 'Invalid request.', status: '422' });
        if (existing && body.sha === undefined) return this.send(res, 422, { message: 'Invalid request.\n\n"sha" wasn\'t supplied.', status: '422' });
        if (existing && body.sha !== existing.sha) return this.send(res, 409, { message: `${path} does not match ${String(body.sha)}`, status: '409' });
        const text = Buffer.from(body.content, 'base64').toString('utf8');
        const sha = createHash('sha1').update(`blob ${text.length}\0${text}`).digest('hex');
        const commit = createHash('sha1').update(`${key}${this.commits.length}`).digest('hex');
        this.files.set(key, { sha, text });
        this.commits.push({ repo, path, message: body.message, sha: commit });
        return this.send(res, existing ? 200 : 201, { content: { name: path.split('/').pop(), path, sha }, commit: { sha: commit, message: body.message } });
      }
    }
    this.send(res, 404, { message: 'Not Found', status: '404' });
  }
}
