import { BSON } from 'mongodb';
import request from 'supertest';
import { TenantConnectionRegistry, TenantDirectory, tenancySettings } from '@app/tenancy';
import { platformToken } from '@app/testing';
import { connectRealtime, nextEvent, request as ack, waitFor } from '@app/testing/realtime-client';
import {
  as,
  expectProblem,
  newCompany,
  newTenant,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from './support/test-app';

interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  principal: string;
}

/**
 * API keys: created by admins, shown once, stored as a hash, accepted as `Authorization: Bearer` or
 * `X-API-Key`, acting as `apikey:<id>`, limited by their roles, companies and expiry, and revoked at
 * once on the revoking instance and within TENANT_CACHE_TTL_MS (1 s in tests) on another one.
 */
describe('API keys', () => {
  let one: TestApp;
  let two: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;
  let otherA: string;

  beforeAll(async () => {
    [one, two] = [await startTestApp(), await startTestApp()];
    [a, b] = await Promise.all([newTenant(one, 'aka'), newTenant(one, 'akb')]);
    [companyA, otherA] = await Promise.all([newCompany(a), newCompany(a)]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  async function createKey(body: Record<string, unknown>, admin = a.admin): Promise<CreatedKey> {
    return (await admin.post('/api/v1/api-keys').send(body).expect(201)).body as CreatedKey;
  }

  const withKey = (app: TestApp, key: string) => as(app, key);
  const withHeader = (app: TestApp, key: string) => ({
    get: (path: string) => request(app.app.getHttpServer()).get(path).set('X-API-Key', key),
  });

  /** Every document of the tenant's database and of the registry, as text. */
  async function everythingStored(slug: string): Promise<string> {
    const registry = one.app.get(TenantConnectionRegistry);
    const db = registry.database(one.app.get(TenantDirectory).dbNameFor(slug)).db!;
    const registryDb = registry.database(
      one.app.get<{ MONGODB_REGISTRY_DB: string }>(tenancySettings.KEY).MONGODB_REGISTRY_DB,
    ).db!;
    let text = '';
    for (const database of [db, registryDb]) {
      for (const c of await database.listCollections({}, { nameOnly: true }).toArray()) {
        text += BSON.EJSON.stringify(await database.collection(c.name).find({}).toArray());
      }
    }
    return text;
  }

  it('shows the key once, stores only its hash, and lists keys without it', async () => {
    const res = await a.admin
      .post('/api/v1/api-keys')
      .set('Idempotency-Key', 'key-once-1')
      .send({ name: 'billing sync', roles: ['member'] })
      .expect(201);
    const created = res.body as CreatedKey & Record<string, unknown>;
    expect(created.key).toMatch(new RegExp(`^crm_${a.slug}_[A-Za-z0-9_-]{43}$`));
    expect(created).toMatchObject({
      name: 'billing sync',
      roles: ['member'],
      companies: null,
      expiresAt: null,
      principal: `apikey:${created.id}`,
      createdBy: 'admin-user',
    });
    expect(created.key.startsWith(created.prefix.replace('…', ''))).toBe(true);
    const replay = await a.admin
      .post('/api/v1/api-keys')
      .set('Idempotency-Key', 'key-once-1')
      .send({ name: 'billing sync', roles: ['member'] })
      .expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({ id: created.id });
    expect(replay.body.key).toBeUndefined();
    const listed = (await a.admin.get('/api/v1/api-keys').expect(200)).body.data;
    expect(listed.find((k: { id: string }) => k.id === created.id)).toEqual(
      expect.not.objectContaining({ key: expect.anything() }),
    );
    const stored = await everythingStored(a.slug);
    expect(stored).toContain(created.id);
    expect(stored).not.toContain(created.key.slice(-43));
  });

  it('authenticates as Bearer or X-API-Key, acting as apikey:<id> in createdBy and audit', async () => {
    const k = await createKey({ name: 'writer', roles: ['member'] });
    await withKey(one, k.key).get('/api/v1/customers').expect(200);
    await withHeader(one, k.key).get('/api/v1/customers').expect(200);
    const created = await withKey(one, k.key)
      .post('/api/v1/customers')
      .send({ companyId: companyA, name: 'Made by a key' })
      .expect(201);
    expect(created.body.createdBy).toBe(`apikey:${k.id}`);
    const audit = await a.admin.get(`/api/v1/audit?entityType=customer&entityId=${created.body.id}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'customer.created', actor: `apikey:${k.id}` });
    const keyAudit = await a.admin.get(`/api/v1/audit?entityType=api_key&entityId=${k.id}`).expect(200);
    expect(keyAudit.body.data[0]).toMatchObject({ action: 'api_key.created', actor: 'admin-user' });
  });

  it('holds a key to its roles, companies and expiry', async () => {
    const viewer = await createKey({ name: 'reader', roles: ['viewer'] });
    await withKey(one, viewer.key).get('/api/v1/companies').expect(200);
    expectProblem(
      await withKey(one, viewer.key).post('/api/v1/customers').send({ companyId: companyA, name: 'x' }),
      403,
    );
    const member = await createKey({ name: 'member', roles: ['member'] });
    expectProblem(await withKey(one, member.key).get('/api/v1/api-keys'), 403);
    expectProblem(await withKey(one, member.key).get('/api/v1/webhooks'), 403);

    const elsewhere = (
      await a.admin.post('/api/v1/customers').send({ companyId: otherA, name: 'Elsewhere' }).expect(201)
    ).body.id as string;
    const scoped = await createKey({ name: 'scoped', roles: ['admin'], companies: [companyA] });
    expectProblem(await withKey(one, scoped.key).get(`/api/v1/customers/${elsewhere}`), 404);
    const visible = (await withKey(one, scoped.key).get('/api/v1/customers').expect(200)).body.data;
    expect(visible.every((c: { companyId: string }) => c.companyId === companyA)).toBe(true);
    // A scoped key cannot mint a wider one, nor see keys wider than itself.
    expectProblem(
      await withKey(one, scoped.key)
        .post('/api/v1/api-keys')
        .send({ name: 'wider', roles: ['admin'] }),
      403,
      'integration.companies_required',
    );
    const seen = (await withKey(one, scoped.key).get('/api/v1/api-keys').expect(200)).body.data.map(
      (k: { id: string }) => k.id,
    );
    expect(seen).toEqual([scoped.id]);
    expectProblem(await a.admin.delete(`/api/v1/companies/${companyA}`), 409, 'company.in_use');

    const soon = await createKey({
      name: 'short-lived',
      roles: ['viewer'],
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    await withKey(one, soon.key).get('/api/v1/companies').expect(200);
    await new Promise((r) => setTimeout(r, 1_600));
    expectProblem(await withKey(one, soon.key).get('/api/v1/companies'), 401, 'auth.invalid_api_key');
  });

  it('refuses malformed, unknown, foreign and doubled credentials, and bad requests', async () => {
    const k = await createKey({ name: 'victim', roles: ['admin'] });
    const random = k.key.slice(-43);
    expectProblem(await withKey(one, `crm_${b.slug}_${random}`).get('/api/v1/companies'), 401, 'auth.invalid_api_key');
    expectProblem(
      await withKey(one, `crm_${a.slug}_${'A'.repeat(43)}`).get('/api/v1/companies'),
      401,
      'auth.invalid_api_key',
    );
    expectProblem(
      await withKey(one, `crm_no-such-tenant_${random}`).get('/api/v1/companies'),
      401,
      'auth.invalid_api_key',
    );
    expectProblem(await withKey(one, 'crm_short').get('/api/v1/companies'), 401, 'auth.invalid_api_key');
    expectProblem(await withHeader(one, 'not-a-key').get('/api/v1/companies'), 401, 'auth.invalid_api_key');
    expectProblem(
      await request(one.app.getHttpServer())
        .get('/api/v1/companies')
        .set('X-API-Key', k.key)
        .set('Authorization', `Bearer ${k.key}`),
      401,
      'auth.ambiguous_credentials',
    );
    // Tenant B's admin sees nothing of A's keys and cannot revoke them.
    expect((await b.admin.get('/api/v1/api-keys').expect(200)).body.data).toEqual([]);
    expectProblem(await b.admin.delete(`/api/v1/api-keys/${k.id}`), 404, 'api_key.not_found');
    await withKey(one, k.key).get('/api/v1/companies').expect(200);

    const post = (body: unknown) => a.admin.post('/api/v1/api-keys').send(body as object);
    expectProblem(await post({ name: 'x', roles: ['platform'] }), 400);
    expectProblem(await post({ name: 'x', roles: [] }), 400);
    expectProblem(await post({ name: '', roles: ['viewer'] }), 400);
    expectProblem(await post({ name: 'x', roles: ['viewer'], hash: 'mine' }), 400);
    expectProblem(
      await post({ name: 'x', roles: ['viewer'], expiresAt: '2001-01-01T00:00:00Z' }),
      400,
      'api_key.expires_in_past',
    );
    expectProblem(await post({ name: 'x', roles: ['viewer'], companies: ['0123456789abcdef01234567'] }), 404);
    expectProblem(await a.member.post('/api/v1/api-keys').send({ name: 'x', roles: ['viewer'] }), 403);
    expectProblem(await a.admin.delete('/api/v1/api-keys/not-an-id'), 400);
  });

  it('revoked: refused at once on the revoking instance, and on the other within the cache TTL', async () => {
    const k = await createKey({ name: 'to revoke', roles: ['viewer'] });
    // Both instances have the key in their caches.
    await withKey(one, k.key).get('/api/v1/companies').expect(200);
    await withKey(two, k.key).get('/api/v1/companies').expect(200);
    await a.admin.delete(`/api/v1/api-keys/${k.id}`).expect(204);
    expectProblem(await withKey(one, k.key).get('/api/v1/companies'), 401, 'auth.invalid_api_key');
    let refused = false;
    const deadline = Date.now() + 10_000;
    while (!refused && Date.now() < deadline) {
      refused = (await withKey(two, k.key).get('/api/v1/companies')).status === 401;
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused).toBe(true);
    const audit = await a.admin.get(`/api/v1/audit?entityType=api_key&entityId=${k.id}`).expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'api_key.revoked' });
    expectProblem(await a.admin.delete(`/api/v1/api-keys/${k.id}`), 404);
  });

  it('opens a realtime socket with a key; revoking ends its open sockets and refuses new ones', async () => {
    const k = await createKey({ name: 'socket', roles: ['viewer'] });
    const here = await connectRealtime(one.url, k.key);
    const there = await connectRealtime(two.url, k.key);
    const bystander = await connectRealtime(one.url, a.token());
    try {
      for (const s of [here, there, bystander]) {
        expect((await ack<{ ok: boolean }>(s, 'subscribe', { companyId: companyA })).ok).toBe(true);
      }
      const endedHere = nextEvent<{ code: string }>(here, 'session.expired', 1_000);
      // The other instance learns of the revocation from its cache expiring (TTL 1 s in tests).
      const endedThere = nextEvent<{ code: string }>(there, 'session.expired', 5_000);
      await a.admin.delete(`/api/v1/api-keys/${k.id}`).expect(204);
      expect(await endedHere).toMatchObject({ status: 401, code: 'auth.invalid_api_key' });
      expect(await endedThere).toMatchObject({ status: 401, code: 'auth.invalid_api_key' });
      await waitFor(() => here.disconnected && there.disconnected);
      // A token's socket of the same tenant stays.
      expect(bystander.connected).toBe(true);
      expect((await ack<{ ok: boolean }>(bystander, 'subscribe', { companyId: otherA })).ok).toBe(true);
    } finally {
      for (const s of [here, there, bystander]) s.close();
    }
    const err = await connectRealtime(one.url, k.key).then(
      (s) => {
        s.close();
        return null;
      },
      (e: { data?: { code?: string } }) => e,
    );
    expect(err?.data?.code).toBe('auth.invalid_api_key');
  });

  it("a suspended tenant's open sockets are ended within the cache TTL, whatever their credential", async () => {
    const c = await newTenant(one, 'aks');
    const companyC = await newCompany(c);
    const k = (
      await c.admin
        .post('/api/v1/api-keys')
        .send({ name: 's', roles: ['viewer'] })
        .expect(201)
    ).body as CreatedKey;
    const sockets = [await connectRealtime(two.url, k.key), await connectRealtime(two.url, c.token())];
    try {
      for (const s of sockets)
        expect((await ack<{ ok: boolean }>(s, 'subscribe', { companyId: companyC })).ok).toBe(true);
      const ended = sockets.map((s) => nextEvent<{ code: string }>(s, 'session.expired', 5_000));
      await as(one, platformToken()).patch(`/api/v1/tenants/${c.slug}`).send({ status: 'suspended' }).expect(200);
      for (const e of await Promise.all(ended)) expect(e).toMatchObject({ status: 403, code: 'tenant.suspended' });
    } finally {
      for (const s of sockets) s.close();
    }
  });
});
