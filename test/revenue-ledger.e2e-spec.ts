import { Role } from '@app/common';
import * as tenancy from '@app/tenancy';
import { migrateTenantIndexes } from '../scripts/migrate';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Entry {
  id: string;
  amount: number;
  purchases: number;
  at: string;
  reference: string | null;
  source: string;
  reversalOf: string | null;
  reversedBy: string | null;
}

/** What the ledger says the customer's totals are, recomputed here from its entries. */
function totalsOf(entries: Entry[]) {
  const live = entries.filter((e) => e.reversalOf === null && e.reversedBy === null);
  const purchases = live
    .filter((e) => e.purchases > 0)
    .map((e) => e.at)
    .sort();
  return {
    totalRevenue: Math.round(live.reduce((n, e) => n + Math.round(e.amount * 100), 0)) / 100,
    purchaseCount: live.reduce((n, e) => n + e.purchases, 0),
    firstPurchaseAt: purchases[0] ?? null,
    lastPurchaseAt: purchases[purchases.length - 1] ?? null,
  };
}

/**
 * The revenue ledger behind POST /customers/:id/revenue: entries, reversals once, totals always equal
 * to the ledger (also after concurrent records and reversals on two instances), crash healing, and the
 * migration that gives totals from before the ledger their opening entries.
 */
