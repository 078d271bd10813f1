import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Component, ComponentHealth } from '../core/component.js';
import { removeWebEndpoint, writeWebEndpoint } from '../core/web-endpoint.js';
import { buildApp } from './app.js';
import type { WebContext } from './context.js';

/** The HTTP server as a process component. */
export class WebServer implements Component {
  readonly name = 'web';
  private server: Server | undefined;
  private state = 'idle';
  private onClose: (() => Promise<void>)[] = [];

  constructor(private readonly ctx: WebContext) {}

  /** The bound port (useful with PORT=0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async start(): Promise<void> {
    const { config, logger } = this.ctx.services;
    const app = buildApp(this.ctx);
    this.onClose = (app.locals as { onClose?: (() => Promise<void>)[] }).onClose ?? [];
    const server = createServer(app);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`PORT ${config.PORT} on ${config.HOST} is already in use; set PORT to a free port`) : err),
      );
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    this.state = 'running';
    // CLI commands on this machine link to this server's pages (PUBLIC_URL follows its PORT).
    await writeWebEndpoint(config.DATA_DIR, { publicUrl: config.PUBLIC_URL, pid: process.pid }).catch((err: Error) => logger.warn({ err: err.message }, 'could not write web.json'));
    logger.info({ url: `http://${config.HOST}:${this.port}` }, 'web listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.state = 'stopping';
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Requests still open after a few seconds are cut; workers, not requests, hold long work.
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    });
    for (const fn of this.onClose) await fn().catch(() => undefined);
    await removeWebEndpoint(this.ctx.services.config.DATA_DIR, process.pid);
    this.state = 'stopped';
  }

  health(): ComponentHealth {
    return { ok: this.state === 'running', state: this.state, port: this.port };
  }
}
