import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { type Received, WebhookReceiver } from './support/webhook-receiver';

interface Hook {
  id: string;
  secret: string;
  url: string;
}

/**
 * Activity events reach the tenant's webhooks: through the outbox, signed, to a real HTTP receiver on a
 * local port that verifies each signature with the standardwebhooks library, carrying what a socket in
 * the company room gets (tenant, company, target, actor). Private addresses are allowed (the receiver is
 * on 127.0.0.1); webhooks-ssrf.e2e-spec.ts proves the refusals with them off.
 */
describe('Activities: webhooks', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    support = await loadAppWithEnv({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_POLL_INTERVAL_MS: '0',
      WEBHOOK_TIMEOUT_MS: '1500',
    });
    t = await support.startTestApp();
    await receiver.start();
    tenant = await support.newTenant(t, 'awh');
    company = await support.newCompany(tenant);
  });
  afterAll(async () => {
    await receiver.stop();
    await t?.close();
  });

  async function register(events: string[]): Promise<Hook> {
    const url = receiver.url(`/${Math.random().toString(36).slice(2)}`);
    const res = await tenant.admin.post('/api/v1/webhooks').send({ url, events }).expect(201);
    return { id: res.body.id as string, secret: res.body.secret as string, url };
  }

  /** Waits until what this instance started (outbox hand-offs, first attempts) is done. */
  async function drain(): Promise<void> {
    const { Outbox } = await import('@app/tenancy');
    const { WebhookDeliveryWorker } = await import('../src/modules/integration');
    await t.app.get(Outbox).drain();
    await t.app.get(WebhookDeliveryWorker).drain();
  }

  it('delivers signed activity.created, updated, completed, reopened and deleted of a task on a customer', async () => {
    const hook = await register(['activity.*']);
    // Another module's events do not reach an activity.* subscription.
    const customer = await tenant.member
      .post('/api/v1/customers')
      .send({ companyId: company, name: 'Hooked Activities Ltd' })
      .expect(201);
    const customerId = customer.body.id as string;
    await drain();
    expect(receiver.at(hook.url)).toEqual([]);

    const activities = '/api/v1/activities';
    let task: Record<string, unknown> = {};
    // Each write in turn, by the member or an admin: the actor of each event is whoever wrote.
    const steps: Array<{ type: string; actor: string; write: () => Promise<{ body: Record<string, unknown> }> }> = [
      {
        type: 'activity.created',
        actor: 'member-user',
        write: () =>
          tenant.member.post(activities).send({ type: 'task', subject: 'Send the quote', customerId }).expect(201),
      },
      {
        type: 'activity.updated',
        actor: 'member-user',
        write: () =>
          tenant.member.patch(`${activities}/${task.id}`).send({ subject: 'Send the revised quote' }).expect(200),
      },
      {
        type: 'activity.completed',
        actor: 'admin-user',
        write: () => tenant.admin.post(`${activities}/${task.id}/complete`).send({}).expect(200),
      },
      {
        type: 'activity.reopened',
        actor: 'member-user',
        write: () => tenant.member.post(`${activities}/${task.id}/reopen`).send({}).expect(200),
      },
      {
        type: 'activity.deleted',
        actor: 'admin-user',
        write: () => tenant.admin.delete(`${activities}/${task.id}`).expect(204),
      },
    ];

    const got: Array<Received['json']> = [];
    for (const step of steps) {
      const seen = receiver.at(hook.url).length;
      const res = await step.write();
      if (step.type === 'activity.created') task = res.body;
      await drain();
      const delivered = receiver.verifiedAt(hook, seen);
      expect(delivered.map((p) => p.type)).toEqual([step.type]);
      const [payload] = delivered;
      expect(payload).toMatchObject({
        id: expect.stringMatching(/^evt_[0-9a-f]{24}$/),
        type: step.type,
        occurredAt: payload.data.at,
        data: {
          tenantId: tenant.slug,
          companyId: company,
          activityId: task.id,
          target: { type: 'customer', id: customerId },
          activity: { id: task.id, type: 'task', customerId, companyId: company },
          actor: step.actor,
        },
      });
      got.push(payload);
    }

    const [created, updated, completed, reopened, deleted] = got;
    expect(created.data).toMatchObject({ activity: task, changes: {} });
    expect(updated.data).toMatchObject({
      activity: { subject: 'Send the revised quote', version: 2 },
      changes: { subject: { from: 'Send the quote', to: 'Send the revised quote' } },
    });
    expect(completed.data).toMatchObject({
      activity: { status: 'done', completedBy: 'admin-user', version: 3 },
      changes: { status: { from: 'open', to: 'done' } },
    });
    expect(reopened.data).toMatchObject({
      activity: { status: 'open', completedAt: null, completedBy: null, version: 4 },
      changes: { status: { from: 'done', to: 'open' } },
    });
    expect(deleted.data).toMatchObject({
      activity: { id: task.id, version: 5 },
      changes: { deletedAt: { from: null, to: expect.any(String) } },
    });
    // Five events, five messages: each signed under its own id.
    expect(new Set(got.map((p) => p.id)).size).toBe(5);
    // A wrong secret does not verify.
    const forged = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    expect(() => WebhookReceiver.verify(forged, receiver.at(hook.url)[0])).toThrow();

    const log = await tenant.admin.get(`/api/v1/webhooks/${hook.id}/deliveries?limit=100`).expect(200);
    expect(
      log.body.data
        .map((d: { eventType: string; status: string; messageId: string }) => [d.eventType, d.status])
        .sort(),
    ).toEqual(got.map((p) => [p.type, 'succeeded']).sort());
    const { Outbox } = await import('@app/tenancy');
    expect(t.app.get(Outbox).corrections).toBe(0);
    await tenant.admin.delete(`/api/v1/webhooks/${hook.id}`).expect(204);
  });
});
