import { DiscoveryService } from '@nestjs/core';
import { discover } from '@app/tenancy';
import { ActivityTargetProvider, type ActivityTargetResolver, ActivityTargetType } from '../src/modules/activity';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/**
 * Each target type is one provider found by discovery (customers, leads, opportunities); the rest of
 * the Activity module knows nothing of which. What an opportunity activity does end to end is in
 * activities-opportunities.e2e-spec.ts.
 */
describe('Activity targets registered by discovery', () => {
  let t: TestApp;
  let a: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'acr');
  });
  afterAll(() => t.close());

  it('the running app has exactly one resolver per target type', () => {
    const resolvers = discover<ActivityTargetResolver>(t.app.get(DiscoveryService), ActivityTargetProvider);
    expect(resolvers.map((r) => r.type).sort()).toEqual(Object.values(ActivityTargetType).sort());
  });

  it('webhooks may subscribe to activity events; a company with deal activities left cannot be deleted', async () => {
    await a.admin
      .post('/api/v1/webhooks')
      .send({ url: 'http://127.0.0.1:9/hook', events: ['activity.created', 'activity.completed'] })
      .expect(201);
    const other = await newCompany(a);
    const customer = (await a.member.post('/api/v1/customers').send({ companyId: other, name: 'Gone Co' }).expect(201))
      .body.id as string;
    const deal = (await a.member.post('/api/v1/opportunities').send({ customerId: customer, name: 'D', amount: 5 }))
      .body.id as string;
    await a.member.post('/api/v1/activities').send({ type: 'note', subject: 'n', opportunityId: deal }).expect(201);
    await a.member.post(`/api/v1/opportunities/${deal}/lost`).send({ reason: 'budget' }).expect(200);
    await a.admin.delete(`/api/v1/opportunities/${deal}`).expect(204);
    await a.admin.delete(`/api/v1/customers/${customer}`).expect(204);
    const res = await a.admin.delete(`/api/v1/companies/${other}`);
    expectProblem(res, 409);
    expect(JSON.stringify(res.body)).toContain('activities');
  });
});
