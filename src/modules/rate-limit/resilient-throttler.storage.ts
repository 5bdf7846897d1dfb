import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { FixedWindowMemoryStorage } from './fixed-window-memory.storage';

/** How long one counter update may wait for Redis before this instance counts on its own. */
const REDIS_COMMAND_TIMEOUT_MS = 250;
/** At most one "Redis is down" line per this interval, however many requests fail. */
const WARN_EVERY_MS = 30_000;

/**
 * Rate-limit counters in Redis when REDIS_URL is set, so limits hold across instances; in memory
 * otherwise. When Redis fails, requests are counted in memory per instance until it answers
 * again: limiting gets looser for a while, but the API keeps serving instead of failing or
 * waiting on a dead dependency.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly memory = new FixedWindowMemoryStorage();
  private readonly redis?: Redis;
  private readonly shared?: ThrottlerStorageRedisService;
  private lastWarnAt = 0;

  constructor(redisUrl: string | undefined, keyPrefix = 'crm:rl:') {
    if (!redisUrl) return;
    this.redis = new Redis(redisUrl, {
      keyPrefix,
      // Fail fast while disconnected instead of queueing: the memory fallback answers at once.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // ioredis reports connection loss as 'error' events; unhandled they would be printed raw.
    this.redis.on('error', (e: Error) => this.warn(e));
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  /** Whether counters are currently shared through Redis. */
  get usesRedis(): boolean {
    return this.redis?.status === 'ready';
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.shared && this.usesRedis) {
      try {
        return await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
      } catch (e) {
        this.warn(e);
      }
    }
    return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect(false);
  }

  private warn(e: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    const reason = e instanceof Error ? e.message : String(e);
    this.logger.warn(`Redis unavailable for rate limits (${reason}); counting per instance until it is back`);
  }
}
