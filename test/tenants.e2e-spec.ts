import { Role } from '@app/common';
import { platformToken, randomSlug, tokenFor } from '@app/testing';
import { as, expectProblem, newCompany, newTenant, startTestApp, TestApp } from './support/test-app';

describe('Tenants (platform API)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const platform = () => as(t, platformToken());

  it('provisions, lists, renames, suspends, reactivates and deletes a tenant', async () => {
    const slug = randomSlug('life');
    const created = await platform().post('/api/v1/tenants').send({ slug, name: 'Life Co' }).expect(201);
    expect(created.body).toMatchObject({ id: slug, name: 'Life Co', status: 'active', dbName: `crm_t_${slug}` });
    expect(created.body._id).toBeUndefined();

    const list = await platform().get('/api/v1/tenants').expect(200);
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(slug);

    await platform().patch(`/api/v1/tenants/${slug}`).send({ name: 'Renamed' }).expect(200);
    expect((await platform().get(`/api/v1/tenants/${slug}`).expect(200)).body.name).toBe('Renamed');

    const admin = as(t, tokenFor({ tenant: slug, roles: [Role.ADMIN] }));
    await admin.post('/api/v1/companies').send({ name: 'Before suspension' }).expect(201);

    await platform().patch(`/api/v1/tenants/${slug}`).send({ status: 'suspended' }).expect(200);
    expectProblem(await admin.get('/api/v1/companies'), 403, 'tenant.suspended');

    await platform().patch(`/api/v1/tenants/${slug}`).send({ status: 'active' }).expect(200);
    expect((await admin.get('/api/v1/companies').expect(200)).body.data).toHaveLength(1);

    expectProblem(await platform().delete(`/api/v1/tenants/${slug}`), 400);
    expectProblem(
      await platform().delete(`/api/v1/tenants/${slug}?confirm=other`),
      400,
      'tenant.confirmation_mismatch',
    );
    await platform().delete(`/api/v1/tenants/${slug}?confirm=${slug}`).expect(204);
    expectProblem(await platform().get(`/api/v1/tenants/${slug}`), 404, 'tenant.not_found');
    // The tenant's token now names a tenant that does not exist.
    expectProblem(await admin.get('/api/v1/companies'), 401, 'auth.unknown_tenant');

    // Re-creating the slug makes another tenant: the old token stays out, and the database starts empty.
    await platform().post('/api/v1/tenants').send({ slug, name: 'Again' }).expect(201);
    expectProblem(await admin.get('/api/v1/companies'), 401, 'auth.stale_token');
    const again = as(t, tokenFor({ tenant: slug, roles: [Role.ADMIN] }));
    expect((await again.get('/api/v1/companies').expect(200)).body.data).toHaveLength(0);
    await platform().delete(`/api/v1/tenants/${slug}?confirm=${slug}`).expect(204);
  });

  it('creates the tenant database with its collections and indexes', async () => {
    const slug = randomSlug('idx');
    await platform().post('/api/v1/tenants').send({ slug, name: 'Indexed' }).expect(201);
    const conn = t.app.get<{ root: import('mongoose').Connection }>(
      (await import('@app/tenancy')).TenantConnectionRegistry,
    ).root;
    const db = conn.useDb(`crm_t_${slug}`);
    const indexes = await db.collection('companies').indexes();
    expect(indexes.map((i) => i.key)).toEqual(expect.arrayContaining([{ nameKey: 1 }]));
  });

  it('rejects a duplicate slug with 409', async () => {
    const slug = randomSlug('dup');
    await platform().post('/api/v1/tenants').send({ slug, name: 'One' }).expect(201);
    expectProblem(await platform().post('/api/v1/tenants').send({ slug, name: 'Two' }), 409, 'tenant.exists');
  });

  it.each([
    ['upper case', 'Acme'],
    ['too short', 'a'],
    ['leading dash', '-acme'],
    ['dots (another database)', 'crm.admin'],
    ['dollar', 'a$b'],
    ['slash', 'a/b'],
    ['too long', 'a'.repeat(40)],
  ])('rejects a slug with %s', async (_label, slug) => {
    const res = await platform().post('/api/v1/tenants').send({ slug, name: 'X' });
    expectProblem(res, 400, 'request.validation_failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'slug' })]));
  });

  it('rejects unknown fields and operator objects', async () => {
    const res = await platform().post('/api/v1/tenants').send({ slug: randomSlug(), name: 'X', dbName: 'admin' });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'dbName' })]);
    expectProblem(
      await platform()
        .post('/api/v1/tenants')
        .send({ slug: { $gt: '' }, name: 'X' }),
      400,
    );
  });

  it('is for platform operators only', async () => {
    const tenant = await newTenant(t);
    expectProblem(await tenant.admin.get('/api/v1/tenants'), 403, 'auth.platform_only');
    expectProblem(await tenant.admin.post('/api/v1/tenants').send({ slug: randomSlug(), name: 'x' }), 403);
    expectProblem(await as(t, null).get('/api/v1/tenants'), 401, 'auth.missing_token');
  });

  it('platform tokens cannot use tenant routes', async () => {
    expectProblem(await platform().get('/api/v1/companies'), 403, 'auth.tenant_required');
  });

  it('a suspended tenant is refused on every tenant route before any handler runs', async () => {
    const tenant = await newTenant(t);
    const company = await newCompany(tenant);
    await platform().patch(`/api/v1/tenants/${tenant.slug}`).send({ status: 'suspended' }).expect(200);
    for (const res of [
      await tenant.viewer.get(`/api/v1/companies/${company}`),
      await tenant.admin.patch(`/api/v1/companies/${company}`).send({ name: 'changed' }),
      await tenant.admin.delete(`/api/v1/companies/${company}`),
    ]) {
      expectProblem(res, 403, 'tenant.suspended');
    }
    await platform().patch(`/api/v1/tenants/${tenant.slug}`).send({ status: 'active' }).expect(200);
    const after = await tenant.viewer.get(`/api/v1/companies/${company}`).expect(200);
    expect(after.body.version).toBe(1);
  });
});
