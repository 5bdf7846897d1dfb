import { Role } from '@app/common';
import {
  closeAll,
  connectRealtime,
  type ReceivedEvent,
  recordEvents,
  type RealtimeSocket,
  request,
  waitFor,
} from '@app/testing/realtime-client';
import {
  expectProblem,
  newCompany,
  newTenant,
  startTestApp,
  type TenantFixture,
  type TestApp,
} from './support/test-app';

interface Group {
  customers: Array<{ id: string; name: string }>;
  size: number;
  reasons: string[];
  score: number;
}

/**
 * GET /customers/duplicates and /customers/:id/duplicates over hand-built customers, with the exact
 * groups and reasons expected; and what a merge announces to the company room.
 */
describe('Customer duplicates', () => {
  let t: TestApp;
  let a: TenantFixture;
  let companyId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'dups');
    companyId = await newCompany(a);
    const fixtures: Record<string, object> = {
      globex1: { name: 'Globex Corporation', email: 'sales@globex.com' },
      globex2: { name: 'Globex Corp.', website: 'https://www.globex.com/contact' },
      initech1: { name: 'Initech', phone: '+1 (555) 010-7788' },
      initech2: { name: 'Initec LLC', phone: '555.010.7788' },
      hooli: { name: 'Hooli', email: 'gavin@gmail.com' },
      umbrella: { name: 'Umbrella', email: 'alice@gmail.com' },
      soylent1: { name: 'Soylent', contacts: [{ firstName: 'Ann', email: 'ann@soylent.com' }] },
      soylent2: { name: 'Soylent Green Foods', email: 'ANN@soylent.com' },
      alone: { name: 'Vandelay Industries', phone: '+44 20 7946 0000' },
    };
    for (const [key, body] of Object.entries(fixtures)) {
      ids[key] = (
        await a.member
          .post('/api/v1/customers')
          .send({ companyId, ...body })
          .expect(201)
      ).body.id;
    }
  });
  afterAll(() => t?.close());

  const shape = (groups: Group[]) =>
    groups.map((g) => ({ ids: g.customers.map((c) => c.id).sort(), reasons: g.reasons, score: g.score }));

  it('groups a company by email, domain (not free mail), phone (last 9 digits) and similar names, best first', async () => {
    const res = await a.viewer.get(`/api/v1/customers/duplicates?companyId=${companyId}`).expect(200);
    expect(res.body).toMatchObject({ scanned: 9, complete: true });
    expect(shape(res.body.data)).toEqual([
      { ids: [ids.soylent1, ids.soylent2].sort(), reasons: ['email', 'domain'], score: 0.96 },
      { ids: [ids.initech1, ids.initech2].sort(), reasons: ['phone', 'name'], score: 0.88 },
      { ids: [ids.globex1, ids.globex2].sort(), reasons: ['domain', 'name'], score: 0.84 },
    ]);
    expect(res.body.data[0]).toMatchObject({ size: 2 });
    const limited = await a.viewer.get(`/api/v1/customers/duplicates?companyId=${companyId}&limit=1`).expect(200);
    expect(limited.body.data).toHaveLength(1);
  });

  it('answers for one customer: each duplicate paired with it', async () => {
    const res = await a.viewer.get(`/api/v1/customers/${ids.globex2}/duplicates`).expect(200);
    expect(shape(res.body.data)).toEqual([
      { ids: [ids.globex1, ids.globex2].sort(), reasons: ['domain', 'name'], score: 0.84 },
    ]);
    expect(res.body.data[0].customers[0].id).toBe(ids.globex2);
    const none = await a.viewer.get(`/api/v1/customers/${ids.alone}/duplicates`).expect(200);
    expect(none.body.data).toEqual([]);
  });

  it('refuses bad queries and unknown companies; `duplicates` is never read as a customer id', async () => {
    expectProblem(await a.viewer.get('/api/v1/customers/duplicates'), 400);
    expectProblem(await a.viewer.get('/api/v1/customers/duplicates?companyId=nope'), 400);
    expectProblem(await a.viewer.get(`/api/v1/customers/duplicates?companyId=${companyId}&limit=0`), 400);
    expectProblem(await a.viewer.get(`/api/v1/customers/duplicates?companyId[$ne]=x`), 400);
    expectProblem(await a.viewer.get(`/api/v1/customers/duplicates?companyId=${companyId}&extra=1`), 400);
    expectProblem(await a.viewer.get(`/api/v1/customers/duplicates?companyId=${'0'.repeat(24)}`), 404);
    expectProblem(await a.viewer.get(`/api/v1/customers/${'0'.repeat(24)}/duplicates`), 404, 'customer.not_found');
  });

  it('a merge reaches the company room: the survivor updated, each source merged, one merge_completed; then no group', async () => {
    const socket: RealtimeSocket = await connectRealtime(t.url, a.token(Role.VIEWER));
    try {
      await request(socket, 'subscribe', { companyId });
      const received: ReceivedEvent<Record<string, unknown>>[] = recordEvents(socket, (e) => e.startsWith('customer.'));
      const res = await a.member
        .post(`/api/v1/customers/${ids.soylent1}/merge`)
        .send({ sourceIds: [ids.soylent2] })
        .expect(200);
      await waitFor(() => received.some((r) => r.event === 'customer.merge_completed'));
      const names = received.map((r) => r.event);
      expect(names).toEqual(['customer.merged', 'customer.updated', 'customer.merge_completed']);
      expect(received[0].data).toMatchObject({
        customerId: ids.soylent2,
        changes: { status: { from: 'active', to: 'merged' }, mergedInto: { from: null, to: ids.soylent1 } },
      });
      expect(received[1].data).toMatchObject({ customerId: ids.soylent1, changes: { email: expect.anything() } });
      expect(received[2].data).toMatchObject({
        companyId,
        customerId: ids.soylent1,
        mergeId: res.body.mergeId,
        sourceIds: [ids.soylent2],
      });
    } finally {
      closeAll([socket]);
    }
    const after = await a.viewer.get(`/api/v1/customers/duplicates?companyId=${companyId}`).expect(200);
    expect(shape(after.body.data).map((g) => g.ids)).not.toContainEqual([ids.soylent1, ids.soylent2].sort());
    expect(after.body.scanned).toBe(8);
  });
});
