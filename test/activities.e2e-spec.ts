import { Role } from '@app/common';
import { TenantRunner } from '@app/tenancy';
import { CustomerService } from '../src/modules/customer';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Activity {
  id: string;
  type: string;
  subject: string;
  target: { type: string; id: string };
  customerId: string | null;
  leadId: string | null;
  occurredAt: string;
  status: string | null;
  dueAt: string | null;
  assignedTo: string | null;
  completedAt: string | null;
  completedBy: string | null;
  version: number;
}

const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('Activities and tasks', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let company: string;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'aca'), newTenant(t, 'acb')]);
    company = await newCompany(a);
  });
  afterAll(() => t.close());

  async function customer(name = 'Activity Co'): Promise<string> {
    const res = await a.member.post('/api/v1/customers').send({ companyId: company, name }).expect(201);
    return res.body.id as string;
  }
  const log = (body: Record<string, unknown>, client = a.member) => client.post('/api/v1/activities').send(body);
  async function listAll(query: string): Promise<Activity[]> {
    const out: Activity[] = [];
    let cursor: string | null = null;
    do {
      const sep = query ? '&' : '';
      const res = await a.viewer
        .get(`/api/v1/activities?${query}${sep}limit=100${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      out.push(...(res.body.data as Activity[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return out;
  }

  describe('create, read, update, delete', () => {
    it('logs a note on a customer: 201 with Location and ETag, occurredAt defaulting to now', async () => {
      const id = await customer();
      const before = Date.now();
      const res = await log({ type: 'note', subject: '  First contact  ', body: 'Met at the fair.', customerId: id });
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.headers.location).toBe(`/api/v1/activities/${res.body.id}`);
      expect(res.body).toMatchObject({
        type: 'note',
        subject: 'First contact',
        body: 'Met at the fair.',
        companyId: company,
        target: { type: 'customer', id },
        customerId: id,
        leadId: null,
        opportunityId: null,
        status: null,
        assignedTo: null,
        createdBy: 'member-user',
        version: 1,
      });
      expect(Date.parse(res.body.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(res.body).not.toHaveProperty('_id');
      expect(res.body).not.toHaveProperty('deletedAt');
      const got = await a.viewer.get(`/api/v1/activities/${res.body.id}`).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('calls and meetings take a duration and an outcome; other types refuse them, and only tasks take dueAt', async () => {
      const id = await customer();
      const call = await log({
        type: 'call',
        subject: 'Follow-up',
        customerId: id,
        durationMinutes: 15,
        outcome: 'Wants a quote',
        occurredAt: '2026-01-05T10:00:00.000Z',
      }).expect(201);
      expect(call.body).toMatchObject({
        durationMinutes: 15,
        outcome: 'Wants a quote',
        occurredAt: '2026-01-05T10:00:00.000Z',
      });
      await log({ type: 'meeting', subject: 'Demo', customerId: id, durationMinutes: 60 }).expect(201);
      expectProblem(
        await log({ type: 'note', subject: 'x', customerId: id, durationMinutes: 5 }),
        400,
        'activity.field_not_for_type',
      );
      expectProblem(
        await log({ type: 'email', subject: 'x', customerId: id, outcome: 'sent' }),
        400,
        'activity.field_not_for_type',
      );
      expectProblem(
        await log({ type: 'call', subject: 'x', customerId: id, dueAt: iso(HOUR) }),
        400,
        'activity.field_not_for_type',
      );
      expectProblem(
        await a.member.patch(`/api/v1/activities/${call.body.id}`).send({ dueAt: iso(HOUR) }),
        400,
        'activity.field_not_for_type',
      );
    });

    it('exactly one target: none or two are 400; an opportunity id that names no deal is 404', async () => {
      const id = await customer();
      const lead = (await a.member.post('/api/v1/leads').send({ companyId: company, name: 'L' }).expect(201)).body.id;
      expectProblem(await log({ type: 'note', subject: 'x' }), 400, 'activity.target_required');
      expectProblem(
        await log({ type: 'note', subject: 'x', customerId: id, leadId: lead }),
        400,
        'activity.target_required',
      );
      // A customer's id is no deal's id (activities on deals: activities-opportunities.e2e-spec.ts).
      expectProblem(await log({ type: 'note', subject: 'x', opportunityId: id }), 404, 'opportunity.not_found');
      expectProblem(await a.viewer.get(`/api/v1/activities?opportunityId=${id}`), 404, 'opportunity.not_found');
    });

    it('bad input is a 400 problem, never a 500', async () => {
      const id = await customer();
      const bad: Array<Record<string, unknown>> = [
        { type: 'note', subject: 'x', customerId: id, extra: 1 },
        { type: 'note', subject: 'x', customerId: { $ne: null } },
        { type: 'note', subject: 'x', customerId: 'not-an-id' },
        { type: 'fax', subject: 'x', customerId: id },
        { type: 'note', subject: '', customerId: id },
        { type: 'note', subject: 'x'.repeat(201), customerId: id },
        { type: 'note', subject: 'x', body: 'x'.repeat(10_001), customerId: id },
        { type: 'note', subject: { $gt: '' }, customerId: id },
        { type: 'call', subject: 'x', customerId: id, durationMinutes: -1 },
        { type: 'call', subject: 'x', customerId: id, durationMinutes: 1.5 },
        { type: 'note', subject: 'x', customerId: id, occurredAt: 'yesterday' },
      ];
      for (const body of bad) expectProblem(await log(body), 400);
      expectProblem(await a.viewer.get('/api/v1/activities/not-an-id'), 400, 'request.invalid_id');
      expectProblem(await a.viewer.get('/api/v1/activities?customerId[$ne]=x'), 400);
      expectProblem(await a.viewer.get('/api/v1/activities?overdue=maybe'), 400);
      expectProblem(await a.viewer.get('/api/v1/activities?type=fax'), 400);
      expectProblem(await a.viewer.get('/api/v1/activities?cursor=forged'), 400, 'request.invalid_cursor');
      const note = (await log({ type: 'note', subject: 'x', customerId: id }).expect(201)).body;
      expectProblem(await a.member.patch(`/api/v1/activities/${note.id}`).send({ subject: null }), 400);
      expectProblem(await a.member.patch(`/api/v1/activities/${note.id}`).send({ customerId: id }), 400);
      expectProblem(await a.member.patch(`/api/v1/activities/${note.id}`).send({ type: 'task' }), 400);
    });

    it("another tenant's customer, lead or activity answers 404 exactly like a missing one", async () => {
      const id = await customer();
      const lead = (await a.member.post('/api/v1/leads').send({ companyId: company, name: 'L' }).expect(201)).body.id;
      const note = (await log({ type: 'note', subject: 'secret', customerId: id }).expect(201)).body;
      expectProblem(await log({ type: 'note', subject: 'x', customerId: id }, b.member), 404, 'customer.not_found');
      expectProblem(await log({ type: 'note', subject: 'x', leadId: lead }, b.member), 404, 'lead.not_found');
      expectProblem(await b.viewer.get(`/api/v1/activities/${note.id}`), 404, 'activity.not_found');
      expectProblem(await b.member.patch(`/api/v1/activities/${note.id}`).send({ subject: 'x' }), 404);
      expectProblem(await b.admin.delete(`/api/v1/activities/${note.id}`), 404);
      expectProblem(await b.viewer.get(`/api/v1/activities?customerId=${id}`), 404, 'customer.not_found');
      const listed = await b.viewer.get('/api/v1/activities?limit=100').expect(200);
      expect(JSON.stringify(listed.body)).not.toContain('secret');
      // A principal limited to other companies sees none of this company's activities either.
      const other = await newCompany(a);
      const limited = a.token(Role.ADMIN, { companies: [other] });
      expectProblem(await as(t, limited).get(`/api/v1/activities/${note.id}`), 404, 'activity.not_found');
      expect((await as(t, limited).get('/api/v1/activities?limit=100').expect(200)).body.data).toEqual([]);
    });

    it('a customer of a company the caller cannot see answers 404 exactly like a missing one, writing nothing', async () => {
      const hidden = await customer('Hidden Co');
      const other = await newCompany(a);
      const visible = (
        await a.admin.post('/api/v1/customers').send({ companyId: other, name: 'Visible Co' }).expect(201)
      ).body.id as string;
      const limited = as(t, a.token(Role.MEMBER, { user: 'limited-member', companies: [other] }));
      const missing = '0123456789abcdef01234567';
      const onHidden = await log({ type: 'note', subject: 'x', customerId: hidden }, limited);
      const onMissing = await log({ type: 'note', subject: 'x', customerId: missing }, limited);
      expectProblem(onHidden, 404, 'customer.not_found');
      expectProblem(onMissing, 404, 'customer.not_found');
      const shape = (body: Record<string, unknown>, id: string) => ({
        ...body,
        detail: String(body.detail).replace(id, '<id>'),
        requestId: undefined,
        instance: undefined,
      });
      expect(shape(onHidden.body, hidden)).toEqual(shape(onMissing.body, missing));
      expect(await listAll(`customerId=${hidden}`)).toEqual([]);
      // The same caller logs on a customer of its own company: the 404 was about the company, not the token.
      await log({ type: 'note', subject: 'mine', customerId: visible }, limited).expect(201);
    });

    it('PATCH with If-Match: a stale version gets 412 and changes nothing', async () => {
      const id = await customer();
      const note = (await log({ type: 'note', subject: 'v1', customerId: id }).expect(201)).body;
      const ok = await a.member
        .patch(`/api/v1/activities/${note.id}`)
        .set('If-Match', '"1"')
        .send({ subject: 'v2', body: 'more' })
        .expect(200);
      expect(ok.body).toMatchObject({ subject: 'v2', body: 'more', version: 2, updatedBy: 'member-user' });
      expect(ok.headers.etag).toBe('"2"');
      expectProblem(
        await a.member.patch(`/api/v1/activities/${note.id}`).set('If-Match', '"1"').send({ subject: 'v3' }),
        412,
      );
      expect((await a.viewer.get(`/api/v1/activities/${note.id}`).expect(200)).body.subject).toBe('v2');
      // A body that changes nothing writes nothing.
      const same = await a.member.patch(`/api/v1/activities/${note.id}`).send({ subject: 'v2' }).expect(200);
      expect(same.body.version).toBe(2);
    });

    it('DELETE and POST .../complete with a stale If-Match get 412 and change nothing', async () => {
      const id = await customer();
      const task = (await log({ type: 'task', subject: 'v1', customerId: id }).expect(201)).body;
      await a.member.patch(`/api/v1/activities/${task.id}`).send({ subject: 'v2' }).expect(200);
      const stale = (res: Parameters<typeof expectProblem>[0], current: number) => {
        expectProblem(res, 412, 'activity.version_mismatch');
        expect(res.body.currentVersion).toBe(current);
      };
      stale(await a.member.post(`/api/v1/activities/${task.id}/complete`).set('If-Match', '"1"').send({}), 2);
      stale(await a.admin.delete(`/api/v1/activities/${task.id}`).set('If-Match', '"1"'), 2);
      const still = await a.viewer.get(`/api/v1/activities/${task.id}`).expect(200);
      expect(still.body).toMatchObject({ subject: 'v2', status: 'open', completedAt: null, version: 2 });
      expect((await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body.openTasks).toBe(1);
      // The current version goes through: the refusals were about the version, not the request.
      await a.member.post(`/api/v1/activities/${task.id}/complete`).set('If-Match', '"2"').send({}).expect(200);
      stale(await a.admin.delete(`/api/v1/activities/${task.id}`).set('If-Match', '"2"'), 3);
      await a.admin.delete(`/api/v1/activities/${task.id}`).set('If-Match', '"3"').expect(204);
      expectProblem(await a.viewer.get(`/api/v1/activities/${task.id}`), 404, 'activity.not_found');
    });

    it("roles: viewers read only; members write and delete others' calls; a note goes only by its author or an admin", async () => {
      const id = await customer();
      expectProblem(await log({ type: 'note', subject: 'x', customerId: id }, a.viewer), 403);
      const mine = (await log({ type: 'note', subject: 'mine', customerId: id }).expect(201)).body;
      const otherMember = as(t, a.token(Role.MEMBER, { user: 'other-member' }));
      expectProblem(await otherMember.delete(`/api/v1/activities/${mine.id}`), 403, 'activity.not_author');
      await otherMember.patch(`/api/v1/activities/${mine.id}`).send({ body: 'edited by a colleague' }).expect(200);
      expectProblem(await a.viewer.delete(`/api/v1/activities/${mine.id}`), 403);
      await a.member.delete(`/api/v1/activities/${mine.id}`).expect(204);
      expectProblem(await a.viewer.get(`/api/v1/activities/${mine.id}`), 404, 'activity.not_found');

      const byAdmin = (await log({ type: 'note', subject: 'another', customerId: id }).expect(201)).body;
      await a.admin.delete(`/api/v1/activities/${byAdmin.id}`).expect(204);
      const call = (await log({ type: 'call', subject: 'call', customerId: id }).expect(201)).body;
      await otherMember.delete(`/api/v1/activities/${call.id}`).expect(204);
      expect(await listAll(`customerId=${id}`)).toEqual([]);
    });
  });

  describe('tasks', () => {
    it('complete and reopen record who and when; only tasks have them', async () => {
      const id = await customer();
      const task = (await log({ type: 'task', subject: 'Send quote', customerId: id, dueAt: iso(HOUR) }).expect(201))
        .body;
      expect(task).toMatchObject({ status: 'open', assignedTo: 'member-user', completedAt: null, completedBy: null });
      const done = await a.admin.post(`/api/v1/activities/${task.id}/complete`).send({}).expect(200);
      expect(done.body).toMatchObject({ status: 'done', completedBy: 'admin-user', version: 2 });
      expect(Date.parse(done.body.completedAt)).toBeGreaterThan(Date.now() - 60_000);
      // Completing a done task changes nothing.
      expect((await a.member.post(`/api/v1/activities/${task.id}/complete`).send({}).expect(200)).body.version).toBe(2);
      expectProblem(await a.member.post(`/api/v1/activities/${task.id}/reopen`).set('If-Match', '"1"').send({}), 412);
      expect(done.body).toMatchObject({ reopenedAt: null, reopenedBy: null });
      const reopenedFrom = Date.now();
      const open = await a.member.post(`/api/v1/activities/${task.id}/reopen`).send({}).expect(200);
      expect(open.body).toMatchObject({
        status: 'open',
        completedAt: null,
        completedBy: null,
        reopenedBy: 'member-user',
        version: 3,
      });
      expect(Date.parse(open.body.reopenedAt)).toBeGreaterThanOrEqual(reopenedFrom - 1000);
      // Completed again: the completion is recorded, the last reopening stays.
      const again = await a.admin.post(`/api/v1/activities/${task.id}/complete`).send({}).expect(200);
      expect(again.body).toMatchObject({ status: 'done', completedBy: 'admin-user', reopenedBy: 'member-user' });
      expect(again.body.reopenedAt).toBe(open.body.reopenedAt);
      const note = (await log({ type: 'note', subject: 'n', customerId: id }).expect(201)).body;
      expectProblem(await a.member.post(`/api/v1/activities/${note.id}/complete`).send({}), 409, 'activity.not_a_task');
      expectProblem(await a.viewer.post(`/api/v1/activities/${task.id}/complete`).send({}), 403);
    });

    it('overdue=true lists open tasks past due: not future ones, not done ones, never a task without dueAt', async () => {
      const id = await customer();
      const user = `rep-${Date.now()}`;
      const mk = async (subject: string, extra: Record<string, unknown>) =>
        (await log({ type: 'task', subject, customerId: id, assignedTo: user, ...extra }).expect(201)).body as Activity;
      const late = await mk('late', { dueAt: iso(-HOUR) });
      const lateDone = await mk('late but done', { dueAt: iso(-2 * HOUR) });
      await a.member.post(`/api/v1/activities/${lateDone.id}/complete`).send({}).expect(200);
      const future = await mk('future', { dueAt: iso(HOUR) });
      const undated = await mk('no due date', {});
      expect(undated.dueAt).toBeNull();

      const overdue = await listAll(`assignedTo=${user}&overdue=true`);
      expect(overdue.map((x) => x.id)).toEqual([late.id]);
      const mine = await listAll(`assignedTo=${user}&status=open`);
      expect(mine.map((x) => x.id).sort()).toEqual([late.id, future.id, undated.id].sort());
      const dueSoon = await listAll(`assignedTo=${user}&dueBefore=${encodeURIComponent(iso(2 * HOUR))}`);
      expect(dueSoon.map((x) => x.id).sort()).toEqual([late.id, lateDone.id, future.id].sort());
      expect(await listAll(`assignedTo=${user}&overdue=true&status=done`)).toEqual([]);
      expect((await listAll(`assignedTo=${user}&status=done`)).map((x) => x.id)).toEqual([lateDone.id]);
    });
  });

  describe('lists', () => {
    it('newest first by occurredAt, keyset-paged without repeats or gaps, filtered by type and target', async () => {
      const id = await customer();
      const made: string[] = [];
      for (let i = 0; i < 7; i++) {
        const type = i % 2 ? 'call' : 'email';
        const at = new Date(Date.UTC(2026, 0, 1 + (i % 3))).toISOString(); // ties on purpose
        made.push((await log({ type, subject: `s${i}`, customerId: id, occurredAt: at }).expect(201)).body.id);
      }
      const seen: Activity[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { data: Activity[]; nextCursor: string | null } } = await a.viewer
          .get(`/api/v1/activities?customerId=${id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        seen.push(...res.body.data);
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.map((x) => x.id).sort()).toEqual([...made].sort());
      const times = seen.map((x) => Date.parse(x.occurredAt));
      expect([...times].sort((p, q) => q - p)).toEqual(times);
      const calls = await listAll(`customerId=${id}&type=call`);
      expect(calls).toHaveLength(3);
      expect(calls.every((c) => c.type === 'call')).toBe(true);
      expect((await listAll(`companyId=${company}&customerId=${id}`)).length).toBe(7);
      const cursorOfCalls = (await a.viewer.get(`/api/v1/activities?customerId=${id}&type=call&limit=1`).expect(200))
        .body.nextCursor;
      expectProblem(
        await a.viewer.get(`/api/v1/activities?customerId=${id}&limit=1&cursor=${cursorOfCalls}`),
        400,
        'request.invalid_cursor',
      );
    });
  });

  describe('the customer timeline and rollups', () => {
    it('activities join the timeline with status changes, filterable by kind', async () => {
      const id = await customer();
      await a.member.put(`/api/v1/customers/${id}/status`).send({ status: 'inactive' }).expect(200);
      const call = (await log({ type: 'call', subject: 'Checked in', customerId: id }).expect(201)).body;
      const task = (await log({ type: 'task', subject: 'Renewal', customerId: id }).expect(201)).body;
      const res = await a.viewer.get(`/api/v1/customers/${id}/timeline`).expect(200);
      expect(res.body.data.map((e: { kind: string }) => e.kind)).toEqual(['activity', 'activity', 'status_change']);
      expect(res.body.data[0]).toMatchObject({
        kind: 'activity',
        actor: 'member-user',
        summary: 'Task (open): Renewal',
        ref: { type: 'activity', id: task.id },
      });
      expect(res.body.data[1]).toMatchObject({ summary: 'Call: Checked in', ref: { type: 'activity', id: call.id } });
      const only = await a.viewer.get(`/api/v1/customers/${id}/timeline?types=activity&limit=1`).expect(200);
      expect(only.body.data).toHaveLength(1);
      const next = await a.viewer
        .get(`/api/v1/customers/${id}/timeline?types=activity&limit=1&cursor=${only.body.nextCursor}`)
        .expect(200);
      expect(next.body.data[0].ref.id).toBe(call.id);
      await a.member.delete(`/api/v1/activities/${call.id}`).expect(204);
      const after = await a.viewer.get(`/api/v1/customers/${id}/timeline?types=activity`).expect(200);
      expect(after.body.data.map((e: { ref: { id: string } }) => e.ref.id)).toEqual([task.id]);
    });

    it('lastActivityAt and openTasks follow the activities without bumping the customer version', async () => {
      const id = await customer();
      const fresh = await a.viewer.get(`/api/v1/customers/${id}`).expect(200);
      expect(fresh.body).toMatchObject({ lastActivityAt: null, openTasks: 0, version: 1 });
      await log({ type: 'meeting', subject: 'm', customerId: id, occurredAt: '2026-02-01T00:00:00.000Z' }).expect(201);
      const task = (await log({ type: 'task', subject: 't', customerId: id }).expect(201)).body;
      let c = (await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body;
      // The open task is not "activity" yet: the meeting is the latest thing that happened.
      expect(c).toMatchObject({ lastActivityAt: '2026-02-01T00:00:00.000Z', openTasks: 1, version: 1 });
      // A client holding the customer's ETag from before the activities can still write.
      await a.member.patch(`/api/v1/customers/${id}`).set('If-Match', '"1"').send({ notes: 'still mine' }).expect(200);
      await a.member.post(`/api/v1/activities/${task.id}/complete`).send({}).expect(200);
      c = (await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body;
      expect(c.openTasks).toBe(0);
      expect(c.lastActivityAt).toBe(task.occurredAt);
      await a.member.delete(`/api/v1/activities/${task.id}`).expect(204);
      c = (await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body;
      expect(c).toMatchObject({ lastActivityAt: '2026-02-01T00:00:00.000Z', openTasks: 0, version: 2 });
    });

    it('stay right under a concurrent burst of creates, completions, reopens and deletes (a recount agrees)', async () => {
      const id = await customer('Burst Co');
      const seeded: Activity[] = [];
      for (let i = 0; i < 6; i++) {
        // seed 0 is dated after everything the burst logs: it counts once the burst completes it.
        const occurredAt = i === 0 ? iso(90 * 60_000) : undefined;
        seeded.push((await log({ type: 'task', subject: `seed ${i}`, customerId: id, occurredAt }).expect(201)).body);
      }
      await a.member.post(`/api/v1/activities/${seeded[5].id}/complete`).send({}).expect(200);
      // The newest note of all (deleted in the burst) and the next newest (back-dated in the burst).
      const dated = async (type: string, subject: string, occurredAt: string) =>
        (await log({ type, subject, customerId: id, occurredAt }).expect(201)).body as Activity;
      const newest = await dated('note', 'newest', iso(3 * HOUR));
      const nextNewest = await dated('call', 'next newest', iso(2 * HOUR));
      const before = (await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body;
      expect(before).toMatchObject({ lastActivityAt: newest.occurredAt, openTasks: 5 });

      const writes: Array<Promise<unknown>> = [];
      for (let i = 0; i < 12; i++) {
        const type = i % 3 ? 'task' : 'note';
        writes.push(log({ type, subject: `burst ${i}`, customerId: id, occurredAt: iso(-i * 1000) }));
      }
      writes.push(a.member.post(`/api/v1/activities/${seeded[0].id}/complete`).send({}));
      writes.push(a.member.post(`/api/v1/activities/${seeded[1].id}/complete`).send({}));
      writes.push(a.member.delete(`/api/v1/activities/${seeded[2].id}`));
      writes.push(a.member.delete(`/api/v1/activities/${seeded[3].id}`));
      writes.push(a.member.patch(`/api/v1/activities/${seeded[4].id}`).send({ occurredAt: iso(HOUR) }));
      writes.push(a.member.post(`/api/v1/activities/${seeded[5].id}/reopen`).send({}));
      writes.push(a.member.delete(`/api/v1/activities/${newest.id}`));
      writes.push(a.member.patch(`/api/v1/activities/${nextNewest.id}`).send({ occurredAt: iso(-5 * HOUR) }));
      const results = (await Promise.all(writes)) as Array<{ status: number }>;
      expect(results.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);

      const live = await listAll(`customerId=${id}`);
      expect(live.map((x) => x.id)).not.toContain(newest.id);
      const openTasks = live.filter((x) => x.type === 'task' && x.status === 'open').length;
      const happened = live.filter((x) => x.status !== 'open').map((x) => Date.parse(x.occurredAt));
      const recount = new Date(Math.max(...happened)).toISOString();
      const c = (await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body;
      expect(openTasks).toBe(6 - 1 - 2 - 2 + 1 + 8);
      // Neither the deleted newest note, nor the back-dated one at its old date, nor the burst's newest note:
      // the task the burst completed, dated after everything else still there.
      expect(recount).toBe(seeded[0].occurredAt);
      expect({ openTasks: c.openTasks, lastActivityAt: c.lastActivityAt }).toEqual({
        openTasks,
        lastActivityAt: recount,
      });
    });
  });

  describe('purge', () => {
    it('erasing a customer for good removes its activities', async () => {
      const id = await customer();
      const note = (await log({ type: 'note', subject: 'to be purged', customerId: id }).expect(201)).body;
      await t.app.get(TenantRunner).runInTenant(a.slug, () => t.app.get(CustomerService).erase(id));
      const other = await customer();
      await log({ type: 'note', subject: 'kept', customerId: other }).expect(201);
      expectProblem(await a.admin.get(`/api/v1/activities/${note.id}`), 404, 'activity.not_found');
      const all = await listAll('');
      expect(all.some((x) => x.id === note.id)).toBe(false);
      expect(all.some((x) => x.subject === 'kept')).toBe(true);
    });
  });
});
