import request from 'supertest';
import { Role } from '@app/common';
import {
  closeAll,
  connectRealtime,
  RealtimeSocket,
  recordEvents,
  request as ask,
  waitFor,
} from '@app/testing/realtime-client';
import type { RealtimeIoAdapter } from '../src/modules/realtime/realtime-io.adapter';
import { emitCustomerEvent } from './support/realtime-events';
import type { TestApp, TenantFixture } from './support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import { startRedis, type ThrowawayRedis } from './security/support/redis-server';

interface Payload {
  customerId: string;
}

/**
 * Redis is optional at run time: the instances start while it is unreachable, keep serving HTTP
 * and their own sockets, pick it up when it appears, and survive it dying again.
 */
describe('Realtime without Redis', () => {
  let redis: ThrowawayRedis;
  let support: TestAppSupport;
  let one: TestApp;
  let two: TestApp;
  let adapters: RealtimeIoAdapter[];
  let tenant: TenantFixture;
  let company: string;
  const sockets: RealtimeSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    await redis.kill(); // REDIS_URL now names a closed port
    support = await loadAppWithEnv({ REDIS_URL: redis.url });
    [one, two] = [await support.startTestApp(), await support.startTestApp()];
    const { realtimeAdapterOf } = await import('../src/modules/realtime/realtime-io.adapter');
    adapters = [one, two].map((t) => realtimeAdapterOf(t.app) as RealtimeIoAdapter);
    tenant = await support.newTenant(one, 'rtd');
    company = await support.newCompany(tenant);
  });
  afterEach(() => closeAll(sockets.splice(0)));
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await redis?.kill();
  });

  async function subscribed(app: TestApp): Promise<RealtimeSocket> {
    const socket = await connectRealtime(app.url, tenant.token(Role.VIEWER));
    sockets.push(socket);
    expect(await ask(socket, 'subscribe', { companyId: company })).toMatchObject({ ok: true });
    return socket;
  }

  const emitOn = (app: TestApp): string => emitCustomerEvent(app.app, tenant.slug, company).customerId;

  /** The API answers and a socket on `app` gets an event emitted on `app`. */
  async function expectLocalServiceWorks(app: TestApp): Promise<void> {
    await request(app.app.getHttpServer()).get('/health').expect(200);
    await support.as(app, tenant.token(Role.VIEWER)).get('/api/v1/companies').expect(200);
    const socket = await subscribed(app);
    const received = recordEvents<Payload>(socket);
    const customerId = emitOn(app);
    await waitFor(() => received.length === 1);
    expect(received[0].data.customerId).toBe(customerId);
  }

  it('starts, serves HTTP and delivers to its own sockets while Redis is unreachable', async () => {
    expect(adapters.map((a) => a.redisState)).toEqual(['down', 'down']);
    await expectLocalServiceWorks(one);
    await expectLocalServiceWorks(two);
  });

  it('reaches other instances once Redis is up, and keeps serving when it dies again', async () => {
    await redis.restart();
    for (const adapter of adapters) expect(await adapter.whenRedisReady(15_000)).toBe(true);
    const remote = await subscribed(two);
    const received = recordEvents<Payload>(remote);
    const customerId = emitOn(one);
    await waitFor(() => received.length === 1);
    expect(received[0].data.customerId).toBe(customerId);

    await redis.kill();
    await waitFor(() => adapters.every((a) => a.redisState === 'down'));
    await expectLocalServiceWorks(one);
  });
});
