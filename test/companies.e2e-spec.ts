import { Role } from '@app/common';
import { as } from './support/test-app';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('Companies', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'ca'), newTenant(t, 'cb')]);
  });
  afterAll(() => t.close());

  it('creates, reads, lists, updates and deletes', async () => {
    const created = await a.admin
      .post('/api/v1/companies')
      .send({ name: '  Acme North ', description: 'HQ' })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'Acme North', description: 'HQ', version: 1, createdBy: 'admin-user' });
    expect(created.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.body).not.toHaveProperty('_id');
    expect(created.body).not.toHaveProperty('nameKey');
    const id = created.body.id as string;

    await a.viewer.get(`/api/v1/companies/${id}`).expect(200);
    const list = await a.viewer.get('/api/v1/companies').expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(id);

    const updated = await a.admin.patch(`/api/v1/companies/${id}`).send({ name: 'Acme South' }).expect(200);
    expect(updated.body).toMatchObject({ name: 'Acme South', version: 2, description: 'HQ' });

    await a.admin.delete(`/api/v1/companies/${id}`).expect(204);
    expectProblem(await a.viewer.get(`/api/v1/companies/${id}`), 404, 'company.not_found');
  });

  it('rejects a duplicate name (case-insensitive) with 409', async () => {
    await a.admin.post('/api/v1/companies').send({ name: 'Unique Ltd' }).expect(201);
    expectProblem(await a.admin.post('/api/v1/companies').send({ name: 'unique ltd' }), 409, 'company.exists');
  });

  it('the same name may exist in two tenants', async () => {
    await a.admin.post('/api/v1/companies').send({ name: 'Shared Name' }).expect(201);
    await b.admin.post('/api/v1/companies').send({ name: 'Shared Name' }).expect(201);
  });

  it('tenant B cannot read, list, update or delete tenant A companies (404, nothing changed)', async () => {
    const id = await newCompany(a, 'Private A');
    expectProblem(await b.admin.get(`/api/v1/companies/${id}`), 404, 'company.not_found');
    expectProblem(await b.admin.patch(`/api/v1/companies/${id}`).send({ name: 'Hijack' }), 404, 'company.not_found');
    expectProblem(await b.admin.delete(`/api/v1/companies/${id}`), 404, 'company.not_found');
    const listB = await b.admin.get('/api/v1/companies').expect(200);
    expect(listB.body.data.map((c: { id: string }) => c.id)).not.toContain(id);
    const still = await a.viewer.get(`/api/v1/companies/${id}`).expect(200);
    expect(still.body).toMatchObject({ name: 'Private A', version: 1 });
  });

  it('a missing id and another tenant id answer exactly alike', async () => {
    const id = await newCompany(a);
    const foreign = await b.admin.get(`/api/v1/companies/${id}`);
    const missing = await b.admin.get('/api/v1/companies/000000000000000000000000');
    expect({ status: foreign.status, code: foreign.body.code }).toEqual({
      status: missing.status,
      code: missing.body.code,
    });
  });

  it('a companies claim limits what the principal sees', async () => {
    const visible = await newCompany(a);
    const hidden = await newCompany(a);
    const scoped = as(t, a.token(Role.VIEWER, { companies: [visible] }));
    const list = await scoped.get('/api/v1/companies').expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([visible]);
    expectProblem(await scoped.get(`/api/v1/companies/${hidden}`), 404);
  });

  it('answers 400 for a malformed id and bad bodies, writing nothing', async () => {
    expectProblem(await a.viewer.get('/api/v1/companies/not-an-id'), 400, 'request.invalid_id');
    expectProblem(await a.admin.patch('/api/v1/companies/123').send({ name: 'x' }), 400, 'request.invalid_id');
    const before = (await a.viewer.get('/api/v1/companies').expect(200)).body.data.length;
    for (const body of [
      {},
      { name: '' },
      { name: 42 },
      { name: { $gt: '' } },
      { name: 'ok', extra: 1 },
      { name: 'x'.repeat(201) },
    ]) {
      expectProblem(await a.admin.post('/api/v1/companies').send(body), 400);
    }
    expect((await a.viewer.get('/api/v1/companies').expect(200)).body.data.length).toBe(before);
  });
});
