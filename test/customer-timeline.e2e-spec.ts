import { newCompany, newTenant, startTestApp, TenantFixture, TestApp, expectProblem } from './support/test-app';

interface Entry {
  kind: string;
  at: string;
  actor: string;
  summary: string;
  ref: { type: string; id: string };
}

describe('Customer timeline', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let company: string;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'tla'), newTenant(t, 'tlb')]);
    company = await newCompany(a);
  });
  afterAll(() => t.close());

  const timeline = (id: string, query = '') => a.viewer.get(`/api/v1/customers/${id}/timeline${query}`);

  async function busyCustomer(): Promise<string> {
    const c = (await a.member.post('/api/v1/customers').send({ companyId: company, name: 'Timeline Co' }).expect(201))
      .body;
    await a.member.put(`/api/v1/customers/${c.id}/status`).send({ status: 'inactive', reason: 'paused' }).expect(200);
    await a.member.put(`/api/v1/customers/${c.id}/assignee`).send({ userId: 'rep-1' }).expect(200);
    for (const amount of [10, 20.5, 30]) {
      await a.member
        .post(`/api/v1/customers/${c.id}/revenue`)
        .send({ amount, purchasedAt: '2025-03-01T00:00:00Z' })
        .expect(200);
    }
    await a.member.patch(`/api/v1/customers/${c.id}`).send({ notes: 'not on the timeline' }).expect(200);
    return c.id as string;
  }

  it('merges status changes, assignments and revenue into one stream, newest first', async () => {
    const id = await busyCustomer();
    const res = await timeline(id).expect(200);
    const entries = res.body.data as Entry[];
    expect(entries.map((e) => e.kind)).toEqual(['revenue', 'revenue', 'revenue', 'assignment', 'status_change']);
    expect(entries[0]).toMatchObject({ actor: 'member-user', summary: 'Revenue of 30.00 recorded' });
    expect(entries[3].summary).toBe('Assigned from nobody to rep-1');
    expect(entries[4]).toMatchObject({
      summary: 'Status changed from active to inactive',
      ref: { type: 'customer', id },
    });
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by kind and pages with an opaque cursor, never repeating or skipping an entry', async () => {
    const id = await busyCustomer();
    const all = (await timeline(id).expect(200)).body.data as Entry[];
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Entry[]; nextCursor: string | null } } = await timeline(
        id,
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);

    const onlyRevenue = (await timeline(id, '?types=revenue').expect(200)).body.data as Entry[];
    expect(onlyRevenue.map((e) => e.kind)).toEqual(['revenue', 'revenue', 'revenue']);
    const two = (await timeline(id, '?types=assignment,status_change').expect(200)).body.data as Entry[];
    expect(two.map((e) => e.kind)).toEqual(['assignment', 'status_change']);

    const page = (await timeline(id, '?types=revenue&limit=1').expect(200)).body;
    expectProblem(await timeline(id, `?types=assignment&cursor=${page.nextCursor}`), 400, 'request.invalid_cursor');
    expectProblem(await timeline(id, '?cursor=not-ours'), 400, 'request.invalid_cursor');
    expectProblem(await timeline(id, '?types=gossip'), 400);
    expectProblem(await timeline(id, '?limit=0'), 400);
  });

  it('pages one stream of activities, revenue and deal stage changes of several deals, never repeating or skipping', async () => {
    const id = await busyCustomer();
    for (const name of ['Deal one', 'Deal two', 'Deal three']) {
      const deal = await a.member.post('/api/v1/opportunities').send({ customerId: id, name, amount: 100 }).expect(201);
      await a.member.put(`/api/v1/opportunities/${deal.body.id}/stage`).send({ stage: 'proposal' }).expect(200);
    }
    await a.member
      .post('/api/v1/activities')
      .send({ type: 'note', subject: 'After the deals', customerId: id })
      .expect(201);
    const all = (await timeline(id, '?limit=100').expect(200)).body.data as Entry[];
    expect(all.filter((e) => e.kind === 'opportunity_stage')).toHaveLength(6);
    expect(new Set(all.map((e) => e.kind))).toEqual(
      new Set(['activity', 'opportunity_stage', 'revenue', 'assignment', 'status_change']),
    );
    // One entry a page: the deal source keeps only its newest few while it reads every deal.
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: Entry[]; nextCursor: string | null } } = await timeline(
        id,
        `?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it("a converted customer's timeline shows the lead conversion", async () => {
    const lead = (await a.member.post('/api/v1/leads').send({ companyId: company, name: 'From a lead' }).expect(201))
      .body;
    const customer = (await a.member.post(`/api/v1/leads/${lead.id}/convert`).send({}).expect(201)).body.customer;
    const entries = (await timeline(customer.id).expect(200)).body.data as Entry[];
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'lead_conversion',
        summary: 'Converted from a lead',
        ref: { type: 'lead', id: lead.id },
      }),
    ]);
  });

  it('another tenant, a deleted customer and an unknown id answer 404 alike', async () => {
    const id = await busyCustomer();
    expectProblem(await b.admin.get(`/api/v1/customers/${id}/timeline`), 404, 'customer.not_found');
    expectProblem(await timeline('0123456789abcdef01234567'), 404, 'customer.not_found');
    await a.admin.delete(`/api/v1/customers/${id}`).expect(204);
    expectProblem(await timeline(id), 404, 'customer.not_found');
  });
});
