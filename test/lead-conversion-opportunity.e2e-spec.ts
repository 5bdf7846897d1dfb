import { Role } from '@app/common';
import * as tenancy from '@app/tenancy';
import { LeadConversionFailpoint } from '../src/modules/lead';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/** POST /leads/:id/convert with createOpportunity: one idempotent, crash-safe conversion. */
describe('Lead conversion that creates a deal', () => {
  let one: TestApp;
  let two: TestApp;
  let a: TenantFixture;
  let companyId: string;

  beforeAll(async () => {
    [one, two] = await Promise.all([startTestApp(), startTestApp()]);
    a = await newTenant(one, 'convopp');
    companyId = await newCompany(a);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });
  afterEach(() => one.app.get(tenancy.Failpoints).disarmAll());

  const member = (i: number) => as(i % 2 === 0 ? one : two, a.token(Role.MEMBER));
  const lead = async (extra: object = {}) =>
    (
      await a.member
        .post('/api/v1/leads')
        .send({ companyId, name: 'Jane Prospect', companyName: 'Initech', estimatedValue: 4200.5, ...extra })
        .expect(201)
    ).body as { id: string };
  const dealsOf = async (customerId: string) =>
    (await a.member.get(`/api/v1/opportunities?customerId=${customerId}`).expect(200)).body.data as Array<{
      id: string;
      amount: number;
      stage: string;
      leadId: string | null;
    }>;

  it('creates the customer and the deal (defaults from the lead), and marks the lead converted', async () => {
    const l = await lead();
    const res = await a.member.post(`/api/v1/leads/${l.id}/convert`).send({ createOpportunity: {} }).expect(201);
    expect(res.body.opportunity).toMatchObject({
      customerId: res.body.customer.id,
      name: 'Initech',
      amount: 4200.5,
      stage: 'qualification',
      status: 'open',
      leadId: l.id,
    });
    expect(res.body.lead).toMatchObject({ status: 'converted' });
    expect(await dealsOf(res.body.customer.id)).toHaveLength(1);

    const plain = await lead();
    const without = await a.member.post(`/api/v1/leads/${plain.id}/convert`).send({}).expect(201);
    expect(without.body.opportunity).toBeNull();
    expect(await dealsOf(without.body.customer.id)).toEqual([]);

    const custom = await lead();
    const given = await a.member
      .post(`/api/v1/leads/${custom.id}/convert`)
      .send({ createOpportunity: { name: 'Pilot', amount: 99.99, stage: 'proposal' } })
      .expect(201);
    expect(given.body.opportunity).toMatchObject({ name: 'Pilot', amount: 99.99, stage: 'proposal' });

    const bad = await lead();
    expectProblem(
      await a.member.post(`/api/v1/leads/${bad.id}/convert`).send({ createOpportunity: { stage: 'won' } }),
      422,
    );
    expectProblem(
      await a.member.post(`/api/v1/leads/${bad.id}/convert`).send({ createOpportunity: { amount: 'lots' } }),
      400,
    );
    expectProblem(
      await a.member.post(`/api/v1/leads/${bad.id}/convert`).send({ createOpportunity: { probability: 5 } }),
      400,
    );
  });

  it.each([
    ['after the customer', LeadConversionFailpoint.AFTER_CUSTOMER],
    ['after the deal', LeadConversionFailpoint.AFTER_OPPORTUNITY],
    ['right after the first record write', tenancy.WriterFailpoint.AFTER_RECORD_WRITE],
  ])('a crash %s is healed by the retry: one customer, one deal', async (_what, point) => {
    const l = await lead();
    one.app.get(tenancy.Failpoints).arm(point);
    const crashed = await member(0)
      .post(`/api/v1/leads/${l.id}/convert`)
      .send({ createOpportunity: { amount: 7 } });
    expect(crashed.status).toBe(500);
    expect((await a.member.get(`/api/v1/leads/${l.id}`).expect(200)).body.status).not.toBe('converted');
    const retried = await member(0)
      .post(`/api/v1/leads/${l.id}/convert`)
      .send({ createOpportunity: { amount: 7 } })
      .expect(201);
    expect(retried.body.customer.id).toBe(l.id);
    expect(retried.body.opportunity).toMatchObject({ id: l.id, amount: 7 });
    expect((await dealsOf(l.id)).map((d) => d.id)).toEqual([l.id]);
  });

  it('30 concurrent conversions on two instances make one customer and one deal', async () => {
    const l = await lead();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        member(i)
          .post(`/api/v1/leads/${l.id}/convert`)
          .send({ createOpportunity: { name: 'Contested' } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const customers = (await a.member.get(`/api/v1/customers?companyId=${companyId}&q=initech&limit=100`).expect(200))
      .body.data as Array<{ id: string; leadId: string | null }>;
    expect(customers.filter((c) => c.leadId === l.id)).toHaveLength(1);
    expect((await dealsOf(l.id)).map((d) => d.id)).toEqual([l.id]);
  });
});
