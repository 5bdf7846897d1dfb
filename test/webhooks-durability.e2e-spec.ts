import type { Model } from 'mongoose';
import type { OutboxEntry } from '@app/tenancy';
import { platformToken } from '@app/testing';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * The crash windows of the outbox and of delivery, against the real database: each step is made to
 * fail once (a failpoint throws exactly where a killed process would stop), and what another instance
 * finds afterwards must deliver every event whose write landed, once per endpoint, and nothing for a
 * write that did not land. Recovery settles outbox entries at once here (OUTBOX_RECOVER_AFTER_MS=0);
 * attempt leases expire after 3 x 400 ms + 2 s.
 */
describe('Webhooks: durability across crashes', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  let hook: { id: string; url: string; secret: string };
  const receiver = new WebhookReceiver();
  let tenancy: typeof import('@app/tenancy');
  let integration: typeof import('../src/modules/integration');

  beforeAll(async () => {
    support = await loadAppWithEnv({
      WEBHOOK_POLL_INTERVAL_MS: '0',
      WEBHOOK_TIMEOUT_MS: '400',
      OUTBOX_RECOVER_AFTER_MS: '0',
    });
    tenancy = await import('@app/tenancy');
    integration = await import('../src/modules/integration');
    t = await support.startTestApp();
    await receiver.start();
    tenant = await support.newTenant(t, 'whd');
    company = await support.newCompany(tenant);
    const res = await tenant.admin
      .post('/api/v1/webhooks')
      .send({ url: receiver.url('/durable'), events: ['customer.*', 'company.deleted'] })
      .expect(201);
    hook = res.body;
  });
  afterEach(() => t.app.get(tenancy.Failpoints).disarmAll());
  afterAll(async () => {
    await receiver.stop();
    await t?.close();
  });

  const arm = (point: string) => t.app.get(tenancy.Failpoints).arm(point);

  async function settle(): Promise<void> {
    await t.app.get(tenancy.Outbox).drain();
    await t.app.get(integration.WebhookDeliveryWorker).drain();
  }

  /** What a delivery round of (any) instance does for the tenant. */
  async function poll(app: TestApp = t): Promise<void> {
    const worker = app.app.get(integration.WebhookDeliveryWorker);
    await app.app.get(tenancy.TenantRunner).runInTenant(tenant.slug, () => worker.pollTenant());
    await app.app.get(tenancy.Outbox).drain();
    await worker.drain();
  }

  function outbox(app: TestApp = t): Model<OutboxEntry> {
    const dbName = app.app.get(tenancy.TenantDirectory).dbNameFor(tenant.slug);
    return app.app.get(tenancy.TenantConnectionRegistry).model<OutboxEntry>(dbName, tenancy.OUTBOX_MODEL);
  }

  async function newCustomer(name: string): Promise<string> {
    const res = await tenant.admin.post('/api/v1/customers').send({ companyId: company, name }).expect(201);
    await settle();
    return res.body.id as string;
  }

  const updatesOf = (customerId: string) =>
    receiver
      .at(hook.url)
      .filter((r) => r.json.type === 'customer.updated' && r.json.data.customerId === customerId)
      .map((r) => (r.json.data.changes as { name: { to: string } }).name.to);

  it('a write that died before it landed announces nothing; the next write at that version takes over its slot', async () => {
    const id = await newCustomer('Before the crash');
    arm(tenancy.WriterFailpoint.BEFORE_RECORD_WRITE);
    await tenant.admin.patch(`/api/v1/customers/${id}`).send({ name: 'Never written' }).expect(500);
    expect((await tenant.admin.get(`/api/v1/customers/${id}`).expect(200)).body).toMatchObject({
      name: 'Before the crash',
      version: 1,
    });
    expect(await outbox().countDocuments({ entityId: id, state: tenancy.OutboxState.PENDING, version: 2 })).toBe(1);

    // A later write to version 2 finds the dead entry, proves it dead (record still at 1) and replaces it.
    await tenant.admin.patch(`/api/v1/customers/${id}`).send({ name: 'Written after the crash' }).expect(200);
    await settle();
    await poll();
    expect(updatesOf(id)).toEqual(['Written after the crash']);

    // Recovery drops a dead entry nobody replaced.
    arm(tenancy.WriterFailpoint.BEFORE_RECORD_WRITE);
    await tenant.admin.patch(`/api/v1/customers/${id}`).send({ name: 'Also never written' }).expect(500);
    await poll();
    expect(await outbox().countDocuments({ entityId: id })).toBe(0);
    expect(updatesOf(id)).toEqual(['Written after the crash']);
  });

  it('an update that landed right before the process died is delivered by an instance started afterwards', async () => {
    const id = await newCustomer('Old name');
    arm(tenancy.WriterFailpoint.AFTER_RECORD_WRITE);
    await tenant.admin.patch(`/api/v1/customers/${id}`).send({ name: 'Landed, then died' }).expect(500);
    expect((await tenant.admin.get(`/api/v1/customers/${id}`).expect(200)).body.name).toBe('Landed, then died');
    await settle();
    expect(updatesOf(id)).toEqual([]);

    // The instance is gone; a new one (same database) finds the entry and delivers it.
    await t.close();
    t = await support.startTestApp();
    tenant = { ...tenant, ...(await clientsFor(t, tenant)) };
    await poll();
    expect(updatesOf(id)).toEqual(['Landed, then died']);
    const [got] = receiver
      .at(hook.url)
      .filter((r) => r.json.data.customerId === id && r.json.type === 'customer.updated');
    expect(WebhookReceiver.verify(hook.secret, got)).toMatchObject({
      data: { customer: { id, name: 'Landed, then died', version: 2 }, changes: { name: { from: 'Old name' } } },
    });
    expect(await outbox().countDocuments({ entityId: id })).toBe(0);
  });

  it('a create and a removal that landed before the crash are delivered too', async () => {
    arm(tenancy.WriterFailpoint.AFTER_RECORD_WRITE);
    await tenant.admin.post('/api/v1/customers').send({ companyId: company, name: 'Created, then died' }).expect(500);
    const list = await tenant.admin.get('/api/v1/customers?q=created%20then%20died').expect(200);
    expect(list.body.data).toHaveLength(1);
    const doomed = await support.newCompany(tenant);
    arm(tenancy.WriterFailpoint.AFTER_RECORD_WRITE);
    await tenant.admin.delete(`/api/v1/companies/${doomed}`).expect(500);
    await support.expectProblem(await tenant.admin.get(`/api/v1/companies/${doomed}`), 404);
    await poll();
    const types = receiver
      .at(hook.url)
      .map((r) => [r.json.type, r.json.data.customerId ?? (r.json.data.company as { id: string } | undefined)?.id]);
    expect(types).toContainEqual(['customer.created', list.body.data[0].id]);
    expect(types).toContainEqual(['company.deleted', doomed]);
  });

  it('an event consumed but not cleared is consumed again without a second delivery', async () => {
    const id = await newCustomer('Consumed once');
    arm(tenancy.OutboxFailpoint.AFTER_CONSUME);
    await tenant.admin.patch(`/api/v1/customers/${id}`).send({ name: 'Consumed twice' }).expect(200);
    await settle();
    expect(await outbox().countDocuments({ entityId: id })).toBe(1);
    await poll();
    expect(await outbox().countDocuments({ entityId: id })).toBe(0);
    expect(updatesOf(id)).toEqual(['Consumed twice']);
    const log = (await tenant.admin.get(`/api/v1/webhooks/${hook.id}/deliveries?limit=100`).expect(200)).body.data;
    expect(log.filter((d: { eventType: string; messageId: string }) => d.messageId === receiverIdOf(id))).toHaveLength(
      1,
    );
  });

  it('a burst of writes leaves no consumed entry behind: removals go out in groups, each entry removed once', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => newCustomer(`Burst ${i}`)));
    const deletes = jest.spyOn(outbox().collection, 'deleteMany');
    try {
      // Each record's writes are serialised by its lock; the six records' writes overlap.
      await Promise.all(
        ids.flatMap((id, i) =>
          [1, 2, 3].map((k) =>
            tenant.admin
              .patch(`/api/v1/customers/${id}`)
              .send({ notes: `burst ${i}.${k}` })
              .expect(200),
          ),
        ),
      );
      await settle();
      const groups = deletes.mock.calls.map(([filter]) => (filter as unknown as { _id: { $in: string[] } })._id.$in);
      const removed = groups.flat().filter((key) => ids.some((id) => key.includes(id)));
      expect(removed).toHaveLength(ids.length * 3);
      expect(new Set(removed).size).toBe(ids.length * 3);
    } finally {
      deletes.mockRestore();
    }
    for (const id of ids) expect(await outbox().countDocuments({ entityId: id })).toBe(0);
    const delivered = receiver
      .at(hook.url)
      .filter((r) => r.json.type === 'customer.updated' && ids.includes(r.json.data.customerId as string));
    expect(new Set(delivered.map((r) => r.json.id)).size).toBe(ids.length * 3);
  });

  it('an attempt whose holder died after sending is sent again once its lease expired (same webhook-id)', async () => {
    const id = await newCustomer('Sent, not recorded');
    arm(integration.DeliveryFailpoint.AFTER_SEND);
    await tenant.admin.patch(`/api/v1/customers/${id}`).send({ name: 'At least once' }).expect(200);
    await settle();
    expect(updatesOf(id)).toEqual(['At least once']);
    // The lease of the dead attempt is live: nobody sends it meanwhile.
    await poll();
    expect(updatesOf(id)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 3_400));
    await poll();
    const sent = receiver
      .at(hook.url)
      .filter((r) => r.json.data.customerId === id && r.json.type === 'customer.updated');
    expect(sent).toHaveLength(2);
    expect(sent[1].headers['webhook-id']).toBe(sent[0].headers['webhook-id']);
    const [d] = (await tenant.admin.get(`/api/v1/webhooks/${hook.id}/deliveries?limit=1`).expect(200)).body.data;
    expect(d).toMatchObject({ status: 'succeeded', attempts: 1, messageId: sent[0].headers['webhook-id'] });
  });

  it('an attempt claimed by a holder that died before sending is sent once, after the lease expired', async () => {
    const id = await newCustomer('Claimed, not sent');
    arm(integration.DeliveryFailpoint.AFTER_CLAIM);
    await tenant.admin.patch(`/api/v1/customers/${id}`).send({ name: 'Sent later' }).expect(200);
    await settle();
    expect(updatesOf(id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 3_400));
    await poll();
    expect(updatesOf(id)).toEqual(['Sent later']);
  });

  it('deleting a tenant stops its deliveries and takes it out of the delivery loop', async () => {
    const doomed = await support.newTenant(t, 'whx');
    const companyId = await support.newCompany(doomed);
    await doomed.admin
      .post('/api/v1/webhooks')
      .send({ url: receiver.url('/doomed'), events: ['customer.*'] })
      .expect(201);
    receiver.reply = (r) => (r.path === '/doomed' ? { status: 503 } : { status: 200 });
    await doomed.admin.post('/api/v1/customers').send({ companyId, name: 'Doomed' }).expect(201);
    await settle();
    const sets = t.app.get(tenancy.TenantSets);
    expect(await sets.members('webhooks')).toContain(doomed.slug);
    const tried = receiver.received.filter((r) => r.path === '/doomed').length;
    expect(tried).toBe(1);

    await support.as(t, platformToken()).delete(`/api/v1/tenants/${doomed.slug}?confirm=${doomed.slug}`).expect(204);
    await t.app.get(integration.WebhookDeliveryWorker).pollAll();
    expect(await sets.members('webhooks')).not.toContain(doomed.slug);
    expect(receiver.received.filter((r) => r.path === '/doomed')).toHaveLength(tried);
    receiver.reply = () => ({ status: 200 });
  });

  function receiverIdOf(customerId: string): string | undefined {
    return receiver
      .at(hook.url)
      .find((r) => r.json.type === 'customer.updated' && r.json.data.customerId === customerId)?.json.id;
  }

  async function clientsFor(app: TestApp, f: TenantFixture): Promise<Partial<TenantFixture>> {
    return { admin: support.as(app, f.token()) };
  }
});
