import { Role } from '@app/common';
import { connectRealtime, recordEvents, request as wsRequest, type RealtimeSocket, waitFor } from '@app/testing';
import { DomainEventCatalog, LeaseClaims, TenantRunner, systemPrincipal } from '@app/tenancy';
import { ScoreRecomputeJob, ScoreUpdatesListener, ScoringService } from '../src/modules/analytics';
import { ScoreRepository } from '../src/modules/analytics/scores/score.repository';
import type { CustomerScore } from '../src/modules/analytics/schemas/customer-score.schema';
import {
  expectProblem,
  newCompany,
  newTenant,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from './support/test-app';

const DAY = 86_400_000;
const AS_OF = new Date('2026-06-30T00:00:00Z');

/**
 * The hand-worked tenant (src/modules/analytics/scoring/rfm.fixture.ts). As of 2026-06-30, window 365 days:
 *
 * | customer | purchases                               | recency | F | M (cents) | R F M | segment            |
 * | A        | 06-25 100, 05-01 50, 01-10 20            | 5       | 3 | 17000     | 5 5 4 | champions          |
 * | B        | 06-20 300 (and 06-29 999, reversed)      | 10      | 1 | 30000     | 4 3 5 | potential_loyalist |
 * | C        | 2026-03-01 10, 2025-03-01 500 (outside)  | 121     | 1 | 1000      | 3 3 2 | need_attention     |
 * | D        | 2025-12-31 20 + 20                       | 181     | 2 | 4000      | 2 4 3 | at_risk            |
 * | E        | 2025-01-15 80 (outside)                  | 531     | 0 | 0         | 1 1 1 | lost               |
 * | F        | 2026-07-05 (after asOf)                  |         |   |           |       | no_purchase        |
 * | G        | none                                     |         |   |           |       | no_purchase        |
 *
 * Quintile score = 1 + ⌊5·(worse + tied/2)/n⌋: frequencies [3,1,1,2,0] give the two tied 1s (1 + 2/2)/5 = 0.4 → 3.
 */
const FIXTURE: Record<string, Array<[string, number]>> = {
  A: [
    ['2026-06-25', 100],
    ['2026-05-01', 50],
    ['2026-01-10', 20],
  ],
  B: [['2026-06-20', 300]],
  C: [
    ['2026-03-01', 10],
    ['2025-03-01', 500],
  ],
  D: [
    ['2025-12-31', 20],
    ['2025-12-31', 20],
  ],
  E: [['2025-01-15', 80]],
  F: [['2026-07-05', 60]],
  G: [],
};
const EXPECTED_CODES = {
  A: '554 champions',
  B: '435 potential_loyalist',
  C: '332 need_attention',
  D: '243 at_risk',
  E: '111 lost',
  F: 'null no_purchase',
  G: 'null no_purchase',
};

interface RfmRow {
  customerId: string;
  code: string | null;
  segment: string;
  r: number | null;
  recencyDays: number | null;
  frequency: number | null;
  monetary: number | null;
}

describe('Analytics: RFM, health, cohorts, segments', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  /** Fixed dates (live views at asOf). */
  let north: string;
  /** The same purchases shifted so that today is 2026-06-30 (stored scores, computed now). */
  let south: string;
  let bCompany: string;
  const ids: Record<string, Record<string, string>> = { north: {}, south: {} };

  async function seed(companyId: string, key: 'north' | 'south', shiftMs: number): Promise<void> {
    for (const [name, purchases] of Object.entries(FIXTURE)) {
      const c = await a.member
        .post('/api/v1/customers')
        .send({ companyId, name: `${name} ${key}` })
        .expect(201);
      ids[key][name] = c.body.id;
      for (const [i, [day, amount]] of purchases.entries()) {
        const at = new Date(new Date(`${day}T00:00:00Z`).getTime() + shiftMs).toISOString();
        await a.member
          .post(`/api/v1/customers/${c.body.id}/revenue`)
          .send({ amount, purchasedAt: at, reference: `${name}-${i}` })
          .expect(200);
      }
    }
    // B's refund: a purchase recorded and reversed counts nowhere.
    const bId = ids[key].B;
    const refundAt = new Date(new Date('2026-06-29T00:00:00Z').getTime() + shiftMs).toISOString();
    await a.member
      .post(`/api/v1/customers/${bId}/revenue`)
      .send({ amount: 999, purchasedAt: refundAt, reference: 'B-refund' })
      .expect(200);
    const entries = await a.viewer.get(`/api/v1/customers/${bId}/revenue`).expect(200);
    const refund = (entries.body.data as Array<{ id: string; reference: string }>).find(
      (e) => e.reference === 'B-refund',
    );
    await a.member
      .post(`/api/v1/customers/${bId}/revenue/${refund?.id}/reverse`)
      .send({ reason: 'refund' })
      .expect(200);
  }

  const codes = (key: 'north' | 'south', rows: RfmRow[]) => {
    const byId = new Map(rows.map((r) => [r.customerId, r]));
    return Object.fromEntries(
      Object.entries(ids[key]).map(([name, id]) => [name, `${byId.get(id)?.code ?? null} ${byId.get(id)?.segment}`]),
    );
  };

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'ana'), newTenant(t, 'anb')]);
    [north, south, bCompany] = await Promise.all([newCompany(a, 'North'), newCompany(a, 'South'), newCompany(b, 'B')]);
    await seed(north, 'north', 0);
    await seed(south, 'south', Date.now() - AS_OF.getTime());
    // South's A had a call yesterday: its activity counts fully (within 7 days).
    await a.member
      .post('/api/v1/activities')
      .send({
        type: 'call',
        subject: 'Check-in',
        customerId: ids.south.A,
        occurredAt: new Date(Date.now() - DAY).toISOString(),
      })
      .expect(201);
    // Tenant B: one big buyer; none of it may show in A's analytics (or A's in B's).
    const other = await b.member.post('/api/v1/customers').send({ companyId: bCompany, name: 'Whale' }).expect(201);
    await b.member
      .post(`/api/v1/customers/${other.body.id}/revenue`)
      .send({ amount: 1_000_000, purchasedAt: '2026-06-29T00:00:00Z' })
      .expect(200);
    await t.app.get(ScoreUpdatesListener).idle();
  }, 120_000);

  afterAll(() => t.close());

  describe('RFM', () => {
    it('scores the hand-worked company as of a date: quintiles with ties, codes, segments, no-purchase group, counts', async () => {
      const res = await a.viewer
        .get(`/api/v1/analytics/rfm?companyId=${north}&asOf=${AS_OF.toISOString()}&limit=100`)
        .expect(200);
      expect(res.body.source).toBe('live');
      expect(codes('north', res.body.data)).toEqual(EXPECTED_CODES);
      expect(res.body.counts).toEqual({
        champions: 1,
        potential_loyalist: 1,
        need_attention: 1,
        at_risk: 1,
        lost: 1,
        no_purchase: 2,
      });
      const rowA = (res.body.data as RfmRow[]).find((r) => r.customerId === ids.north.A);
      expect(rowA).toMatchObject({ recencyDays: 5, frequency: 3, monetary: 170, r: 5 });
      const rowB = (res.body.data as RfmRow[]).find((r) => r.customerId === ids.north.B);
      expect(rowB).toMatchObject({ recencyDays: 10, frequency: 1, monetary: 300 });
    });

    it('shows the view at a past date (asOf 2026-03-31)', async () => {
      const res = await a.viewer
        .get(`/api/v1/analytics/rfm?companyId=${north}&asOf=2026-03-31T00:00:00Z&limit=100`)
        .expect(200);
      expect(codes('north', res.body.data)).toEqual({
        A: '434 potential_loyalist',
        B: 'null no_purchase',
        C: '532 potential_loyalist',
        D: '255 cannot_lose',
        E: '111 lost',
        F: 'null no_purchase',
        G: 'null no_purchase',
      });
    });

    it('pages with a cursor bound to its query', async () => {
      const url = `/api/v1/analytics/rfm?companyId=${north}&asOf=${AS_OF.toISOString()}`;
      const first = await a.viewer.get(`${url}&limit=4`).expect(200);
      expect(first.body.data).toHaveLength(4);
      const second = await a.viewer.get(`${url}&limit=4&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.data).toHaveLength(3);
      expect(second.body.nextCursor).toBeNull();
      const all = [...first.body.data, ...second.body.data].map((r: RfmRow) => r.customerId);
      expect(new Set(all)).toEqual(new Set(Object.values(ids.north)));
      expectProblem(
        await a.viewer.get(`/api/v1/analytics/rfm?companyId=${south}&cursor=${first.body.nextCursor}`),
        400,
      );
    });

    it('stores the scores of a company as of now, equal to the hand-worked table', async () => {
      const recompute = await a.admin.post('/api/v1/analytics/recompute').send({}).expect(200);
      expect(recompute.body.companies).toBe(2);
      const res = await a.viewer.get(`/api/v1/analytics/rfm?companyId=${south}&limit=100`).expect(200);
      expect(res.body.source).toBe('stored');
      expect(res.body.lastComputedAt).toEqual(expect.any(String));
      expect(codes('south', res.body.data)).toEqual(EXPECTED_CODES);
      // Every stored score carries when it was last computed (here: by this full run).
      for (const row of res.body.data as Array<{ lastComputedAt: string }>) {
        expect(Date.parse(row.lastComputedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.lastComputedAt) - 60_000);
      }
      const live = await a.viewer.get(`/api/v1/analytics/rfm?companyId=${south}&windowDays=180&limit=1`).expect(200);
      expect(live.body).toMatchObject({ source: 'live', data: [{ lastComputedAt: null }] });
    });
  });

  describe('health', () => {
    it('scores each customer 0..100 with its components and their raw inputs (default model)', async () => {
      const res = await a.viewer.get(`/api/v1/customers/${ids.south.A}/scores`).expect(200);
      expect(res.body.rfm).toMatchObject({ code: '554', segment: 'champions', recencyDays: 5, frequency: 3 });
      // Weights RFM 35, activity 25, overdue tasks 10, status 20, open deals 10 (100). A has no overdue task
      // (value 1) and no open deal (0): 100 · (35 · 11/12 + 25 · 1 + 10 · 1 + 20 · 1 + 10 · 0) / 100 = 87.1 → 87
      expect(res.body.health).toMatchObject({ score: 87, band: 'green' });
      const components = Object.fromEntries(
        (res.body.health.components as Array<{ key: string; value: number | null; points: number }>).map((c) => [
          c.key,
          c,
        ]),
      );
      expect(components.rfm).toMatchObject({ value: 0.916667, points: 32.083333, inputs: { r: 5, f: 5, m: 4 } });
      expect(components.activity).toMatchObject({
        value: 1,
        points: 25,
        detail: 'last activity 1 days ago',
        inputs: { daysSinceLastActivity: 1 },
      });
      expect(components.status).toMatchObject({ value: 1, points: 20, inputs: { status: 'active' } });
      expect(components.overdueTasks).toMatchObject({ value: 1, points: 10, inputs: { overdueTasks: 0 } });
      expect(components.openOpportunities).toMatchObject({
        value: 0,
        points: 0,
        inputs: { openOpportunityValue: 0, revenueInWindow: 170 },
      });
      expect(res.body.lastComputedAt).toEqual(expect.any(String));
      // No activity counts 0. C 332: 35 · 5/12 + 0 + 10 + 20 + 0 = 44.6 → 45 yellow; E 111: 10 + 20 → 30 red.
      const c = await a.viewer.get(`/api/v1/customers/${ids.south.C}/scores`).expect(200);
      expect(c.body.health).toMatchObject({ score: 45, band: 'yellow' });
      const e = await a.viewer.get(`/api/v1/customers/${ids.south.E}/scores`).expect(200);
      expect(e.body.health).toMatchObject({ score: 30, band: 'red' });
    });

    it('lets admins set weights and thresholds per tenant (ETag, 412, 400, 403)', async () => {
      const initial = await a.viewer.get('/api/v1/analytics/health-model').expect(200);
      expect(initial.body).toMatchObject({ version: 0, isDefault: true, thresholds: { green: 70, yellow: 40 } });
      const model = {
        weights: { rfm: 0, activity: 0, overdueTasks: 0, status: 1, openOpportunities: 0 },
        thresholds: { green: 90, yellow: 50 },
      };
      expectProblem(await a.member.put('/api/v1/analytics/health-model').send(model), 403);
      expectProblem(
        await a.admin.put('/api/v1/analytics/health-model').send({ ...model, thresholds: { green: 50, yellow: 50 } }),
        400,
        'health_model.invalid',
      );
      expectProblem(await a.admin.put('/api/v1/analytics/health-model').send({ ...model, extra: 1 }), 400);
      const put = await a.admin.put('/api/v1/analytics/health-model').set('If-Match', '"0"').send(model).expect(200);
      expect(put.headers.etag).toBe('"1"');
      expectProblem(await a.admin.put('/api/v1/analytics/health-model').set('If-Match', '"0"').send(model), 412);
      // B's model is its own.
      expect((await b.viewer.get('/api/v1/analytics/health-model').expect(200)).body.isDefault).toBe(true);
      // Status only: A active → 100 green; restore the default for the other tests.
      await a.admin.post('/api/v1/analytics/recompute').send({}).expect(200);
      const s = await a.viewer.get(`/api/v1/customers/${ids.south.E}/scores`).expect(200);
      expect(s.body.health).toMatchObject({ score: 100, band: 'green' });
      await a.admin
        .put('/api/v1/analytics/health-model')
        .send({
          weights: { rfm: 35, activity: 25, overdueTasks: 10, status: 20, openOpportunities: 10 },
          thresholds: { green: 70, yellow: 40 },
        })
        .expect(200);
      await a.admin.post('/api/v1/analytics/recompute').send({}).expect(200);
    });
  });

  describe('incremental updates and events', () => {
    let socket: RealtimeSocket;

    afterAll(() => socket?.close());

    it('re-scores a customer after a purchase against the last edges and announces segment and band changes', async () => {
      socket = await connectRealtime(t.url, a.token(Role.VIEWER));
      await wsRequest(socket, 'subscribe', { companyId: south });
      const seen = recordEvents<{ customerId: string; from: string; to: string }>(socket, (e) =>
        ['customer.segment_changed', 'customer.health_changed'].includes(e),
      );
      const before = await a.viewer.get(`/api/v1/customers/${ids.south.G}/scores`).expect(200);
      expect(before.body.rfm.segment).toBe('no_purchase');
      await a.member
        .post(`/api/v1/customers/${ids.south.G}/revenue`)
        .send({ amount: 500, purchasedAt: new Date(Date.now() - DAY).toISOString() })
        .expect(200);
      await t.app.get(ScoreUpdatesListener).idle();
      // 1 day (≤ 5: R5), once (F edge 1 → 3), 50000 cents (≥ 30000: M5) → 535 potential_loyalist;
      // health 35 · 10/12 + 0 + 10 + 20 + 0 = 59.2 → 59 yellow (from 30 red).
      const after = await a.viewer.get(`/api/v1/customers/${ids.south.G}/scores`).expect(200);
      expect(after.body.rfm).toMatchObject({ code: '535', segment: 'potential_loyalist' });
      expect(after.body.health).toMatchObject({ score: 59, band: 'yellow' });
      // Announcements of the previous recompute (the health model test) may still be on their way to the room.
      const announced = () => seen.map((e) => [e.event, e.data.customerId, e.data.from, e.data.to].join(' '));
      const expected = [
        `customer.segment_changed ${ids.south.G} no_purchase potential_loyalist`,
        `customer.health_changed ${ids.south.G} red yellow`,
      ];
      await waitFor(() => expected.every((x) => announced().includes(x)));
      expect(announced()).toEqual(expect.arrayContaining(expected));
    });

    it('declares the score events, so webhooks can subscribe to them', () => {
      expect(t.app.get(DomainEventCatalog).names()).toEqual(
        expect.arrayContaining(['customer.segment_changed', 'customer.health_changed', 'segment.created']),
      );
    });
  });

  describe('cohorts', () => {
    it('builds logo and revenue retention by month of first purchase; unfinished months are null', async () => {
      const url = `/api/v1/analytics/cohorts?companyId=${north}&asOf=2026-02-15T00:00:00Z&from=2025-12&to=2026-01`;
      const logos = await a.viewer.get(`${url}&metric=customers`).expect(200);
      // D first bought 2025-12 (only then); A 2026-01 (then again in May and June, after asOf).
      expect(logos.body.data).toEqual([
        {
          cohort: '2025-12',
          size: 1,
          periods: [
            { period: 0, month: '2025-12', value: 1, ratio: 1 },
            { period: 1, month: '2026-01', value: 0, ratio: 0 },
            { period: 2, month: '2026-02', value: null, ratio: null },
          ],
        },
        {
          cohort: '2026-01',
          size: 1,
          periods: [
            { period: 0, month: '2026-01', value: 1, ratio: 1 },
            { period: 1, month: '2026-02', value: null, ratio: null },
          ],
        },
      ]);
      const revenue = await a.viewer.get(`${url}&metric=revenue`).expect(200);
      expect(
        revenue.body.data.map((r: { periods: Array<{ value: number | null }> }) => r.periods.map((p) => p.value)),
      ).toEqual([
        [40, 0, null],
        [20, null],
      ]);
    });

    it('counts a returning customer, and a refunded purchase nowhere (as of 2026-07-01)', async () => {
      const res = await a.viewer
        .get(`/api/v1/analytics/cohorts?companyId=${north}&asOf=2026-07-01T00:00:00Z&from=2026-01&to=2026-06`)
        .expect(200);
      // Cohort 2026-01: A (Jan, again May and June). Cohort 2026-06: B (June; its 999 on 06-29 was reversed).
      const jan = res.body.data.find((r: { cohort: string }) => r.cohort === '2026-01');
      expect(jan.periods.map((p: { value: number }) => p.value)).toEqual([1, 0, 0, 0, 1, 1, null]);
      const june = await a.viewer
        .get(`/api/v1/analytics/cohorts?companyId=${north}&asOf=2026-07-01T00:00:00Z&from=2026-06&metric=revenue`)
        .expect(200);
      expect(june.body.data).toEqual([
        {
          cohort: '2026-06',
          size: 1,
          periods: [
            { period: 0, month: '2026-06', value: 300, ratio: 1 },
            { period: 1, month: '2026-07', value: null, ratio: null },
          ],
        },
      ]);
    });

    it('refuses from after to', async () => {
      expectProblem(
        await a.viewer.get('/api/v1/analytics/cohorts?from=2026-05&to=2026-01'),
        400,
        'analytics.invalid_period',
      );
      expectProblem(await a.viewer.get('/api/v1/analytics/cohorts?from=2026-13'), 400);
    });
  });

  describe('saved segments', () => {
    it('lists and counts the customers of a segment over RFM segments, and works as segmentId= on customer lists', async () => {
      const seg = await a.member
        .post('/api/v1/segments')
        .send({ name: 'Best', companyId: south, filter: { rfmSegment: ['champions', 'at_risk'] } })
        .expect(201);
      expect(seg.headers.etag).toBe('"1"');
      const members = await a.viewer.get(`/api/v1/segments/${seg.body.id}/customers`).expect(200);
      expect(members.body.data.map((c: { id: string }) => c.id).sort()).toEqual([ids.south.A, ids.south.D].sort());
      expect((await a.viewer.get(`/api/v1/segments/${seg.body.id}/count`).expect(200)).body).toEqual({ count: 2 });
      const listed = await a.viewer.get(`/api/v1/customers?segmentId=${seg.body.id}&status=active`).expect(200);
      expect(listed.body.data).toHaveLength(2);
    });

    it('combines list filters, health band and revenue range', async () => {
      // Revenue to date (ledger totals): A 170, B 300, C 510, D 40, E 80, F 60 (future-dated), G 500.
      const seg = await a.member
        .post('/api/v1/segments')
        .send({
          name: 'Mid',
          companyId: south,
          filter: { revenueMin: 100, revenueMax: 500, healthBand: ['green', 'yellow'] },
        })
        .expect(201);
      const members = await a.viewer.get(`/api/v1/segments/${seg.body.id}/customers`).expect(200);
      // Green or yellow: A 87, B 56, C 45, D 48, G 59; of those within 100..500: A, B, G.
      expect(members.body.data.map((c: { id: string }) => c.id).sort()).toEqual(
        [ids.south.A, ids.south.B, ids.south.G].sort(),
      );
      const patched = await a.member
        .patch(`/api/v1/segments/${seg.body.id}`)
        .set('If-Match', '"1"')
        .send({ filter: { revenueMin: 100, revenueMax: 200 } })
        .expect(200);
      expect(patched.body.filter).toEqual({ revenueMin: 100, revenueMax: 200 });
      expectProblem(
        await a.member.patch(`/api/v1/segments/${seg.body.id}`).set('If-Match', '"1"').send({ name: 'x' }),
        412,
      );
      expect((await a.viewer.get(`/api/v1/segments/${seg.body.id}/count`).expect(200)).body).toEqual({ count: 1 });
      expectProblem(
        await a.member.post('/api/v1/segments').send({ name: 'bad', filter: { revenueMin: 5, revenueMax: 1 } }),
        400,
        'segment.invalid_range',
      );
      expectProblem(
        await a.member.post('/api/v1/segments').send({ name: 'bad', filter: { rfmSegment: ['vip'] } }),
        400,
      );
      await a.member.delete(`/api/v1/segments/${seg.body.id}`).expect(204);
      expectProblem(await a.viewer.get(`/api/v1/segments/${seg.body.id}`), 404, 'segment.not_found');
    });

    it('keeps a company with segments from being deleted', async () => {
      const res = await a.admin.delete(`/api/v1/companies/${south}`);
      expect(res.status).toBe(409);
    });
  });

  describe('isolation', () => {
    it("never shows one tenant's analytics to another", async () => {
      const seg = await a.member.post('/api/v1/segments').send({ name: 'A only', filter: {} }).expect(201);
      expectProblem(await b.viewer.get(`/api/v1/segments/${seg.body.id}`), 404);
      expectProblem(await b.viewer.get(`/api/v1/segments/${seg.body.id}/customers`), 404);
      expectProblem(await b.viewer.get(`/api/v1/customers?segmentId=${seg.body.id}`), 404);
      expectProblem(await b.viewer.get(`/api/v1/customers/${ids.south.A}/scores`), 404);
      expectProblem(await b.viewer.get(`/api/v1/analytics/rfm?companyId=${south}`), 404);
      const bRfm = await b.viewer.get(`/api/v1/analytics/rfm?asOf=${AS_OF.toISOString()}`).expect(200);
      // One buyer alone scores 3 on each axis: 333, need_attention.
      expect(bRfm.body.counts).toEqual({ need_attention: 1 });
      // A's quintiles never saw B's 1,000,000 buyer: B (300.00) is still A's top spender.
      const aRfm = await a.viewer.get(`/api/v1/analytics/rfm?companyId=${north}&asOf=${AS_OF.toISOString()}&limit=100`);
      expect((aRfm.body.data as RfmRow[]).find((r) => r.customerId === ids.north.B)?.code).toBe('435');
    });
  });

  describe('overdue tasks and open deals in the health score', () => {
    let socket: RealtimeSocket;
    let seen: Array<{ event: string; data: { customerId: string; from: string; to: string } }>;
    interface Component {
      key: string;
      value: number | null;
      points: number;
      inputs: Record<string, unknown>;
    }
    const health = async (id: string) => {
      await t.app.get(ScoreUpdatesListener).idle();
      const res = await a.viewer.get(`/api/v1/customers/${id}/scores`).expect(200);
      const h = res.body.health as { score: number; band: string; components: Component[] };
      return { ...h, c: Object.fromEntries(h.components.map((c) => [c.key, c])) };
    };
    const bandChanges = (id: string) =>
      seen.filter((e) => e.data.customerId === id).map((e) => `${e.data.from} ${e.data.to}`);
    const task = async (body: Record<string, unknown>) =>
      (
        await a.member
          .post('/api/v1/activities')
          .send({ type: 'task', subject: 'Follow up', dueAt: new Date(Date.now() - 3_600_000).toISOString(), ...body })
          .expect(201)
      ).body as { id: string };

    beforeAll(async () => {
      socket = await connectRealtime(t.url, a.token(Role.VIEWER));
      await wsRequest(socket, 'subscribe', { companyId: south });
      seen = recordEvents(socket, (e) => e === 'customer.health_changed');
    });
    afterAll(() => socket?.close());

    it('each overdue open task takes exactly 10 · 0.25 points; moving, completing and deleting tasks re-score at once', async () => {
      const C = ids.south.C;
      // C 332, no activity, active: 35 · 5/12 + 0 + 10 · 1 + 20 + 0 = 44.58 → 45 yellow.
      const before = await health(C);
      expect(before).toMatchObject({ score: 45, band: 'yellow' });
      const tasks = [await task({ customerId: C }), await task({ customerId: C }), await task({ customerId: C })];
      // A task due tomorrow is not overdue.
      const later = await task({ customerId: C, dueAt: new Date(Date.now() + DAY).toISOString() });
      // Three overdue: 10 · (1 − 0.75) = 2.5 points instead of 10 → 44.58 − 7.5 = 37.08 → 37, red.
      const three = await health(C);
      expect(three.c.overdueTasks).toMatchObject({ value: 0.25, points: 2.5, inputs: { overdueTasks: 3 } });
      expect(before.c.overdueTasks.points - three.c.overdueTasks.points).toBe(7.5);
      expect(three).toMatchObject({ score: 37, band: 'red' });
      // dueAt moved to the future: two overdue → 44.58 − 5 = 39.58 → 40, yellow again.
      await a.member
        .patch(`/api/v1/activities/${tasks[0].id}`)
        .send({ dueAt: new Date(Date.now() + DAY).toISOString() })
        .expect(200);
      expect(await health(C)).toMatchObject({ score: 40, band: 'yellow' });
      await waitFor(() => bandChanges(C).length >= 2);
      expect(bandChanges(C)).toEqual(['yellow red', 'red yellow']);
      // Completing one: one overdue left (7.5), and the done task is activity today (25): 67.08 → 67.
      await a.member.post(`/api/v1/activities/${tasks[1].id}/complete`).send({}).expect(200);
      const done = await health(C);
      expect(done.c.overdueTasks.inputs).toEqual({ overdueTasks: 1 });
      expect(done).toMatchObject({ score: 67, band: 'yellow' });
      // Reopened: overdue again, and no activity (an open task is not one): 44.58 − 5 → 40.
      await a.member.post(`/api/v1/activities/${tasks[1].id}/reopen`).send({}).expect(200);
      expect((await health(C)).score).toBe(40);
      // Deleted: back to where it started.
      for (const x of [...tasks, later]) await a.member.delete(`/api/v1/activities/${x.id}`).expect(204);
      expect(await health(C)).toMatchObject({ score: 45, band: 'yellow', c: { overdueTasks: { value: 1 } } });
    });

    it("open deal value adds up to 10 points against the window's revenue; deal changes re-score at once", async () => {
      const B = ids.south.B;
      // B 435, 300.00 in the window, no activity, active: 35 · 9/12 + 0 + 10 + 20 + 0 = 56.25 → 56.
      expect((await health(B)).score).toBe(56);
      const deal = (
        await a.member.post('/api/v1/opportunities').send({ customerId: B, name: 'Upsell', amount: 150 }).expect(201)
      ).body as { id: string };
      // 150 / 300 = 0.5 → 5 points: 61.25 → 61.
      const open = await health(B);
      expect(open.c.openOpportunities).toMatchObject({
        value: 0.5,
        points: 5,
        inputs: { openOpportunityValue: 150, revenueInWindow: 300 },
      });
      expect(open.score).toBe(61);
      // 600 / 300, capped at 1 → 10 points: 66.25 → 66.
      await a.member.patch(`/api/v1/opportunities/${deal.id}`).send({ amount: 600 }).expect(200);
      expect((await health(B)).score).toBe(66);
      // A task on the deal is overdue work with B: 66.25 − 2.5 = 63.75 → 64.
      const onDeal = await task({ opportunityId: deal.id });
      const withTask = await health(B);
      expect(withTask.c.overdueTasks.inputs).toEqual({ overdueTasks: 1 });
      expect(withTask.score).toBe(64);
      await a.member.delete(`/api/v1/activities/${onDeal.id}`).expect(204);
      // Lost: no open value left → 56 (and reopened: 66 again; deleted: 56).
      await a.member.post(`/api/v1/opportunities/${deal.id}/lost`).send({ reason: 'budget' }).expect(200);
      expect((await health(B)).score).toBe(56);
      await a.member.post(`/api/v1/opportunities/${deal.id}/reopen`).send({}).expect(200);
      expect((await health(B)).score).toBe(66);
      await a.member.delete(`/api/v1/opportunities/${deal.id}`).expect(204);
      expect((await health(B)).score).toBe(56);
    });

    it('a customer without revenue and with an open deal gets the full 10 points: red → yellow, and back', async () => {
      const F = ids.south.F;
      // F: no purchase yet (its one is future-dated): 0 + 0 + 10 + 20 + 0 = 30 red.
      expect(await health(F)).toMatchObject({ score: 30, band: 'red' });
      const deal = (
        await a.member.post('/api/v1/opportunities').send({ customerId: F, name: 'First order', amount: 1 }).expect(201)
      ).body as { id: string };
      expect(await health(F)).toMatchObject({ score: 40, band: 'yellow' });
      await a.member.delete(`/api/v1/opportunities/${deal.id}`).expect(204);
      expect(await health(F)).toMatchObject({ score: 30, band: 'red' });
      await waitFor(() => bandChanges(F).length >= 2);
      expect(bandChanges(F)).toEqual(['red yellow', 'yellow red']);
    });

    // Last of the score tests: a full recompute moves the quintile edges the earlier tests were computed on.
    it('a full recompute gives the same scores as the incremental updates', async () => {
      const deal = (
        await a.member
          .post('/api/v1/opportunities')
          .send({ customerId: ids.south.D, name: 'Refill', amount: 40 })
          .expect(201)
      ).body as { id: string };
      await task({ customerId: ids.south.D });
      await task({ opportunityId: deal.id });
      // D 243, 40.00 in the window: 35 · 6/12 + 0 + 10 · 0.5 + 20 + 10 · 40/40 = 52.5 → 53.
      const incremental = await health(ids.south.D);
      expect(incremental.score).toBe(53);
      expect(incremental.c.overdueTasks.inputs).toEqual({ overdueTasks: 2 });
      await a.admin.post('/api/v1/analytics/recompute').send({}).expect(200);
      const full = await health(ids.south.D);
      expect(full.components).toEqual(incremental.components);
      // The tenant's weights reach both: open deals alone → D 100 (value 1); overdue tasks alone → 50 (2 × 0.25 off).
      const only = async (key: string) => {
        const weights = { rfm: 0, activity: 0, overdueTasks: 0, status: 0, openOpportunities: 0, [key]: 10 };
        await a.admin
          .put('/api/v1/analytics/health-model')
          .send({ weights, thresholds: { green: 70, yellow: 40 } })
          .expect(200);
        await a.admin.post('/api/v1/analytics/recompute').send({}).expect(200);
        return (await health(ids.south.D)).score;
      };
      expect(await only('openOpportunities')).toBe(100);
      expect(await only('overdueTasks')).toBe(50);
      await a.admin
        .put('/api/v1/analytics/health-model')
        .send({
          weights: { rfm: 35, activity: 25, overdueTasks: 10, status: 20, openOpportunities: 10 },
          thresholds: { green: 70, yellow: 40 },
        })
        .expect(200);
    });
  });

  describe('score store', () => {
    it('inserts scores it was told are new, and replaces one that another writer stored meanwhile', async () => {
      const runner = t.app.get(TenantRunner);
      const repo = t.app.get(ScoreRepository);
      const inA = <T>(fn: () => Promise<T>) => runner.runInTenant(a.slug, fn, systemPrincipal(a.slug));
      const doc = (id: string, healthScore: number): CustomerScore => ({
        _id: id,
        companyId: north,
        segment: 'no_purchase',
        band: 'red',
        rfm: null,
        healthScore,
        components: [],
        asOf: new Date(),
        computedAt: new Date(),
      });
      const [x, y] = ['aa00000000000000000000a1', 'aa00000000000000000000a2'];
      await inA(() => repo.save([doc(x, 1)]));
      // x was read as not stored, but is there now (a concurrent incremental update): replaced, not lost.
      await inA(() => repo.save([doc(x, 2), doc(y, 3)]));
      const stored = await inA(() => repo.findMany([x, y]));
      expect(stored.map((s) => [s._id, s.healthScore]).sort()).toEqual([
        [x, 2],
        [y, 3],
      ]);
      await inA(async () => Promise.all([repo.remove(x), repo.remove(y)]));
    });
  });

  describe('scheduled recompute', () => {
    it('runs each company on one instance at a time and resumes an interrupted run', async () => {
      const runner = t.app.get(TenantRunner);
      const job = t.app.get(ScoreRecomputeJob);
      const claims = t.app.get(LeaseClaims);
      const inA = <T>(fn: () => Promise<T>) => runner.runInTenant(a.slug, fn, systemPrincipal(a.slug));
      // Another instance holds North: this run does South only and stays unfinished.
      const held = await inA(() => claims.tryClaim(`analytics:recompute:${north}`, 60_000));
      const first = await inA(() => job.runTenant());
      expect(first.companies).toBe(1);
      await inA(async () => held?.release());
      // The resumed run does what is left (North), not South again.
      const resumed = await inA(() => job.runTenant());
      expect(resumed.companies).toBe(1);
      // Finished: the next run starts afresh with both companies.
      expect((await inA(() => job.runTenant())).companies).toBe(2);
    });
  });

  describe('customers gone, merged, and one run per company', () => {
    const inA = <T>(fn: () => Promise<T>) => t.app.get(TenantRunner).runInTenant(a.slug, fn, systemPrincipal(a.slug));
    let east: string;
    const east_ids: Record<string, string> = {};
    const stored = async () => {
      const res = await a.viewer.get(`/api/v1/analytics/rfm?companyId=${east}&limit=100`).expect(200);
      expect(res.body.source).toBe('stored');
      return res.body as { data: RfmRow[]; counts: Record<string, number> };
    };

    beforeAll(async () => {
      east = await newCompany(a, 'East');
      const yesterday = new Date(Date.now() - DAY).toISOString();
      for (const [name, amount] of [
        ['P', 100],
        ['Q', 200],
        ['R', 0],
        ['S', 50],
      ] as const) {
        east_ids[name] = (
          await a.member
            .post('/api/v1/customers')
            .send({ companyId: east, name: `${name} east` })
            .expect(201)
        ).body.id;
        if (amount) {
          await a.member
            .post(`/api/v1/customers/${east_ids[name]}/revenue`)
            .send({ amount, purchasedAt: yesterday })
            .expect(200);
        }
      }
      await t.app.get(ScoreUpdatesListener).idle();
      await inA(() => t.app.get(ScoringService).recomputeCompany(east));
    });

    it("drops a deleted or merged-away customer's score and re-scores the survivor with what it took", async () => {
      const first = await stored();
      expect(first.data.map((r) => r.customerId).sort()).toEqual(Object.values(east_ids).sort());
      expect(first.data.find((r) => r.customerId === east_ids.P)?.frequency).toBe(1);

      await a.admin.delete(`/api/v1/customers/${east_ids.S}`).expect(204);
      await a.member
        .post(`/api/v1/customers/${east_ids.P}/merge`)
        .send({ sourceIds: [east_ids.Q] })
        .expect(200);
      await t.app.get(ScoreUpdatesListener).idle();

      const after = await stored();
      expect(after.data.map((r) => r.customerId).sort()).toEqual([east_ids.P, east_ids.R].sort());
      expect(Object.values(after.counts).reduce((x, y) => x + y, 0)).toBe(2);
      // P holds Q's purchase now: two purchases in the window.
      expect(after.data.find((r) => r.customerId === east_ids.P)?.frequency).toBe(2);
    });

    it('a full run drops scores of customers that are no longer live, whatever missed their event', async () => {
      const repo = t.app.get(ScoreRepository);
      const orphan = { ...(await inA(() => repo.findById(east_ids.R)))!, _id: '0123456789abcdef01234567' };
      await inA(() => repo.save([orphan]));
      expect((await stored()).data.map((r) => r.customerId)).toContain(orphan._id);
      await inA(() => t.app.get(ScoringService).recomputeCompany(east));
      expect(await inA(() => repo.findById(orphan._id))).toBeNull();
      expect((await stored()).data.map((r) => r.customerId).sort()).toEqual([east_ids.P, east_ids.R].sort());
    });

    it("waits for another instance's run of the company (its lease), or skips it when asked to", async () => {
      const scoring = t.app.get(ScoringService);
      const held = await inA(() => t.app.get(LeaseClaims).tryClaim(`analytics:recompute:${east}`, 60_000));
      expect(held).not.toBeNull();
      expect(await inA(() => scoring.recomputeCompany(east, undefined, { ifFree: true }))).toBeNull();
      let settled = false;
      const waiting = inA(() => scoring.recomputeCompany(east)).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 1500));
      expect(settled).toBe(false);
      await inA(async () => held?.release());
      expect(await waiting).toMatchObject({ customers: 2 });
    });
  });
});
