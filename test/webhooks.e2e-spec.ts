import { waitFor } from '@app/testing/realtime-client';
import type { Clock, HostResolver } from '../src/modules/integration';
import { loadAppWithEnv, type TestAppSupport } from './security/support/app-with-env';
import type { TenantFixture, TestApp } from './support/test-app';
import { type Received, WebhookReceiver } from './support/webhook-receiver';

/** A clock the suite moves by hand, to walk the retry schedule without waiting. */
class ManualClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

const HOUR = 3_600_000;

/**
 * Webhooks end to end against a real HTTP receiver on a local port, which verifies every signature
 * with the standardwebhooks library. Private addresses are allowed here (the receiver is on
 * 127.0.0.1); webhooks-ssrf.e2e-spec.ts proves the refusals with them off.
 */
describe('Webhooks', () => {
  let support: TestAppSupport;
  let t: TestApp;
  let tenant: TenantFixture;
  let company: string;
  let other: string;
  const clock = new ManualClock();
  const receiver = new WebhookReceiver();
  const resolver: HostResolver = {
    // `.test` names never resolve on a real resolver: a delivery to one proves the pinned address was used.
    resolve: async (host) =>
      host === 'receiver.test' ? [{ address: '127.0.0.1' }] : Promise.reject(new Error('NXDOMAIN')),
  };

  beforeAll(async () => {
    support = await loadAppWithEnv({ WEBHOOK_POLL_INTERVAL_MS: '0', WEBHOOK_TIMEOUT_MS: '1500' });
    const { CLOCK, HOST_RESOLVER } = await import('../src/modules/integration');
    t = await support.startTestApp((b) =>
      b.overrideProvider(CLOCK).useValue(clock).overrideProvider(HOST_RESOLVER).useValue(resolver),
    );
    await receiver.start();
    tenant = await support.newTenant(t, 'wh');
    [company, other] = await Promise.all([support.newCompany(tenant), support.newCompany(tenant)]);
  });
  afterAll(async () => {
    await receiver.stop();
    await t?.close();
  });
  beforeEach(() => {
    receiver.reply = () => ({ status: 200, body: 'ok' });
  });

  interface Hook {
    id: string;
    secret: string;
    url: string;
    version: number;
  }

  /** An endpoint at its own path of the receiver. */
  async function register(body: Record<string, unknown>): Promise<Hook> {
    const res = await tenant.admin
      .post('/api/v1/webhooks')
      .send({ url: receiver.url(`/${Math.random().toString(36).slice(2)}`), ...body })
      .expect(201);
    return res.body as Hook;
  }

  /** Waits until what this instance started (outbox hand-offs, first attempts) is done. */
  async function drain(): Promise<void> {
    const { Outbox } = await import('@app/tenancy');
    const { WebhookDeliveryWorker } = await import('../src/modules/integration');
    // A delivery can cause an event (webhook.disabled) whose delivery starts another round.
    for (let i = 0; i < 3; i++) {
      await t.app.get(Outbox).drain();
      await t.app.get(WebhookDeliveryWorker).drain();
    }
  }

  /** One delivery round in the tenant (due retries at the suite's clock), as the loop would run it. */
  async function poll(): Promise<void> {
    const { TenantRunner } = await import('@app/tenancy');
    const { WebhookDeliveryWorker } = await import('../src/modules/integration');
    const worker = t.app.get(WebhookDeliveryWorker);
    await t.app.get(TenantRunner).runInTenant(tenant.slug, () => worker.pollTenant());
    await drain();
  }

  async function deliveries(id: string, query = ''): Promise<Array<Record<string, unknown>>> {
    return (await tenant.admin.get(`/api/v1/webhooks/${id}/deliveries${query}`).expect(200)).body.data;
  }

  async function newCustomer(companyId = company): Promise<{ id: string; version: number }> {
    const res = await tenant.admin
      .post('/api/v1/customers')
      .send({ companyId, name: `Customer ${Math.random().toString(36).slice(2, 8)}` })
      .expect(201);
    return res.body as { id: string; version: number };
  }

  const rename = (id: string, name: string) => tenant.admin.patch(`/api/v1/customers/${id}`).send({ name }).expect(200);

  /** Replies to requests for one endpoint's path; everything else gets 200. */
  function replyAt(
    url: string,
    reply: (r: Received) => { status: number; body?: string; delayMs?: number; headers?: Record<string, string> },
  ): void {
    const path = new URL(url).pathname;
    receiver.reply = (r) => (r.path === path ? reply(r) : { status: 200, body: 'ok' });
  }

  it('registers an endpoint, shows its secret once, and delivers signed events the receiver verifies', async () => {
    const hook = await register({ events: ['customer.*'], description: 'CRM sync' });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const shown = await tenant.admin.get(`/api/v1/webhooks/${hook.id}`).expect(200);
    expect(shown.body).toMatchObject({ id: hook.id, events: ['customer.*'], status: 'active', companyIds: [] });
    expect(shown.body.secret).toBeUndefined();
    expect(shown.headers.etag).toBe('"1"');

    const created = await tenant.member
      .post('/api/v1/customers')
      .send({ companyId: company, name: 'Hooked Ltd', email: 'ops@hooked.test' })
      .expect(201);
    await drain();
    const got = receiver.at(hook.url);
    expect(got).toHaveLength(1);
    const payload = WebhookReceiver.verify(hook.secret, got[0]) as Received['json'];
    expect(payload).toMatchObject({
      id: expect.stringMatching(/^evt_[0-9a-f]{24}$/),
      type: 'customer.created',
      occurredAt: created.body.createdAt,
      data: {
        companyId: company,
        customerId: created.body.id,
        customer: created.body,
        changes: {},
        actor: 'member-user',
      },
    });
    expect(got[0].headers['webhook-id']).toBe(payload.id);
    expect(got[0].headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(() => WebhookReceiver.verify('whsec_' + Buffer.alloc(32, 7).toString('base64'), got[0])).toThrow();

    const log = await tenant.admin.get(`/api/v1/webhooks/${hook.id}/deliveries`).expect(200);
    expect(log.body.data[0]).toMatchObject({
      webhookId: hook.id,
      messageId: payload.id,
      eventType: 'customer.created',
      status: 'succeeded',
      attempts: 1,
      responseStatus: 200,
      responseBody: 'ok',
      error: null,
      nextAttemptAt: null,
    });
    expect(log.body.data[0].durationMs).toEqual(expect.any(Number));
    const { Outbox } = await import('@app/tenancy');
    expect(t.app.get(Outbox).corrections).toBe(0);
    await tenant.admin.delete(`/api/v1/webhooks/${hook.id}`).expect(204);
  });

  it('sends only what the filters ask for: event names, module wildcards, companies', async () => {
    const leads = await register({ events: ['lead.*'] });
    const otherCompany = await register({ events: ['customer.updated'], companyIds: [other] });
    const customer = await newCustomer(company);
    await rename(customer.id, 'Renamed in the first company');
    await tenant.admin.post('/api/v1/leads').send({ companyId: company, name: 'Lead for the filter test' }).expect(201);
    const elsewhere = await newCustomer(other);
    await rename(elsewhere.id, 'Renamed in the other company');
    await drain();
    expect(receiver.at(leads.url).map((r) => r.json.type)).toEqual(['lead.created']);
    // The payloads written ahead of the writes were exact: no entry needed correcting after its write.
    const { Outbox } = await import('@app/tenancy');
    expect(t.app.get(Outbox).corrections).toBe(0);
    const got = receiver.at(otherCompany.url);
    expect(got.map((r) => [r.json.type, r.json.data.customerId])).toEqual([['customer.updated', elsewhere.id]]);
    expect(got[0].json.data.changes).toEqual({
      name: { from: expect.any(String), to: 'Renamed in the other company' },
    });
    for (const h of [leads, otherCompany]) await tenant.admin.delete(`/api/v1/webhooks/${h.id}`).expect(204);
  });

  it('refuses unknown events, bad URLs, foreign companies and non-admins, writing nothing', async () => {
    const { expectProblem } = support;
    const post = (body: Record<string, unknown>) => tenant.admin.post('/api/v1/webhooks').send(body);
    const url = receiver.url('/refusals');
    const before = (await tenant.admin.get('/api/v1/webhooks').expect(200)).body.data.length;
    expectProblem(await post({ url, events: ['customer.exploded'] }), 400, 'webhook.unknown_event');
    expectProblem(await post({ url, events: ['nosuch.*'] }), 400, 'webhook.unknown_event');
    expectProblem(await post({ url, events: ['customer'] }), 400);
    expectProblem(await post({ url: 'ftp://127.0.0.1/x', events: ['customer.*'] }), 400, 'webhook.url_refused');
    expectProblem(await post({ url: 'not a url', events: ['customer.*'] }), 400, 'webhook.url_refused');
    expectProblem(
      await post({ url: 'http://user:pw@127.0.0.1/x', events: ['customer.*'] }),
      400,
      'webhook.url_refused',
    );
    expectProblem(
      await post({ url: 'http://169.254.169.254/latest', events: ['customer.*'] }),
      400,
      'webhook.url_refused',
    );
    expectProblem(await post({ url, events: ['customer.*'], companyIds: ['0123456789abcdef01234567'] }), 404);
    expectProblem(await post({ url, events: ['customer.*'], secret: 'mine' }), 400);
    expectProblem(await tenant.member.post('/api/v1/webhooks').send({ url, events: ['customer.*'] }), 403);
    expectProblem(await tenant.member.get('/api/v1/webhooks'), 403);
    expect((await tenant.admin.get('/api/v1/webhooks').expect(200)).body.data).toHaveLength(before);
  });

  it('connects to the address it checked (DNS pinned), and a ping reports the outcome', async () => {
    const res = await tenant.admin
      .post('/api/v1/webhooks')
      .send({ url: `http://receiver.test:${receiver.port}/pinned`, events: ['customer.deleted'] })
      .expect(201);
    const ping = await tenant.admin.post(`/api/v1/webhooks/${res.body.id}/test`).expect(200);
    expect(ping.body).toMatchObject({
      eventType: 'webhook.ping',
      status: 'succeeded',
      attempts: 1,
      responseStatus: 200,
    });
    const got = receiver.received.filter((r) => r.path === '/pinned');
    expect(got).toHaveLength(1);
    expect(got[0].headers.host).toBe(`receiver.test:${receiver.port}`);
    expect(WebhookReceiver.verify(res.body.secret, got[0])).toMatchObject({
      type: 'webhook.ping',
      data: { webhookId: res.body.id },
    });
    await tenant.admin.delete(`/api/v1/webhooks/${res.body.id}`).expect(204);
  });

  it('rotates the secret: the old one signs alongside the new one for 24 h, then stops', async () => {
    const hook = await register({ events: ['customer.deleted'] });
    const rotated = await tenant.admin.post(`/api/v1/webhooks/${hook.id}/rotate-secret`).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(rotated.headers.etag).toBe('"2"');
    await tenant.admin.post(`/api/v1/webhooks/${hook.id}/test`).expect(200);
    const first = receiver.at(hook.url)[0];
    expect(String(first.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() => WebhookReceiver.verify(rotated.body.secret, first)).not.toThrow();
    expect(() => WebhookReceiver.verify(hook.secret, first)).not.toThrow();

    clock.advance(25 * HOUR);
    try {
      await tenant.admin.post(`/api/v1/webhooks/${hook.id}/test`).expect(200);
    } finally {
      clock.advance(-25 * HOUR);
    }
    const second = receiver.at(hook.url)[1];
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => WebhookReceiver.verify(rotated.body.secret, second)).not.toThrow();
    expect(() => WebhookReceiver.verify(hook.secret, second)).toThrow();

    const audit = await tenant.admin.get(`/api/v1/audit?entityType=webhook&entityId=${hook.id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['webhook.created', 'webhook.secret_rotated', 'webhook.tested']),
    );
    expect(JSON.stringify(audit.body)).not.toContain(rotated.body.secret.slice(6));
    await tenant.admin.delete(`/api/v1/webhooks/${hook.id}`).expect(204);
  });

  it('follows no redirect, reads a capped body, and gives up on a slow receiver at the timeout', async () => {
    const hook = await register({ events: ['customer.deleted'] });
    replyAt(hook.url, () => ({ status: 302, headers: { location: receiver.url('/elsewhere') } }));
    const redirected = await tenant.admin.post(`/api/v1/webhooks/${hook.id}/test`).expect(200);
    expect(redirected.body).toMatchObject({ status: 'failed', responseStatus: 302 });
    expect(redirected.body.error).toContain('redirects are not followed');
    expect(receiver.received.filter((r) => r.path === '/elsewhere')).toHaveLength(0);

    replyAt(hook.url, () => ({ status: 200, body: 'x'.repeat(200_000) }));
    const big = await tenant.admin.post(`/api/v1/webhooks/${hook.id}/test`).expect(200);
    expect(big.body.status).toBe('succeeded');
    expect(big.body.responseBody).toBe('x'.repeat(1024));

    replyAt(hook.url, () => ({ status: 200, delayMs: 4_000 }));
    const slow = await tenant.admin.post(`/api/v1/webhooks/${hook.id}/test`).expect(200);
    expect(slow.body).toMatchObject({ status: 'failed', responseStatus: null });
    expect(slow.body.error).toContain('timed out after 1500 ms');
    await tenant.admin.delete(`/api/v1/webhooks/${hook.id}`).expect(204);
  });

  it('retries with growing, jittered delays for about a day, then fails the delivery and, still failing, disables the endpoint', async () => {
    const watcher = await register({ events: ['webhook.disabled'] });
    const hook = await register({ events: ['customer.updated'] });
    replyAt(hook.url, () => ({ status: 500, body: 'down' }));
    const customer = await newCustomer();
    await rename(customer.id, 'Retried Inc');
    await drain();
    const start = clock.now().getTime();
    const attemptTimes: number[] = [];
    // Each delay as scheduled: from the attempt that failed to the next one (the suite's clock runs on with
    // real time, so `start`, read after the first attempt, is not where the first delay began).
    const gaps: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [d] = await deliveries(hook.id);
      if (d.status !== 'pending') break;
      const next = new Date(d.nextAttemptAt as string).getTime();
      gaps.push(next - new Date(d.lastAttemptAt as string).getTime());
      clock.advance(next - clock.now().getTime());
      attemptTimes.push(next - start);
      await poll();
    }
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({ status: 'failed', responseStatus: 500, responseBody: 'down', nextAttemptAt: null });
    expect(failed.attempts).toBe(attemptTimes.length + 1);
    expect(attemptTimes.length).toBeGreaterThanOrEqual(7);
    expect(attemptTimes.length).toBeLessThanOrEqual(11);
    expect(attemptTimes.at(-1)!).toBeLessThanOrEqual(24 * HOUR);
    expect(attemptTimes.at(-1)!).toBeGreaterThan(12 * HOUR);
    expect(gaps[0]).toBeGreaterThanOrEqual(4_000);
    expect(gaps[0]).toBeLessThanOrEqual(6_000);
    for (let i = 1; i < gaps.length; i++) {
      // ×4 per step, ±20% jitter on each side, capped at 8 h (+20%).
      expect(gaps[i]).toBeGreaterThan(gaps[i - 1] * 1.8 > 8 * HOUR * 0.8 ? 8 * HOUR * 0.79 : gaps[i - 1] * 1.8);
      expect(gaps[i]).toBeLessThanOrEqual(8 * HOUR * 1.2 + 1);
    }
    expect(failed.history).toHaveLength(Math.min(10, failed.attempts as number));
    expect((await tenant.admin.get(`/api/v1/webhooks/${hook.id}`).expect(200)).body).toMatchObject({
      status: 'active',
      failingSince: expect.any(String),
    });

    // More than a day after the first failure, the next failed attempt disables the endpoint.
    clock.advance(start + 25 * HOUR - clock.now().getTime());
    await rename(customer.id, 'Still failing');
    await drain();
    const disabled = (await tenant.admin.get(`/api/v1/webhooks/${hook.id}`).expect(200)).body;
    expect(disabled).toMatchObject({ status: 'disabled', disabledReason: 'failing', version: 2 });
    const notice = receiver.at(watcher.url).filter((r) => r.json.type === 'webhook.disabled');
    expect(notice).toHaveLength(1);
    expect(WebhookReceiver.verify(watcher.secret, notice[0])).toMatchObject({
      data: { webhook: { id: hook.id, status: 'disabled', disabledReason: 'failing' }, actor: 'system' },
    });
    const audit = await tenant.admin.get(`/api/v1/audit?entityType=webhook&entityId=${hook.id}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'webhook.disabled', actor: 'system' });

    // Disabled: no new deliveries, and a manual retry must wait for it to be enabled again.
    const count = receiver.at(hook.url).length;
    await rename(customer.id, 'Not sent');
    await drain();
    expect(receiver.at(hook.url)).toHaveLength(count);
    const [last] = await deliveries(hook.id, '?status=failed');
    support.expectProblem(
      await tenant.admin.post(`/api/v1/webhooks/${hook.id}/deliveries/${last.id as string}/retry`),
      409,
      'webhook.disabled',
    );
    replyAt(hook.url, () => ({ status: 204 }));
    await tenant.admin.patch(`/api/v1/webhooks/${hook.id}`).send({ status: 'active' }).expect(200);
    const retried = await tenant.admin
      .post(`/api/v1/webhooks/${hook.id}/deliveries/${last.id as string}/retry`)
      .expect(200);
    expect(retried.body).toMatchObject({ id: last.id, status: 'succeeded', responseStatus: 204 });
    expect(retried.body.attempts).toBe((last.attempts as number) + 1);
    expect((await tenant.admin.get(`/api/v1/webhooks/${hook.id}`).expect(200)).body.failingSince).toBeNull();
    for (const h of [hook, watcher]) await tenant.admin.delete(`/api/v1/webhooks/${h.id}`).expect(204);
    clock.offsetMs = 0;
  });

  it('disables an endpoint that answers 410 Gone, with an audit entry and a webhook.disabled event', async () => {
    const watcher = await register({ events: ['webhook.*'] });
    const hook = await register({ events: ['customer.updated'] });
    replyAt(hook.url, () => ({ status: 410, body: 'gone' }));
    const customer = await newCustomer();
    await rename(customer.id, 'Gone Corp');
    await drain();
    expect((await tenant.admin.get(`/api/v1/webhooks/${hook.id}`).expect(200)).body).toMatchObject({
      status: 'disabled',
      disabledReason: 'gone',
    });
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: 'failed', responseStatus: 410, attempts: 1 });
    await waitFor(() => receiver.at(watcher.url).some((r) => r.json.type === 'webhook.disabled'));
    const audit = await tenant.admin.get(`/api/v1/audit?entityType=webhook&entityId=${hook.id}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({
      action: 'webhook.disabled',
      changes: { status: { from: 'active', to: 'disabled' } },
    });
    for (const h of [hook, watcher]) await tenant.admin.delete(`/api/v1/webhooks/${h.id}`).expect(204);
  });

  it('delivers every event at least once after the receiver was down for an hour, none lost', async () => {
    const hook = await register({ events: ['customer.updated'] });
    let up = false;
    replyAt(hook.url, () => (up ? { status: 200 } : { status: 503 }));
    const customer = await newCustomer();
    for (let i = 0; i < 12; i++) await rename(customer.id, `Outage ${i}`);
    await drain();
    expect((await deliveries(hook.id, '?status=pending&limit=100')).length).toBe(12);
    up = true;
    clock.advance(HOUR);
    await poll();
    clock.offsetMs = 0;
    const delivered = receiver.at(hook.url).filter((r) => r.json.type === 'customer.updated');
    const names = new Set(delivered.map((r) => (r.json.data.changes as { name: { to: string } }).name.to));
    expect(names).toEqual(new Set(Array.from({ length: 12 }, (_, i) => `Outage ${i}`)));
    expect((await deliveries(hook.id, '?status=succeeded&limit=100')).length).toBe(12);
    await tenant.admin.delete(`/api/v1/webhooks/${hook.id}`).expect(204);
    expect(await deliveries(hook.id).catch(() => 'gone')).toBe('gone');
  });

  it('limits a company-scoped admin to endpoints of its companies', async () => {
    const scoped = support.as(t, tenant.token(undefined, { user: 'scoped-admin', companies: [company] }));
    const wide = await register({ events: ['customer.*'] });
    support.expectProblem(
      await scoped.post('/api/v1/webhooks').send({ url: receiver.url('/scoped'), events: ['customer.*'] }),
      403,
      'integration.companies_required',
    );
    support.expectProblem(
      await scoped
        .post('/api/v1/webhooks')
        .send({ url: receiver.url('/scoped'), events: ['customer.*'], companyIds: [other] }),
      404,
    );
    const mine = await scoped
      .post('/api/v1/webhooks')
      .send({ url: receiver.url('/scoped'), events: ['customer.*'], companyIds: [company] })
      .expect(201);
    support.expectProblem(await scoped.get(`/api/v1/webhooks/${wide.id}`), 404, 'webhook.not_found');
    support.expectProblem(await scoped.delete(`/api/v1/webhooks/${wide.id}`), 404, 'webhook.not_found');
    const listed = (await scoped.get('/api/v1/webhooks').expect(200)).body.data.map((w: { id: string }) => w.id);
    expect(listed).toEqual([mine.body.id]);
    support.expectProblem(await tenant.admin.delete(`/api/v1/companies/${company}`), 409, 'company.in_use');
    for (const id of [wide.id, mine.body.id]) await tenant.admin.delete(`/api/v1/webhooks/${id}`).expect(204);
  });
});
