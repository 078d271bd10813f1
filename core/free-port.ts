/**
 * A free loopback TCP port for a server we start and may restart on the same port (a private
 * redis-server, a test's web process).
 *
 * Not from the kernel's ephemeral range (port 0 would give one): clients reconnecting in a loop to a
 * dead server on an ephemeral port can be handed that very port as their own source port and connect
 * to themselves (TCP simultaneous open), which then holds the port and the restarted server cannot
 * bind it. Ports below the range (Linux default 32768–60999) are never handed out that way.
 */
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_767;

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const got = (srv.address() as { port: number }).port;
      srv.close(() => resolve(got));
    });
  });
}

/** A port in 20000–32767 nothing listens on now (random, so parallel callers rarely collide). */
export async function freeLoopbackPort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    const got = await tryListen(port);
    if (got !== null) return got;
  }
  // Everything tried was taken: fall back to the kernel's choice.
  const got = await tryListen(0);
  if (got === null) throw new Error('no free loopback port');
  return got;
}
