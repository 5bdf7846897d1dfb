import { platformToken } from '@app/testing';
import { as, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('Isolation check: customers', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'ica'), newTenant(t, 'icb')]);
  });
  afterAll(() => t.close());

  const run = () =>
    as(t, platformToken())
      .post('/api/v1/tenants/isolation-check')
      .send({ tenantA: a.slug, tenantB: b.slug })
      .expect(200);

  it('tenant B can not read, search, count, change or delete tenant A customers, and nothing is left behind', async () => {
    const companyId = await newCompany(a, 'Existing');
    const existing = (
      await a.member.post('/api/v1/customers').send({ companyId, name: 'Existing Customer' }).expect(201)
    ).body;
    const auditBefore = (await a.admin.get('/api/v1/audit?entityType=customer&limit=100').expect(200)).body.data;
    const companiesBefore = (await a.admin.get('/api/v1/companies').expect(200)).body.data;

    const res = await run();
    const customerChecks = res.body.checks.filter((c: { name: string }) => c.name.startsWith('customers: '));
    expect(customerChecks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining([
        'customers: get by id from tenant B',
        'customers: list from tenant B',
        'customers: list by company from tenant B',
        'customers: search from tenant B',
        'customers: recent from tenant B',
        'customers: statistics of the company from tenant B',
        'customers: update from tenant B',
        'customers: status change from tenant B',
        'customers: assign from tenant B',
        'customers: add contact from tenant B',
        'customers: make primary from tenant B',
        'customers: revenue from tenant B',
        'customers: history from tenant B',
        'customers: delete from tenant B',
        'customers: restore from tenant B',
        'customers: unchanged in tenant A',
        'customers: statistics unchanged in tenant A',
      ]),
    );
    for (const check of res.body.checks) expect(check).toMatchObject({ passed: true });
    expect(res.body.success).toBe(true);

    // Clean-up removed the probe's customer, its audit events and its company.
    expect((await a.admin.get('/api/v1/audit?entityType=customer&limit=100').expect(200)).body.data).toEqual(
      auditBefore,
    );
    expect((await a.admin.get('/api/v1/companies').expect(200)).body.data).toEqual(companiesBefore);
    expect(
      (await a.admin.get('/api/v1/customers?limit=100').expect(200)).body.data.map((c: { id: string }) => c.id),
    ).toEqual([existing.id]);
    expect((await b.admin.get('/api/v1/customers?limit=100').expect(200)).body.data).toEqual([]);
    expect((await b.admin.get('/api/v1/audit?limit=100').expect(200)).body.data).toEqual([]);
  });
});
