import { Role } from '@app/common';
import {
  closeAll,
  connectRealtime,
  ReceivedEvent,
  recordEvents,
  RealtimeSocket,
  request,
  waitFor,
} from '@app/testing/realtime-client';
import { newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Payload {
  companyId: string;
  customerId: string;
  customer: Record<string, unknown> & { id: string };
  changes: Record<string, { from: unknown; to: unknown }>;
  actor: string;
  at: string;
  seq: number;
}

/** The socket side of the customer REST API: every successful write shows up in the room. */
describe('Realtime customer events from the REST API', () => {
  let t: TestApp;
  let a: TenantFixture;
  let company: string;
  let socket: RealtimeSocket;
  let received: ReceivedEvent<Payload>[];
  let lastSeq: number;

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'rtc');
    company = await newCompany(a);
    socket = await connectRealtime(t.url, a.token(Role.VIEWER));
    const ack = await request<{ ok: boolean; seq: number }>(socket, 'subscribe', { companyId: company });
    lastSeq = ack.seq;
    // Leads and companies of the room have their events too; this suite follows the customer ones, and not
    // the scores analytics derives from them afterwards (customer.segment_changed / health_changed).
    const derived = new Set(['customer.segment_changed', 'customer.health_changed']);
    received = recordEvents<Payload>(socket, (event) => event.startsWith('customer.') && !derived.has(event));
  });
  afterAll(async () => {
    closeAll([socket]);
    await t.close();
  });

  /** Runs a write and returns the one event it produced, checking the envelope every event shares. */
  async function eventOf(
    write: () => Promise<unknown>,
    name: string,
    customerId?: string,
    actor = 'member-user',
  ): Promise<Payload> {
    const before = received.length;
    await write();
    await waitFor(() => received.length > before);
    const [{ event, data }] = received.slice(before);
    expect(event).toBe(name);
    expect(data).toMatchObject({ companyId: company, actor });
    // Other events of the room (the lead a conversion marks converted) take their own numbers.
    expect(data.seq).toBeGreaterThan(lastSeq);
    if (customerId) expect(data.customerId).toBe(customerId);
    expect(new Date(data.at).toISOString()).toBe(data.at);
    lastSeq = data.seq;
    return data;
  }

  const current = async (id: string) => (await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body;

  it('subscribe acks with the same first page GET /customers returns', async () => {
    const other = await newCompany(a);
    await a.member.post('/api/v1/customers').send({ companyId: other, name: 'Snapshot One' }).expect(201);
    await a.member.post('/api/v1/customers').send({ companyId: other, name: 'Snapshot Two' }).expect(201);
    const list = await a.viewer.get(`/api/v1/customers?companyId=${other}`).expect(200);
    const viewer = await connectRealtime(t.url, a.token(Role.VIEWER));
    try {
      const ack = await request<{ snapshot: unknown }>(viewer, 'subscribe', { companyId: other });
      expect(ack.snapshot).toEqual(list.body);
      expect(list.body.data).toHaveLength(2);
    } finally {
      closeAll([viewer]);
    }
  });

  it('delivers each customer event type after the matching REST call', async () => {
    let id = '';
    const created = await eventOf(async () => {
      const res = await a.member
        .post('/api/v1/customers')
        .send({ companyId: company, name: 'Acme', email: 'Sales@Acme.test' })
        .expect(201);
      id = res.body.id;
    }, 'customer.created');
    expect(created).toMatchObject({ customerId: id, changes: {} });
    expect(created.customer).toEqual(await current(id));

    const updated = await eventOf(
      () => a.member.patch(`/api/v1/customers/${id}`).send({ name: 'Acme Ltd' }).expect(200),
      'customer.updated',
      id,
    );
    expect(updated.changes).toMatchObject({ name: { from: 'Acme', to: 'Acme Ltd' } });
    expect(updated.customer).toEqual(await current(id));

    const status = await eventOf(
      () => a.member.put(`/api/v1/customers/${id}/status`).send({ status: 'inactive', reason: 'paused' }).expect(200),
      'customer.status_changed',
      id,
    );
    expect(status.changes).toMatchObject({ status: { from: 'active', to: 'inactive' } });
    expect(status.customer).toMatchObject({ status: 'inactive' });

    const assigned = await eventOf(
      () => a.member.put(`/api/v1/customers/${id}/assignee`).send({ userId: 'owner-2' }).expect(200),
      'customer.assigned',
      id,
    );
    expect(assigned.customer).toMatchObject({ assignedTo: 'owner-2' });

    const tagged = await eventOf(
      () =>
        a.member
          .post(`/api/v1/customers/${id}/tags`)
          .send({ tags: ['VIP'] })
          .expect(200),
      'customer.updated',
      id,
    );
    expect(tagged.customer).toMatchObject({ tags: ['vip'] });

    const contacts = await eventOf(
      () => a.member.post(`/api/v1/customers/${id}/contacts`).send({ name: 'Ada', email: 'ada@acme.test' }).expect(201),
      'customer.contacts_changed',
      id,
    );
    expect(contacts.customer.contacts).toEqual([expect.objectContaining({ name: 'Ada', isPrimary: true })]);

    const revenue = await eventOf(
      () =>
        a.member
          .post(`/api/v1/customers/${id}/revenue`)
          .send({ amount: 1200, purchasedAt: '2026-01-05T00:00:00.000Z', reference: 'inv-1' })
          .expect(200),
      'customer.revenue_recorded',
      id,
    );
    expect(revenue.customer).toMatchObject({ totalRevenue: 1200 });

    const deleted = await eventOf(
      () => a.admin.delete(`/api/v1/customers/${id}`).expect(204),
      'customer.deleted',
      id,
      'admin-user',
    );
    expect(deleted.customer).toMatchObject({ id, name: 'Acme Ltd' });

    const restored = await eventOf(
      () => a.admin.post(`/api/v1/customers/${id}/restore`).expect(200),
      'customer.restored',
      id,
      'admin-user',
    );
    expect(restored.customer).toEqual(await current(id));
  });

  it('a failed write emits nothing', async () => {
    const res = await a.member.post('/api/v1/customers').send({ companyId: company, name: 'Versioned' }).expect(201);
    const id = res.body.id as string;
    await waitFor(() => received.some((r) => r.data.customerId === id));
    lastSeq = received[received.length - 1].data.seq;

    const before = received.length;
    await a.member.patch(`/api/v1/customers/${id}`).set('If-Match', '"99"').send({ name: 'Stale' }).expect(412);
    await a.member
      .patch(`/api/v1/customers/${id}`)
      .send({ name: { bad: true } })
      .expect(400);
    const ok = await eventOf(
      () => a.member.patch(`/api/v1/customers/${id}`).send({ name: 'Fresh' }).expect(200),
      'customer.updated',
      id,
    );
    // The next event after the failures is the successful write, and it starts from the old name.
    expect(received.length).toBe(before + 1);
    expect(ok.changes).toMatchObject({ name: { from: 'Versioned', to: 'Fresh' } });
  });

  it("lead conversion's new customer appears in the room", async () => {
    const lead = await a.member
      .post('/api/v1/leads')
      .send({ companyId: company, name: 'Prospect Co', email: 'hi@prospect.test' })
      .expect(201);
    let customerId = '';
    const created = await eventOf(async () => {
      const res = await a.member.post(`/api/v1/leads/${lead.body.id}/convert`).send({}).expect(201);
      customerId = res.body.customer.id;
    }, 'customer.created');
    expect(created.customerId).toBe(customerId);
    expect(created.customer).toMatchObject({ source: 'lead_conversion', leadId: lead.body.id, name: 'Prospect Co' });
  });
});
