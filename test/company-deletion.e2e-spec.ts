import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/**
 * A company may go only when no module still files data under it. Each module declares its own
 * check (discovered at run time), and the 409 names what is left, per module, with counts.
 */
describe('Company deletion with data filed under it', () => {
  let t: TestApp;
  let a: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'cdel');
  });
  afterAll(() => t.close());

  it('refuses to delete a company that still has open leads (409 naming them), and allows it once they are gone', async () => {
    const companyId = await newCompany(a);
    const leads = [];
    for (const name of ['Lead one', 'Lead two']) {
      leads.push((await a.member.post('/api/v1/leads').send({ companyId, name }).expect(201)).body.id as string);
    }

    const refused = await a.admin.delete(`/api/v1/companies/${companyId}`);
    expectProblem(refused, 409, 'company.in_use');
    expect(refused.body.remaining).toEqual({ leads: 2 });
    expect(refused.body.detail).toContain('2 open leads');

    // Nothing was orphaned: the company and its leads are all still there, and a lead still converts.
    await a.viewer.get(`/api/v1/companies/${companyId}`).expect(200);
    const converted = await a.member.post(`/api/v1/leads/${leads[0]}/convert`).send({}).expect(201);
    const customerId = converted.body.customer.id as string;

    // Now a customer and a lead are left: the answer names both.
    const both = await a.admin.delete(`/api/v1/companies/${companyId}`);
    expectProblem(both, 409, 'company.in_use');
    expect(both.body.remaining).toEqual({ customers: 1, leads: 1 });
    expect(both.body.detail).toMatch(/1 customer\b/);
    expect(both.body.detail).toMatch(/1 open lead\b/);

    await a.member.delete(`/api/v1/leads/${leads[1]}`).expect(204);
    await a.admin.delete(`/api/v1/customers/${customerId}`).expect(204);
    await a.admin.delete(`/api/v1/companies/${companyId}`).expect(204);
    expectProblem(await a.viewer.get(`/api/v1/companies/${companyId}`), 404, 'company.not_found');
  });

  it('renaming a company to the name of another (any case) answers 409, like creating it', async () => {
    await newCompany(a, 'Taken Name');
    const other = await newCompany(a, 'Free Name');
    expectProblem(await a.admin.post('/api/v1/companies').send({ name: 'TAKEN name' }), 409, 'company.exists');
    expectProblem(
      await a.admin.patch(`/api/v1/companies/${other}`).send({ name: 'taken NAME' }),
      409,
      'company.exists',
    );
    const still = await a.viewer.get(`/api/v1/companies/${other}`).expect(200);
    expect(still.body).toMatchObject({ name: 'Free Name', version: 1 });
  });
});
