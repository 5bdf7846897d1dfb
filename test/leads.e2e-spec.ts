import { Role } from '@app/common';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

describe('Leads', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'la'), newTenant(t, 'lb')]);
    companyA = await newCompany(a);
  });
  afterAll(() => t.close());

  const lead = (extra: object = {}) => ({ companyId: companyA, name: 'Jane at Initech', ...extra });

  it('creates a lead with normalised fields and reads it back', async () => {
    const res = await a.member
      .post('/api/v1/leads')
      .send(
        lead({
          companyName: 'Initech',
          email: '  Jane@Initech.COM ',
          phone: '+1 (555) 123-4567',
          website: 'initech.com',
          source: 'referral',
          tags: [' VIP ', 'vip', 'Q3'],
          estimatedValue: 12500.5,
          contacts: [{ name: 'Jane' }, { name: 'Bob', email: 'BOB@initech.com' }],
        }),
      )
      .expect(201);
    expect(res.body).toMatchObject({
      companyId: companyA,
      email: 'jane@initech.com',
      phone: '+15551234567',
      website: 'https://initech.com',
      source: 'referral',
      status: 'new',
      tags: ['vip', 'q3'],
      estimatedValue: 12500.5,
      version: 1,
      createdBy: 'member-user',
      customerId: null,
    });
    expect(res.body.contacts.map((c: { isPrimary: boolean }) => c.isPrimary)).toEqual([true, false]);
    expect(res.body.contacts[1]).toMatchObject({
      email: 'bob@initech.com',
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(res.headers.etag).toBe('"1"');
    for (const hidden of ['_id', 'searchTokens', 'deletedAt', 'conversion', 'nameSort', 'estimatedValueMinor']) {
      expect(res.body).not.toHaveProperty(hidden);
    }
    const got = await a.viewer.get(`/api/v1/leads/${res.body.id}`).expect(200);
    expect(got.body).toEqual(res.body);
  });

  it('updates with If-Match, rejects a stale version with 412 and writes nothing', async () => {
    const { body } = await a.member.post('/api/v1/leads').send(lead()).expect(201);
    const ok = await a.member
      .patch(`/api/v1/leads/${body.id}`)
      .set('If-Match', '"1"')
      .send({ status: 'contacted' })
      .expect(200);
    expect(ok.body).toMatchObject({ status: 'contacted', version: 2 });
    expectProblem(
      await a.member.patch(`/api/v1/leads/${body.id}`).set('If-Match', '"1"').send({ name: 'Stale' }),
      412,
      'lead.version_mismatch',
    );
    expect((await a.viewer.get(`/api/v1/leads/${body.id}`)).body).toMatchObject({ name: body.name, version: 2 });
  });

  it('a no-op update writes nothing', async () => {
    const { body } = await a.member.post('/api/v1/leads').send(lead()).expect(201);
    const res = await a.member.patch(`/api/v1/leads/${body.id}`).send({ name: body.name }).expect(200);
    expect(res.body.version).toBe(1);
  });

  it('soft-deletes: gone from reads and lists', async () => {
    const { body } = await a.member
      .post('/api/v1/leads')
      .send(lead({ name: 'To delete zzqx' }))
      .expect(201);
    await a.member.delete(`/api/v1/leads/${body.id}`).expect(204);
    expectProblem(await a.viewer.get(`/api/v1/leads/${body.id}`), 404, 'lead.not_found');
    const list = await a.viewer.get('/api/v1/leads?q=zzqx').expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('filters by company, status, assignee and tags, and searches by prefix', async () => {
    const company = await newCompany(a);
    const mk = (extra: object) =>
      a.member
        .post('/api/v1/leads')
        .send({ companyId: company, name: 'x', ...extra })
        .expect(201);
    const l1 = (await mk({ name: 'Acme Rockets', status: 'qualified', assignedTo: 'u1', tags: ['hot', 'eu'] })).body;
    const l2 = (await mk({ name: 'Globex', email: 'ceo@globex.io', tags: ['hot'] })).body;
    const l3 = (await mk({ name: 'Hooli', contacts: [{ name: 'Gavin Belson', email: 'gavin@hooli.com' }] })).body;
    const ids = async (qs: string) =>
      (await a.viewer.get(`/api/v1/leads?companyId=${company}&${qs}`).expect(200)).body.data.map(
        (l: { id: string }) => l.id,
      );
    expect(await ids('status=qualified')).toEqual([l1.id]);
    expect(await ids('assignedTo=u1')).toEqual([l1.id]);
    expect((await ids('tag=hot')).sort()).toEqual([l1.id, l2.id].sort());
    expect(await ids('tag=hot&tag=eu')).toEqual([l1.id]);
    expect(await ids('q=acm')).toEqual([l1.id]);
    expect(await ids('q=GLOBEX.IO')).toEqual([l2.id]);
    expect(await ids('q=gav')).toEqual([l3.id]);
    expect(await ids('q=' + encodeURIComponent('.*'))).toEqual([]);
    // Metacharacters only separate words: "(a+)+$" is the word "a", a prefix of "Acme".
    expect(await ids('q=' + encodeURIComponent('(a+)+$'))).toEqual([l1.id]);
    expect(await ids('sort=name')).toEqual([l1.id, l2.id, l3.id]);
  });

  it('pages with an opaque keyset cursor without repeats or gaps', async () => {
    const company = await newCompany(a);
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      created.push(
        (
          await a.member
            .post('/api/v1/leads')
            .send({ companyId: company, name: `Page ${i}` })
            .expect(201)
        ).body.id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `companyId=${company}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await a.viewer.get(`/api/v1/leads?${qs}`).expect(200);
      seen.push(...res.body.data.map((l: { id: string }) => l.id));
      cursor = res.body.nextCursor;
      // A write between pages must not shift what the cursor points at.
      if (cursor && seen.length === 3) await a.member.post('/api/v1/leads').send({ companyId: company, name: 'Late' });
    } while (cursor);
    expect(seen.filter((id) => created.includes(id)).sort()).toEqual([...created].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expectProblem(
      await a.viewer.get(`/api/v1/leads?companyId=${company}&cursor=garbage`),
      400,
      'request.invalid_cursor',
    );
  });

  it('rejects bad input with 400 and writes nothing', async () => {
    const before = (await a.viewer.get(`/api/v1/leads?companyId=${companyA}&limit=100`)).body.data.length;
    for (const body of [
      {},
      lead({ unknown: 1 }),
      lead({ name: { $gt: '' } }),
      lead({ email: 'not-an-email' }),
      lead({ status: 'converted' }),
      lead({ estimatedValue: 1.234 }),
      lead({ estimatedValue: -1 }),
      lead({ companyId: 'nope' }),
      lead({ tags: 'vip' }),
      lead({
        contacts: [
          { name: 'a', isPrimary: true },
          { name: 'b', isPrimary: true },
        ],
      }),
      lead({ contacts: [{ name: 'a', extra: true }] }),
    ]) {
      expectProblem(await a.member.post('/api/v1/leads').send(body), 400);
    }
    expectProblem(await a.viewer.get('/api/v1/leads?limit=0'), 400);
    expectProblem(await a.viewer.get('/api/v1/leads?status[$ne]=new'), 400);
    expectProblem(await a.viewer.get('/api/v1/leads?sort=searchTokens'), 400);
    expectProblem(await a.viewer.get('/api/v1/leads/123'), 400, 'request.invalid_id');
    const { body } = await a.member.post('/api/v1/leads').send(lead()).expect(201);
    expectProblem(await a.member.patch(`/api/v1/leads/${body.id}`).send({ name: null }), 400);
    expectProblem(await a.member.patch(`/api/v1/leads/${body.id}`).send({ status: 'converted' }), 400);
    const after = (await a.viewer.get(`/api/v1/leads?companyId=${companyA}&limit=100`)).body.data.length;
    expect(after).toBe(before + 1);
  });

  it('needs a company of the caller tenant', async () => {
    const foreignCompany = await newCompany(b);
    expectProblem(
      await a.member.post('/api/v1/leads').send(lead({ companyId: foreignCompany })),
      404,
      'company.not_found',
    );
  });

  it('viewers read only; members write', async () => {
    expectProblem(await a.viewer.post('/api/v1/leads').send(lead()), 403);
    const { body } = await a.member.post('/api/v1/leads').send(lead()).expect(201);
    expectProblem(await a.viewer.patch(`/api/v1/leads/${body.id}`).send({ name: 'x' }), 403);
    expectProblem(await a.viewer.delete(`/api/v1/leads/${body.id}`), 403);
  });

  it('tenant B cannot read, list, search, update or delete tenant A leads', async () => {
    const { body } = await a.member
      .post('/api/v1/leads')
      .send(lead({ name: 'Secret lead qwzx' }))
      .expect(201);
    expectProblem(await b.admin.get(`/api/v1/leads/${body.id}`), 404, 'lead.not_found');
    expectProblem(await b.admin.patch(`/api/v1/leads/${body.id}`).send({ name: 'x' }), 404, 'lead.not_found');
    expectProblem(await b.admin.delete(`/api/v1/leads/${body.id}`), 404, 'lead.not_found');
    expect((await b.admin.get('/api/v1/leads?q=qwzx').expect(200)).body.data).toEqual([]);
    expectProblem(await b.admin.get(`/api/v1/leads?companyId=${companyA}`), 404, 'company.not_found');
    const still = await a.viewer.get(`/api/v1/leads/${body.id}`).expect(200);
    expect(still.body).toEqual(body);
  });

  it('a companies claim hides leads of other companies', async () => {
    const other = await newCompany(a);
    const { body } = await a.member.post('/api/v1/leads').send({ companyId: other, name: 'Hidden' }).expect(201);
    const scoped = as(t, a.token(Role.ADMIN, { companies: [companyA] }));
    expectProblem(await scoped.get(`/api/v1/leads/${body.id}`), 404);
    const list = await scoped.get('/api/v1/leads?limit=100').expect(200);
    expect(list.body.data.every((l: { companyId: string }) => l.companyId === companyA)).toBe(true);
  });

  it('records audit events for lead writes', async () => {
    const { body } = await a.member.post('/api/v1/leads').send(lead()).expect(201);
    await a.member.patch(`/api/v1/leads/${body.id}`).send({ status: 'qualified' }).expect(200);
    const audit = await a.admin.get(`/api/v1/audit?entityType=lead&entityId=${body.id}`).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['lead.updated', 'lead.created']);
    expect(audit.body.data[0].changes).toEqual({ status: { from: 'new', to: 'qualified' } });
  });
});
