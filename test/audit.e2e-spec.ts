import { Role } from '@app/common';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

const AUDIT = '/api/v1/audit';
const CUSTOMERS = '/api/v1/customers';

interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  companyId: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  requestId: string | null;
}

describe('Audit log', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let companyId: string;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'aua'), newTenant(t, 'aub')]);
    companyId = await newCompany(a);
    const member2 = as(t, a.token(Role.MEMBER, { user: 'second-member' }));
    customerId = (
      await a.member
        .post(CUSTOMERS)
        .set('X-Request-Id', 'req-create-0001')
        .send({ companyId, name: 'Audited Co', email: 'a@audited.io' })
        .expect(201)
    ).body.id;
    await member2
      .patch(`${CUSTOMERS}/${customerId}`)
      .set('X-Request-Id', 'req-patch-0002')
      .send({ email: 'b@audited.io', notes: 'n' })
      .expect(200);
    await a.member.put(`${CUSTOMERS}/${customerId}/status`).send({ status: 'inactive', reason: 'paused' }).expect(200);
  });
  afterAll(() => t.close());

  const audit = (query = '') => a.admin.get(`${AUDIT}${query ? `?${query}` : ''}`).expect(200);
  const rows = (res: { body: { data: AuditRow[] } }) => res.body.data;

  it('records who did what, with changed fields only and the request id, newest first', async () => {
    const events = rows(await audit(`entityType=customer&entityId=${customerId}`));
    expect(events.map((e) => e.action)).toEqual(['customer.status_changed', 'customer.updated', 'customer.created']);
    expect(events[1]).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      actor: 'second-member',
      action: 'customer.updated',
      entityType: 'customer',
      entityId: customerId,
      companyId,
      changes: { email: { from: 'a@audited.io', to: 'b@audited.io' }, notes: { from: null, to: 'n' } },
      requestId: 'req-patch-0002',
    });
    expect(events[0].changes).toEqual({ status: { from: 'active', to: 'inactive' } });
    expect(events[2]).toMatchObject({ actor: 'member-user', requestId: 'req-create-0001' });
    expect(events[2].changes.name).toEqual({ from: null, to: 'Audited Co' });
    for (const e of events) expect(e).not.toHaveProperty('_id');
  });

  it('filters by actor and since, and pages with an opaque cursor without repeats', async () => {
    expect(rows(await audit('actor=second-member')).map((e) => e.action)).toEqual(['customer.updated']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(rows(await audit(`since=${encodeURIComponent(future)}`))).toEqual([]);
    const all = rows(await audit('limit=100'));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await audit(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...rows(res).map((e) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
    expectProblem(
      await a.admin.get(`${AUDIT}?limit=1&actor=x&cursor=${(await audit('limit=1')).body.nextCursor}`),
      400,
    );
  });

  it('is for admins only', async () => {
    expectProblem(await a.member.get(AUDIT), 403, 'auth.role_required');
    expectProblem(await a.viewer.get(AUDIT), 403);
  });

  it('a companies claim limits the events an admin sees', async () => {
    const other = await newCompany(a);
    const hidden = (await a.member.post(CUSTOMERS).send({ companyId: other, name: 'Elsewhere' }).expect(201)).body.id;
    const scoped = as(t, a.token(Role.ADMIN, { companies: [companyId] }));
    const seen = (await scoped.get(`${AUDIT}?limit=100`).expect(200)).body.data as AuditRow[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.companyId === companyId)).toBe(true);
    expect((await audit(`entityId=${hidden}`)).body.data).toHaveLength(1);
  });

  it('another tenant sees none of these events', async () => {
    expect((await b.admin.get(`${AUDIT}?entityId=${customerId}`).expect(200)).body.data).toEqual([]);
    expect((await b.admin.get(`${AUDIT}?limit=100`).expect(200)).body.data).toEqual([]);
  });

  it('rejects bad filters with 400', async () => {
    for (const q of [
      'entityType=Customer!',
      'entityType[$ne]=x',
      'entityId[$gt]=',
      'actor[$regex]=.*',
      'since=last-week',
      'limit=0',
      'limit=101',
      'cursor=garbage',
      'extra=1',
    ]) {
      expectProblem(await a.admin.get(`${AUDIT}?${q}`), 400);
    }
  });

  it('history shows the same trail for one customer, paged', async () => {
    const first = await a.viewer.get(`${CUSTOMERS}/${customerId}/history?limit=2`).expect(200);
    expect(first.body.data.map((e: AuditRow) => e.action)).toEqual(['customer.status_changed', 'customer.updated']);
    const rest = await a.viewer
      .get(`${CUSTOMERS}/${customerId}/history?limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(rest.body.data.map((e: AuditRow) => e.action)).toEqual(['customer.created']);
    expect(rest.body.nextCursor).toBeNull();
    expectProblem(await b.viewer.get(`${CUSTOMERS}/${customerId}/history`), 404, 'customer.not_found');
  });
});