describe('Revenue ledger', () => {
  let one: TestApp;
  let two: TestApp;
  let a: TenantFixture;
  let companyId: string;

  beforeAll(async () => {
    [one, two] = await Promise.all([startTestApp(), startTestApp()]);
    a = await newTenant(one, 'ledger');
    companyId = await newCompany(a);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });
  afterEach(() => one.app.get(tenancy.Failpoints).disarmAll());

  const member = (i: number) => as(i % 2 === 0 ? one : two, a.token(Role.MEMBER));
  const customer = async () =>
    (
      await a.member
        .post('/api/v1/customers')
        .send({ companyId, name: `Ledger ${Math.random()}` })
        .expect(201)
    ).body;
  const entries = async (id: string): Promise<Entry[]> => {
    const all: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Entry[]; nextCursor: string | null } = (
        await a.member.get(`/api/v1/customers/${id}/revenue?limit=7${cursor ? `&cursor=${cursor}` : ''}`).expect(200)
      ).body;
      all.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };
  const record = (i: number, id: string, amount: number, at: string, reference?: string) =>
    member(i).post(`/api/v1/customers/${id}/revenue`).send({ amount, purchasedAt: at, reference });

  it('every record is an entry, listed newest first; a reversal counts once and can not be reversed', async () => {
    const c = await customer();
    await record(0, c.id, 0.1, '2025-01-01T00:00:00Z', 'INV-1').expect(200);
    await record(0, c.id, 0.2, '2025-02-01T00:00:00Z').expect(200);
    const third = await record(0, c.id, 100, '2025-03-01T00:00:00Z', 'INV-3').expect(200);
    expect(third.body).toMatchObject({ totalRevenue: 100.3, purchaseCount: 3 });
    const list = await entries(c.id);
    expect(list.map((e) => [e.amount, e.reference, e.source])).toEqual([
      [100, 'INV-3', 'manual'],
      [0.2, null, 'manual'],
      [0.1, 'INV-1', 'manual'],
    ]);

    const reversed = await a.member
      .post(`/api/v1/customers/${c.id}/revenue/${list[0].id}/reverse`)
      .send({ reason: 'refund' })
      .expect(200);
    expect(reversed.body.entry).toMatchObject({ amount: -100, reversalOf: list[0].id, purchases: -1 });
    expect(reversed.body.customer).toMatchObject({
      totalRevenue: 0.3,
      purchaseCount: 2,
      firstPurchaseAt: '2025-01-01T00:00:00.000Z',
      lastPurchaseAt: '2025-02-01T00:00:00.000Z',
    });
    expectProblem(
      await a.member.post(`/api/v1/customers/${c.id}/revenue/${list[0].id}/reverse`).send({ reason: 'again' }),
      409,
      'customer.revenue_already_reversed',
    );
    expectProblem(
      await a.member.post(`/api/v1/customers/${c.id}/revenue/${reversed.body.entry.id}/reverse`).send({ reason: 'x' }),
      409,
      'customer.revenue_not_reversible',
    );
    expectProblem(
      await a.member.post(`/api/v1/customers/${c.id}/revenue/${c.id}/reverse`).send({ reason: 'x' }),
      404,
      'customer.revenue_entry_not_found',
    );
    expectProblem(await a.member.post(`/api/v1/customers/${c.id}/revenue/${list[1].id}/reverse`).send({}), 400);
    expectProblem(
      await a.viewer.post(`/api/v1/customers/${c.id}/revenue/${list[1].id}/reverse`).send({ reason: 'x' }),
      403,
    );
    const after = await entries(c.id);
    expect(after.find((e) => e.id === list[0].id)?.reversedBy).toBe(reversed.body.entry.id);
    expect(totalsOf(after)).toEqual({
      totalRevenue: 0.3,
      purchaseCount: 2,
      firstPurchaseAt: '2025-01-01T00:00:00.000Z',
      lastPurchaseAt: '2025-02-01T00:00:00.000Z',
    });

    // Another customer's entry answers like a missing one.
    const other = await customer();
    expectProblem(
      await a.member.post(`/api/v1/customers/${other.id}/revenue/${list[1].id}/reverse`).send({ reason: 'x' }),
      404,
    );
  });

  it('concurrent records (retried references among them) and reversals on two instances: totals equal the ledger', async () => {
    const c = await customer();
    const day = (i: number) => `2025-04-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`;
    const first = await Promise.all(
      Array.from({ length: 30 }, (_, i) => record(i, c.id, 1.1 + i, day(i), `REF-${i % 20}`)),
    );
    expect(first.map((r) => r.status)).toEqual(Array(30).fill(200));
    const listed = await entries(c.id);
    expect(listed).toHaveLength(20);
    const toReverse = listed.slice(0, 10);
    const mixed = await Promise.all([
      ...toReverse.flatMap((e, i) => [
        member(i).post(`/api/v1/customers/${c.id}/revenue/${e.id}/reverse`).send({ reason: 'refund' }),
        member(i + 1)
          .post(`/api/v1/customers/${c.id}/revenue/${e.id}/reverse`)
          .send({ reason: 'refund' }),
      ]),
      ...Array.from({ length: 10 }, (_, i) => record(i, c.id, 0.07, day(i + 3), `MORE-${i}`)),
    ]);
    expect(mixed.map((r) => r.status).sort()).toEqual([...Array(20).fill(200), ...Array(10).fill(409)].sort());
    const ledger = await entries(c.id);
    expect(ledger).toHaveLength(40);
    const now = (await a.member.get(`/api/v1/customers/${c.id}`).expect(200)).body;
    expect({
      totalRevenue: now.totalRevenue,
      purchaseCount: now.purchaseCount,
      firstPurchaseAt: now.firstPurchaseAt,
      lastPurchaseAt: now.lastPurchaseAt,
    }).toEqual(totalsOf(ledger));
    expect(now.purchaseCount).toBe(20);
  });

  it('a crash between the entry and the totals is healed by the retry, which still counts once', async () => {
    const c = await customer();
    one.app.get(tenancy.Failpoints).arm('revenue.after-entry');
    expect((await record(0, c.id, 5, '2025-06-01T00:00:00Z', 'CRASH-1')).status).toBe(500);
    expect((await entries(c.id)).length).toBe(1);
    await record(0, c.id, 5, '2025-06-01T00:00:00Z', 'CRASH-1').expect(200);
    const now = (await a.member.get(`/api/v1/customers/${c.id}`).expect(200)).body;
    expect(now).toMatchObject({ totalRevenue: 5, purchaseCount: 1 });
  });

  it('npm run migrate gives totals from before the ledger opening entries, once; later records keep them', async () => {
    const c = await customer();
    const dbName = one.app.get(tenancy.TenantDirectory).dbNameFor(a.slug);
    const customers = one.app.get(tenancy.TenantConnectionRegistry).model(dbName, 'Customer');
    // As the revenue service before the ledger left a customer: totals, no entries.
    await customers.updateOne(
      { _id: c.id },
      {
        $set: {
          totalRevenueMinor: 12_345,
          purchaseCount: 3,
          firstPurchaseAt: new Date('2024-01-01T00:00:00Z'),
          lastPurchaseAt: new Date('2024-06-01T00:00:00Z'),
          revenueRefs: ['OLD-1'],
        },
      },
    );
    const opts = { tenants: [a.slug], force: true, log: () => undefined };
    const report = await migrateTenantIndexes(one.app, opts);
    expect(report.migrated['2026-12-revenue-ledger-opening-entries']).toBe(2);
    expect((await migrateTenantIndexes(one.app, opts)).migrated['2026-12-revenue-ledger-opening-entries']).toBe(0);
    const ledger = await entries(c.id);
    expect(ledger.map((e) => [e.amount, e.purchases, e.source])).toEqual([
      [0, 1, 'import'],
      [123.45, 2, 'import'],
    ]);
    expect(totalsOf(ledger)).toEqual({
      totalRevenue: 123.45,
      purchaseCount: 3,
      firstPurchaseAt: '2024-01-01T00:00:00.000Z',
      lastPurchaseAt: '2024-06-01T00:00:00.000Z',
    });
    // A reference counted before the ledger still counts once; a new one adds to the opening balance.
    await record(0, c.id, 1, '2024-03-01T00:00:00Z', 'OLD-1').expect(200);
    const next = await record(0, c.id, 1, '2024-07-01T00:00:00Z', 'NEW-1').expect(200);
    expect(next.body).toMatchObject({
      totalRevenue: 124.45,
      purchaseCount: 4,
      lastPurchaseAt: '2024-07-01T00:00:00.000Z',
    });
  });

  it('a customer recorded on before migrate ran keeps its earlier totals (adopted on first use)', async () => {
    const c = await customer();
    const dbName = one.app.get(tenancy.TenantDirectory).dbNameFor(a.slug);
    const customers = one.app.get(tenancy.TenantConnectionRegistry).model(dbName, 'Customer');
    await customers.updateOne({ _id: c.id }, { $set: { totalRevenueMinor: 1_000, purchaseCount: 1 } });
    const res = await record(1, c.id, 2, '2025-01-01T00:00:00Z').expect(200);
    expect(res.body).toMatchObject({ totalRevenue: 12, purchaseCount: 2 });
    expect(totalsOf(await entries(c.id))).toMatchObject({ totalRevenue: 12, purchaseCount: 2 });
  });
});
