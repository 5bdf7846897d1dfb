import { Role } from '@app/common';
import * as tenancy from '@app/tenancy';
import { CustomerMergeFailpoint } from '../src/modules/customer';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Customer {
  id: string;
  name: string;
  email: string | null;
  website: string | null;
  industry: string | null;
  notes: string | null;
  tags: string[];
  contacts: Array<{ id: string; name: string | null; email: string | null; isPrimary: boolean }>;
  totalRevenue: number;
  purchaseCount: number;
  version: number;
}

/**
 * POST /customers/:id/merge: fields, contacts, tags, revenue, activities and deals come together on the
 * survivor; sources end merged (410 with mergedInto); one idempotent, crash-safe operation; overlapping
 * concurrent merges never leave a record in two places or none.
 */
describe('Customer merge', () => {
  let one: TestApp;
  let two: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyId: string;

  beforeAll(async () => {
    [one, two] = await Promise.all([startTestApp(), startTestApp()]);
    [a, b] = await Promise.all([newTenant(one, 'merge'), newTenant(one, 'mergeb')]);
    companyId = await newCompany(a);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });
  afterEach(() => one.app.get(tenancy.Failpoints).disarmAll());

  const member = (i: number) => as(i % 2 === 0 ? one : two, a.token(Role.MEMBER));
  const create = async (body: object, company = companyId): Promise<Customer> =>
    (
      await a.member
        .post('/api/v1/customers')
        .send({ companyId: company, ...body })
        .expect(201)
    ).body;
  const get = async (id: string): Promise<Customer> => (await a.member.get(`/api/v1/customers/${id}`).expect(200)).body;
  const revenue = (id: string, amount: number, reference: string) =>
    a.member
      .post(`/api/v1/customers/${id}/revenue`)
      .send({ amount, purchasedAt: '2026-01-15T00:00:00Z', reference })
      .expect(200);
  const note = async (customerId: string, subject = 'note') =>
    (await a.member.post('/api/v1/activities').send({ type: 'note', subject, customerId }).expect(201)).body as {
      id: string;
    };
  const activitiesOf = async (customerId: string) =>
    (
      (await a.member.get(`/api/v1/activities?customerId=${customerId}&limit=100`).expect(200)).body.data as Array<{
        id: string;
      }>
    ).map((x) => x.id);
  const dealsOf = async (customerId: string) =>
    (
      (await a.member.get(`/api/v1/opportunities?customerId=${customerId}&limit=100`).expect(200)).body.data as Array<{
        id: string;
      }>
    ).map((x) => x.id);
  const ledgerOf = async (id: string) =>
    (await a.member.get(`/api/v1/customers/${id}/revenue?limit=100`).expect(200)).body.data as Array<{
      amount: number;
      reversedBy: string | null;
      reversalOf: string | null;
    }>;
  /** What the ledger says the total is (live entries: neither reversals nor reversed). */
  const ledgerTotal = async (id: string) =>
    Math.round(
      (await ledgerOf(id)).filter((e) => !e.reversedBy && !e.reversalOf).reduce((n, e) => n + e.amount, 0) * 100,
    ) / 100;
  const mergesOnTimeline = async (id: string) =>
    ((await a.member.get(`/api/v1/customers/${id}/timeline?types=merge`).expect(200)).body.data as unknown[]).length;
  const expectMergedInto = async (id: string, survivor: string) => {
    const res = await a.member.get(`/api/v1/customers/${id}`);
    expectProblem(res, 410, 'customer.merged');
    expect(res.body.mergedInto).toBe(survivor);
  };

  /** A survivor and two sources with contacts, tags, revenue, activities and a won deal. */
  async function family() {
    const s = await create({
      name: 'Acme Corp',
      phone: '+15550100199',
      tags: ['vip'],
      contacts: [{ firstName: 'Ann', email: 'ann@acme.com', isPrimary: true }],
    });
    const x = await create({
      name: 'ACME Corporation',
      email: 'info@acme.com',
      website: 'https://acme.com',
      industry: 'Tools',
      tags: ['east', 'VIP'],
      contacts: [
        { firstName: 'Ann', lastName: 'Again', email: 'ANN@acme.com' },
        { firstName: 'Bob', email: 'bob@acme.com', isPrimary: true },
      ],
    });
    const y = await create({ name: 'Acme', notes: 'met at the fair', contacts: [{ lastName: 'Nomail' }] });
    await revenue(s.id, 100, 's-1');
    await revenue(x.id, 50, 'x-1');
    await revenue(y.id, 10, 'y-1');
    const activities = [await note(x.id, 'x note'), await note(y.id, 'y note'), await note(s.id, 's note')];
    const deal = (
      await a.member.post('/api/v1/opportunities').send({ customerId: x.id, name: 'Renewal', amount: 25 }).expect(201)
    ).body as { id: string };
    await a.member.post(`/api/v1/opportunities/${deal.id}/won`).send({ closedAt: '2026-02-01T00:00:00Z' }).expect(200);
    return { s, x, y, activities: activities.map((n) => n.id), deal: deal.id };
  }

  it('dryRun shows the survivor and what would move, and writes nothing', async () => {
    const f = await family();
    const res = await a.member
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .send({ sourceIds: [f.x.id, f.y.id], dryRun: true })
      .expect(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      mergeId: expect.stringMatching(/^mrg_[0-9a-f]{20}$/),
      sourceIds: [f.x.id, f.y.id],
      moved: { contacts: 2, revenueEntries: 3, activities: 2, opportunities: 1 },
      customer: {
        id: f.s.id,
        name: 'Acme Corp',
        email: 'info@acme.com',
        website: 'https://acme.com',
        industry: 'Tools',
        notes: 'met at the fair',
        phone: '+15550100199',
        tags: ['vip', 'east'],
        totalRevenue: 185,
        purchaseCount: 4,
      },
    });
    const contacts = res.body.customer.contacts as Customer['contacts'];
    expect(contacts.map((c) => c.email)).toEqual(['ann@acme.com', 'bob@acme.com', null]);
    expect(contacts.filter((c) => c.isPrimary).map((c) => c.email)).toEqual(['ann@acme.com']);

    expect(await get(f.s.id)).toMatchObject({ version: f.s.version + 1, email: null, totalRevenue: 100 });
    expect(await get(f.x.id)).toMatchObject({ name: 'ACME Corporation', totalRevenue: 75 });
    expect(await activitiesOf(f.x.id)).toHaveLength(1);
  });

  it('merges fields, contacts, tags, revenue, activities and deals; sources answer 410 with mergedInto', async () => {
    const f = await family();
    const res = await a.member
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .send({ sourceIds: [f.x.id, f.y.id], prefer: { name: f.x.id } })
      .expect(200);
    expect(res.body).toMatchObject({
      dryRun: false,
      moved: { contacts: 2, revenueEntries: 3, activities: 2, opportunities: 1 },
      customer: { id: f.s.id, name: 'ACME Corporation', email: 'info@acme.com', tags: ['vip', 'east'] },
    });
    const s = await get(f.s.id);
    expect(s.contacts.map((c) => c.email)).toEqual(['ann@acme.com', 'bob@acme.com', null]);
    expect(s.contacts.filter((c) => c.isPrimary)).toHaveLength(1);
    expect(s).toMatchObject({ totalRevenue: 185, purchaseCount: 4 });
    expect(s.totalRevenue).toBe(await ledgerTotal(f.s.id));
    await expectMergedInto(f.x.id, f.s.id);
    await expectMergedInto(f.y.id, f.s.id);
    expect((await activitiesOf(f.s.id)).sort()).toEqual([...f.activities].sort());
    expectProblem(await a.member.get(`/api/v1/activities?customerId=${f.x.id}`), 404);
    expect(await dealsOf(f.s.id)).toEqual([f.deal]);

    // Sources are gone from lists and search; writes to them find nothing.
    const listed = (await a.member.get(`/api/v1/customers?companyId=${companyId}&q=acme&limit=100`).expect(200)).body
      .data as Customer[];
    expect(listed.map((c) => c.id)).toContain(f.s.id);
    expect(listed.map((c) => c.id)).not.toContain(f.x.id);
    expectProblem(await a.member.patch(`/api/v1/customers/${f.x.id}`).send({ notes: 'x' }), 404, 'customer.not_found');
    const restore = await a.admin.post(`/api/v1/customers/${f.x.id}/restore`).send({});
    expectProblem(restore, 409, 'customer.already_merged');
    expect(restore.body.mergedInto).toBe(f.s.id);

    // A moved won deal still reverses its revenue on the survivor when reopened.
    await a.member.post(`/api/v1/opportunities/${f.deal}/reopen`).send({}).expect(200);
    expect(await get(f.s.id)).toMatchObject({ totalRevenue: 160, purchaseCount: 3 });
    expect((await get(f.s.id)).totalRevenue).toBe(await ledgerTotal(f.s.id));

    // The survivor's timeline shows the merge; the audit trail of a source carries the merge id.
    const timeline = (await a.member.get(`/api/v1/customers/${f.s.id}/timeline?types=merge`).expect(200)).body.data;
    expect(timeline).toEqual([expect.objectContaining({ kind: 'merge', summary: expect.stringContaining(f.x.id) })]);
    const audit = (await a.admin.get(`/api/v1/audit?entityType=customer&entityId=${f.x.id}`).expect(200)).body.data;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'customer.merged',
          changes: expect.objectContaining({ mergeId: { from: null, to: res.body.mergeId } }),
        }),
      ]),
    );
  });

  it('is idempotent: the same merge again changes nothing; an Idempotency-Key replays the first answer', async () => {
    const f = await family();
    const key = `merge-${f.s.id}`;
    const first = await a.member
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .set('Idempotency-Key', key)
      .send({ sourceIds: [f.x.id] })
      .expect(200);
    const replay = await a.member
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .set('Idempotency-Key', key)
      .send({ sourceIds: [f.x.id] })
      .expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const again = await a.member
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .send({ sourceIds: [f.x.id] })
      .expect(200);
    expect(again.body).toMatchObject({
      mergeId: first.body.mergeId,
      moved: { contacts: 0, revenueEntries: 0, activities: 0, opportunities: 0 },
      customer: { version: first.body.customer.version, totalRevenue: 175 },
    });
    expect(await mergesOnTimeline(f.s.id)).toBe(1);
    // Another merge naming the merged source: 409, whatever the survivor.
    const res = await a.member.post(`/api/v1/customers/${f.y.id}/merge`).send({ sourceIds: [f.x.id] });
    expectProblem(res, 409, 'customer.already_merged');
    expect(res.body.mergedInto).toBe(f.s.id);
    expectProblem(
      await a.member.post(`/api/v1/customers/${f.x.id}/merge`).send({ sourceIds: [f.y.id] }),
      409,
      'customer.already_merged',
    );
  });

  it.each([
    ['after the first source is marked', CustomerMergeFailpoint.AFTER_FIRST_SOURCE],
    ['after the survivor is written', CustomerMergeFailpoint.AFTER_SURVIVOR],
    ['after the first participant moved its records', CustomerMergeFailpoint.AFTER_FIRST_PARTICIPANT],
    ['right after the first record write', tenancy.WriterFailpoint.AFTER_RECORD_WRITE],
  ])('a crash %s is healed by the retry', async (_what, point) => {
    const f = await family();
    one.app.get(tenancy.Failpoints).arm(point);
    const crashed = await member(0)
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .send({ sourceIds: [f.x.id, f.y.id] });
    expect(crashed.status).toBe(500);
    const retried = await member(1)
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .send({ sourceIds: [f.x.id, f.y.id] })
      .expect(200);
    expect(retried.body.customer).toMatchObject({ totalRevenue: 185, purchaseCount: 4, tags: ['vip', 'east'] });
    const s = await get(f.s.id);
    expect(s.contacts.map((c) => c.email)).toEqual(['ann@acme.com', 'bob@acme.com', null]);
    expect(s.totalRevenue).toBe(await ledgerTotal(f.s.id));
    await expectMergedInto(f.x.id, f.s.id);
    await expectMergedInto(f.y.id, f.s.id);
    expect((await activitiesOf(f.s.id)).sort()).toEqual([...f.activities].sort());
    expect(await dealsOf(f.s.id)).toEqual([f.deal]);
    expect(await mergesOnTimeline(f.s.id)).toBe(1);
  });

  it('a crashed merge whose other source went elsewhere meanwhile is finished by merging the rest', async () => {
    const f = await family();
    const t = await create({ name: 'Elsewhere' });
    one.app.get(tenancy.Failpoints).arm(CustomerMergeFailpoint.AFTER_FIRST_SOURCE);
    expect(
      (
        await member(0)
          .post(`/api/v1/customers/${f.s.id}/merge`)
          .send({ sourceIds: [f.x.id, f.y.id] })
      ).status,
    ).toBe(500);
    await a.member
      .post(`/api/v1/customers/${t.id}/merge`)
      .send({ sourceIds: [f.y.id] })
      .expect(200);
    expectProblem(
      await a.member.post(`/api/v1/customers/${f.s.id}/merge`).send({ sourceIds: [f.x.id, f.y.id] }),
      409,
      'customer.already_merged',
    );
    const finished = await a.member
      .post(`/api/v1/customers/${f.s.id}/merge`)
      .send({ sourceIds: [f.x.id] })
      .expect(200);
    expect(finished.body.customer).toMatchObject({ email: 'info@acme.com', totalRevenue: 175 });
    expect((await activitiesOf(f.s.id)).sort()).toEqual([f.activities[0], f.activities[2]].sort());
    expect(await activitiesOf(t.id)).toEqual([f.activities[1]]);
    expect(await dealsOf(f.s.id)).toEqual([f.deal]);
  });

  it('two concurrent merges of overlapping sets (two instances): one wins, every record in exactly one place', async () => {
    for (let round = 0; round < 3; round++) {
      const [p, q, r, w] = await Promise.all(['P', 'Q', 'R', 'W'].map((n) => create({ name: `Overlap ${n}` })));
      const notes = new Map<string, string>();
      for (const c of [p, q, r, w]) notes.set((await note(c.id)).id, c.id);
      for (const c of [p, q, r, w]) await revenue(c.id, 1, `o-${c.id}`);
      // p ← [q, r] against w ← [r, q], and a chain q ← [w] in the first round.
      const results = await Promise.all([
        member(0)
          .post(`/api/v1/customers/${p.id}/merge`)
          .send({ sourceIds: [q.id, r.id] }),
        member(1)
          .post(`/api/v1/customers/${w.id}/merge`)
          .send({ sourceIds: [r.id, q.id] }),
        ...(round === 0
          ? [
              member(1)
                .post(`/api/v1/customers/${q.id}/merge`)
                .send({ sourceIds: [w.id] }),
            ]
          : []),
      ]);
      expect(results.map((x) => x.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
      expect(results.filter((x) => x.status === 200).length).toBeGreaterThanOrEqual(1);
      for (const loser of results.filter((x) => x.status === 409)) {
        expect(['customer.already_merged', 'record.busy']).toContain(loser.body.code);
      }
      // Every customer is live or merged into a live one (following mergedInto); every activity and
      // revenue entry is on exactly one live customer, and every live customer's total equals its ledger.
      const live: string[] = [];
      for (const c of [p, q, r, w]) {
        const res = await a.member.get(`/api/v1/customers/${c.id}`);
        if (res.status === 200) live.push(c.id);
        else expect(res.status).toBe(410);
      }
      const seen = new Map<string, string>();
      let total = 0;
      for (const id of live) {
        for (const n of await activitiesOf(id)) {
          expect(seen.has(n)).toBe(false);
          seen.set(n, id);
        }
        const c = await get(id);
        expect(c.totalRevenue).toBe(await ledgerTotal(id));
        total += c.totalRevenue;
      }
      expect([...seen.keys()].sort()).toEqual([...notes.keys()].sort());
      expect(total).toBe(4);
    }
  });

  it('a lead converted into a source names the survivor as its customer afterwards', async () => {
    const s = await create({ name: 'Lead survivor' });
    const lead = (await a.member.post('/api/v1/leads').send({ companyId, name: 'Converted' }).expect(201)).body as {
      id: string;
    };
    const converted = await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({}).expect(201);
    const source = converted.body.customer.id as string;
    const dry = await a.member
      .post(`/api/v1/customers/${s.id}/merge`)
      .send({ sourceIds: [source], dryRun: true })
      .expect(200);
    expect(dry.body.moved).toMatchObject({ leads: 1 });
    expect((await a.member.get(`/api/v1/leads/${lead.id}`).expect(200)).body.customerId).toBe(source);
    const res = await a.member
      .post(`/api/v1/customers/${s.id}/merge`)
      .send({ sourceIds: [source] })
      .expect(200);
    expect(res.body.moved).toMatchObject({ leads: 1 });
    expect((await a.member.get(`/api/v1/leads/${lead.id}`).expect(200)).body).toMatchObject({
      status: 'converted',
      customerId: s.id,
    });
  });

  it('writes racing a merge land before it (and move) or answer 404 after it, never stranded on the source', async () => {
    const s = await create({ name: 'Race survivor' });
    const x = await create({ name: 'Race source' });
    const first = await note(x.id, 'before');
    // Spread over the merge's duration (the first ones before it, most during it, the last after it).
    const writes = Array.from({ length: 15 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 15));
      const client = member(i);
      if (i % 3 === 0)
        return client.post('/api/v1/activities').send({ type: 'note', subject: `r${i}`, customerId: x.id });
      if (i % 3 === 1)
        return client
          .post(`/api/v1/customers/${x.id}/revenue`)
          .send({ amount: 1, purchasedAt: '2026-01-15T00:00:00Z', reference: `race-${i}` });
      return client.post('/api/v1/opportunities').send({ customerId: x.id, name: `Race ${i}`, amount: 1 });
    });
    const [merged, ...results] = await Promise.all([
      member(0)
        .post(`/api/v1/customers/${s.id}/merge`)
        .send({ sourceIds: [x.id] }),
      ...writes,
    ]);
    expect(merged.status).toBe(200);
    const landed = (k: number) => results.filter((r, i) => i % 3 === k && r.status < 300);
    for (const r of results) expect([200, 201, 404]).toContain(r.status);
    expect((await activitiesOf(s.id)).sort()).toEqual([first.id, ...landed(0).map((r) => r.body.id as string)].sort());
    expect((await dealsOf(s.id)).sort()).toEqual(
      landed(2)
        .map((r) => r.body.id as string)
        .sort(),
    );
    const after = await get(s.id);
    expect(after.totalRevenue).toBe(landed(1).length);
    expect(after.totalRevenue).toBe(await ledgerTotal(s.id));
    await expectMergedInto(x.id, s.id);
  });

  it('refuses bad input with 400, before touching anything', async () => {
    const s = await create({ name: 'Input survivor' });
    const x = await create({ name: 'Input source' });
    const post = (body: unknown, id = s.id) => a.member.post(`/api/v1/customers/${id}/merge`).send(body as object);
    const ten = Array.from({ length: 10 }, (_, i) => `${'a'.repeat(22)}${String(i).padStart(2, '0')}`);
    for (const body of [
      {},
      { sourceIds: [] },
      { sourceIds: ten },
      { sourceIds: [x.id, x.id] },
      { sourceIds: [x.id], extra: 1 },
      { sourceIds: { $ne: null } },
      { sourceIds: [{ $gt: '' }] },
      { sourceIds: ['not-an-id'] },
      { sourceIds: [x.id], prefer: { status: x.id } },
      { sourceIds: [x.id], prefer: { name: { $ne: null } } },
      { sourceIds: [x.id], prefer: { name: 'nope' } },
      { sourceIds: [x.id], dryRun: 'yes' },
    ]) {
      expectProblem(await post(body), 400);
    }
    expectProblem(await post({ sourceIds: [s.id] }), 400, 'customer.merge_invalid');
    expectProblem(await post({ sourceIds: [x.id], prefer: { email: ten[0] } }), 400, 'customer.merge_invalid');
    expectProblem(await post({ sourceIds: [x.id] }, 'not-an-id'), 400);
    // Nothing was merged.
    expect(await get(x.id)).toMatchObject({ status: 'active' });

    // Sources that are missing, deleted, or of another company.
    expectProblem(await post({ sourceIds: [ten[0]] }), 404, 'customer.merge_source_not_found');
    const deleted = await create({ name: 'Deleted source' });
    await a.admin.delete(`/api/v1/customers/${deleted.id}`).expect(204);
    expectProblem(await post({ sourceIds: [deleted.id] }), 404, 'customer.merge_source_not_found');
    const other = await create({ name: 'Other company' }, await newCompany(a));
    expectProblem(await post({ sourceIds: [other.id] }), 409, 'customer.merge_other_company');
    expectProblem(await post({ sourceIds: [x.id] }, ten[1]), 404, 'customer.not_found');
  });

  it('members merge, viewers may not (403); another tenant gets 404 for every id of this one', async () => {
    const s = await create({ name: 'Role survivor' });
    const x = await create({ name: 'Role source' });
    expectProblem(await a.viewer.post(`/api/v1/customers/${s.id}/merge`).send({ sourceIds: [x.id] }), 403);
    await a.viewer.get(`/api/v1/customers/duplicates?companyId=${companyId}`).expect(200);

    const theirCompany = await newCompany(b);
    const theirs = (
      await b.member.post('/api/v1/customers').send({ companyId: theirCompany, name: 'Theirs' }).expect(201)
    ).body as Customer;
    // Their survivor with our source, our survivor with their source: 404 like a missing id.
    expectProblem(
      await b.member.post(`/api/v1/customers/${theirs.id}/merge`).send({ sourceIds: [x.id] }),
      404,
      'customer.merge_source_not_found',
    );
    expectProblem(
      await b.member.post(`/api/v1/customers/${s.id}/merge`).send({ sourceIds: [theirs.id] }),
      404,
      'customer.not_found',
    );
    expectProblem(
      await a.member.post(`/api/v1/customers/${s.id}/merge`).send({ sourceIds: [theirs.id] }),
      404,
      'customer.merge_source_not_found',
    );
    expectProblem(await b.member.get(`/api/v1/customers/${s.id}/duplicates`), 404);
    expectProblem(await b.member.get(`/api/v1/customers/duplicates?companyId=${companyId}`), 404);
    // A merged customer of ours is 404 to them, not 410.
    await a.member
      .post(`/api/v1/customers/${s.id}/merge`)
      .send({ sourceIds: [x.id] })
      .expect(200);
    expectProblem(await b.member.get(`/api/v1/customers/${x.id}`), 404);
    expect(await get(theirs.id).catch(() => null)).toBeNull();
    expect((await b.member.get(`/api/v1/customers/${theirs.id}`).expect(200)).body.name).toBe('Theirs');
  });
});
