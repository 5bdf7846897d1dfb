import { Injectable, Module } from '@nestjs/common';
import {
  type ActivityTarget,
  ActivityTargetProvider,
  type ActivityTargetResolver,
  ActivityTargetType,
} from '../src/modules/activity';
import { CustomerModule, CustomerService } from '../src/modules/customer';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/**
 * A stand-in for the Opportunity module's registration: "opportunities" here are customers under
 * another id type, which is all the Activity module needs to know about a target.
 */
@ActivityTargetProvider()
@Injectable()
class FakeOpportunityTarget implements ActivityTargetResolver {
  readonly type = ActivityTargetType.OPPORTUNITY;

  constructor(private readonly customers: CustomerService) {}

  async resolve(id: string): Promise<ActivityTarget> {
    const c = await this.customers.get(id);
    return { type: this.type, id, companyId: c.companyId, customerId: c.id };
  }

  async attach<T>(id: string, write: (target: ActivityTarget) => Promise<T>): Promise<T> {
    return write(await this.resolve(id));
  }
}

@Module({ imports: [CustomerModule], providers: [FakeOpportunityTarget] })
class FakeOpportunityModule {}

/** A new target type is one provider registered by discovery; the rest of the module is unchanged. */
describe('Activity targets registered by another module', () => {
  let t: TestApp;
  let a: TenantFixture;
  let company: string;
  beforeAll(async () => {
    t = await startTestApp(undefined, [FakeOpportunityModule]);
    a = await newTenant(t, 'acr');
    company = await newCompany(a);
  });
  afterAll(() => t.close());

  it('opportunityId works once a resolver is registered, and joins the customer timeline and rollups', async () => {
    const customer = (await a.member.post('/api/v1/customers').send({ companyId: company, name: 'Opp Co' }).expect(201))
      .body.id as string;
    const res = await a.member
      .post('/api/v1/activities')
      .send({ type: 'task', subject: 'Negotiate', opportunityId: customer })
      .expect(201);
    expect(res.body).toMatchObject({
      target: { type: 'opportunity', id: customer },
      opportunityId: customer,
      customerId: null,
    });
    const byOpp = await a.viewer.get(`/api/v1/activities?opportunityId=${customer}`).expect(200);
    expect(byOpp.body.data.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
    const byCustomer = await a.viewer.get(`/api/v1/activities?customerId=${customer}`).expect(200);
    expect(byCustomer.body.data.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
    expect((await a.viewer.get(`/api/v1/customers/${customer}`).expect(200)).body.openTasks).toBe(1);
    const timeline = await a.viewer.get(`/api/v1/customers/${customer}/timeline?types=activity`).expect(200);
    expect(timeline.body.data).toHaveLength(1);
  });

  it('webhooks may subscribe to activity events; a company with activities left cannot be deleted', async () => {
    await a.admin
      .post('/api/v1/webhooks')
      .send({ url: 'http://127.0.0.1:9/hook', events: ['activity.created', 'activity.completed'] })
      .expect(201);
    const other = await newCompany(a);
    const customer = (await a.member.post('/api/v1/customers').send({ companyId: other, name: 'Gone Co' }).expect(201))
      .body.id as string;
    await a.member.post('/api/v1/activities').send({ type: 'note', subject: 'n', opportunityId: customer }).expect(201);
    await a.admin.delete(`/api/v1/customers/${customer}`).expect(204);
    const res = await a.admin.delete(`/api/v1/companies/${other}`);
    expectProblem(res, 409);
    expect(JSON.stringify(res.body)).toContain('activities');
  });
});
