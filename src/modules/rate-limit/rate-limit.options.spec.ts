import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import { rateLimitOptions, RateLimitScope } from './rate-limit.options';

const config = {
  RATE_LIMIT_ENABLED: true,
  RATE_LIMIT_WINDOW_MS: 10_000,
  RATE_LIMIT_PER_USER: 5,
  RATE_LIMIT_PER_TENANT: 20,
  RATE_LIMIT_PER_IP: 3,
  REDIS_URL: undefined,
};

type Req = { tenantId?: string; userId?: string; ip?: string; socket: { remoteAddress?: string } };

function contextFor(req: Req): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
}

/** The key each scope would count this request under, or undefined when the scope does not apply. */
async function keys(req: Req, cfg = config): Promise<Record<string, string | undefined>> {
  const opts = rateLimitOptions(cfg);
  if (Array.isArray(opts)) throw new Error('expected module options');
  const out: Record<string, string | undefined> = {};
  const ctx = contextFor(req);
  for (const t of opts.throttlers as ThrottlerOptions[]) {
    const name = t.name ?? 'default';
    out[name] = t.skipIf?.(ctx)
      ? undefined
      : opts.generateKey?.(ctx, await t.getTracker!(req as unknown as Record<string, unknown>, ctx), name);
  }
  return out;
}

describe(rateLimitOptions.name, () => {
  it('counts a tenant user per tenant and per user, never per IP', async () => {
    expect(await keys({ tenantId: 'acme', userId: 'u1', ip: '10.0.0.1', socket: {} })).toEqual({
      [RateLimitScope.TENANT]: 'tenant:acme',
      [RateLimitScope.USER]: 'user:acme/u1',
      [RateLimitScope.IP]: undefined,
    });
  });

  it('keeps the same user id of two tenants apart', async () => {
    const a = await keys({ tenantId: 'acme', userId: 'u1', socket: {} });
    const b = await keys({ tenantId: 'globex', userId: 'u1', socket: {} });
    expect(a[RateLimitScope.USER]).not.toBe(b[RateLimitScope.USER]);
  });

  it('counts a platform operator per user only', async () => {
    expect(await keys({ userId: 'op', ip: '10.0.0.1', socket: {} })).toEqual({
      [RateLimitScope.TENANT]: undefined,
      [RateLimitScope.USER]: 'user:@platform/op',
      [RateLimitScope.IP]: undefined,
    });
  });

  it('counts a request without a verified caller per IP only', async () => {
    expect(await keys({ ip: '10.0.0.1', socket: {} })).toEqual({
      [RateLimitScope.TENANT]: undefined,
      [RateLimitScope.USER]: undefined,
      [RateLimitScope.IP]: 'ip:10.0.0.1',
    });
  });

  it('counts nothing when disabled', async () => {
    expect(
      await keys({ tenantId: 'acme', userId: 'u1', socket: {} }, { ...config, RATE_LIMIT_ENABLED: false }),
    ).toEqual({
      [RateLimitScope.TENANT]: undefined,
      [RateLimitScope.USER]: undefined,
      [RateLimitScope.IP]: undefined,
    });
  });

  it('takes limits and the window from the config', () => {
    const opts = rateLimitOptions(config);
    if (Array.isArray(opts)) throw new Error('expected module options');
    expect(opts.throttlers.map((t) => [t.name, t.limit, t.ttl])).toEqual([
      [RateLimitScope.TENANT, 20, 10_000],
      [RateLimitScope.USER, 5, 10_000],
      [RateLimitScope.IP, 3, 10_000],
    ]);
  });
});
