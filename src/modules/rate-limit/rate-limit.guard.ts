import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_KEY } from '@app/auth';
import { DomainError, ErrorKind } from '@app/common';

/** What the AuthGuard leaves on the request once the token is verified. */
export type RateLimitedRequest = FastifyRequest & { tenantId?: string; userId?: string; [LOWEST]?: number };

const LOWEST = Symbol('rate-limit:lowest-remaining');

/**
 * @nestjs/throttler's guard, keyed on who calls rather than on the route: the counters of a user
 * and of a tenant span every route. It must run after the AuthGuard (it is registered in a module
 * imported after AuthModule, and global guards run in registration order): on a protected route
 * a request without `userId` means that order broke, and that fails loudly rather than silently
 * counting every tenant under one IP.
 *
 * Headers follow the IETF RateLimit fields (`RateLimit-Limit`, `-Remaining`, `-Reset` in seconds)
 * for the tightest of the limits that apply; a refused request gets 429 with `Retry-After`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<RateLimitedRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (!isPublic && req.userId === undefined) {
      throw new Error('RateLimitGuard ran before AuthGuard: import RateLimitModule after AuthModule');
    }
    return super.canActivate(context);
  }

  protected override async handleRequest({
    context,
    limit,
    ttl,
    throttler,
    blockDuration,
    getTracker,
    generateKey,
  }: ThrottlerRequest): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<RateLimitedRequest>();
    const res = http.getResponse<FastifyReply>();
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(req, context), name);
    const hit = await this.storageService.increment(key, ttl, limit, blockDuration, name);

    if (hit.isBlocked) {
      const retryAfter = Math.max(1, hit.timeToBlockExpire);
      res.header('Retry-After', String(retryAfter));
      this.setRateLimitHeaders(req, res, limit, 0, retryAfter, true);
      throw new DomainError(
        ErrorKind.TOO_MANY_REQUESTS,
        'rate_limit.exceeded',
        `Too many requests for this ${name}: at most ${limit} per ${Math.round(ttl / 1000)} s. Retry after ${retryAfter} s.`,
        { limit, windowSeconds: Math.round(ttl / 1000), retryAfter, scope: name },
      );
    }
    this.setRateLimitHeaders(req, res, limit, Math.max(0, limit - hit.totalHits), Math.max(0, hit.timeToExpire));
    return true;
  }

  /** Keeps the headers of whichever limit has the fewest requests left. */
  private setRateLimitHeaders(
    req: RateLimitedRequest,
    res: FastifyReply,
    limit: number,
    remaining: number,
    reset: number,
    force = false,
  ): void {
    const lowest = req[LOWEST];
    if (!force && lowest !== undefined && lowest <= remaining) return;
    req[LOWEST] = remaining;
    res.header('RateLimit-Limit', String(limit));
    res.header('RateLimit-Remaining', String(remaining));
    res.header('RateLimit-Reset', String(reset));
  }
}
