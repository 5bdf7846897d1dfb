import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * A backlog larger than one poll's batch, drained by the delivery loop's batch path (claims in one
 * insert, outcomes in bulk writes): every delivery is made once, every outcome recorded, every lease
 * released. FerretDB never answers an update command of 100 statements or more, so the outcomes of a
 * full batch (100) must go in smaller commands; this test hangs if they do not.
 */
describe('Webhooks: a backlog drained in batches', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  const receiver = new WebhookReceiver();
  let tenancy: typeof import('@app/tenancy');
  let integration: typeof import('../src/modules/integration');
  const BACKLOG = 130;

  beforeAll(async () => {
    support = await loadAppWithEnv({
      WEBHOOK_POLL_INTERVAL_MS: '0',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    tenancy = await import('@app/tenancy');
    integration = await import('../src/modules/integration');
    t = await support.startTestApp();
    await receiver.start();
    tenant = await support.newTenant(t, 'whb');
    company = await support.newCompany(tenant);
  });
  afterAll(async () => {
    await receiver.stop();
    await t?.close();
  });

  it(`delivers a backlog of ${BACKLOG} once each, records every outcome and leaves no lease`, async () => {
    let down = true;
    receiver.reply = () => (down ? { status: 503 } : { status: 200, body: 'ok' });
    const hook = (
      await tenant.admin
        .post('/api/v1/webhooks')
        .send({ url: receiver.url('/backlog'), events: ['customer.created'] })
        .expect(201)
    ).body as { id: string; secret: string };
    const url = receiver.url('/backlog');
    for (let i = 0; i < BACKLOG; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, BACKLOG - i) }, (_, k) =>
          tenant.admin
            .post('/api/v1/customers')
            .send({ companyId: company, name: `Backlog ${i + k}` })
            .expect(201),
        ),
      );
    }
    await t.app.get(tenancy.Outbox).drain();
    const worker = t.app.get(integration.WebhookDeliveryWorker);
    await worker.drain();
    // Every first attempt met the 503; each delivery waits for its retry (100 ms based, jittered).
    expect(receiver.at(url).length).toBeGreaterThanOrEqual(BACKLOG);

    down = false;
    receiver.received.length = 0;
    await new Promise((r) => setTimeout(r, 600));
    const runner = t.app.get(tenancy.TenantRunner);
    const first = await runner.runInTenant(tenant.slug, () => worker.pollTenant());
    expect(first).toBe(100);
    let rounds = 0;
    while ((await runner.runInTenant(tenant.slug, () => worker.pollTenant())) > 0 && ++rounds < 10) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.drain();

    const ok = receiver.at(url);
    const ids = new Set(ok.map((r) => String(r.headers['webhook-id'])));
    expect(ids.size).toBe(BACKLOG);
    expect(ok).toHaveLength(BACKLOG);
    for (const r of ok.slice(0, 3)) WebhookReceiver.verify(hook.secret, r);

    const log = await tenant.admin.get(`/api/v1/webhooks/${hook.id}/deliveries?status=succeeded&limit=100`).expect(200);
    expect(log.body.data).toHaveLength(100);
    const pending = await tenant.admin
      .get(`/api/v1/webhooks/${hook.id}/deliveries?status=pending&limit=100`)
      .expect(200);
    expect(pending.body.data).toEqual([]);

    const dbName = t.app.get(tenancy.TenantDirectory).dbNameFor(tenant.slug);
    const leases = await t.app
      .get(tenancy.TenantConnectionRegistry)
      .database(dbName)
      .collection<{ _id: string }>('record_locks')
      .countDocuments({ _id: { $regex: /^webhook-delivery:/ } });
    expect(leases).toBe(0);
  }, 120_000);
});
