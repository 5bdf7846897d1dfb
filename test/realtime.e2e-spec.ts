import { Types } from 'mongoose';
import { io } from 'socket.io-client';
import { Role } from '@app/common';
import { TenantConnectionRegistry, TenantDirectory } from '@app/tenancy';
import { platformToken, tokenFor } from '@app/testing';
import {
  closeAll,
  connectRealtime,
  nextEvent,
  ReceivedEvent,
  recordEvents,
  RealtimeSocket,
  request,
  waitFor,
} from '@app/testing/realtime-client';
import { CUSTOMER_EVENT_NAMES, CustomerEventName, FieldChange } from '../src/modules/customer/events/customer.events';
import { DEFAULT_REALTIME_OPTIONS, REALTIME_OPTIONS } from '../src/modules/realtime/realtime.options';
import { emitCustomerEvent } from './support/realtime-events';
import { as, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Payload {
  companyId: string;
  customerId: string;
  customer: { id: string; companyId: string; name?: string };
  changes: Record<string, FieldChange>;
  actor: string;
  at: string;
  seq: number | null;
}

interface ErrorBody {
  status: number;
  title: string;
  code: string;
  detail: string;
}

const REPLAY_LIMIT = 5;
const KEPT_PER_COMPANY = 8;

describe('Realtime', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;
  const sockets: RealtimeSocket[] = [];

  beforeAll(async () => {
    // Small log limits so pruning and "too far behind" are reachable with a handful of events.
    t = await startTestApp((builder) =>
      builder.overrideProvider(REALTIME_OPTIONS).useValue({
        ...DEFAULT_REALTIME_OPTIONS,
        maxReplay: REPLAY_LIMIT,
        maxEventsPerCompany: KEPT_PER_COMPANY,
        pruneEvery: 1,
      }),
    );
    [a, b] = await Promise.all([newTenant(t, 'rta'), newTenant(t, 'rtb')]);
    companyA = await newCompany(a);
  });
  afterEach(() => closeAll(sockets.splice(0)));
  afterAll(() => t.close());

  async function connect(token: string | undefined): Promise<RealtimeSocket> {
    const socket = await connectRealtime(t.url, token);
    sockets.push(socket);
    return socket;
  }

  async function refusal(token: string | undefined): Promise<{ message: string; data: ErrorBody }> {
    const err = await connectRealtime(t.url, token).then(
      (s) => {
        sockets.push(s);
        throw new Error('connection was accepted');
      },
      (e: Error & { data: ErrorBody }) => e,
    );
    return { message: err.message, data: err.data };
  }

  const subscribe = (s: RealtimeSocket, payload: unknown) => request<Record<string, unknown>>(s, 'subscribe', payload);

  const emitEvent = (tenant: string, companyId: string, name?: CustomerEventName) =>
    emitCustomerEvent(t.app, tenant, companyId, name);

  /**
   * Proves a socket got nothing: `witness` (subscribed to the same event's room) receives the event,
   * so it has been published; then a round trip on `socket` flushes anything sent before it.
   */
  async function expectNothingReceived(socket: RealtimeSocket, received: ReceivedEvent[], witness: RealtimeSocket) {
    await nextEvent(witness, CustomerEventName.UPDATED);
    await request(socket, 'unsubscribe', { companyId: new Types.ObjectId().toHexString() });
    expect(received).toEqual([]);
  }

  describe('handshake', () => {
    it('refuses a missing, forged or expired token with a clear connect_error', async () => {
      expect(await refusal(undefined)).toEqual({
        message: expect.stringContaining('auth: { token }'),
        data: expect.objectContaining({ status: 401, title: 'Unauthorized', code: 'auth.missing_token' }),
      });
      const forged = tokenFor({ tenant: a.slug, secret: 'another-secret-0123456789abcdef0123456789' });
      expect((await refusal(forged)).data).toMatchObject({ status: 401, code: 'auth.invalid_token' });
      expect((await refusal('not-a-jwt')).data).toMatchObject({ status: 401, code: 'auth.invalid_token' });
      const expired = tokenFor({ tenant: a.slug, expiresIn: -10 });
      expect(await refusal(expired)).toEqual({
        message: 'The token has expired.',
        data: expect.objectContaining({ status: 401, code: 'auth.token_expired' }),
      });
    });

    it('refuses an unknown tenant, a suspended tenant and platform tokens', async () => {
      const unknown = tokenFor({ tenant: 'no-such-tenant', roles: [Role.ADMIN] });
      expect((await refusal(unknown)).data).toMatchObject({ status: 401, code: 'auth.unknown_tenant' });
      expect((await refusal(platformToken())).data).toMatchObject({ status: 403, code: 'auth.tenant_required' });

      const c = await newTenant(t, 'rtc');
      await as(t, platformToken()).patch(`/api/v1/tenants/${c.slug}`).send({ status: 'suspended' }).expect(200);
      expect((await refusal(c.token(Role.VIEWER))).data).toMatchObject({ status: 403, code: 'tenant.suspended' });
    });

    it('serves only the /realtime namespace', async () => {
      const root = io(t.url, { auth: { token: a.token(Role.VIEWER) }, transports: ['websocket'], reconnection: false });
      const err = await new Promise<Error & { data?: { code: string } }>((resolve) =>
        root.once('connect_error', resolve),
      );
      root.close();
      expect(err.data).toMatchObject({ status: 404, code: 'realtime.unknown_namespace' });
    });

    it('accepts the token with a Bearer prefix too', async () => {
      const socket = await connect(`Bearer ${a.token(Role.VIEWER)}`);
      expect(socket.connected).toBe(true);
    });

    it('disconnects a socket when its token expires, saying why first', async () => {
      const socket = await connect(tokenFor({ tenant: a.slug, roles: [Role.VIEWER], expiresIn: 2 }));
      const expired = nextEvent<ErrorBody>(socket, 'session.expired', 5_000);
      const disconnected = nextEvent<string>(socket, 'disconnect', 5_000);
      expect(await expired).toMatchObject({ status: 401, code: 'auth.token_expired', title: 'Unauthorized' });
      expect(await disconnected).toBe('io server disconnect');
    });
  });

  describe('subscribe', () => {
    it('acks with the company snapshot and its stream position', async () => {
      const socket = await connect(a.token(Role.VIEWER));
      const ack = await subscribe(socket, { companyId: companyA });
      expect(ack).toEqual({
        ok: true,
        companyId: companyA,
        snapshot: { data: expect.any(Array), nextCursor: null },
        seq: expect.any(Number),
      });
    });

    it('refuses a company of another tenant or outside the companies claim, as not found', async () => {
      const foreign = await connect(b.token(Role.ADMIN));
      expect(await subscribe(foreign, { companyId: companyA })).toEqual({
        ok: false,
        error: expect.objectContaining({ status: 404, title: 'Not Found', code: 'company.not_found' }),
      });
      const missing = await subscribe(foreign, { companyId: new Types.ObjectId().toHexString() });
      expect(missing).toMatchObject({ ok: false, error: { status: 404, code: 'company.not_found' } });

      const other = await newCompany(a);
      const scoped = await connect(a.token(Role.VIEWER, { companies: [other] }));
      expect(await subscribe(scoped, { companyId: companyA })).toMatchObject({
        ok: false,
        error: { status: 404, code: 'company.not_found' },
      });
      expect(await subscribe(scoped, { companyId: other })).toMatchObject({ ok: true, companyId: other });
    });

    it('answers bad payloads with an error ack and keeps the socket usable', async () => {
      const socket = await connect(a.token(Role.VIEWER));
      const bad: unknown[] = [
        'just a string',
        42,
        null,
        [companyA],
        {},
        { companyId: 'not-an-id' },
        { companyId: { $gt: '' } },
        { companyId: companyA, extra: true },
        { companyId: companyA, sinceSeq: -1 },
        { companyId: companyA, sinceSeq: 1.5 },
        { companyId: companyA, sinceSeq: '3' },
      ];
      for (const payload of bad) {
        expect(await subscribe(socket, payload)).toEqual({
          ok: false,
          error: expect.objectContaining({ status: 400, title: 'Bad Request', code: 'request.validation_failed' }),
        });
      }
      expect(await request(socket, 'subscribe')).toMatchObject({ ok: false, error: { status: 400 } });
      expect(await request(socket, 'unsubscribe', { companyId: 7 })).toMatchObject({
        ok: false,
        error: { status: 400 },
      });
      expect(socket.connected).toBe(true);
      expect(await subscribe(socket, { companyId: companyA })).toMatchObject({ ok: true });
    });
  });

  describe('events', () => {
    it('delivers every customer event type to the company room with its payload and a growing seq', async () => {
      const socket = await connect(a.token(Role.VIEWER));
      const { seq: start } = (await subscribe(socket, { companyId: companyA })) as { seq: number };
      const received = recordEvents<Payload>(socket);
      const sent = CUSTOMER_EVENT_NAMES.map((name) => emitEvent(a.slug, companyA, name));
      await waitFor(() => received.length === sent.length);

      expect(received.map((r) => r.event)).toEqual([...CUSTOMER_EVENT_NAMES]);
      received.forEach(({ data }, i) => {
        const e = sent[i];
        expect(data).toEqual({
          companyId: companyA,
          customerId: e.customerId,
          customer: e.customer,
          changes: e.changes,
          actor: 'member-user',
          at: '2026-01-02T03:04:05.000Z',
          seq: start + i + 1,
        });
      });
    });

    it('keeps order and seq per company when events come in a burst', async () => {
      const socket = await connect(a.token(Role.VIEWER));
      const { seq: start } = (await subscribe(socket, { companyId: companyA })) as { seq: number };
      const received = recordEvents<Payload>(socket);
      const sent = Array.from({ length: 20 }, () => emitEvent(a.slug, companyA));
      await waitFor(() => received.length === sent.length);
      expect(received.map((r) => r.data.customerId)).toEqual(sent.map((e) => e.customerId));
      expect(received.map((r) => r.data.seq)).toEqual(sent.map((_, i) => start + i + 1));
    });

    it('sends nothing for another company of the same tenant', async () => {
      const otherCompany = await newCompany(a);
      const socket = await connect(a.token(Role.VIEWER));
      await subscribe(socket, { companyId: otherCompany });
      const received = recordEvents(socket);
      const witness = await connect(a.token(Role.VIEWER));
      await subscribe(witness, { companyId: companyA });
      emitEvent(a.slug, companyA);
      await expectNothingReceived(socket, received, witness);
    });

    it('sends nothing to another tenant, even one with a company of the same id', async () => {
      // Tenant B gets a company whose id equals A's: only the tenant in the room name tells them apart.
      const dbB = t.app.get(TenantDirectory).dbNameFor(b.slug);
      const now = new Date();
      await t.app
        .get(TenantConnectionRegistry)
        .database(dbB)
        .collection('companies')
        .insertOne({
          _id: new Types.ObjectId(companyA),
          name: 'Twin',
          nameKey: `twin-${companyA}`,
          description: null,
          createdBy: 'test',
          updatedBy: 'test',
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
      const socketB = await connect(b.token(Role.ADMIN));
      expect(await subscribe(socketB, { companyId: companyA })).toMatchObject({ ok: true, companyId: companyA });
      const received = recordEvents(socketB);
      const witness = await connect(a.token(Role.VIEWER));
      await subscribe(witness, { companyId: companyA });
      emitEvent(a.slug, companyA);
      await expectNothingReceived(socketB, received, witness);
    });

    it('sends nothing after unsubscribe', async () => {
      const socket = await connect(a.token(Role.VIEWER));
      await subscribe(socket, { companyId: companyA });
      expect(await request(socket, 'unsubscribe', { companyId: companyA })).toEqual({ ok: true, companyId: companyA });
      const received = recordEvents(socket);
      const witness = await connect(a.token(Role.VIEWER));
      await subscribe(witness, { companyId: companyA });
      emitEvent(a.slug, companyA);
      await expectNothingReceived(socket, received, witness);
    });
  });

  describe('catch-up', () => {
    it('replays what was missed after sinceSeq in the ack, in order and with the live payloads', async () => {
      const company = await newCompany(a);
      const live = await connect(a.token(Role.VIEWER));
      const { seq: before } = (await subscribe(live, { companyId: company })) as { seq: number };
      const received = recordEvents<Payload>(live);
      for (let i = 0; i < 3; i++) emitEvent(a.slug, company, CUSTOMER_EVENT_NAMES[i]);
      await waitFor(() => received.length === 3);

      const returning = await connect(a.token(Role.VIEWER));
      const ack = await subscribe(returning, { companyId: company, sinceSeq: before });
      expect(ack).toEqual({
        ok: true,
        companyId: company,
        snapshot: expect.any(Object),
        seq: before + 3,
        missed: received.map(({ event, data }) => ({ event, data })),
      });
      const upToDate = await subscribe(returning, { companyId: company, sinceSeq: before + 3 });
      expect(upToDate).toMatchObject({ seq: before + 3, missed: [] });
    });

    it('asks for a resync when the client is too far behind, pruned, or ahead of the stream', async () => {
      const company = await newCompany(a);
      const socket = await connect(a.token(Role.VIEWER));
      await subscribe(socket, { companyId: company });
      const received = recordEvents<Payload>(socket);
      const total = KEPT_PER_COMPANY + 2;
      for (let i = 0; i < total; i++) emitEvent(a.slug, company);
      await waitFor(() => received.length === total);

      const returning = await connect(a.token(Role.VIEWER));
      const resync = { ok: true, companyId: company, snapshot: expect.any(Object), seq: total, resync: true };
      // Events 1..2 were pruned (only the newest KEPT_PER_COMPANY are kept).
      expect(await subscribe(returning, { companyId: company, sinceSeq: 0 })).toEqual(resync);
      // Still logged, but more than the replay limit.
      expect(await subscribe(returning, { companyId: company, sinceSeq: total - REPLAY_LIMIT - 1 })).toEqual(resync);
      // A seq this stream never reached (e.g. from before the data was restored).
      expect(await subscribe(returning, { companyId: company, sinceSeq: total + 5 })).toEqual(resync);
      // Within the limit: an exact replay.
      const ack = (await subscribe(returning, { companyId: company, sinceSeq: total - REPLAY_LIMIT })) as {
        missed: Array<{ data: Payload }>;
      };
      expect(ack.missed.map((m) => m.data.seq)).toEqual([6, 7, 8, 9, 10]);
    });
  });

  it('the isolation check covers realtime subscriptions', async () => {
    const res = await as(t, platformToken())
      .post('/api/v1/tenants/isolation-check')
      .send({ tenantA: a.slug, tenantB: b.slug })
      .expect(200);
    const realtime = res.body.checks.filter((c: { name: string }) => c.name.startsWith('realtime:'));
    expect(realtime).toEqual([
      expect.objectContaining({ name: 'realtime: subscribe to a company from tenant B', passed: true }),
      expect.objectContaining({ name: 'realtime: tenant A socket receives the probe event (control)', passed: true }),
      expect.objectContaining({ name: 'realtime: tenant B socket receives nothing of tenant A', passed: true }),
      expect.objectContaining({ name: 'realtime: tenant A may still subscribe', passed: true }),
    ]);
  });
});
