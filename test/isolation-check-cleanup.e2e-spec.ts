import { platformToken } from '@app/testing';
import { changedCollections, settledSnapshot } from './security/support/tenant-snapshot';
import { as, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/** Collection name → document count, from a snapshot: what "the tenant's collections" look like. */
function counts(snapshot: Record<string, string>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(snapshot)
      .filter(([name]) => !name.startsWith('registry:'))
      .map(([name, docs]) => [name, (JSON.parse(docs) as unknown[]).length]),
  );
}

/**
 * The isolation check leaves both tenants exactly as it found them: every record its probes made (the
 * records themselves, their audit entries, realtime events and counters, record locks, idempotency
 * keys) is removed through the same erase path as a purge. Both databases are read directly, every
 * collection and every document, before and after.
 */
describe('Isolation check clean-up', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'cla'), newTenant(t, 'clb')]);
    // Real data in both, with realtime events and audit entries, so "unchanged" is not about empty databases.
    for (const tenant of [a, b]) {
      const companyId = await newCompany(tenant);
      const c = await tenant.member
        .post('/api/v1/customers')
        .set('Idempotency-Key', `seed-${tenant.slug}`)
        .send({ companyId, name: 'Real customer', email: 'real@example.com' })
        .expect(201);
      await tenant.member.put(`/api/v1/customers/${c.body.id}/status`).send({ status: 'inactive' }).expect(200);
      await tenant.member.post('/api/v1/leads').send({ companyId, name: 'Real lead' }).expect(201);
    }
  });
  afterAll(() => t.close());

  it('finds every collection of both tenants as it was: same names, counts and documents', async () => {
    const beforeA = await settledSnapshot(t.app, a.slug);
    const beforeB = await settledSnapshot(t.app, b.slug);
    // Real data to keep: audit entries, a realtime stream with events, its counter.
    const real = counts(beforeA);
    expect(real.audit_events).toBeGreaterThan(0);
    expect(real.realtime_events).toBeGreaterThanOrEqual(2);
    expect(real.realtime_counters).toBe(1);

    const res = await as(t, platformToken())
      .post('/api/v1/tenants/isolation-check')
      .send({ tenantA: a.slug, tenantB: b.slug })
      .expect(200);
    expect(res.body.checks.filter((c: { passed: boolean }) => !c.passed)).toEqual([]);
    expect(res.body.success).toBe(true);

    const afterA = await settledSnapshot(t.app, a.slug);
    const afterB = await settledSnapshot(t.app, b.slug);
    expect(counts(afterA)).toEqual(counts(beforeA));
    expect(counts(afterB)).toEqual(counts(beforeB));
    expect(changedCollections(beforeA, afterA)).toEqual([]);
    expect(changedCollections(beforeB, afterB)).toEqual([]);
  });
});
