import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

interface Counter {
  hits: number;
  /** End of the current window (ms since epoch). */
  resetsAt: number;
  /** End of the block that the last overrun started. */
  blockedUntil: number;
}

/**
 * In-process rate-limit counters with exactly the semantics of the Redis store's script (one
 * fixed window per key and limit, a block of `blockDuration` once the count passes the limit,
 * a fresh window when the block ends), so limits behave the same whether or not Redis is there.
 *
 * O(1) per request. @nestjs/throttler's own memory store keeps every hit's timestamp and filters
 * that list on each request: with a tenant budget of thousands per window that is thousands of
 * elements copied per request, which the profile showed as one of the largest costs of a read.
 */
export class FixedWindowMemoryStorage implements ThrottlerStorage {
  private readonly counters = new Map<string, Counter>();
  private nextSweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    this.sweep(now, ttl);
    const id = `${key}:${throttlerName}`;
    let c = this.counters.get(id);
    if (!c) {
      c = { hits: 0, resetsAt: now + ttl, blockedUntil: 0 };
      this.counters.set(id, c);
    } else if (c.resetsAt <= now) {
      c.hits = 0;
      c.resetsAt = now + ttl;
    }
    c.hits++;
    // From here on, line for line what the Redis store's script does with its block key.
    let isBlocked = c.blockedUntil > now;
    let blockLeft = isBlocked ? c.blockedUntil - now : 0;
    if (!isBlocked && c.hits > limit) {
      c.blockedUntil = now + blockDuration;
      isBlocked = true;
      blockLeft = blockDuration;
    }
    if (isBlocked && blockLeft <= 0) {
      c.blockedUntil = 0;
      c.hits = 1;
      c.resetsAt = now + ttl;
      isBlocked = false;
    }
    return {
      totalHits: c.hits,
      timeToExpire: Math.ceil((c.resetsAt - now) / 1000),
      isBlocked,
      timeToBlockExpire: Math.ceil(blockLeft / 1000),
    };
  }

  /** How many keys are held (for tests). */
  get size(): number {
    return this.counters.size;
  }

  /** Forgets counters whose window and block are over, at most once per window. */
  private sweep(now: number, ttl: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + ttl;
    for (const [id, c] of this.counters) {
      if (c.resetsAt <= now && c.blockedUntil <= now) this.counters.delete(id);
    }
  }
}
