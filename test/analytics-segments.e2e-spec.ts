import { parse } from 'csv-parse/sync';
import { Role } from '@app/common';
import { Types } from 'mongoose';
import { ScoreUpdatesListener } from '../src/modules/analytics';
import {
  as,
  expectProblem,
  newCompany,
  newTenant,
  startTestApp,
  tenantDatabase,
  type TenantFixture,
  type TestApp,
} from './support/test-app';

interface Row {
  id: string;
}

const sorted = (ids: string[]) => [...ids].sort();
const idsOf = (rows: Row[]) => sorted(rows.map((r) => r.id));

/**
 * Saved segments over the customer list: the last-activity range, the list filters saved inside a segment,
 * export by segment and paging through a segment. A segment is dynamic: every use evaluates its filter now.
 */
describe('Analytics: saved segments', () => {
  let t: TestApp;
  let a: TenantFixture;
  /** Customers whose lastActivityAt the notes below set. */
  let acts: string;
  /** Customers that each miss one saved list filter. */
  let lists: string;
  /** Look-alikes of the other companies' customers: a segment filed under a company leaves them out. */
  let other: string;
  let paging: string;
  const c: Record<string, string> = {};

  async function customer(companyId: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await a.member
      .post('/api/v1/customers')
      .send({ companyId, name: `Customer ${Math.random().toString(36).slice(2, 8)}`, ...body })
      .expect(201);
    return res.body.id as string;
  }

  async function note(customerId: string, occurredAt: string): Promise<void> {
    await a.member
      .post('/api/v1/activities')
      .send({ type: 'note', subject: 'Spoke to them', customerId, occurredAt })
      .expect(201);
  }

  async function segment(filter: Record<string, unknown>, companyId?: string): Promise<string> {
    const res = await a.member
      .post('/api/v1/segments')
      .send({ name: `Segment ${Math.random().toString(36).slice(2, 8)}`, companyId, filter })
      .expect(201);
    return res.body.id as string;
  }

  /** The segment's customers by each route that evaluates it; all three must agree. */
  async function expectMembers(segmentId: string, expected: string[]): Promise<void> {
    const listed = await a.viewer.get(`/api/v1/segments/${segmentId}/customers?limit=100`).expect(200);
    expect(listed.body.nextCursor).toBeNull();
    expect(idsOf(listed.body.data)).toEqual(sorted(expected));
    const count = await a.viewer.get(`/api/v1/segments/${segmentId}/count`).expect(200);
    expect(count.body).toEqual({ count: expected.length });
    const viaList = await a.viewer.get(`/api/v1/customers?segmentId=${segmentId}&limit=100`).expect(200);
    expect(idsOf(viaList.body.data)).toEqual(sorted(expected));
  }

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'seg');
    [acts, lists, other, paging] = await Promise.all([
      newCompany(a, 'Acts'),
      newCompany(a, 'Lists'),
      newCompany(a, 'Other'),
      newCompany(a, 'Paging'),
    ]);

    // Last activity (the newest note): the segment below covers 2026-02-01T00:00Z ..= 2026-03-31T23:59:59Z.
    const notes: Record<string, string[]> = {
      early: ['2026-01-10T12:00:00Z'],
      fromEdge: ['2026-02-01T00:00:00Z'],
      mid: ['2026-02-15T09:30:00Z'],
      toEdge: ['2026-03-31T23:59:59Z'],
      justAfter: ['2026-04-01T00:00:00Z'],
      // One note in range, but the last activity (05-01) is not.
      movedOn: ['2026-02-10T00:00:00Z', '2026-05-01T00:00:00Z'],
      silent: [],
    };
    for (const [name, dates] of Object.entries(notes)) {
      c[name] = await customer(acts, { name: `Acts ${name}` });
      for (const at of dates) await note(c[name], at);
    }
    c.actsElsewhere = await customer(other, { name: 'Acts elsewhere' });
    await note(c.actsElsewhere, '2026-02-15T09:30:00Z');

    // Each "off" customer differs from the matching ones in exactly one saved filter.
    const match = { status: 'active', source: 'referral', tags: ['vip', 'emea'], assignedTo: 'user-7' };
    c.acmeRobotics = await customer(lists, { ...match, name: 'Acme Robotics' });
    c.acmeTools = await customer(lists, { ...match, name: 'Acme Tools', tags: ['emea', 'VIP', 'extra'] });
    c.offStatus = await customer(lists, { ...match, name: 'Acme Dormant', status: 'inactive' });
    c.offSource = await customer(lists, { ...match, name: 'Acme Web', source: 'website' });
    c.offTag = await customer(lists, { ...match, name: 'Acme Local', tags: ['vip'] });
    c.offQ = await customer(lists, { ...match, name: 'Zenith Robotics' });
    c.offAssignee = await customer(lists, { ...match, name: 'Acme Elsewhere', assignedTo: 'user-8' });
    c.listsElsewhere = await customer(other, { ...match, name: 'Acme Abroad' });

    await t.app.get(ScoreUpdatesListener).idle();
  }, 120_000);

  afterAll(async () => {
    await t.app.get(ScoreUpdatesListener).idle();
    await t.close();
  });

  describe('last activity range', () => {
    it('selects exactly the customers whose lastActivityAt is in range, bounds inclusive, and follows new notes', async () => {
      const stored = await a.viewer.get(`/api/v1/customers/${c.movedOn}`).expect(200);
      expect(stored.body.lastActivityAt).toBe('2026-05-01T00:00:00.000Z');
      const res = await a.member
        .post('/api/v1/segments')
        .send({
          name: 'Talked to in Feb-Mar',
          companyId: acts,
          // The same instant as 2026-02-01T00:00:00Z.
          filter: { lastActivityFrom: '2026-02-01T01:00:00+01:00', lastActivityTo: '2026-03-31T23:59:59Z' },
        })
        .expect(201);
      expect(res.body.filter).toEqual({
        lastActivityFrom: '2026-02-01T00:00:00.000Z',
        lastActivityTo: '2026-03-31T23:59:59.000Z',
      });
      const id = res.body.id as string;
      // Not early (before), justAfter (after), movedOn (its last activity is later), silent (none), nor the
      // one of another company.
      await expectMembers(id, [c.fromEdge, c.mid, c.toEdge]);

      // Evaluated on every use: a note moves early into the range and mid out of it.
      await note(c.early, '2026-03-01T00:00:00Z');
      await note(c.mid, '2026-04-15T00:00:00Z');
      await expectMembers(id, [c.fromEdge, c.toEdge, c.early]);
    });

    it('takes one bound alone; a customer without activity is never "before" a date', async () => {
      // As the test above left them: early's last activity is 03-01, mid's 04-15.
      const since = await segment({ lastActivityFrom: '2026-03-31T23:59:59Z' }, acts);
      await expectMembers(since, [c.toEdge, c.justAfter, c.movedOn, c.mid]);
      const until = await segment({ lastActivityTo: '2026-02-01T00:00:00Z' }, acts);
      await expectMembers(until, [c.fromEdge]);
      // Without a company: every company the caller sees, so the other company's customer too.
      const everywhere = await segment({
        lastActivityFrom: '2026-02-15T00:00:00Z',
        lastActivityTo: '2026-02-16T00:00:00Z',
      });
      await expectMembers(everywhere, [c.actsElsewhere]);
    });
  });

  describe('list filters saved in the segment', () => {
    const filter = { status: 'active', source: 'referral', tag: ['VIP', 'emea'], q: 'acme', assignedTo: 'user-7' };

    it('applies status, source, tag, q and assignedTo on /customers, /count and GET /customers?segmentId=', async () => {
      const res = await a.member
        .post('/api/v1/segments')
        .send({ name: 'Acme VIPs', companyId: lists, filter })
        .expect(201);
      expect(res.body.filter).toEqual({ ...filter, tag: ['vip', 'emea'] });
      const id = res.body.id as string;
      await expectMembers(id, [c.acmeRobotics, c.acmeTools]);

      // The request's own filters narrow further; they never replace the saved ones.
      const narrowed = await a.viewer.get(`/api/v1/customers?segmentId=${id}&q=tools`).expect(200);
      expect(idsOf(narrowed.body.data)).toEqual([c.acmeTools]);
      const inactive = await a.viewer.get(`/api/v1/customers?segmentId=${id}&status=inactive`).expect(200);
      expect(inactive.body.data).toEqual([]);
      const elsewhere = await a.viewer.get(`/api/v1/customers?segmentId=${id}&companyId=${other}`).expect(200);
      expect(elsewhere.body.data).toEqual([]);

      // Dynamic: the inactive one becomes active and joins; reassigning one takes it out.
      await a.member.put(`/api/v1/customers/${c.offStatus}/status`).send({ status: 'active' }).expect(200);
      await a.member.put(`/api/v1/customers/${c.acmeTools}/assignee`).send({ userId: 'user-9' }).expect(200);
      await expectMembers(id, [c.acmeRobotics, c.offStatus]);
      await a.member.put(`/api/v1/customers/${c.offStatus}/status`).send({ status: 'inactive' }).expect(200);
      await a.member.put(`/api/v1/customers/${c.acmeTools}/assignee`).send({ userId: 'user-7' }).expect(200);
      await expectMembers(id, [c.acmeRobotics, c.acmeTools]);
    });

    it('without a company, matches in every company the caller may see, and no more', async () => {
      const id = await segment(filter);
      await expectMembers(id, [c.acmeRobotics, c.acmeTools, c.listsElsewhere]);
      const limited = as(t, a.token(Role.VIEWER, { companies: [other] }));
      const seen = await limited.get(`/api/v1/segments/${id}/customers`).expect(200);
      expect(idsOf(seen.body.data)).toEqual([c.listsElsewhere]);
      expect((await limited.get(`/api/v1/segments/${id}/count`).expect(200)).body).toEqual({ count: 1 });
    });
  });

  describe('export by segment', () => {
    it("streams exactly the segment's customers as CSV and as NDJSON (as GET /customers/:id answers)", async () => {
      const acme = await segment({ tag: ['emea'], q: 'acme', source: 'referral', assignedTo: 'user-7' });
      // acmeRobotics, acmeTools, listsElsewhere, offStatus (inactive: no status filter saved), offTag has no emea.
      const expected = [c.acmeRobotics, c.acmeTools, c.listsElsewhere, c.offStatus];
      await expectMembers(acme, expected);

      const csv = await a.viewer.get(`/api/v1/customers/export?format=csv&segmentId=${acme}`).expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const rows = parse(csv.text, { columns: true, bom: true }) as Array<Record<string, string>>;
      expect(rows.map((r) => r.id)).toEqual(sorted(expected));

      const ndjson = await a.viewer.get(`/api/v1/customers/export?format=ndjson&segmentId=${acme}`).expect(200);
      expect(ndjson.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      const lines = ndjson.text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Row);
      expect(lines.map((l) => l.id)).toEqual(sorted(expected));
      for (const line of lines) {
        expect(line).toEqual((await a.viewer.get(`/api/v1/customers/${line.id}`).expect(200)).body);
      }

      // A last-activity segment and the request's own filters, together.
      const range = await segment({ lastActivityFrom: '2026-02-01T00:00:00Z', lastActivityTo: '2026-02-28T00:00:00Z' });
      const both = await a.viewer
        .get(`/api/v1/customers/export?format=csv&segmentId=${range}&companyId=${acts}`)
        .expect(200);
      expect((parse(both.text, { columns: true, bom: true }) as Row[]).map((r) => r.id)).toEqual([c.fromEdge]);

      expectProblem(
        await a.viewer.get(`/api/v1/customers/export?format=csv&segmentId=${'0'.repeat(24)}`),
        404,
        'segment.not_found',
      );
    });
  });

  describe('paging', () => {
    it('pages through the segment at any page size without repeating or skipping a customer, writes between pages too', async () => {
      // Customers stored within one millisecond (a batch on a fast server) share createdAt, the list's sort
      // key; each batch here is given one instant through the driver, so pages end in the middle of ties.
      // Every third customer is not tagged and stays out.
      const members: string[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const operations = Array.from({ length: 12 }, (_, i) => ({
          op: 'create',
          data: { companyId: paging, name: `Paged ${batch}-${i}`, tags: i % 3 === 0 ? ['other'] : ['paged'] },
        }));
        const res = await a.member.post('/api/v1/customers/batch').send({ operations }).expect(200);
        const created = res.body.results as Array<{ status: number; id: string }>;
        expect(created.map((r) => r.status)).toEqual(operations.map(() => 201));
        members.push(...created.filter((_, i) => i % 3 !== 0).map((r) => r.id));
        await tenantDatabase(t, a.slug)
          .collection('customers')
          .updateMany(
            { _id: { $in: created.map((r) => new Types.ObjectId(r.id)) } },
            { $set: { createdAt: new Date(Date.UTC(2026, 0, 1 + batch)) } },
          );
      }
      const id = await segment({ tag: ['paged'] }, paging);
      await expectMembers(id, members);
      const all = (await a.viewer.get(`/api/v1/segments/${id}/customers?limit=100`).expect(200)).body.data as Row[];

      const walk = async (limit: number, between?: (page: number) => Promise<void>): Promise<string[]> => {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 100; page++) {
          const query: string = `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
          const res = await a.viewer.get(`/api/v1/segments/${id}/customers?${query}`).expect(200);
          expect(res.body.data.length).toBeLessThanOrEqual(limit);
          seen.push(...(res.body.data as Row[]).map((r) => r.id));
          cursor = res.body.nextCursor as string | null;
          if (!cursor) break;
          expect(res.body.data).toHaveLength(limit);
          await between?.(page);
        }
        return seen;
      };

      for (const limit of [1, 5, 7, 24]) {
        // The same order as one page of everything: each customer exactly once.
        expect(await walk(limit)).toEqual(all.map((r) => r.id));
      }

      // Writes between pages: new customers (members and not), members renamed, a member leaving for good.
      const leaving = all[all.length - 1].id;
      const added: string[] = [];
      const seen = await walk(5, async (page) => {
        added.push(await customer(paging, { name: `Late ${page}`, tags: ['paged'] }));
        await customer(paging, { name: `Late outsider ${page}`, tags: ['other'] });
        await a.member
          .patch(`/api/v1/customers/${all[page].id}`)
          .send({ name: `Renamed ${page}` })
          .expect(200);
        if (page === 0) await a.admin.delete(`/api/v1/customers/${leaving}`).expect(204);
      });
      expect(new Set(seen).size).toBe(seen.length);
      const stayed = all.map((r) => r.id).filter((x) => x !== leaving);
      expect(seen.filter((x) => !added.includes(x))).toEqual(stayed);

      // A cursor belongs to its segment.
      const first = await a.viewer.get(`/api/v1/segments/${id}/customers?limit=2`).expect(200);
      const another = await segment({ tag: ['paged'] }, paging);
      expectProblem(await a.viewer.get(`/api/v1/segments/${another}/customers?cursor=${first.body.nextCursor}`), 400);
    });
  });
});
