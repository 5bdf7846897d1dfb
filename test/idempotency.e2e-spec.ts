import { Role } from '@app/common';
import {
  IdempotencyStore,
  systemPrincipal,
  TenantConnectionRegistry,
  TenantDirectory,
  TenantRunner,
} from '@app/tenancy';
import { fillPath, routeTable } from './security/support/route-table';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

const BASE = '/api/v1/customers';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyId: string;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'ida'), newTenant(t, 'idb')]);
    companyId = await newCompany(a);
  });
  afterAll(() => t.close());

  const key = () => `key-${Date.now()}-${n++}`;
  const uniqueName = () => `Idem ${Date.now()} ${n++}`;
  const countNamed = async (name: string) =>
    (await a.admin.get(`${BASE}?q=${encodeURIComponent(name)}&limit=100`).expect(200)).body.data.filter(
      (c: { name: string }) => c.name === name,
    ).length;
  const keys = (slug: string) =>
    t.app
      .get(TenantConnectionRegistry)
      .database(t.app.get(TenantDirectory).dbNameFor(slug))
      .collection('idempotency_keys');

  it('a retry with the same key and body replays the first response without a second write', async () => {
    const k = key();
    const body = { companyId, name: uniqueName() };
    const first = await a.member.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await a.member.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await countNamed(body.name)).toBe(1);
  });

  it('the same key with another body or on another route is a 422, writing nothing', async () => {
    const k = key();
    const body = { companyId, name: uniqueName() };
    const first = await a.member.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    const other = { ...body, name: uniqueName() };
    expectProblem(await a.member.post(BASE).set('Idempotency-Key', k).send(other), 422, 'idempotency.key_reused');
    expect(await countNamed(other.name)).toBe(0);
    const revenue = { amount: 5, purchasedAt: '2025-01-01T00:00:00Z' };
    expectProblem(
      await a.member.post(`${BASE}/${first.body.id}/revenue`).set('Idempotency-Key', k).send(revenue),
      422,
      'idempotency.key_reused',
    );
    expect((await a.viewer.get(`${BASE}/${first.body.id}`).expect(200)).body.totalRevenue).toBe(0);
  });

  it('concurrent duplicates make exactly one write and all get the same answer', async () => {
    const k = key();
    const body = { companyId, name: uniqueName() };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => a.member.post(BASE).set('Idempotency-Key', k).send(body)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await countNamed(body.name)).toBe(1);
  });

  it('replays revenue without counting it twice', async () => {
    const c = (await a.member.post(BASE).send({ companyId, name: uniqueName() }).expect(201)).body;
    const k = key();
    const send = () =>
      a.member
        .post(`${BASE}/${c.id}/revenue`)
        .set('Idempotency-Key', k)
        .send({ amount: 12.5, purchasedAt: '2025-01-01T00:00:00Z' });
    const [one, two] = await Promise.all([send(), send()]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect((await send().expect(200)).body.totalRevenue).toBe(12.5);
    expect((await a.viewer.get(`${BASE}/${c.id}`).expect(200)).body).toMatchObject({
      totalRevenue: 12.5,
      purchaseCount: 1,
    });
  });

  it('a failed request does not use up its key', async () => {
    const k = key();
    expectProblem(await a.member.post(BASE).set('Idempotency-Key', k).send({ companyId, name: '' }), 400);
    const body = { companyId, name: uniqueName() };
    await a.member.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    expect(await countNamed(body.name)).toBe(1);
  });

  it('keys belong to one principal and one tenant', async () => {
    const k = key();
    const body = { companyId, name: uniqueName() };
    await a.member.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    const otherUser = as(t, a.token(Role.MEMBER, { user: 'someone-else' }));
    await otherUser.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    expect(await countNamed(body.name)).toBe(2);
    const companyB = await newCompany(b);
    const inB = await b.member
      .post(BASE)
      .set('Idempotency-Key', k)
      .send({ companyId: companyB, name: body.name })
      .expect(201);
    expect(inB.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects malformed keys with 400', async () => {
    for (const bad of ['', 'x'.repeat(256), 'has space', 'ünïcode']) {
      const res = await a.member.post(BASE).set('Idempotency-Key', bad).send({ companyId, name: uniqueName() });
      expectProblem(res, 400);
    }
  });

  it('every POST of a tenant route takes the header (platform routes, which have no tenant to keep keys in, do not)', async () => {
    const routes = routeTable(t).filter((r) => r.method === 'POST');
    const tenantPosts = routes.filter((r) => !r.platformOnly);
    expect(tenantPosts.length).toBeGreaterThanOrEqual(9);
    const ignored: string[] = [];
    for (const route of tenantPosts) {
      // The key is checked before the body, so a route that takes the header refuses a malformed one.
      const url = fillPath(route.path, {
        id: '0'.repeat(24),
        contactId: '0'.repeat(24),
        deliveryId: '0'.repeat(24),
        entryId: '0'.repeat(24),
      });
      const res = await a.admin.post(url).set('Idempotency-Key', 'not a valid key').send({});
      if (res.body.code !== 'idempotency.invalid_key') ignored.push(`${route.method} ${route.path} -> ${res.status}`);
    }
    expect(ignored).toEqual([]);
    expect(
      routes
        .filter((r) => r.platformOnly)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/api/v1/tenants', '/api/v1/tenants/isolation-check']);
  });

  it('POST /companies replays a retried create instead of answering 409 for its own name', async () => {
    const k = key();
    const body = { name: uniqueName() };
    const first = await a.admin.post('/api/v1/companies').set('Idempotency-Key', k).send(body).expect(201);
    const again = await a.admin.post('/api/v1/companies').set('Idempotency-Key', k).send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('expires after 24 h: an expired key runs again, and the sweep removes expired records', async () => {
    const k = key();
    const body = { companyId, name: uniqueName() };
    await a.member.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    const stored = await keys(a.slug).findOne({ key: k });
    expect(stored).toMatchObject({ principal: 'member-user', state: 'done', status: 201 });
    const ttl = (stored?.expiresAt as Date).getTime() - (stored?.createdAt as Date).getTime();
    expect(ttl).toBe(24 * 60 * 60 * 1000);
    await keys(a.slug).updateOne({ key: k }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const rerun = await a.member.post(BASE).set('Idempotency-Key', k).send(body).expect(201);
    expect(rerun.headers['idempotent-replayed']).toBeUndefined();
    expect(await countNamed(body.name)).toBe(2);

    const before = await keys(a.slug).countDocuments({});
    const swept = await t.app
      .get(TenantRunner)
      .runInTenant(
        a.slug,
        () => t.app.get(IdempotencyStore).sweepExpired(new Date(Date.now() + 25 * 60 * 60 * 1000)),
        systemPrincipal(a.slug),
      );
    expect(swept).toBe(before);
    expect(await keys(a.slug).countDocuments({})).toBe(0);
  });
});
