import type { Model } from 'mongoose';
import type { OutboxEntry } from '@app/tenancy';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

const DAY = 86_400_000;

/**
 * Score changes reach webhooks like any write's events: recorded in the outbox ahead of the score
 * write, so a change whose score landed right before the process died is delivered by whoever recovers
 * the outbox, and a change whose score never landed is delivered by nobody. Failpoints stop the
 * re-score exactly where a killed process would; recovery settles entries at once here.
 */
describe('Analytics: score events survive a crash', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  let hook: { url: string; secret: string };
  const receiver = new WebhookReceiver();
  let tenancy: typeof import('@app/tenancy');
  let integration: typeof import('../src/modules/integration');
  let analytics: typeof import('../src/modules/analytics');

  beforeAll(async () => {
    support = await loadAppWithEnv({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_POLL_INTERVAL_MS: '0',
      WEBHOOK_TIMEOUT_MS: '1500',
      OUTBOX_RECOVER_AFTER_MS: '0',
    });
    tenancy = await import('@app/tenancy');
    integration = await import('../src/modules/integration');
    analytics = await import('../src/modules/analytics');
    t = await support.startTestApp();
    await receiver.start();
    tenant = await support.newTenant(t, 'ade');
    company = await support.newCompany(tenant);
    const res = await tenant.admin
      .post('/api/v1/webhooks')
      .send({
        url: receiver.url('/scores'),
        events: ['customer.segment_changed', 'customer.health_changed', 'analytics.health_model_changed'],
      })
      .expect(201);
    hook = res.body;
  });
  afterEach(() => t.app.get(tenancy.Failpoints).disarmAll());
  afterAll(async () => {
    await receiver.stop();
    await t?.close();
  });

  /** Lets the queued re-scores run, then what this instance hands over and sends. */
  async function settle(): Promise<void> {
    await t.app.get(analytics.ScoreUpdatesListener).idle();
    await t.app.get(tenancy.Outbox).drain();
    await t.app.get(integration.WebhookDeliveryWorker).drain();
  }

  /** A delivery round of (any) instance for the tenant: outbox recovery first, then due deliveries. */
  async function poll(): Promise<void> {
    const worker = t.app.get(integration.WebhookDeliveryWorker);
    await t.app.get(tenancy.TenantRunner).runInTenant(tenant.slug, () => worker.pollTenant());
    await settle();
  }

  function outbox(): Model<OutboxEntry> {
    const dbName = t.app.get(tenancy.TenantDirectory).dbNameFor(tenant.slug);
    return t.app.get(tenancy.TenantConnectionRegistry).model<OutboxEntry>(dbName, tenancy.OUTBOX_MODEL);
  }

  const delivered = (customerId: string) =>
    receiver
      .at(hook.url)
      .map((r) => WebhookReceiver.verify(hook.secret, r) as { type: string; data: Record<string, unknown> })
      .filter((p) => p.data.customerId === customerId)
      .map((p) => `${p.type} ${String(p.data.from)} ${String(p.data.to)}`);

  async function scoredCustomer(name: string): Promise<string> {
    const res = await tenant.member.post('/api/v1/customers').send({ companyId: company, name }).expect(201);
    await settle();
    const scores = await tenant.viewer.get(`/api/v1/customers/${res.body.id}/scores`).expect(200);
    expect(scores.body.rfm.segment).toBe('no_purchase');
    return res.body.id as string;
  }

  const buy = (id: string) =>
    tenant.member
      .post(`/api/v1/customers/${id}/revenue`)
      .send({ amount: 500, purchasedAt: new Date(Date.now() - DAY).toISOString() })
      .expect(200);

  it('delivers the change of a score that landed right before the process died', async () => {
    const id = await scoredCustomer('Landed then died');
    const before = (await tenant.viewer.get(`/api/v1/customers/${id}/scores`).expect(200)).body.health;
    t.app.get(tenancy.Failpoints).arm(analytics.ScoreFailpoint.AFTER_SCORE_WRITE);
    await buy(id);
    await settle();
    // The score changed, but the re-score "died" before handing its events over.
    const after = await tenant.viewer.get(`/api/v1/customers/${id}/scores`).expect(200);
    expect(after.body.rfm.segment).not.toBe('no_purchase');
    expect(delivered(id)).toEqual([]);
    const expected = [`customer.segment_changed no_purchase ${after.body.rfm.segment}`];
    if (after.body.health.band !== before.band) {
      expected.push(`customer.health_changed ${before.band} ${after.body.health.band}`);
    }
    expect(await outbox().countDocuments({ entityId: id })).toBe(expected.length);

    await poll();
    expect(delivered(id).sort()).toEqual(expected.sort());
    expect(await outbox().countDocuments({ entityId: id })).toBe(0);
  });

  it('delivers nothing for a change whose score write never happened', async () => {
    const id = await scoredCustomer('Died before the write');
    t.app.get(tenancy.Failpoints).arm(analytics.ScoreFailpoint.BEFORE_SCORE_WRITE);
    await buy(id);
    await settle();
    const stored = await tenant.viewer.get(`/api/v1/customers/${id}/scores`).expect(200);
    expect(stored.body.rfm.segment).toBe('no_purchase');
    // The segment's change at least (no_purchase → a buyer's), written ahead and left pending.
    expect(await outbox().countDocuments({ entityId: id, state: tenancy.OutboxState.PENDING })).toBeGreaterThan(0);

    await poll();
    expect(delivered(id)).toEqual([]);
    expect(await outbox().countDocuments({ entityId: id })).toBe(0);
  });

  it('delivers a health model change that landed right before the process died', async () => {
    const models = () =>
      receiver
        .at(hook.url)
        .map((r) => WebhookReceiver.verify(hook.secret, r) as { type: string; data: { model: unknown } })
        .filter((p) => p.type === 'analytics.health_model_changed');
    const model = {
      weights: { rfm: 40, activity: 30, overdueTasks: 0, status: 30, openOpportunities: 0 },
      thresholds: { green: 75, yellow: 45 },
    };
    t.app.get(tenancy.Failpoints).arm(analytics.HealthModelFailpoint.AFTER_WRITE);
    await tenant.admin.put('/api/v1/analytics/health-model').send(model).expect(500);
    await settle();
    // Written, not announced: the process "died" right after the write.
    expect((await tenant.viewer.get('/api/v1/analytics/health-model').expect(200)).body).toMatchObject({
      ...model,
      version: 1,
    });
    expect(models()).toEqual([]);

    await poll();
    expect(models().map((p) => p.data.model)).toEqual([model]);
    expect(await outbox().countDocuments({ entityType: 'health_model' })).toBe(0);
  });
});
