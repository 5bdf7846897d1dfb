import { EventEmitter2 } from '@nestjs/event-emitter';
import { CustomerDomainEvent } from '../src/modules/customer';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

const BASE = '/api/v1/customers';

describe('POST /customers/batch', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyA: string;
  let companyB: string;
  const events: CustomerDomainEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'bta'), newTenant(t, 'btb')]);
    [companyA, companyB] = await Promise.all([newCompany(a), newCompany(b)]);
    t.app.get(EventEmitter2).onAny((_n: string | string[], p: unknown) => {
      if (p instanceof CustomerDomainEvent) events.push(p);
    });
  });
  afterAll(() => t.close());

  const batch = (client = a.member, operations: unknown[]) => client.post(`${BASE}/batch`).send({ operations });

  it('applies each operation on its own: per-item status, id or problem body; the rest still lands', async () => {
    const existing = (await a.member.post(BASE).send({ companyId: companyA, name: 'Existing' }).expect(201)).body;
    const foreign = (await b.member.post(BASE).send({ companyId: companyB, name: 'Foreign' }).expect(201)).body;
    const gone = (await a.member.post(BASE).send({ companyId: companyA, name: 'Gone' }).expect(201)).body;
    const res = await batch(a.member, [
      { op: 'create', data: { companyId: companyA, name: 'New One', email: 'NEW@one.test' } },
      { op: 'create', data: { companyId: companyA } },
      { op: 'update', id: existing.id, data: { industry: 'Retail' } },
      { op: 'update', id: foreign.id, data: { name: 'Hijacked' } },
      { op: 'upsert', match: { externalId: 'erp-7' }, data: { companyId: companyA, name: 'Seven' } },
      { op: 'upsert', match: { externalId: 'erp-7' }, data: { companyId: companyA, name: 'Seven Renamed' } },
      { op: 'delete', id: gone.id },
      { op: 'update', id: existing.id, data: { bogus: 1 } },
      { op: 'upsert', data: { companyId: companyA, name: 'No key' } },
      { op: 'delete', match: { email: 'nobody@nowhere.test' } },
    ]);
    expect(res.status).toBe(200);
    const r = res.body.results;
    expect(r.map((x: { status: number }) => x.status)).toEqual([201, 400, 200, 404, 201, 200, 204, 400, 400, 404]);
    expect(r[1].error).toMatchObject({ status: 400, code: 'request.validation_failed' });
    expect(r[1].error.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'data.name' })]));
    expect(r[1].error.instance).toBe('/api/v1/customers/batch#/operations/1');
    expect(r[3].error).toMatchObject({ status: 404, code: 'customer.not_found' });
    expect(r[4].id).toBe(r[5].id);
    expect(r[7].error.errors).toEqual([expect.objectContaining({ path: 'data.bogus' })]);
    expect(r[8].error.code).toBe('exchange.match_required');

    const created = (await a.viewer.get(`${BASE}/${r[0].id}`).expect(200)).body;
    expect(created).toMatchObject({ name: 'New One', email: 'new@one.test' });
    expect((await a.viewer.get(`${BASE}/${existing.id}`).expect(200)).body.industry).toBe('Retail');
    expect((await a.viewer.get(`${BASE}/${r[4].id}`).expect(200)).body).toMatchObject({
      name: 'Seven Renamed',
      externalId: 'erp-7',
      version: 2,
    });
    await a.viewer.get(`${BASE}/${gone.id}`).expect(404);
    expect((await b.viewer.get(`${BASE}/${foreign.id}`).expect(200)).body.name).toBe('Foreign');
    // The same events and audit as the single routes.
    const names = (id: string) => events.filter((e) => e.customerId === id).map((e) => e.name);
    expect(names(r[0].id)).toEqual(['customer.created']);
    expect(names(r[4].id)).toEqual(['customer.created', 'customer.updated']);
    expect(names(gone.id)).toEqual(['customer.created', 'customer.deleted']);
    const history = (await a.admin.get(`${BASE}/${r[4].id}/history`).expect(200)).body.data;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['customer.updated', 'customer.created']);
  });

  it('upserts by email and website in the given company; several matches are 409 and write nothing', async () => {
    const first = await batch(a.member, [
      {
        op: 'upsert',
        match: { email: 'Ops@Match.test' },
        data: { companyId: companyA, name: 'Match', email: 'ops@match.test' },
      },
      { op: 'upsert', match: { email: 'ops@match.test' }, data: { companyId: companyA, name: 'Match 2' } },
      {
        op: 'upsert',
        match: { website: 'https://match.test' },
        data: { companyId: companyA, name: 'Site', website: 'match.test' },
      },
      { op: 'upsert', match: { website: 'MATCH.test/' }, data: { companyId: companyA, name: 'Site 2', notes: 'x' } },
    ]).expect(200);
    const r = first.body.results;
    expect(r.map((x: { status: number }) => x.status)).toEqual([201, 200, 201, 200]);
    expect(r[0].id).toBe(r[1].id);
    expect(r[2].id).toBe(r[3].id);
    await a.member.post(BASE).send({ companyId: companyA, name: 'Twin', email: 'ops@match.test' }).expect(201);
    const twice = await batch(a.member, [
      { op: 'upsert', match: { email: 'ops@match.test' }, data: { companyId: companyA, name: 'Which?' } },
    ]).expect(200);
    expect(twice.body.results[0]).toMatchObject({ status: 409, error: { code: 'exchange.match_ambiguous' } });
  });

  it('serialises concurrent upserts of one key: one customer', async () => {
    const op = (i: number) => ({
      op: 'upsert',
      match: { email: 'race@batch.test' },
      data: { companyId: companyA, name: `Race ${i}`, email: 'race@batch.test' },
    });
    const all = await Promise.all([0, 1, 2, 3].map((i) => batch(a.member, [op(i)]).expect(200)));
    const ids = new Set(all.map((res) => res.body.results[0].id));
    expect(ids.size).toBe(1);
    const listed = await a.viewer.get(`${BASE}?q=${encodeURIComponent('race@batch.test')}`).expect(200);
    expect(listed.body.data.filter((c: { email: string }) => c.email === 'race@batch.test')).toHaveLength(1);
  });

  it('runs operations side by side, but those that may touch one customer in their order, also when linked through another key', async () => {
    const side = (tag: string) =>
      Array.from({ length: 20 }, (_, i) => ({
        op: 'upsert',
        match: { externalId: `side-${i}` },
        data: { companyId: companyA, name: `Side ${i} ${tag}` },
      }));
    const first = await batch(a.member, [
      // 0 creates the customer with both keys; 1 finds it by the externalId 0 wrote (never a second customer).
      {
        op: 'upsert',
        match: { email: 'link@batch.test' },
        data: { companyId: companyA, name: 'Link', externalId: 'link-1' },
      },
      { op: 'upsert', match: { externalId: 'link-1' }, data: { companyId: companyA, name: 'Link via id' } },
      ...side('created'),
    ]).expect(200);
    const r = first.body.results;
    expect(r.map((x: { index: number }) => x.index)).toEqual(r.map((_: unknown, i: number) => i));
    expect(r.slice(0, 2).map((x: { status: number }) => x.status)).toEqual([201, 200]);
    expect(r[1].id).toBe(r[0].id);
    expect((await a.viewer.get(`${BASE}/${r[0].id}`).expect(200)).body).toMatchObject({
      name: 'Link via id',
      email: 'link@batch.test',
      externalId: 'link-1',
      version: 2,
    });
    const created = r.slice(2);
    expect(created.every((x: { status: number }) => x.status === 201)).toBe(true);
    expect(new Set(created.map((x: { id: string }) => x.id)).size).toBe(20);

    // Again: the 20 lookups, asked together, each find their own customer.
    const again = (await batch(a.member, side('updated')).expect(200)).body.results;
    expect(again.map((x: { status: number; id: string }) => [x.status, x.id])).toEqual(
      created.map((x: { id: string }) => [200, x.id]),
    );
    const stored = await Promise.all(
      again.map(async (x: { id: string }) => (await a.viewer.get(`${BASE}/${x.id}`).expect(200)).body),
    );
    expect(stored.map((c: { name: string; externalId: string }) => [c.externalId, c.name])).toEqual(
      Array.from({ length: 20 }, (_, i) => [`side-${i}`, `Side ${i} updated`]),
    );
  });

  it('finds a rare key asked together with a key many customers share', async () => {
    for (let i = 0; i < 5; i++) {
      await a.member
        .post(BASE)
        .send({ companyId: companyA, name: `Shared ${i}`, email: 'shared@batch.test' })
        .expect(201);
    }
    const rare = (
      await a.member.post(BASE).send({ companyId: companyA, name: 'Rare', email: 'rare@batch.test' }).expect(201)
    ).body;
    // Asked in one query with a limit of two rows per value, the five shared rows come first (older ids).
    const res = await batch(a.member, [
      { op: 'upsert', match: { email: 'shared@batch.test' }, data: { companyId: companyA, name: 'Which one' } },
      { op: 'upsert', match: { email: 'rare@batch.test' }, data: { companyId: companyA, name: 'Rare again' } },
    ]).expect(200);
    expect(res.body.results[0]).toMatchObject({ status: 409, error: { code: 'exchange.match_ambiguous' } });
    expect(res.body.results[1]).toMatchObject({ status: 200, id: rare.id, outcome: 'updated' });
  });

  it('honours Idempotency-Key: a retry answers the first results without writing again', async () => {
    const ops = [{ op: 'create', data: { companyId: companyA, name: 'Idem' } }];
    const first = await a.member.post(`${BASE}/batch`).set('Idempotency-Key', 'batch-key-1').send({ operations: ops });
    const again = await a.member.post(`${BASE}/batch`).set('Idempotency-Key', 'batch-key-1').send({ operations: ops });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expectProblem(
      await a.member
        .post(`${BASE}/batch`)
        .set('Idempotency-Key', 'batch-key-1')
        .send({ operations: [{ op: 'create', data: { companyId: companyA, name: 'Other' } }] }),
      422,
    );
  });

  it('refuses bad envelopes as a whole: size, unknown fields, viewers', async () => {
    const many = Array.from({ length: 101 }, () => ({ op: 'create', data: { companyId: companyA, name: 'x' } }));
    expectProblem(await batch(a.member, many), 400);
    expectProblem(await batch(a.member, []), 400);
    expectProblem(await batch(a.member, [{ op: 'explode' }]), 400);
    expectProblem(await a.member.post(`${BASE}/batch`).send({ operations: [], extra: 1 }), 400);
    expectProblem(await batch(a.viewer, [{ op: 'create', data: { companyId: companyA, name: 'x' } }]), 403);
    // A company of another tenant is "not found" per item.
    const res = await batch(a.member, [{ op: 'create', data: { companyId: companyB, name: 'x' } }]).expect(200);
    expect(res.body.results[0]).toMatchObject({ status: 404, error: { code: 'customer.company_not_found' } });
  });
});
