import { EventEmitter2 } from '@nestjs/event-emitter';
import { Role } from '@app/common';
import { systemPrincipal, TenantRunner, TenantMaintenance } from '@app/tenancy';
import { CustomerDomainEvent, CustomerEventName } from '../src/modules/customer/events/customer.events';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

const DAY = 24 * 60 * 60 * 1000;
const BASE = '/api/v1/customers';

describe('Customers', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;
  let companyB: string;
  const events: CustomerDomainEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'cua'), newTenant(t, 'cub')]);
    [companyA, companyB] = await Promise.all([newCompany(a), newCompany(b)]);
    t.app.get(EventEmitter2).onAny((_name: string | string[], payload: unknown) => {
      if (payload instanceof CustomerDomainEvent) events.push(payload);
    });
  });
  afterAll(() => t.close());

  const eventsFor = (id: string) => events.filter((e) => e.customerId === id);
  const create = async (body: Record<string, unknown> = {}) => {
    const res = await a.member
      .post(BASE)
      .send({ companyId: companyA, name: 'Acme Corp', ...body })
      .expect(201);
    return res.body as { id: string; version: number; [k: string]: unknown };
  };
  const snapshot = async (id: string) => (await a.admin.get(`${BASE}/${id}`).expect(200)).body;

  describe('create and read', () => {
    it('creates with normalised fields, answers with the resource and an ETag, and emits customer.created', async () => {
      const res = await a.member
        .post(BASE)
        .send({
          companyId: companyA,
          name: '  Acme Corp ',
          email: ' Billing@ACME.com ',
          phone: '+1 (555) 123-4567',
          website: 'ACME.com/',
          tags: [' VIP', 'vip', 'Key  Account'],
          industry: 'Manufacturing',
          size: '51-200',
          address: { city: 'Berlin', country: 'DE' },
          notes: 'Met at a fair',
          assignedTo: 'user-7',
          contacts: [{ name: 'Jane Roe', email: 'JANE@acme.com' }, { name: 'John Doe' }],
        })
        .expect(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        companyId: companyA,
        name: 'Acme Corp',
        status: 'active',
        source: 'direct',
        email: 'billing@acme.com',
        phone: '+15551234567',
        website: 'https://acme.com',
        tags: ['vip', 'key account'],
        industry: 'Manufacturing',
        size: '51-200',
        address: { street: null, city: 'Berlin', region: null, postalCode: null, country: 'DE' },
        assignedTo: 'user-7',
        totalRevenue: 0,
        purchaseCount: 0,
        firstPurchaseAt: null,
        leadId: null,
        createdBy: 'member-user',
        updatedBy: 'member-user',
        version: 1,
      });
      expect(res.body.contacts.map((c: { name: string; isPrimary: boolean }) => [c.name, c.isPrimary])).toEqual([
        ['Jane Roe', true],
        ['John Doe', false],
      ]);
      expect(res.body.contacts[0]).toMatchObject({
        email: 'jane@acme.com',
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
      });
      expect(res.body.statusHistory).toEqual([
        { from: null, to: 'active', reason: null, by: 'member-user', at: res.body.createdAt },
      ]);
      for (const hidden of [
        '_id',
        '__v',
        'searchTokens',
        'deletedAt',
        'revenueRefs',
        'nameSort',
        'totalRevenueMinor',
      ]) {
        expect(res.body).not.toHaveProperty(hidden);
      }
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);

      const got = await a.viewer.get(`${BASE}/${res.body.id}`).expect(200);
      expect(got.body).toEqual(res.body);
      expect(got.headers.etag).toBe('"1"');

      const [created] = eventsFor(res.body.id);
      expect(created).toMatchObject({
        name: CustomerEventName.CREATED,
        tenantId: a.slug,
        companyId: companyA,
        actor: 'member-user',
        changes: {},
        customer: res.body,
      });
      expect(created.requestId).toEqual(expect.any(String));
    });

    it('refuses a company of another tenant or an unknown one with 404, writing nothing', async () => {
      const before = (await a.admin.get(`${BASE}?limit=100`).expect(200)).body.data.length;
      expectProblem(
        await a.member.post(BASE).send({ companyId: companyB, name: 'X' }),
        404,
        'customer.company_not_found',
      );
      expectProblem(
        await a.member.post(BASE).send({ companyId: '000000000000000000000000', name: 'X' }),
        404,
        'customer.company_not_found',
      );
      expect((await a.admin.get(`${BASE}?limit=100`).expect(200)).body.data.length).toBe(before);
    });

    it('answers 400 problems for bad bodies and ids, writing nothing', async () => {
      const before = (await a.admin.get(`${BASE}?limit=100`).expect(200)).body.data.length;
      const bad: Array<Record<string, unknown>> = [
        {},
        { name: 'No company' },
        { companyId: companyA },
        { companyId: companyA, name: '' },
        { companyId: companyA, name: 42 },
        { companyId: companyA, name: { $gt: '' } },
        { companyId: { $gt: '' }, name: 'X' },
        { companyId: 'not-an-id', name: 'X' },
        { companyId: companyA, name: 'X', unknown: 1 },
        { companyId: companyA, name: 'X', searchTokens: ['x'] },
        { companyId: companyA, name: 'X', email: 'not-an-email' },
        { companyId: companyA, name: 'X', email: { $ne: null } },
        { companyId: companyA, name: 'X', phone: '12' },
        { companyId: companyA, name: 'X', website: 'javascript:alert(1)' },
        { companyId: companyA, name: 'X', status: 'happy' },
        { companyId: companyA, name: 'X', source: 'lead' },
        { companyId: companyA, name: 'X', size: 'huge' },
        { companyId: companyA, name: 'X', tags: 'vip' },
        { companyId: companyA, name: 'X', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
        { companyId: companyA, name: 'X', tags: ['x'.repeat(51)] },
        { companyId: companyA, name: 'x'.repeat(201) },
        { companyId: companyA, name: 'X', notes: 'x'.repeat(5001) },
        { companyId: companyA, name: 'X', address: { city: 'x'.repeat(101) } },
        { companyId: companyA, name: 'X', address: { planet: 'Mars' } },
        { companyId: companyA, name: 'X', contacts: [{ title: 'CFO' }] },
        {
          companyId: companyA,
          name: 'X',
          contacts: [
            { name: 'A', isPrimary: true },
            { name: 'B', isPrimary: true },
          ],
        },
        { companyId: companyA, name: 'X', contacts: Array.from({ length: 51 }, (_, i) => ({ name: `c${i}` })) },
      ];
      for (const body of bad) {
        const res = await a.member.post(BASE).send(body);
        expectProblem(res, 400);
      }
      const res = await a.member.post(BASE).send({ companyId: companyA, name: 'X', unknown: 1 });
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'unknown' })]));
      expectProblem(await a.viewer.get(`${BASE}/not-an-id`), 400, 'request.invalid_id');
      expectProblem(await a.viewer.get(`${BASE}/000000000000000000000000`), 404, 'customer.not_found');
      expect((await a.admin.get(`${BASE}?limit=100`).expect(200)).body.data.length).toBe(before);
    });
  });

  describe('update with If-Match', () => {
    it('PATCH changes only the given fields, bumps the version and audits the diff', async () => {
      const c = await create({ email: 'old@acme.com', notes: 'keep me' });
      const res = await a.member
        .patch(`${BASE}/${c.id}`)
        .set('If-Match', '"1"')
        .send({ name: 'Acme Ltd', email: 'NEW@acme.com', website: null })
        .expect(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toMatchObject({ name: 'Acme Ltd', email: 'new@acme.com', notes: 'keep me', version: 2 });
      const updated = eventsFor(c.id).find((e) => e.name === CustomerEventName.UPDATED);
      expect(updated?.changes).toEqual({
        name: { from: 'Acme Corp', to: 'Acme Ltd' },
        email: { from: 'old@acme.com', to: 'new@acme.com' },
      });
      expect(updated?.customer).toEqual(res.body);
      const history = await a.viewer.get(`${BASE}/${c.id}/history`).expect(200);
      expect(history.body.data[0]).toMatchObject({
        action: 'customer.updated',
        actor: 'member-user',
        entityId: c.id,
        changes: { name: { from: 'Acme Corp', to: 'Acme Ltd' } },
      });
    });

    it('a stale If-Match gets 412 and writes nothing; no If-Match writes anyway', async () => {
      const c = await create();
      await a.member.patch(`${BASE}/${c.id}`).send({ notes: 'v2' }).expect(200);
      const stale = await a.member.patch(`${BASE}/${c.id}`).set('If-Match', '"1"').send({ name: 'Lost update' });
      expectProblem(stale, 412, 'customer.version_mismatch');
      expect(stale.body.currentVersion).toBe(2);
      expect(await snapshot(c.id)).toMatchObject({ name: 'Acme Corp', notes: 'v2', version: 2 });
      expectProblem(await a.member.patch(`${BASE}/${c.id}`).set('If-Match', 'banana').send({ notes: 'x' }), 400);
      expectProblem(
        await a.member.put(`${BASE}/${c.id}/status`).set('If-Match', '"1"').send({ status: 'churned' }),
        412,
      );
      expect((await snapshot(c.id)).status).toBe('active');
    });

    it('a PATCH that changes nothing writes nothing and emits nothing', async () => {
      const c = await create({ email: 'same@acme.com' });
      const before = events.length;
      const res = await a.member
        .patch(`${BASE}/${c.id}`)
        .send({ name: 'Acme Corp', email: 'SAME@acme.com' })
        .expect(200);
      expect(res.body.version).toBe(1);
      expect(events.length).toBe(before);
    });

    it('refuses bad PATCH bodies with 400 and leaves the customer as it was', async () => {
      const c = await create();
      const before = await snapshot(c.id);
      for (const body of [
        { name: null },
        { name: '' },
        { source: null },
        { tags: null },
        { status: 'churned' },
        { companyId: companyA },
        { assignedTo: 'x' },
        { contacts: [] },
        { version: 9 },
        { name: { $set: 'x' } },
        { email: 'nope' },
      ]) {
        expectProblem(await a.member.patch(`${BASE}/${c.id}`).send(body), 400);
      }
      expect(await snapshot(c.id)).toEqual(before);
    });
  });

  describe('status, assignee and tags', () => {
    it('status change appends to the history and emits customer.status_changed; the same status is a no-op', async () => {
      const c = await create();
      const res = await a.member
        .put(`${BASE}/${c.id}/status`)
        .send({ status: 'churned', reason: 'Contract ended' })
        .expect(200);
      expect(res.body.status).toBe('churned');
      expect(res.body.statusHistory.at(-1)).toEqual({
        from: 'active',
        to: 'churned',
        reason: 'Contract ended',
        by: 'member-user',
        at: res.body.updatedAt,
      });
      const again = await a.member.put(`${BASE}/${c.id}/status`).send({ status: 'churned' }).expect(200);
      expect(again.body.version).toBe(res.body.version);
      expect(again.body.statusHistory).toHaveLength(2);
      const statusEvents = eventsFor(c.id).filter((e) => e.name === CustomerEventName.STATUS_CHANGED);
      expect(statusEvents).toHaveLength(1);
      expect(statusEvents[0].changes).toEqual({ status: { from: 'active', to: 'churned' } });
      for (const body of [{}, { status: 'gone' }, { status: 'active', reason: 5 }, { status: 'active', extra: true }]) {
        expectProblem(await a.member.put(`${BASE}/${c.id}/status`).send(body), 400);
      }
    });

    it('assigns and unassigns, emitting customer.assigned, and filters by assignee', async () => {
      const c = await create({ name: 'Assigned Co' });
      await a.member.put(`${BASE}/${c.id}/assignee`).send({ userId: 'owner-1' }).expect(200);
      const mine = await a.viewer.get(`${BASE}?assignedTo=owner-1`).expect(200);
      expect(mine.body.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
      const un = await a.member.put(`${BASE}/${c.id}/assignee`).send({ userId: null }).expect(200);
      expect(un.body.assignedTo).toBeNull();
      expect(
        eventsFor(c.id)
          .filter((e) => e.name === CustomerEventName.ASSIGNED)
          .map((e) => e.changes),
      ).toEqual([{ assignedTo: { from: null, to: 'owner-1' } }, { assignedTo: { from: 'owner-1', to: null } }]);
      expectProblem(await a.member.put(`${BASE}/${c.id}/assignee`).send({}), 400);
      expectProblem(await a.member.put(`${BASE}/${c.id}/assignee`).send({ userId: 7 }), 400);
    });

    it('adds many tags (normalised, deduplicated) and removes one', async () => {
      const c = await create({ tags: ['vip'] });
      const added = await a.member
        .post(`${BASE}/${c.id}/tags`)
        .send({ tags: [' Renewal ', 'VIP', 'emea'] })
        .expect(200);
      expect(added.body.tags).toEqual(['vip', 'renewal', 'emea']);
      const same = await a.member
        .post(`${BASE}/${c.id}/tags`)
        .send({ tags: ['emea'] })
        .expect(200);
      expect(same.body.version).toBe(added.body.version);
      const removed = await a.member.delete(`${BASE}/${c.id}/tags/RENEWAL`).expect(200);
      expect(removed.body.tags).toEqual(['vip', 'emea']);
      await a.member.delete(`${BASE}/${c.id}/tags/absent`).expect(200);
      expectProblem(await a.member.post(`${BASE}/${c.id}/tags`).send({ tags: [] }), 400);
      expectProblem(await a.member.post(`${BASE}/${c.id}/tags`).send({ tags: [{ $gt: '' }] }), 400);
      const many = Array.from({ length: 50 }, (_, i) => `bulk-${i}`);
      expectProblem(await a.member.post(`${BASE}/${c.id}/tags`).send({ tags: many }), 422, 'customer.too_many_tags');
      expect((await snapshot(c.id)).tags).toEqual(['vip', 'emea']);
    });
  });

  describe('revenue', () => {
    it('adds amounts in cents without float drift, keeps first/last purchase, and counts a reference once', async () => {
      const c = await create();
      await a.member
        .post(`${BASE}/${c.id}/revenue`)
        .send({ amount: 0.1, purchasedAt: '2025-03-01T00:00:00Z' })
        .expect(200);
      await a.member
        .post(`${BASE}/${c.id}/revenue`)
        .send({ amount: 0.2, purchasedAt: '2025-01-01T00:00:00Z' })
        .expect(200);
      const third = await a.member
        .post(`${BASE}/${c.id}/revenue`)
        .send({ amount: 19.99, purchasedAt: '2025-06-01T00:00:00Z', reference: 'INV-1' })
        .expect(200);
      expect(third.body).toMatchObject({
        totalRevenue: 20.29,
        purchaseCount: 3,
        firstPurchaseAt: '2025-01-01T00:00:00.000Z',
        lastPurchaseAt: '2025-06-01T00:00:00.000Z',
      });
      const retry = await a.member
        .post(`${BASE}/${c.id}/revenue`)
        .send({ amount: 19.99, purchasedAt: '2025-06-01T00:00:00Z', reference: 'INV-1' })
        .expect(200);
      expect(retry.body).toMatchObject({ totalRevenue: 20.29, purchaseCount: 3, version: third.body.version });
      const revenueEvents = eventsFor(c.id).filter((e) => e.name === CustomerEventName.REVENUE_RECORDED);
      expect(revenueEvents).toHaveLength(3);
      expect(revenueEvents[2].changes.totalRevenue).toEqual({ from: 0.3, to: 20.29 });
    });

    it('concurrent calls with one reference count once; with distinct references each counts', async () => {
      const c = await create();
      const send = (reference: string) =>
        a.member.post(`${BASE}/${c.id}/revenue`).send({ amount: 10, purchasedAt: '2025-05-05T00:00:00Z', reference });
      const same = await Promise.all(Array.from({ length: 8 }, () => send('ORDER-77')));
      expect(same.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(await snapshot(c.id)).toMatchObject({ totalRevenue: 10, purchaseCount: 1 });
      await Promise.all(Array.from({ length: 6 }, (_, i) => send(`ORDER-${i}`)));
      expect(await snapshot(c.id)).toMatchObject({ totalRevenue: 70, purchaseCount: 7 });
    });

    it('refuses non-positive, over-precise or mistyped amounts and bad dates, writing nothing', async () => {
      const c = await create();
      for (const body of [
        { amount: 0, purchasedAt: '2025-01-01T00:00:00Z' },
        { amount: -5, purchasedAt: '2025-01-01T00:00:00Z' },
        { amount: 1.001, purchasedAt: '2025-01-01T00:00:00Z' },
        { amount: '10', purchasedAt: '2025-01-01T00:00:00Z' },
        { amount: { $gt: 0 }, purchasedAt: '2025-01-01T00:00:00Z' },
        { amount: 10, purchasedAt: 'yesterday' },
        { amount: 10 },
        { amount: 10, purchasedAt: '2025-01-01T00:00:00Z', reference: '' },
        { amount: 10, purchasedAt: '2025-01-01T00:00:00Z', reference: { $ne: 'x' } },
        { amount: 10, purchasedAt: '2025-01-01T00:00:00Z', currency: 'EUR' },
      ]) {
        expectProblem(await a.member.post(`${BASE}/${c.id}/revenue`).send(body), 400);
      }
      expect(await snapshot(c.id)).toMatchObject({ totalRevenue: 0, purchaseCount: 0, version: 1 });
    });
  });

  describe('soft delete, restore and purge', () => {
    it('delete hides the customer everywhere; restore brings it back; both are audited and evented', async () => {
      const c = await create({ name: 'Vanishing Widgets' });
      await a.admin.delete(`${BASE}/${c.id}`).expect(204);
      expectProblem(await a.viewer.get(`${BASE}/${c.id}`), 404, 'customer.not_found');
      expectProblem(await a.member.patch(`${BASE}/${c.id}`).send({ notes: 'x' }), 404);
      expectProblem(await a.viewer.get(`${BASE}/${c.id}/history`), 404);
      const listed = await a.viewer.get(`${BASE}?q=vanishing`).expect(200);
      expect(listed.body.data).toEqual([]);
      const recent = await a.viewer.get(`${BASE}/recent?limit=100`).expect(200);
      expect(recent.body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
      expectProblem(await a.admin.delete(`${BASE}/${c.id}`), 404);

      const restored = await a.admin.post(`${BASE}/${c.id}/restore`).expect(200);
      expect(restored.body).toMatchObject({ id: c.id, name: 'Vanishing Widgets' });
      await a.viewer.get(`${BASE}/${c.id}`).expect(200);
      const again = await a.admin.post(`${BASE}/${c.id}/restore`).expect(200);
      expect(again.body.version).toBe(restored.body.version);
      expect(eventsFor(c.id).map((e) => e.name)).toEqual([
        CustomerEventName.CREATED,
        CustomerEventName.DELETED,
        CustomerEventName.RESTORED,
      ]);
      const audit = await a.admin.get(`/api/v1/audit?entityId=${c.id}`).expect(200);
      expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual([
        'customer.restored',
        'customer.deleted',
        'customer.created',
      ]);
      expect(audit.body.data[1].changes.deletedAt).toEqual({ from: null, to: expect.any(String) });
    });

    it('purges only customers deleted longer ago than the retention, and never during tests on its own', async () => {
      const maintenance = t.app.get(TenantMaintenance);
      const runner = t.app.get(TenantRunner);
      const old = await create({ name: 'Old Deleted' });
      const live = await create({ name: 'Still Live' });
      await a.admin.delete(`${BASE}/${old.id}`).expect(204);
      const inTenant = (now: Date) =>
        runner.runInTenant(a.slug, () => maintenance.runTenant(now), systemPrincipal(a.slug, 'test'));
      expect((await inTenant(new Date(Date.now() + 29 * DAY)))['customer-retention']).toBe(0);
      await a.admin.post(`${BASE}/${old.id}/restore`).expect(200);
      await a.admin.delete(`${BASE}/${old.id}`).expect(204);
      expect((await inTenant(new Date(Date.now() + 31 * DAY)))['customer-retention']).toBe(1);
      expectProblem(await a.admin.post(`${BASE}/${old.id}/restore`), 404);
      await a.viewer.get(`${BASE}/${live.id}`).expect(200);
      const audit = await a.admin.get(`/api/v1/audit?entityId=${old.id}`).expect(200);
      expect(audit.body.data[0]).toMatchObject({ action: 'customer.purged', actor: 'test' });
      const report = await maintenance.runAll();
      expect(report.tenants).toBeGreaterThanOrEqual(2);
      expect(report.failed).toEqual([]);
    });

    it('a company with live customers can not be deleted (409); once they are deleted it can', async () => {
      const company = await newCompany(a);
      const c = (await a.member.post(BASE).send({ companyId: company, name: 'Blocker' }).expect(201)).body;
      expectProblem(await a.admin.delete(`/api/v1/companies/${company}`), 409, 'company.in_use');
      await a.admin.delete(`${BASE}/${c.id}`).expect(204);
      await a.admin.delete(`/api/v1/companies/${company}`).expect(204);
      expectProblem(await a.admin.post(`${BASE}/${c.id}/restore`), 409, 'customer.company_gone');
    });
  });

  describe('roles and companies claim', () => {
    it('viewer reads only; member writes; only admin deletes and restores', async () => {
      const c = await create();
      expectProblem(await a.viewer.post(BASE).send({ companyId: companyA, name: 'V' }), 403);
      expectProblem(await a.viewer.patch(`${BASE}/${c.id}`).send({ notes: 'v' }), 403);
      expectProblem(await a.viewer.put(`${BASE}/${c.id}/status`).send({ status: 'inactive' }), 403);
      expectProblem(
        await a.viewer.post(`${BASE}/${c.id}/revenue`).send({ amount: 1, purchasedAt: '2025-01-01T00:00:00Z' }),
        403,
      );
      expectProblem(await a.viewer.post(`${BASE}/${c.id}/contacts`).send({ name: 'V' }), 403);
      expectProblem(await a.member.delete(`${BASE}/${c.id}`), 403);
      expectProblem(await a.member.post(`${BASE}/${c.id}/restore`), 403);
      expect(await snapshot(c.id)).toMatchObject({ version: 1 });
      await a.viewer.get(`${BASE}/${c.id}`).expect(200);
      await a.viewer.get(`${BASE}/${c.id}/history`).expect(200);
    });

    it('a companies claim limits reads, lists, writes and statistics to those companies', async () => {
      const other = await newCompany(a);
      const inside = await create({ name: 'Inside Claim' });
      const outside = (await a.member.post(BASE).send({ companyId: other, name: 'Outside Claim' }).expect(201)).body;
      const scoped = as(t, a.token(Role.MEMBER, { companies: [companyA] }));
      await scoped.get(`${BASE}/${inside.id}`).expect(200);
      expectProblem(await scoped.get(`${BASE}/${outside.id}`), 404, 'customer.not_found');
      expectProblem(await scoped.patch(`${BASE}/${outside.id}`).send({ notes: 'x' }), 404);
      expectProblem(
        await scoped.post(BASE).send({ companyId: other, name: 'Sneaky' }),
        404,
        'customer.company_not_found',
      );
      const list = await scoped.get(`${BASE}?q=claim&limit=100`).expect(200);
      expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([inside.id]);
      expectProblem(await scoped.get(`${BASE}?companyId=${other}`), 404, 'company.not_found');
      expectProblem(await scoped.get(`${BASE}/statistics?companyId=${other}`), 404);
      const all = (await a.admin.get(`${BASE}/statistics`).expect(200)).body.totalCustomers;
      const mine = (await scoped.get(`${BASE}/statistics`).expect(200)).body.totalCustomers;
      expect(mine).toBe(all - 1);
      expect((await snapshot(outside.id)).version).toBe(1);
    });
  });

  describe('another tenant', () => {
    it('gets 404 for every route on tenant A ids, and A is left unchanged', async () => {
      const c = await create({ contacts: [{ name: 'Private Person' }], tags: ['secret'] });
      const before = await snapshot(c.id);
      const contactId = before.contacts[0].id as string;
      const attempts = [
        b.admin.get(`${BASE}/${c.id}`),
        b.admin.get(`${BASE}/${c.id}/history`),
        b.admin.patch(`${BASE}/${c.id}`).send({ name: 'Hijack' }),
        b.admin.delete(`${BASE}/${c.id}`),
        b.admin.post(`${BASE}/${c.id}/restore`),
        b.admin.put(`${BASE}/${c.id}/status`).send({ status: 'churned' }),
        b.admin.put(`${BASE}/${c.id}/assignee`).send({ userId: 'intruder' }),
        b.admin.post(`${BASE}/${c.id}/tags`).send({ tags: ['pwned'] }),
        b.admin.delete(`${BASE}/${c.id}/tags/secret`),
        b.admin.post(`${BASE}/${c.id}/revenue`).send({ amount: 5, purchasedAt: '2025-01-01T00:00:00Z' }),
        b.admin.post(`${BASE}/${c.id}/contacts`).send({ name: 'Intruder' }),
        b.admin.patch(`${BASE}/${c.id}/contacts/${contactId}`).send({ name: 'Intruder' }),
        b.admin.delete(`${BASE}/${c.id}/contacts/${contactId}`),
        b.admin.post(`${BASE}/${c.id}/contacts/${contactId}/primary`),
      ];
      for (const res of await Promise.all(attempts)) expectProblem(res, 404, 'customer.not_found');
      expectProblem(await b.admin.get(`${BASE}?companyId=${companyA}`), 404, 'company.not_found');
      expectProblem(await b.admin.get(`${BASE}/statistics?companyId=${companyA}`), 404, 'company.not_found');
      const listB = await b.admin.get(`${BASE}?q=acme&limit=100`).expect(200);
      expect(listB.body.data).toEqual([]);
      const auditB = await b.admin.get(`/api/v1/audit?entityId=${c.id}`).expect(200);
      expect(auditB.body.data).toEqual([]);
      expect(await snapshot(c.id)).toEqual(before);
      const missing = await b.admin.get(`${BASE}/000000000000000000000000`);
      const foreign = await b.admin.get(`${BASE}/${c.id}`);
      expect([foreign.status, foreign.body.code]).toEqual([missing.status, missing.body.code]);
    });
  });
});
