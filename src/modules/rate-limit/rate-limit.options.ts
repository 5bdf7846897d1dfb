import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import type { Settings } from '@app/common';
import type { RateLimitedRequest } from './rate-limit.guard';
import type { rateLimitSettings } from './rate-limit.settings';
import { ResilientThrottlerStorage } from './resilient-throttler.storage';

/** The three limits; each request is counted against those that apply to it. */
export enum RateLimitScope {
  /** All users of one tenant together. */
  TENANT = 'tenant',
  /** One user of one tenant, or one platform operator. */
  USER = 'user',
  /** One client address, for requests that carry no token (public routes). */
  IP = 'ip',
}

const requestOf = (ctx: ExecutionContext): RateLimitedRequest => ctx.switchToHttp().getRequest<RateLimitedRequest>();

type RateLimitConfig = Settings<typeof rateLimitSettings> & { REDIS_URL?: string };

/**
 * Throttler options from the validated config. Keys name the scope and the caller only (never the
 * route), so one budget covers all of a caller's requests; a tenant slug or user id cannot collide
 * with another scope's key because each key starts with its scope.
 */
export function rateLimitOptions(config: RateLimitConfig): ThrottlerModuleOptions {
  const ttl = config.RATE_LIMIT_WINDOW_MS;
  const scope = (
    name: RateLimitScope,
    limit: number,
    tracker: (req: RateLimitedRequest) => string | undefined,
  ): ThrottlerOptions => ({
    name,
    ttl,
    limit,
    skipIf: (ctx) => !config.RATE_LIMIT_ENABLED || tracker(requestOf(ctx)) === undefined,
    getTracker: (req) => tracker(req as RateLimitedRequest) ?? '',
  });
  return {
    storage: new ResilientThrottlerStorage(config.REDIS_URL),
    generateKey: (_ctx, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      scope(RateLimitScope.TENANT, config.RATE_LIMIT_PER_TENANT, (req) => req.tenantId),
      scope(RateLimitScope.USER, config.RATE_LIMIT_PER_USER, (req) =>
        req.userId === undefined ? undefined : `${req.tenantId ?? '@platform'}/${req.userId}`,
      ),
      scope(RateLimitScope.IP, config.RATE_LIMIT_PER_IP, (req) =>
        req.userId === undefined ? (req.ip ?? req.socket.remoteAddress ?? 'unknown') : undefined,
      ),
    ],
  };
}
