import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';
import { waitFor } from '@app/testing/realtime-client';

/**
 * Two instances on one database, both polling every 20 ms, so that nearly every delivery is found due by
 * both (and by the writer's own first attempt): every event must arrive, and no attempt may be sent
 * twice or be in flight on both at once. The receiver is slow, to widen the window.
 */
describe('Webhooks across two instances', () => {
  let support: TestAppSupport;
  let one: TestApp;
  let two: TestApp;
  let tenant: TenantFixture;
  let company: string;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    support = await loadAppWithEnv({ WEBHOOK_POLL_INTERVAL_MS: '20' });
    [one, two] = [await support.startTestApp(), await support.startTestApp()];
    await receiver.start();
    receiver.reply = () => ({ status: 200, delayMs: 40 });
    tenant = await support.newTenant(one, 'whi');
    company = await support.newCompany(tenant);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await receiver.stop();
  });

  it('delivers every event once, with each attempt in flight on one instance at a time', async () => {
    const hook = (
      await tenant.admin
        .post('/api/v1/webhooks')
        .send({ url: receiver.url('/both'), events: ['customer.updated'] })
        .expect(201)
    ).body;
    const onTwo = support.as(two, tenant.token());
    const id = (await tenant.admin.post('/api/v1/customers').send({ companyId: company, name: 'Shared' }).expect(201))
      .body.id as string;
    const names: string[] = [];
    for (let i = 0; i < 30; i++) {
      const name = `Round ${i}`;
      names.push(name);
      await (i % 2 ? onTwo : tenant.admin).patch(`/api/v1/customers/${id}`).send({ name }).expect(200);
    }
    await waitFor(() => new Set(receiver.at(hook.url).map((r) => r.json.id)).size === 30, 30_000);
    // Give a late duplicate every chance to show up.
    await new Promise((r) => setTimeout(r, 1_000));
    const got = receiver.at(hook.url);
    const byId = new Map<string, number>();
    for (const r of got) byId.set(r.json.id, (byId.get(r.json.id) ?? 0) + 1);
    expect([...byId.values()].every((n) => n === 1)).toBe(true);
    expect(got.map((r) => (r.json.data.changes as { name: { to: string } }).name.to).sort()).toEqual([...names].sort());
    expect(receiver.maxInFlightPerMessage).toBe(1);
    for (const r of got) expect(() => WebhookReceiver.verify(hook.secret, r)).not.toThrow();
  });
});
