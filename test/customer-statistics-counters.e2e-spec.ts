import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { migrateTenantIndexes } from '../scripts/migrate';
import {
  type Client,
  as,
  newCompany,
  newTenant,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from './support/test-app';

const BASE = '/api/v1/customers';

interface Stats {
  totalCustomers: number;
  byStatus: Record<string, number>;
  bySource: Record<string, number>;
  totalRevenue: number;
  averageRevenue: number;
  newLast30Days: number;
}

/**
 * Statistics come from per-company counters kept with every write. Two application instances (each
 * with its own counter shard and in-process queues) write the same company at once: creates, status
 * changes, revenue, deletes, restores and lead conversions. The statistics then equal a recount of
 * the customers as the API lists them, `migrate --verify` finds nothing to repair, and counters
 * damaged on purpose are found and repaired by it.
 */
describe('Customer statistics from counters', () => {
  let one: TestApp;
  let two: TestApp;
  let tenant: TenantFixture;
  let company: string;
  let onOne: Client;
  let onTwo: Client;

  beforeAll(async () => {
    [one, two] = await Promise.all([startTestApp(), startTestApp()]);
    tenant = await newTenant(one, 'stats');
    company = await newCompany(tenant);
    onOne = as(one, tenant.token());
    onTwo = as(two, tenant.token());
  }, 60_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  const either = (i: number) => (i % 2 === 0 ? onOne : onTwo);
  const stats = async (): Promise<Stats> =>
    (await onOne.get(`${BASE}/statistics?companyId=${company}`).expect(200)).body as Stats;

  /** The statistics recomputed from every live customer the API lists. */
  async function recount(): Promise<Stats> {
    const all: Array<{ status: string; source: string; totalRevenue: number; createdAt: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: typeof all; nextCursor: string | null } } = await onOne
        .get(`${BASE}?companyId=${company}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      all.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    const by = (key: 'status' | 'source') =>
      all.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c[key]]: (acc[c[key]] ?? 0) + 1 }), {});
    const revenue = Math.round(all.reduce((sum, c) => sum + c.totalRevenue * 100, 0)) / 100;
    return {
      totalCustomers: all.length,
      byStatus: by('status'),
      bySource: by('source'),
      totalRevenue: revenue,
      averageRevenue: all.length ? Math.round((revenue / all.length) * 100) / 100 : 0,
      newLast30Days: all.length,
    };
  }

  /** 200, or 404 for a customer another request deleted meanwhile. */
  const landed = (r: { status: number }) => expect([200, 404]).toContain(r.status);
  const nonZero = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([, n]) => n !== 0));

  it('stay exact under concurrent writes of two instances, and migrate --verify finds no drift', async () => {
    const created = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const res = await either(i)
          .post(BASE)
          .send({ companyId: company, name: `Counted ${i}`, source: i % 3 === 0 ? 'referral' : 'website' })
          .expect(201);
        return res.body.id as string;
      }),
    );
    const leads = await Promise.all(
      Array.from(
        { length: 4 },
        async (_, i) =>
          (
            await onOne
              .post('/api/v1/leads')
              .send({ companyId: company, name: `Lead ${i}` })
              .expect(201)
          ).body.id,
      ),
    );
    // Every kind of write at once, each customer written from both instances.
    await Promise.all([
      ...created.map((id, i) =>
        either(i)
          .put(`${BASE}/${id}/status`)
          .send({ status: i % 2 ? 'churned' : 'inactive' })
          .then(landed),
      ),
      ...created.map((id, i) =>
        either(i + 1)
          .post(`${BASE}/${id}/revenue`)
          .send({ amount: 10.25 + i, purchasedAt: '2026-11-01T00:00:00Z', reference: `order-${i}` })
          .then(landed),
      ),
      // The same order recorded twice, from both instances: counted once.
      ...created.map((id, i) =>
        either(i)
          .post(`${BASE}/${id}/revenue`)
          .send({ amount: 10.25 + i, purchasedAt: '2026-11-01T00:00:00Z', reference: `order-${i}` })
          .then(landed),
      ),
      ...created.slice(0, 8).map((id, i) => either(i).delete(`${BASE}/${id}`).expect(204)),
      // Each lead converted from both instances at once: one customer each.
      ...leads.flatMap((id) => [onOne, onTwo].map((c) => c.post(`/api/v1/leads/${id}/convert`).send({}))),
    ]);
    await Promise.all(created.slice(0, 4).map((id, i) => either(i).post(`${BASE}/${id}/restore`).expect(200)));

    const expected = await recount();
    const actual = await stats();
    expect({ ...actual, byStatus: nonZero(actual.byStatus), bySource: nonZero(actual.bySource) }).toEqual({
      ...expected,
      companyId: company,
    });
    expect(expected.totalCustomers).toBe(24 - 8 + 4 + 4);
    expect(expected.bySource.lead_conversion).toBe(4);

    const report = await migrateTenantIndexes(one.app, { tenants: [tenant.slug], verify: true, log: () => undefined });
    expect(report.failed).toEqual([]);
    expect(report.drift).toEqual([]);
  }, 120_000);

  it('migrate --verify finds counters that drifted and repairs them from a recount', async () => {
    const before = await stats();
    const db = one.app.get<Connection>(getConnectionToken()).useDb(`crm_t_${tenant.slug}`);
    // As a crash between a customer write and its counter increment would leave them.
    await db.collection<{ _id: string }>('customer_counters').insertOne({
      _id: `${company}:crashed`,
      companyId: company,
      total: 3,
      revenueMinor: -100,
      status: { active: 3 },
    } as never);
    expect((await stats()).totalCustomers).toBe(before.totalCustomers + 3);

    const report = await migrateTenantIndexes(one.app, { tenants: [tenant.slug], verify: true, log: () => undefined });
    expect(report.drift).toEqual([
      expect.stringContaining(`company ${company} drifted (revenueMinor, status.active, total)`),
    ]);
    expect(await stats()).toEqual(before);

    const again = await migrateTenantIndexes(one.app, { tenants: [tenant.slug], verify: true, log: () => undefined });
    expect(again.drift).toEqual([]);
  }, 60_000);
});
