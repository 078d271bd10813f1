/**
 * Exclusive board leases in Redis with a TTL and fencing tokens. A lease is `SET key token NX PX ttl`;
 * the token carries a per-board counter (INCR), so a holder that stalled past its TTL and lost the
 * board can be told apart from the new holder: renewals and database writes check the token.
 */
import type { Redis } from 'ioredis';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface Lease {
  boardId: string;
  /** `<holder>#<fence>`; stored as Board.leasedBy. */
  token: string;
  fence: number;
  expiresAt: Date;
}

export class LeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(boardId: string): string {
    return `${this.prefix}:rack:lease:${boardId}`;
  }

  /** Take the board if free; null when someone else holds it. */
  async acquire(boardId: string, holder: string, ttlMs: number): Promise<Lease | null> {
    if (await this.redis.exists(this.key(boardId))) return null;
    const fence = await this.redis.incr(`${this.prefix}:rack:fence:${boardId}`);
    const token = `${holder}#${fence}`;
    const ok = await this.redis.set(this.key(boardId), token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? { boardId, token, fence, expiresAt: new Date(Date.now() + ttlMs) } : null;
  }

  /** Extend; false when the lease was lost (expired and maybe taken by another holder). */
  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const ok = (await this.redis.eval(RENEW, 1, this.key(lease.boardId), lease.token, String(ttlMs))) === 1;
    if (ok) lease.expiresAt = new Date(Date.now() + ttlMs);
    return ok;
  }

  async release(lease: Lease): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(lease.boardId), lease.token);
  }

  /** The current holder's token, if any. */
  async holder(boardId: string): Promise<string | null> {
    return this.redis.get(this.key(boardId));
  }
}
