import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/** `source: lead_conversion` is provenance: only conversion sets it, so statistics by source tell the truth. */
describe('Customer provenance', () => {
  let t: TestApp;
  let a: TenantFixture;
  let companyId: string;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'prov');
    companyId = await newCompany(a);
  });
  afterAll(() => t.close());

  const stats = async () =>
    (await a.viewer.get(`/api/v1/customers/statistics?companyId=${companyId}`).expect(200)).body as {
      totalCustomers: number;
      bySource: Record<string, number>;
    };

  it('refuses lead_conversion from clients on create and update, and counts only real conversions', async () => {
    const forged = await a.member
      .post('/api/v1/customers')
      .send({ companyId, name: 'Forged', source: 'lead_conversion' });
    expectProblem(forged, 400, 'request.validation_failed');
    expect(forged.body.errors).toEqual([expect.objectContaining({ path: 'source' })]);
    expect((await stats()).totalCustomers).toBe(0);

    const direct = (await a.member.post('/api/v1/customers').send({ companyId, name: 'Direct' }).expect(201)).body;
    expectProblem(
      await a.member.patch(`/api/v1/customers/${direct.id}`).send({ source: 'lead_conversion' }),
      400,
      'request.validation_failed',
    );
    await a.member.patch(`/api/v1/customers/${direct.id}`).send({ source: 'referral' }).expect(200);

    const lead = (await a.member.post('/api/v1/leads').send({ companyId, name: 'Real lead' }).expect(201)).body;
    const converted = (await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({}).expect(201)).body.customer;
    expect(converted.source).toBe('lead_conversion');

    // A converted customer keeps its provenance.
    expectProblem(
      await a.member.patch(`/api/v1/customers/${converted.id}`).send({ source: 'direct' }),
      409,
      'customer.source_fixed',
    );
    await a.member.patch(`/api/v1/customers/${converted.id}`).send({ notes: 'still editable' }).expect(200);

    expect(await stats()).toMatchObject({ totalCustomers: 2, bySource: { referral: 1, lead_conversion: 1 } });
    const listed = await a.viewer.get(`/api/v1/customers?source=lead_conversion&companyId=${companyId}`).expect(200);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([converted.id]);
  });
});
