import request from 'supertest';
import { Role } from '@app/common';
import { platformToken, randomSlug, tokenFor } from '@app/testing';
import type { TestApp } from '../support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './support/app-with-env';
import { startRedis, type ThrowawayRedis } from './support/redis-server';
import { percentile, pool, timed } from './support/stats';

// Small limits and a long window, so nothing resets while a test counts.
const PER_USER = 5;
const PER_TENANT = 40;
const PER_IP = 3;

describe('Rate limiting per tenant, per user and per IP', () => {
  let support: TestAppSupport;
  let redis: ThrowawayRedis;
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    redis = await startRedis();
    support = await loadAppWithEnv({
      RATE_LIMIT_WINDOW_MS: '60000',
      RATE_LIMIT_PER_USER: String(PER_USER),
      RATE_LIMIT_PER_TENANT: String(PER_TENANT),
      RATE_LIMIT_PER_IP: String(PER_IP),
      REDIS_URL: redis.url,
    });
    // Two instances on one Redis, as behind a load balancer.
    t = await support.startTestApp();
    second = await support.startTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await second?.close();
    await redis?.kill();
  });

  /**
   * A fresh tenant per test, since limits are per tenant and per user; each provisioned by an
   * operator of its own, because one operator may create only PER_USER tenants per window.
   */
  const tenant = async (prefix: string) => {
    const slug = randomSlug(prefix);
    const operator = tokenFor({ roles: [Role.PLATFORM], user: `operator-${slug}` });
    await support.as(t, operator).post('/api/v1/tenants').send({ slug, name: slug }).expect(201);
    return { token: (role: Role, who: { user: string }) => tokenFor({ tenant: slug, roles: [role], user: who.user }) };
  };
  const companies = (app: TestApp, token: string) => support.as(app, token).get('/api/v1/companies');

  it('reports the tightest limit in RateLimit-* headers on every answer', async () => {
    const a = await tenant('rlh');
    const res = await companies(t, a.token(Role.VIEWER, { user: 'header-user' })).expect(200);
    expect(res.headers['ratelimit-limit']).toBe(String(PER_USER));
    expect(res.headers['ratelimit-remaining']).toBe(String(PER_USER - 1));
    expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
  });

  it('runs after authentication: a user is counted by user id, not by IP', async () => {
    // Were the limiter to run before the AuthGuard, it would see no user and use the IP limit (3).
    const a = await tenant('rlo');
    const token = a.token(Role.VIEWER, { user: 'order-user' });
    for (let i = 0; i < PER_USER; i++) await companies(t, token).expect(200);
    const res = await companies(t, token);
    support.expectProblem(res, 429, 'rate_limit.exceeded');
    expect(res.body.scope).toBe('user');
  });

  it('answers 429 problem+json with Retry-After and RateLimit-* headers, per user', async () => {
    const a = await tenant('rlu');
    const noisy = a.token(Role.VIEWER, { user: 'noisy' });
    for (let i = 0; i < PER_USER; i++) await companies(t, noisy).expect(200);
    const res = await companies(t, noisy);
    support.expectProblem(res, 429, 'rate_limit.exceeded');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(res.headers['ratelimit-limit']).toBe(String(PER_USER));
    expect(res.body).toMatchObject({ limit: PER_USER, windowSeconds: 60, retryAfter });
    // Another user of the same tenant still has a budget of their own.
    await companies(t, a.token(Role.VIEWER, { user: 'quiet' })).expect(200);
  });

  it('caps a tenant as a whole, whatever the number of its users', async () => {
    const a = await tenant('rlt');
    const users = Array.from({ length: Math.ceil(PER_TENANT / PER_USER) + 2 }, (_, i) =>
      a.token(Role.VIEWER, { user: `u${i}` }),
    );
    const statuses: number[] = [];
    for (const token of users) {
      for (let i = 0; i < PER_USER - 1; i++) statuses.push((await companies(t, token)).status);
    }
    const ok = statuses.filter((s) => s === 200).length;
    // Provisioning ran under a platform token, so the tenant's budget is whole here.
    expect(ok).toBe(PER_TENANT);
    expect(statuses.filter((s) => s === 429).length).toBe(statuses.length - PER_TENANT);
    const res = await companies(t, a.token(Role.VIEWER, { user: 'fresh-user' }));
    support.expectProblem(res, 429, 'rate_limit.exceeded');
    expect(res.body.scope).toBe('tenant');
  });

  it('counts each API key as its own user, whichever header carries it', async () => {
    const a = await tenant('rlk');
    const admin = a.token(Role.ADMIN, { user: 'key-admin' });
    const newKey = async (name: string) =>
      (
        await support
          .as(t, admin)
          .post('/api/v1/api-keys')
          .send({ name, roles: ['viewer'] })
          .expect(201)
      ).body.key as string;
    const [busy, idle] = [await newKey('busy'), await newKey('idle')];
    const viaHeader = (key: string) => request(t.app.getHttpServer()).get('/api/v1/companies').set('X-API-Key', key);
    for (let i = 0; i < PER_USER; i++) {
      await (i % 2 ? viaHeader(busy) : companies(t, busy)).expect(200);
    }
    for (const res of [await viaHeader(busy), await companies(t, busy)]) {
      support.expectProblem(res, 429, 'rate_limit.exceeded');
      expect(res.body.scope).toBe('user');
    }
    // Another key of the tenant, and the admin who made them, keep budgets of their own.
    await viaHeader(idle).expect(200);
    await companies(t, admin).expect(200);
  });

  it('limits hold across instances through Redis', async () => {
    const a = await tenant('rlr');
    const token = a.token(Role.VIEWER, { user: 'roaming' });
    const apps = [t, second];
    for (let i = 0; i < PER_USER; i++) await companies(apps[i % 2], token).expect(200);
    support.expectProblem(await companies(second, token), 429, 'rate_limit.exceeded');
    support.expectProblem(await companies(t, token), 429, 'rate_limit.exceeded');
  });

  it('limits requests without a token per IP on public routes', async () => {
    // A fresh instance without Redis, so the shared IP counter of the other tests does not interfere.
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP + 2; i++)
      statuses.push((await request(second.app.getHttpServer()).get('/health')).status);
    // The other instance shares the same Redis counter for this IP.
    const res = await request(t.app.getHttpServer()).get('/health');
    expect(statuses.slice(0, PER_IP)).toEqual(Array(PER_IP).fill(200));
    expect(statuses.slice(PER_IP)).toEqual([429, 429]);
    support.expectProblem(res, 429, 'rate_limit.exceeded');
    expect(res.body.scope).toBe('ip');
  });

  it('a platform operator is limited per user too', async () => {
    const op = tokenFor({ roles: [Role.PLATFORM], user: 'busy-operator' });
    for (let i = 0; i < PER_USER; i++) await support.as(t, op).get('/api/v1/tenants').expect(200);
    support.expectProblem(await support.as(t, op).get('/api/v1/tenants'), 429, 'rate_limit.exceeded');
    await support.as(t, platformToken()).get('/api/v1/tenants').expect(200);
  });

  it('one noisy tenant being throttled does not block or slow another', async () => {
    const noisy = await tenant('rln');
    const calm = await tenant('rlc');
    const calmUsers = Array.from({ length: 8 }, (_, i) => calm.token(Role.VIEWER, { user: `calm-${i}` }));
    const noisyUsers = Array.from({ length: 20 }, (_, i) => noisy.token(Role.VIEWER, { user: `noisy-${i}` }));

    // Baseline: the calm tenant alone (2 requests per user, within its limits).
    const baseline = await pool(
      calmUsers.map((tok) => () => timed(() => companies(t, tok))),
      4,
    );
    // The noisy tenant floods 400 requests, 40 at a time; the calm tenant works alongside.
    const flood = pool(
      Array.from({ length: 400 }, (_, i) => () => companies(t, noisyUsers[i % noisyUsers.length])),
      40,
    );
    const during = await pool(
      [...calmUsers, ...calmUsers].map((tok) => () => timed(() => companies(t, tok))),
      4,
    );
    const flooded = await flood;

    const noisy429 = flooded.filter((r) => r.status === 429).length;
    const noisy200 = flooded.filter((r) => r.status === 200).length;
    const calmStatuses = [...baseline, ...during].map((r) => r.value.status);
    const ms = (xs: Array<{ ms: number }>) => xs.map((x) => x.ms);
    console.log(
      `noisy tenant: ${noisy200} x 200, ${noisy429} x 429 of ${flooded.length}; ` +
        `calm tenant: ${calmStatuses.filter((s) => s === 200).length}/${calmStatuses.length} x 200, ` +
        `p50 ${percentile(ms(baseline), 50).toFixed(1)} ms alone vs ${percentile(ms(during), 50).toFixed(1)} ms during the flood ` +
        `(p95 ${percentile(ms(baseline), 95).toFixed(1)} vs ${percentile(ms(during), 95).toFixed(1)} ms)`,
    );
    expect(noisy200).toBe(PER_TENANT);
    expect(noisy429).toBe(400 - PER_TENANT);
    expect(calmStatuses).toEqual(Array(calmStatuses.length).fill(200));
  });
});
