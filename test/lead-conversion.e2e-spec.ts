import { EventEmitter2 } from '@nestjs/event-emitter';
import { getTenantModelToken, TenantModel, TenantRunner } from '@app/tenancy';
import { LeadConversionService } from '../src/modules/lead/lead-conversion.service';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('Lead conversion', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let company: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'cva'), newTenant(t, 'cvb')]);
    company = await newCompany(a);
  });
  afterAll(() => t.close());

  const newLead = async (extra: object = {}) =>
    (
      await a.member
        .post('/api/v1/leads')
        .send({
          companyId: company,
          name: 'Jane at Initech',
          companyName: 'Initech',
          email: 'jane@initech.com',
          phone: '+15551234567',
          tags: ['hot'],
          assignedTo: 'rep-1',
          contacts: [
            { name: 'Jane', email: 'jane@initech.com' },
            { name: 'Bob', isPrimary: true },
          ],
          ...extra,
        })
        .expect(201)
    ).body;

  const customersOf = async (leadId: string) => {
    const model = t.app.get<TenantModel<{ leadId: string }>>(getTenantModelToken('Customer'));
    return t.app.get(TenantRunner).runInTenant(a.slug, () => model.current().countDocuments({ leadId }));
  };

  it('creates the customer through CustomerService and marks the lead converted', async () => {
    const lead = await newLead();
    const res = await a.member
      .post(`/api/v1/leads/${lead.id}/convert`)
      .send({ industry: 'Software', size: '51-200' })
      .expect(201);
    expect(res.body.customer).toMatchObject({
      companyId: company,
      name: 'Initech',
      email: 'jane@initech.com',
      phone: '+15551234567',
      tags: ['hot'],
      assignedTo: 'rep-1',
      industry: 'Software',
      size: '51-200',
      source: 'lead_conversion',
      leadId: lead.id,
      status: 'active',
    });
    const contacts = res.body.customer.contacts as Array<{ name: string; isPrimary: boolean }>;
    expect(contacts.map((c) => [c.name, c.isPrimary])).toEqual([
      ['Jane', false],
      ['Bob', true],
    ]);
    expect(res.body.lead).toMatchObject({
      status: 'converted',
      customerId: res.body.customer.id,
      convertedBy: 'member-user',
      convertedAt: expect.any(String),
    });
    const customer = await a.viewer.get(`/api/v1/customers/${res.body.customer.id}`).expect(200);
    expect(customer.body.leadId).toBe(lead.id);
  });

  it('a converted lead is read-only and converting it again is 409 with the customer id', async () => {
    const lead = await newLead();
    const { body } = await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({}).expect(201);
    const again = await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({});
    expectProblem(again, 409, 'lead.already_converted');
    expect(again.body.customerId).toBe(body.customer.id);
    expectProblem(
      await a.member.patch(`/api/v1/leads/${lead.id}`).send({ name: 'x' }),
      409,
      'lead.converted_read_only',
    );
    expectProblem(await a.member.delete(`/api/v1/leads/${lead.id}`), 409, 'lead.converted_read_only');
  });

  it('50 concurrent conversions of one lead create exactly one customer', async () => {
    const lead = await newLead();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => a.member.post(`/api/v1/leads/${lead.id}/convert`).send({})),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const customerIds = new Set(results.map((r) => (r.status === 201 ? r.body.customer.id : r.body.customerId)));
    expect(customerIds.size).toBe(1);
    expect(await customersOf(lead.id)).toBe(1);
  });

  it('a retry after a crash between the two writes finishes the job without a duplicate', async () => {
    const lead = await newLead();
    const conversion = t.app.get(LeadConversionService);
    const crash = jest.spyOn(conversion, 'markConverted').mockRejectedValueOnce(new Error('process died'));
    const first = await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({});
    expect(first.status).toBe(500);
    crash.mockRestore();
    expect(await customersOf(lead.id)).toBe(1);
    expect((await a.viewer.get(`/api/v1/leads/${lead.id}`)).body.status).not.toBe('converted');

    const retry = await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({}).expect(201);
    expect(retry.body.lead.status).toBe('converted');
    expect(await customersOf(lead.id)).toBe(1);
    expect(retry.body.customer.id).toBe(retry.body.lead.customerId);
  });

  it('dryRun previews the customer and possible duplicates without writing', async () => {
    const existing = await a.member
      .post('/api/v1/customers')
      .send({ companyId: company, name: 'Dupe Corp', email: 'dupe@corp.com' })
      .expect(201);
    const lead = await newLead({ companyName: 'Dupe Corp', email: 'other@corp.com' });
    const res = await a.member.post(`/api/v1/leads/${lead.id}/convert?dryRun=true`).send({}).expect(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.customer).toMatchObject({ name: 'Dupe Corp', source: 'lead_conversion', leadId: lead.id });
    expect(res.body.duplicates).toEqual([expect.objectContaining({ id: existing.body.id, matchedOn: ['name'] })]);
    expect((await a.viewer.get(`/api/v1/leads/${lead.id}`)).body.status).toBe('new');
    expect(await customersOf(lead.id)).toBe(0);
  });

  it('Idempotency-Key: a retried convert returns the first response', async () => {
    const lead = await newLead();
    const key = `convert-${lead.id}`;
    const first = await a.member
      .post(`/api/v1/leads/${lead.id}/convert`)
      .set('Idempotency-Key', key)
      .send({})
      .expect(201);
    const retry = await a.member
      .post(`/api/v1/leads/${lead.id}/convert`)
      .set('Idempotency-Key', key)
      .send({})
      .expect(201);
    expect(retry.body).toEqual(first.body);
    const create1 = await a.member
      .post('/api/v1/leads')
      .set('Idempotency-Key', `create-${lead.id}`)
      .send({ companyId: company, name: 'Once' })
      .expect(201);
    const create2 = await a.member
      .post('/api/v1/leads')
      .set('Idempotency-Key', `create-${lead.id}`)
      .send({ companyId: company, name: 'Once' })
      .expect(201);
    expect(create2.body.id).toBe(create1.body.id);
    expectProblem(
      await a.member
        .post('/api/v1/leads')
        .set('Idempotency-Key', `create-${lead.id}`)
        .send({ companyId: company, name: 'Other' }),
      422,
    );
  });

  it('emits lead.converted and customer.created, and both audit events share the request id', async () => {
    const lead = await newLead();
    const emitter = t.app.get(EventEmitter2);
    const seen: string[] = [];
    const listener = (name: string) => () => seen.push(name);
    const onLead = listener('lead.converted');
    const onCustomer = listener('customer.created');
    emitter.on('lead.converted', onLead);
    emitter.on('customer.created', onCustomer);
    const res = await a.member
      .post(`/api/v1/leads/${lead.id}/convert`)
      .set('X-Request-Id', `req-${lead.id}`)
      .send({})
      .expect(201);
    emitter.off('lead.converted', onLead);
    emitter.off('customer.created', onCustomer);
    expect(seen.sort()).toEqual(['customer.created', 'lead.converted']);
    const leadAudit = await a.admin.get(`/api/v1/audit?entityType=lead&entityId=${lead.id}`).expect(200);
    const customerAudit = await a.admin
      .get(`/api/v1/audit?entityType=customer&entityId=${res.body.customer.id}`)
      .expect(200);
    expect(leadAudit.body.data[0]).toMatchObject({ action: 'lead.converted', requestId: `req-${lead.id}` });
    expect(customerAudit.body.data[0]).toMatchObject({ action: 'customer.created', requestId: `req-${lead.id}` });
  });

  it('viewers cannot convert; tenant B can neither convert nor see A leads', async () => {
    const lead = await newLead();
    expectProblem(await a.viewer.post(`/api/v1/leads/${lead.id}/convert`).send({}), 403);
    expectProblem(await b.admin.post(`/api/v1/leads/${lead.id}/convert`).send({}), 404, 'lead.not_found');
    expectProblem(await b.admin.post(`/api/v1/leads/${lead.id}/convert?dryRun=true`).send({}), 404, 'lead.not_found');
    expect((await a.viewer.get(`/api/v1/leads/${lead.id}`)).body).toMatchObject({ status: 'new', version: 1 });
    expect(await customersOf(lead.id)).toBe(0);
  });

  it('rejects unknown override fields', async () => {
    const lead = await newLead();
    expectProblem(await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({ companyId: company }), 400);
    expectProblem(await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({ status: 'gone' }), 400);
  });
});
