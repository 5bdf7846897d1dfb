import { Role } from '@app/common';
import {
  closeAll,
  connectRealtime,
  RealtimeSocket,
  recordEvents,
  request,
  waitFor,
} from '@app/testing/realtime-client';
import { emitCustomerEvent } from './support/realtime-events';
import type { TestApp, TenantFixture } from './support/test-app';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';

interface Payload {
  customerId: string;
  seq: number;
}

/**
 * Two instances sharing the Redis of the test environment (REDIS_URL, default 127.0.0.1:6379),
 * as two processes behind a load balancer would.
 */
describe('Realtime across instances (Redis)', () => {
  let support: TestAppSupport;
  let one: TestApp;
  let two: TestApp;
  let tenant: TenantFixture;
  let company: string;
  const sockets: RealtimeSocket[] = [];

  beforeAll(async () => {
    support = await loadAppWithEnv({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    [one, two] = [await support.startTestApp(), await support.startTestApp()];
    const { realtimeAdapterOf } = await import('../src/modules/realtime/realtime-io.adapter');
    for (const app of [one, two]) expect(await realtimeAdapterOf(app.app)?.whenRedisReady(10_000)).toBe(true);
    tenant = await support.newTenant(one, 'rtr');
    company = await support.newCompany(tenant);
  });
  afterEach(() => closeAll(sockets.splice(0)));
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  async function subscribed(app: TestApp): Promise<{ socket: RealtimeSocket; seq: number }> {
    const socket = await connectRealtime(app.url, tenant.token(Role.VIEWER));
    sockets.push(socket);
    const ack = await request<{ ok: boolean; seq: number }>(socket, 'subscribe', { companyId: company });
    expect(ack.ok).toBe(true);
    return { socket, seq: ack.seq };
  }

  const emitOn = (app: TestApp): string => emitCustomerEvent(app.app, tenant.slug, company).customerId;

  it('a change on instance one reaches a socket connected to instance two', async () => {
    const { socket, seq } = await subscribed(two);
    const received = recordEvents<Payload>(socket);
    const customerId = emitOn(one);
    await waitFor(() => received.length === 1);
    expect(received[0]).toEqual({
      event: 'customer.updated',
      data: expect.objectContaining({ companyId: company, customerId, seq: seq + 1 }),
    });
  });

  it('both instances writing one company hand out distinct, gap-free seqs', async () => {
    const onOne = await subscribed(one);
    const onTwo = await subscribed(two);
    const seen = [recordEvents<Payload>(onOne.socket), recordEvents<Payload>(onTwo.socket)];
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) sent.push(emitOn(one), emitOn(two));
    await waitFor(() => seen.every((s) => s.length === sent.length));
    for (const received of seen) {
      expect(new Set(received.map((r) => r.data.customerId))).toEqual(new Set(sent));
      const seqs = received.map((r) => r.data.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(sent.map((_, i) => onOne.seq + i + 1));
    }
  });
});
