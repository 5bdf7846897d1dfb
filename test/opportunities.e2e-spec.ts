import { Role } from '@app/common';
import * as tenancy from '@app/tenancy';
import { migrateTenantIndexes } from '../scripts/migrate';
import { DEFAULT_PIPELINE_ID, OpportunityFailpoint } from '../src/modules/opportunity';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

/**
 * Pipelines, deals, won/lost/reopen with revenue on the customer's ledger, the forecast, and what
 * a deal does to its customer (timeline, deletion) and company (deletion).
 */
describe('Opportunities and pipelines', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyId: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'opp'), newTenant(t, 'oppb')]);
    companyId = await newCompany(a);
  });
  afterAll(() => t?.close());
  afterEach(() => t.app.get(tenancy.Failpoints).disarmAll());

  const customer = async (name = 'Deal customer') =>
    (await a.member.post('/api/v1/customers').send({ companyId, name }).expect(201)).body as { id: string };
  const deal = async (customerId: string, extra: object = {}) =>
    (
      await a.member
        .post('/api/v1/opportunities')
        .send({ customerId, name: 'Renewal', amount: 1000, ...extra })
        .expect(201)
    ).body;
  const getCustomer = async (id: string) => (await a.member.get(`/api/v1/customers/${id}`).expect(200)).body;
  const ledger = async (id: string) =>
    (await a.member.get(`/api/v1/customers/${id}/revenue?limit=100`).expect(200)).body;

  it('a new tenant has the default pipeline; npm run migrate creates it for a tenant that lacks it, once', async () => {
    const list = (await a.viewer.get('/api/v1/pipelines').expect(200)).body;
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ id: DEFAULT_PIPELINE_ID, isDefault: true, closedStages: ['won', 'lost'] });
    expect(list.data[0].stages.map((s: { key: string }) => s.key)).toEqual([
      'qualification',
      'needs_analysis',
      'proposal',
      'negotiation',
    ]);

    const fresh = await newTenant(t, 'oppmig');
    const directory = t.app.get(tenancy.TenantDirectory);
    const dbName = directory.dbNameFor(fresh.slug);
    const pipelines = t.app.get(tenancy.TenantConnectionRegistry).model(dbName, 'Pipeline');
    await pipelines.deleteMany({});
    const opts = { tenants: [fresh.slug], force: true, log: () => undefined };
    const first = await migrateTenantIndexes(t.app, opts);
    expect(first.migrated['2026-12-default-pipeline']).toBe(1);
    const again = await migrateTenantIndexes(t.app, opts);
    expect(again.migrated['2026-12-default-pipeline']).toBe(0);
    expect(await pipelines.countDocuments({})).toBe(1);
  });

  it('admins create, rename and reorder stages; a stage holding open deals can not be removed', async () => {
    const body = {
      name: 'Enterprise',
      stages: [
        { key: 'intro', name: 'Intro', probability: 10 },
        { key: 'poc', name: 'POC', probability: 60 },
      ],
    };
    await a.member.post('/api/v1/pipelines').send(body).expect(403);
    const p = (await a.admin.post('/api/v1/pipelines').send(body).expect(201)).body;
    expect(p).toMatchObject({ name: 'Enterprise', isDefault: false, version: 1 });

    const reordered = await a.admin
      .patch(`/api/v1/pipelines/${p.id}`)
      .set('If-Match', '"1"')
      .send({
        name: 'Enterprise sales',
        stages: [
          { key: 'poc', name: 'Proof', probability: 70 },
          { key: 'intro', name: 'Intro', probability: 10 },
        ],
      })
      .expect(200);
    expect(reordered.body.stages.map((s: { name: string }) => s.name)).toEqual(['Proof', 'Intro']);
    expect(reordered.headers.etag).toBe('"2"');
    expectProblem(await a.admin.patch(`/api/v1/pipelines/${p.id}`).set('If-Match', '"1"').send({ name: 'x' }), 412);

    const c = await customer();
    await deal(c.id, { pipelineId: p.id, stage: 'poc' });
    const removing = await a.admin
      .patch(`/api/v1/pipelines/${p.id}`)
      .send({ stages: [{ key: 'intro', name: 'Intro', probability: 10 }] });
    expectProblem(removing, 409, 'pipeline.stage_in_use');
    expect((await a.admin.get(`/api/v1/pipelines/${p.id}`).expect(200)).body.stages).toHaveLength(2);
    // A stage without open deals goes.
    await a.admin
      .patch(`/api/v1/pipelines/${p.id}`)
      .send({ stages: [{ key: 'poc', name: 'Proof', probability: 70 }] })
      .expect(200);

    expectProblem(
      await a.admin
        .post('/api/v1/pipelines')
        .send({ name: 'x', stages: [{ key: 'won', name: 'Won', probability: 100 }] }),
      422,
      'pipeline.invalid_stages',
    );
    expectProblem(
      await a.admin.post('/api/v1/pipelines').send({
        name: 'x',
        stages: [
          { key: 'a', name: 'A', probability: 1 },
          { key: 'a', name: 'B', probability: 2 },
        ],
      }),
      422,
    );
    expectProblem(
      await a.admin
        .post('/api/v1/pipelines')
        .send({ name: 'x', stages: [{ key: 'A B', name: 'A', probability: 101 }] }),
      400,
    );
    expectProblem(await a.admin.post('/api/v1/pipelines').send({ name: 'x', stages: [], extra: 1 }), 400);
  });

  it('deals: create, read with ETag, PATCH with If-Match, stage history, filters, search and keyset pages', async () => {
    const c = await customer('Paging customer');
    const created = await a.member
      .post('/api/v1/opportunities')
      .send({
        customerId: c.id,
        name: 'Big Widget Deal',
        amount: 0.1,
        expectedCloseAt: '2026-03-01T00:00:00Z',
        ownerId: 'u1',
      })
      .expect(201);
    expect(created.headers.etag).toBe('"1"');
    const d = created.body;
    expect(d).toMatchObject({
      companyId,
      customerId: c.id,
      pipelineId: DEFAULT_PIPELINE_ID,
      stage: 'qualification',
      status: 'open',
      probability: 10,
      amount: 0.1,
    });
    const patched = await a.member
      .patch(`/api/v1/opportunities/${d.id}`)
      .set('If-Match', '"1"')
      .send({ amount: 0.3 })
      .expect(200);
    expect(patched.body.amount).toBe(0.3);
    expectProblem(
      await a.member.patch(`/api/v1/opportunities/${d.id}`).set('If-Match', '"1"').send({ amount: 1 }),
      412,
    );

    const moved = await a.member.put(`/api/v1/opportunities/${d.id}/stage`).send({ stage: 'proposal' }).expect(200);
    expect(moved.body.stageHistory.map((h: { from: string | null; to: string }) => [h.from, h.to])).toEqual([
      [null, 'qualification'],
      ['qualification', 'proposal'],
    ]);
    expect(moved.body.stageHistory[1]).toMatchObject({ by: 'member-user', at: expect.any(String) });
    expectProblem(
      await a.member.put(`/api/v1/opportunities/${d.id}/stage`).send({ stage: 'won' }),
      422,
      'opportunity.invalid_stage',
    );
    expectProblem(await a.member.put(`/api/v1/opportunities/${d.id}/stage`).send({ stage: 'nope' }), 422);

    const timeline = (await a.member.get(`/api/v1/customers/${c.id}/timeline?types=opportunity_stage`).expect(200))
      .body;
    expect(timeline.data.map((e: { summary: string }) => e.summary)).toEqual([
      'Deal "Big Widget Deal" moved from qualification to proposal',
      'Deal "Big Widget Deal" opened in qualification',
    ]);

    for (let i = 0; i < 4; i++) await deal(c.id, { name: `Other deal ${i}` });
    const byStage = (await a.member.get(`/api/v1/opportunities?customerId=${c.id}&stage=proposal`).expect(200)).body;
    expect(byStage.data.map((o: { id: string }) => o.id)).toEqual([d.id]);
    const searched = (await a.member.get(`/api/v1/opportunities?q=widg`).expect(200)).body;
    expect(searched.data.map((o: { id: string }) => o.id)).toEqual([d.id]);
    const closing = (
      await a.member.get(`/api/v1/opportunities?customerId=${c.id}&closingBefore=2026-04-01T00:00:00Z`).expect(200)
    ).body;
    expect(closing.data.map((o: { id: string }) => o.id)).toEqual([d.id]);
    const owned = (await a.member.get(`/api/v1/opportunities?ownerId=u1&customerId=${c.id}`).expect(200)).body;
    expect(owned.data).toHaveLength(1);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/opportunities?customerId=${c.id}&sort=name&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await a.member.get(q).expect(200)).body;
      seen.push(...page.data.map((o: { name: string }) => o.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Big Widget Deal', 'Other deal 0', 'Other deal 1', 'Other deal 2', 'Other deal 3']);

    await a.member.delete(`/api/v1/opportunities/${d.id}`).expect(204);
    expectProblem(await a.member.get(`/api/v1/opportunities/${d.id}`), 404, 'opportunity.not_found');
    expect((await a.member.get(`/api/v1/opportunities?q=widg`).expect(200)).body.data).toEqual([]);
    const history = (await a.admin.get(`/api/v1/audit?entityType=opportunity&entityId=${d.id}`).expect(200)).body;
    expect(history.data.map((e: { action: string }) => e.action).sort()).toEqual([
      'opportunity.created',
      'opportunity.deleted',
      'opportunity.stage_changed',
      'opportunity.updated',
    ]);
  });

  it('won records revenue once (retries too), closed deals are read-only, reopen reverses, a second win counts again', async () => {
    const c = await customer('Winning customer');
    const d = await deal(c.id, { amount: 1234.56 });
    const won = await a.member
      .post(`/api/v1/opportunities/${d.id}/won`)
      .send({ closedAt: '2026-02-02T00:00:00Z' })
      .expect(200);
    expect(won.body).toMatchObject({ status: 'won', stage: 'won', closedAt: '2026-02-02T00:00:00.000Z' });
    await a.member.post(`/api/v1/opportunities/${d.id}/won`).send({}).expect(200);
    await a.member.post(`/api/v1/opportunities/${d.id}/won`).send({}).expect(200);
    expect(await getCustomer(c.id)).toMatchObject({
      totalRevenue: 1234.56,
      purchaseCount: 1,
      lastPurchaseAt: '2026-02-02T00:00:00.000Z',
    });
    const entries = (await ledger(c.id)).data;
    expect(entries).toEqual([
      expect.objectContaining({
        amount: 1234.56,
        reference: `opportunity:${d.id}`,
        source: 'opportunity',
        reversedBy: null,
      }),
    ]);

    expectProblem(await a.member.patch(`/api/v1/opportunities/${d.id}`).send({ name: 'x' }), 409, 'opportunity.closed');
    expectProblem(
      await a.member.put(`/api/v1/opportunities/${d.id}/stage`).send({ stage: 'proposal' }),
      409,
      'opportunity.closed',
    );
    expectProblem(
      await a.member.post(`/api/v1/opportunities/${d.id}/lost`).send({ reason: 'x' }),
      409,
      'opportunity.closed',
    );
    expectProblem(await a.member.delete(`/api/v1/opportunities/${d.id}`), 409, 'opportunity.closed');

    const reopened = await a.member.post(`/api/v1/opportunities/${d.id}/reopen`).send({}).expect(200);
    expect(reopened.body).toMatchObject({ status: 'open', stage: 'qualification', closedAt: null });
    await a.member.post(`/api/v1/opportunities/${d.id}/reopen`).send({}).expect(200);
    expect(await getCustomer(c.id)).toMatchObject({
      totalRevenue: 0,
      purchaseCount: 0,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
    });

    await a.member.post(`/api/v1/opportunities/${d.id}/won`).send({ amount: 2000 }).expect(200);
    expect(await getCustomer(c.id)).toMatchObject({ totalRevenue: 2000, purchaseCount: 1 });
    const after = (await ledger(c.id)).data;
    expect(after).toHaveLength(3);
    expect(
      after.filter((e: { reversedBy: string | null; reversalOf: string | null }) => !e.reversedBy && !e.reversalOf),
    ).toHaveLength(1);

    const timeline = (
      await a.member.get(`/api/v1/customers/${c.id}/timeline?types=opportunity_stage&types=revenue`).expect(200)
    ).body;
    expect(timeline.data.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['opportunity_stage', 'revenue']),
    );

    const lost = await deal(c.id);
    expectProblem(await a.member.post(`/api/v1/opportunities/${lost.id}/lost`).send({}), 400);
    const l = await a.member.post(`/api/v1/opportunities/${lost.id}/lost`).send({ reason: 'budget cut' }).expect(200);
    expect(l.body).toMatchObject({ status: 'lost', stage: 'lost', lostReason: 'budget cut' });
    expect((await a.member.post(`/api/v1/opportunities/${lost.id}/reopen`).send({}).expect(200)).body).toMatchObject({
      status: 'open',
      lostReason: null,
    });
    expectProblem(
      await a.member.post(`/api/v1/opportunities/${lost.id}/reopen`).send({}),
      409,
      'opportunity.not_closed',
    );
    expect(await getCustomer(c.id)).toMatchObject({ totalRevenue: 2000, purchaseCount: 1 });
  });

  it('a crash between closing and the revenue entry is healed by retrying the same call', async () => {
    const c = await customer('Crash customer');
    const d = await deal(c.id, { amount: 50 });
    const fp = t.app.get(tenancy.Failpoints);
    fp.arm(OpportunityFailpoint.AFTER_CLOSE);
    expect((await a.member.post(`/api/v1/opportunities/${d.id}/won`).send({})).status).toBe(500);
    expect((await a.member.get(`/api/v1/opportunities/${d.id}`).expect(200)).body.status).toBe('won');
    expect(await getCustomer(c.id)).toMatchObject({ totalRevenue: 0 });
    await a.member.post(`/api/v1/opportunities/${d.id}/won`).send({}).expect(200);
    expect(await getCustomer(c.id)).toMatchObject({ totalRevenue: 50, purchaseCount: 1 });

    fp.arm(OpportunityFailpoint.AFTER_CLOSE);
    expect((await a.member.post(`/api/v1/opportunities/${d.id}/reopen`).send({})).status).toBe(500);
    expect(await getCustomer(c.id)).toMatchObject({ totalRevenue: 50 });
    await a.member.post(`/api/v1/opportunities/${d.id}/reopen`).send({}).expect(200);
    expect(await getCustomer(c.id)).toMatchObject({ totalRevenue: 0, purchaseCount: 0 });
  });

  it('won and reopen raced on two instances leave the revenue matching the deal, without any retry', async () => {
    const second = await startTestApp();
    try {
      const c = await customer('Race customer');
      const d = await deal(c.id, { amount: 10 });
      const on = (i: number) => as(i % 2 === 0 ? t : second, a.token(Role.MEMBER));
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            on(i + round)
              .post(`/api/v1/opportunities/${d.id}/${i % 2 === 0 ? 'won' : 'reopen'}`)
              .send({}),
          ),
        );
        expect(results.map((r) => r.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
        const now = (await a.member.get(`/api/v1/opportunities/${d.id}`).expect(200)).body;
        const cust = await getCustomer(c.id);
        expect({ status: now.status, total: cust.totalRevenue, count: cust.purchaseCount }).toEqual(
          now.status === 'won' ? { status: 'won', total: 10, count: 1 } : { status: 'open', total: 0, count: 0 },
        );
      }
    } finally {
      await second.close();
    }
  });

  it('forecast: per stage count, amount and weighted amount to the cent, won/lost totals, win rate, window', async () => {
    const company = await newCompany(a, 'Forecast company');
    const c = (await a.member.post('/api/v1/customers').send({ companyId: company, name: 'F' }).expect(201)).body;
    const make = (stage: string, amount: number, at = '2026-05-10T00:00:00Z') =>
      a.member
        .post('/api/v1/opportunities')
        .send({ customerId: c.id, name: `F ${stage}`, amount, stage, expectedCloseAt: at })
        .expect(201);
    await make('qualification', 0.1);
    await make('qualification', 0.2);
    await make('proposal', 333.33);
    await make('negotiation', 100, '2027-01-01T00:00:00Z');
    const w = (await make('proposal', 40)).body;
    const l = (await make('proposal', 60)).body;
    await a.member.post(`/api/v1/opportunities/${w.id}/won`).send({ closedAt: '2026-05-20T00:00:00Z' }).expect(200);
    await a.member.post(`/api/v1/opportunities/${l.id}/lost`).send({ reason: 'price' }).expect(200);

    const f = (await a.viewer.get(`/api/v1/opportunities/forecast?companyId=${company}`).expect(200)).body;
    const stage = (k: string) => f.stages.find((s: { key: string }) => s.key === k);
    expect(stage('qualification')).toEqual({
      key: 'qualification',
      name: 'Qualification',
      probability: 10,
      count: 2,
      amount: 0.3,
      weightedAmount: 0.03,
    });
    expect(stage('proposal')).toMatchObject({ count: 1, amount: 333.33, weightedAmount: 166.67 });
    expect(stage('negotiation')).toMatchObject({ count: 1, amount: 100, weightedAmount: 75 });
    expect(stage('needs_analysis')).toMatchObject({ count: 0, amount: 0, weightedAmount: 0 });
    expect(f.open).toEqual({ count: 4, amount: 433.63, weightedAmount: 241.7 });
    expect(f.won).toEqual({ count: 1, amount: 40 });
    expect(f.lost).toEqual({ count: 1, amount: 60 });
    expect(f.winRate).toBe(0.5);

    const window = (
      await a.viewer
        .get(
          `/api/v1/opportunities/forecast?companyId=${company}&pipelineId=${DEFAULT_PIPELINE_ID}&closingFrom=2026-05-01T00:00:00Z&closingTo=2026-06-01T00:00:00Z`,
        )
        .expect(200)
    ).body;
    expect(window.open).toMatchObject({ count: 3, amount: 333.63 });
    expect(window.won.count).toBe(1);
    expectProblem(await a.viewer.get('/api/v1/opportunities/forecast?closingFrom=yesterday'), 400);
  });

  it('a customer with open deals can not be deleted; a company with deals neither', async () => {
    const company = await newCompany(a, 'Deletion company');
    const c = (await a.member.post('/api/v1/customers').send({ companyId: company, name: 'Keeps deals' }).expect(201))
      .body;
    const d = await deal(c.id);
    const refused = await a.admin.delete(`/api/v1/customers/${c.id}`);
    expectProblem(refused, 409, 'customer.in_use');
    expect(refused.body.remaining).toEqual({ openOpportunities: 1 });
    await a.member.post(`/api/v1/opportunities/${d.id}/lost`).send({ reason: 'gone' }).expect(200);
    await a.admin.delete(`/api/v1/customers/${c.id}`).expect(204);
    const blocked = await a.admin.delete(`/api/v1/companies/${company}`);
    expectProblem(blocked, 409);
    expect(JSON.stringify(blocked.body)).toContain('opportunit');
  });

  it('another tenant gets 404 for every deal and pipeline route; bad input is a 400 problem', async () => {
    const c = await customer('Private');
    const d = await deal(c.id);
    const p = (
      await a.admin
        .post('/api/v1/pipelines')
        .send({ name: 'Secret', stages: [{ key: 's', name: 'S', probability: 5 }] })
        .expect(201)
    ).body;
    const intruder = b.admin;
    expectProblem(await intruder.get(`/api/v1/opportunities/${d.id}`), 404, 'opportunity.not_found');
    expectProblem(await intruder.patch(`/api/v1/opportunities/${d.id}`).send({ name: 'x' }), 404);
    expectProblem(await intruder.put(`/api/v1/opportunities/${d.id}/stage`).send({ stage: 'proposal' }), 404);
    expectProblem(await intruder.post(`/api/v1/opportunities/${d.id}/won`).send({}), 404);
    expectProblem(await intruder.post(`/api/v1/opportunities/${d.id}/lost`).send({ reason: 'x' }), 404);
    expectProblem(await intruder.post(`/api/v1/opportunities/${d.id}/reopen`).send({}), 404);
    expectProblem(await intruder.delete(`/api/v1/opportunities/${d.id}`), 404);
    expectProblem(await intruder.get(`/api/v1/pipelines/${p.id}`), 404, 'pipeline.not_found');
    expectProblem(await intruder.patch(`/api/v1/pipelines/${p.id}`).send({ name: 'x' }), 404);
    expectProblem(
      await intruder.post('/api/v1/opportunities').send({ customerId: c.id, name: 'x', amount: 1 }),
      404,
      'opportunity.customer_not_found',
    );
    expectProblem(await intruder.get(`/api/v1/opportunities/forecast?pipelineId=${p.id}`), 404);
    expect((await intruder.get(`/api/v1/opportunities?customerId=${c.id}`).expect(200)).body.data).toEqual([]);
    expectProblem(await intruder.get(`/api/v1/customers/${c.id}/revenue`), 404);

    expectProblem(await a.member.get('/api/v1/opportunities/not-an-id'), 400);
    expectProblem(
      await a.member.post('/api/v1/opportunities').send({ customerId: c.id, name: 'x', amount: 1.001 }),
      400,
    );
    expectProblem(
      await a.member.post('/api/v1/opportunities').send({ customerId: { $ne: null }, name: 'x', amount: 1 }),
      400,
    );
    expectProblem(
      await a.member.post('/api/v1/opportunities').send({ customerId: c.id, name: 'x', amount: 1, status: 'won' }),
      400,
    );
    expectProblem(await a.member.get('/api/v1/opportunities?status=maybe'), 400);
    expectProblem(await a.member.get('/api/v1/opportunities?sort=amount'), 400);
    expectProblem(await a.viewer.post('/api/v1/opportunities').send({ customerId: c.id, name: 'x', amount: 1 }), 403);
    const scoped = as(t, a.token(Role.MEMBER, { companies: ['0123456789abcdef01234567'] }));
    expectProblem(await scoped.get(`/api/v1/opportunities/${d.id}`), 404);
  });
});
