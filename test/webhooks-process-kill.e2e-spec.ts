import type { Model } from 'mongoose';
import type { OutboxEntry } from '@app/tenancy';
import { waitFor } from '@app/testing/realtime-client';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import { type AppProcess, startAppProcess } from './support/app-process-handle';
import type { TenantFixture, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * Durability with a real kill: an instance runs as its own process, is killed with SIGKILL right after
 * a customer write landed (before anything after it: audit, outbox hand-off, event, response), and a
 * second process started afterwards delivers the webhook by itself, from its background rounds. The
 * in-process app here only sets things up and looks at the database; it never delivers (no rounds).
 */
describe('Webhooks: an instance killed between write and delivery', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  let hook: { id: string; url: string; secret: string };
  let doomed: AppProcess | undefined;
  let successor: AppProcess | undefined;
  const receiver = new WebhookReceiver();
  let tenancy: typeof import('@app/tenancy');

  beforeAll(async () => {
    support = await loadAppWithEnv({ WEBHOOK_POLL_INTERVAL_MS: '0' });
    tenancy = await import('@app/tenancy');
    t = await support.startTestApp();
    await receiver.start();
    tenant = await support.newTenant(t, 'whk');
    company = await support.newCompany(tenant);
    hook = (
      await tenant.admin
        .post('/api/v1/webhooks')
        .send({ url: receiver.url('/killed'), events: ['customer.updated'] })
        .expect(201)
    ).body;
  }, 60_000);
  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await successor?.kill('SIGTERM');
    await receiver.stop();
    await t?.close();
  });

  function outbox(): Model<OutboxEntry> {
    const dbName = t.app.get(tenancy.TenantDirectory).dbNameFor(tenant.slug);
    return t.app.get(tenancy.TenantConnectionRegistry).model<OutboxEntry>(dbName, tenancy.OUTBOX_MODEL);
  }

  const updatesOf = (customerId: string) =>
    receiver.at(hook.url).filter((r) => r.json.type === 'customer.updated' && r.json.data.customerId === customerId);

  it('the write survives the kill, and the restarted instance delivers its event, signed, exactly once', async () => {
    const id = (
      await tenant.admin.post('/api/v1/customers').send({ companyId: company, name: 'Before the kill' }).expect(201)
    ).body.id as string;

    doomed = await startAppProcess({
      FAILPOINTS: `${tenancy.WriterFailpoint.AFTER_RECORD_WRITE}=kill`,
      WEBHOOK_POLL_INTERVAL_MS: '0',
    });
    const patch = fetch(`${doomed.url}/api/v1/customers/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${tenant.token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Landed, then killed' }),
    });
    // The client never gets an answer: the connection dies with the process.
    await expect(patch).rejects.toThrow();
    expect(await doomed.ended).toEqual({ code: null, signal: 'SIGKILL' });

    // The record write landed; its event is only in the outbox, and nobody has delivered it.
    expect((await tenant.admin.get(`/api/v1/customers/${id}`).expect(200)).body).toMatchObject({
      name: 'Landed, then killed',
      version: 2,
    });
    expect(await outbox().countDocuments({ entityId: id, version: 2 })).toBe(1);
    expect(updatesOf(id)).toEqual([]);

    successor = await startAppProcess({ WEBHOOK_POLL_INTERVAL_MS: '100', OUTBOX_RECOVER_AFTER_MS: '0' });
    await waitFor(() => updatesOf(id).length > 0, 30_000);
    const [got] = updatesOf(id);
    expect(WebhookReceiver.verify(hook.secret, got)).toMatchObject({
      type: 'customer.updated',
      data: {
        customer: { id, name: 'Landed, then killed', version: 2 },
        changes: { name: { from: 'Before the kill' } },
      },
    });
    // Further rounds of the successor send nothing more for it.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(updatesOf(id)).toHaveLength(1);
    expect(await outbox().countDocuments({ entityId: id })).toBe(0);
  }, 240_000);
});
