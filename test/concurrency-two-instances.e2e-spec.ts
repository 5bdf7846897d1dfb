import { Role } from '@app/common';
import { as, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/**
 * The concurrency guarantees hold across instances, not only within one process: two app instances on
 * the same database share nothing in memory (each has its own in-process record queue), so only what
 * is in the database (RecordLock's lease documents, unique keys, version conditions) can order them.
 * Every burst below is split evenly between the two.
 */
describe('Concurrency across two instances on one database', () => {
  let one: TestApp;
  let two: TestApp;
  let tenant: TenantFixture;
  let companyId: string;

  beforeAll(async () => {
    [one, two] = await Promise.all([startTestApp(), startTestApp()]);
    tenant = await newTenant(one, 'two');
    companyId = await newCompany(tenant);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });

  /** The member client of instance `i % 2`. */
  const member = (i: number) => as(i % 2 === 0 ? one : two, tenant.token(Role.MEMBER));

  it('50 concurrent conversions of one lead, half on each instance, create exactly one customer', async () => {
    const lead = (await member(0).post('/api/v1/leads').send({ companyId, name: 'Contested lead' }).expect(201)).body;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => member(i).post(`/api/v1/leads/${lead.id}/convert`).send({})),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const customerIds = new Set(results.map((r) => (r.status === 201 ? r.body.customer.id : r.body.customerId)));
    expect([...customerIds]).toEqual([lead.id]);

    const customers = await member(1)
      .get(`/api/v1/customers?companyId=${companyId}&source=lead_conversion`)
      .expect(200);
    expect(customers.body.data.map((c: { id: string }) => c.id)).toEqual([lead.id]);
    const after = (await member(0).get(`/api/v1/leads/${lead.id}`).expect(200)).body;
    expect(after).toMatchObject({ status: 'converted', customerId: lead.id, version: 2 });
  });

  it('concurrent make-primary calls on both instances leave exactly one primary, the last one applied', async () => {
    const contacts = Array.from({ length: 8 }, (_, i) => ({ firstName: `C${i}`, email: `c${i}@two.example` }));
    const c = (await member(0).post('/api/v1/customers').send({ companyId, name: 'Primaries', contacts }).expect(201))
      .body;
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(
        [...c.contacts, ...c.contacts].map((p: { id: string }, i: number) =>
          member(i).post(`/api/v1/customers/${c.id}/contacts/${p.id}/primary`),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(16).fill(200));
      for (const r of results) expect(primaries(r.body.contacts)).toHaveLength(1);
      const now = (await member(round).get(`/api/v1/customers/${c.id}`).expect(200)).body;
      expect(primaries(now.contacts)).toHaveLength(1);
      // Versions are distinct per write: no two writes "won" the same version.
      const written = results.map((r) => r.body.version as number);
      const last = results.find((r) => r.body.version === Math.max(...written));
      expect(primaries(now.contacts)).toEqual(primaries(last?.body.contacts));
      expect(now.version).toBe(Math.max(...written));
    }
  });

  it('a revenue reference retried on both instances counts once; distinct references all count', async () => {
    const c = (await member(0).post('/api/v1/customers').send({ companyId, name: 'Revenue' }).expect(201)).body;
    const send = (i: number, reference: string) =>
      member(i)
        .post(`/api/v1/customers/${c.id}/revenue`)
        .send({ amount: 10, purchasedAt: '2025-05-05T00:00:00Z', reference });
    const same = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i, 'ORDER-77')));
    expect(same.map((r) => r.status)).toEqual(Array(20).fill(200));
    const once = (await member(1).get(`/api/v1/customers/${c.id}`).expect(200)).body;
    expect(once).toMatchObject({ totalRevenue: 10, purchaseCount: 1, version: 2 });

    const distinct = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i, `ORDER-${i}`)));
    expect(distinct.map((r) => r.status)).toEqual(Array(20).fill(200));
    const all = (await member(0).get(`/api/v1/customers/${c.id}`).expect(200)).body;
    expect(all).toMatchObject({ totalRevenue: 210, purchaseCount: 21 });
    // One ledger entry per distinct reference (concurrent records may share one totals write).
    const ledger = (await member(1).get(`/api/v1/customers/${c.id}/revenue?limit=100`).expect(200)).body;
    expect(ledger.data).toHaveLength(21);
    const stats = (await member(1).get(`/api/v1/customers/statistics?companyId=${companyId}`).expect(200)).body;
    expect(stats.totalRevenue).toBe(210);
  });
});

function primaries(contacts: Array<{ id: string; isPrimary: boolean }>): string[] {
  return contacts.filter((p) => p.isPrimary).map((p) => p.id);
}
