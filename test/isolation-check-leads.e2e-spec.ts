import { platformToken } from '@app/testing';
import { as, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('Isolation check: leads', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'ila'), newTenant(t, 'ilb')]);
  });
  afterAll(() => t.close());

  it('covers reads, search, writes and conversion of leads, and leaves nothing behind', async () => {
    const res = await as(t, platformToken())
      .post('/api/v1/tenants/isolation-check')
      .send({ tenantA: a.slug, tenantB: b.slug })
      .expect(200);
    const leadChecks = res.body.checks.filter((c: { name: string }) => c.name.startsWith('leads: '));
    expect(leadChecks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining([
        'leads: get by id from tenant B',
        'leads: search from tenant B',
        'leads: update from tenant B',
        'leads: delete from tenant B',
        'leads: convert from tenant B',
        'leads: create under A company from tenant B',
        'leads: unchanged in tenant A',
      ]),
    );
    expect(leadChecks.filter((c: { passed: boolean }) => !c.passed)).toEqual([]);
    expect(res.body.success).toBe(true);
    for (const tenant of [a, b]) {
      expect((await tenant.admin.get('/api/v1/leads').expect(200)).body.data).toEqual([]);
      expect((await tenant.admin.get('/api/v1/companies').expect(200)).body.data).toEqual([]);
      expect((await tenant.admin.get('/api/v1/audit?entityType=lead').expect(200)).body.data).toEqual([]);
    }
  });
});
