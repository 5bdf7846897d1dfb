import Redis from 'ioredis';
import request from 'supertest';
import { Role } from '@app/common';
import {
  closeAll,
  connectRealtime,
  nextEvent,
  request as ask,
  type RealtimeSocket,
} from '@app/testing/realtime-client';
import type { TenantFixture, TestApp } from '../support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './support/app-with-env';
import { until } from './support/load-loop';
import { startRedis, type ThrowawayRedis } from './support/redis-server';
import { percentile, pool } from './support/stats';

/**
 * Redis (shared rate-limit counters, the Socket.IO adapter) is killed while the API serves: HTTP
 * keeps answering (limits fall back to per-instance counting), sockets on the instance keep
 * receiving their company's events, and when Redis is back the counters are shared again.
 */
describe('Faults: Redis dies', () => {
  let redis: ThrowawayRedis;
  let probe: Redis;
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  const sockets: RealtimeSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    probe.on('error', () => undefined);
    support = await loadAppWithEnv({ REDIS_URL: redis.url });
    t = await support.startTestApp();
    tenant = await support.newTenant(t, 'rdown');
    company = await support.newCompany(tenant);
  });

  afterAll(async () => {
    closeAll(sockets);
    probe?.disconnect();
    await t?.close();
    await redis?.kill();
  });

  const rateLimitKeys = async (): Promise<number> => {
    if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
    return (await probe.keys('crm:rl:*')).length;
  };

  async function burst(n: number): Promise<Array<{ status: number; ms: number; limited: boolean }>> {
    const server = t.app.getHttpServer();
    return pool(
      Array.from({ length: n }, (_, i) => async () => {
        const started = Date.now();
        const res = await request(server)
          .get('/api/v1/companies')
          .set('Authorization', `Bearer ${tenant.token(Role.VIEWER, { user: `r-${i % 10}` })}`);
        return { status: res.status, ms: Date.now() - started, limited: res.headers['ratelimit-limit'] !== undefined };
      }),
      10,
    );
  }

  async function customerEventReaches(socket: RealtimeSocket): Promise<void> {
    const event = nextEvent<{ companyId: string }>(socket, 'customer.created', 5_000);
    await tenant.member
      .post('/api/v1/customers')
      .send({ companyId: company, name: `Live ${Date.now()}` })
      .expect(201);
    expect((await event).companyId).toBe(company);
  }

  it('keeps serving HTTP and local sockets while Redis is down, and shares counters again once it is back', async () => {
    // Up: the limits are counted in Redis.
    expect((await burst(20)).every((r) => r.status === 200)).toBe(true);
    expect(await rateLimitKeys()).toBeGreaterThan(0);
    const socket = await connectRealtime(t.url, tenant.token(Role.VIEWER));
    sockets.push(socket);
    expect(await ask(socket, 'subscribe', { companyId: company })).toMatchObject({ ok: true });

    await redis.kill();
    const down = await burst(200);
    const ms = down.map((r) => r.ms);
    console.log(
      `redis down: ${down.length} requests, ${down.filter((r) => r.status === 200).length} x 200, ` +
        `p50 ${percentile(ms, 50)} ms, max ${Math.max(...ms)} ms`,
    );
    expect(down.filter((r) => r.status !== 200)).toEqual([]);
    // Still limited, now per instance.
    expect(down.every((r) => r.limited)).toBe(true);
    await customerEventReaches(socket);

    await redis.restart();
    await until(
      'rate-limit counters back in Redis',
      async () => {
        await burst(5);
        return (await rateLimitKeys()) > 0;
      },
      20_000,
    );
    expect((await burst(20)).every((r) => r.status === 200)).toBe(true);
    await customerEventReaches(socket);
  });
});
