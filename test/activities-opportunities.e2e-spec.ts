import { Role } from '@app/common';
import { DiscoveryService } from '@nestjs/core';
import { discover, systemPrincipal, TenantRunner } from '@app/tenancy';
import {
  type CustomerMergeParticipant,
  CustomerMergeParticipantProvider,
  CustomerService,
} from '../src/modules/customer';
import { as, expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Activity {
  id: string;
  type: string;
  subject: string;
  companyId: string;
  target: { type: string; id: string };
  customerId: string | null;
  opportunityId: string | null;
  leadId: string | null;
  status: string | null;
  occurredAt: string;
  completedBy: string | null;
  version: number;
}

const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Activities on deals: the Opportunity target, its rules, and what it feeds on the deal's customer. */
describe('Activities on opportunities', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let company: string;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([newTenant(t, 'aoa'), newTenant(t, 'aob')]);
    company = await newCompany(a);
  });
  afterAll(() => t.close());

  async function customer(name = 'Deal Co', tenant = a, companyId = company): Promise<string> {
    return (await tenant.member.post('/api/v1/customers').send({ companyId, name }).expect(201)).body.id as string;
  }
  async function deal(customerId: string, tenant = a): Promise<string> {
    const res = await tenant.member.post('/api/v1/opportunities').send({ customerId, name: 'Renewal', amount: 1200 });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const log = (body: Record<string, unknown>, client = a.member) => client.post('/api/v1/activities').send(body);
  const ids = (rows: Activity[]) => rows.map((x) => x.id);
  const listed = async (query: string, client = a.viewer) =>
    ids((await client.get(`/api/v1/activities?${query}&limit=100`).expect(200)).body.data as Activity[]);
  const customerOf = async (id: string) => (await a.viewer.get(`/api/v1/customers/${id}`).expect(200)).body;

  it('a task on a deal: create, list by deal and by customer, update, complete and reopen', async () => {
    const cust = await customer();
    const opp = await deal(cust);
    const note = (await log({ type: 'note', subject: 'On the customer', customerId: cust }).expect(201)).body;

    const created = await log({ type: 'task', subject: 'Send the quote', opportunityId: opp, dueAt: iso(HOUR) });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/activities/${created.body.id}`);
    const task = created.body as Activity;
    expect(task).toMatchObject({
      type: 'task',
      companyId: company,
      target: { type: 'opportunity', id: opp },
      opportunityId: opp,
      // Filed under the deal's customer (what `customerId=` lists and the rollups count).
      customerId: cust,
      leadId: null,
      status: 'open',
      version: 1,
    });

    expect(await listed(`opportunityId=${opp}`)).toEqual([task.id]);
    // The customer's list holds its deals' activities too (newest first: the task was logged last).
    expect(await listed(`customerId=${cust}`)).toEqual([task.id, note.id]);
    expect(await listed(`opportunityId=${opp}&status=open&type=task`)).toEqual([task.id]);

    const renamed = await a.member
      .patch(`/api/v1/activities/${task.id}`)
      .set('If-Match', '"1"')
      .send({ subject: 'Send the revised quote' })
      .expect(200);
    expect(renamed.body).toMatchObject({ subject: 'Send the revised quote', version: 2, opportunityId: opp });
    expectProblem(
      await a.member.patch(`/api/v1/activities/${task.id}`).set('If-Match', '"1"').send({ subject: 'stale' }),
      412,
    );

    // The open task on the deal is work owed to the customer: it counts in the customer's openTasks.
    expect(await customerOf(cust)).toMatchObject({ openTasks: 1, lastActivityAt: note.occurredAt });
    const done = await a.member.post(`/api/v1/activities/${task.id}/complete`).send({}).expect(200);
    expect(done.body).toMatchObject({ status: 'done', completedBy: 'member-user' });
    expect(await listed(`opportunityId=${opp}&status=done`)).toEqual([task.id]);
    // Done, it is something that happened with the customer: lastActivityAt moves to it.
    expect(await customerOf(cust)).toMatchObject({ openTasks: 0, lastActivityAt: task.occurredAt });
    await a.member.post(`/api/v1/activities/${task.id}/reopen`).send({}).expect(200);
    expect(await customerOf(cust)).toMatchObject({ openTasks: 1, lastActivityAt: note.occurredAt });
  });

  it("a call on a deal raises the customer's lastActivityAt and joins the customer's timeline beside the deal's stages", async () => {
    const cust = await customer();
    const opp = await deal(cust);
    const at = '2026-03-01T10:00:00.000Z';
    const call = (await log({ type: 'call', subject: 'Pricing call', opportunityId: opp, occurredAt: at }).expect(201))
      .body;
    expect((await customerOf(cust)).lastActivityAt).toBe(at);
    const timeline = (await a.viewer.get(`/api/v1/customers/${cust}/timeline`).expect(200)).body.data as Array<{
      kind: string;
      summary: string;
      ref: { type: string; id: string };
    }>;
    expect(timeline.map((e) => e.kind).sort()).toEqual(['activity', 'opportunity_stage']);
    expect(timeline.find((e) => e.kind === 'activity')).toMatchObject({
      summary: 'Call: Pricing call',
      ref: { type: 'activity', id: call.id },
    });
  });

  it('a closed deal still takes activities; a deleted one answers 404 and its activities stay with the customer', async () => {
    const cust = await customer();
    const opp = await deal(cust);
    const task = (await log({ type: 'task', subject: 'Chase', opportunityId: opp }).expect(201)).body;
    await a.member.post(`/api/v1/opportunities/${opp}/lost`).send({ reason: 'budget' }).expect(200);
    await log({ type: 'note', subject: 'Post-mortem', opportunityId: opp }).expect(201);
    await a.member.delete(`/api/v1/opportunities/${opp}`).expect(204);

    expectProblem(await log({ type: 'note', subject: 'late', opportunityId: opp }), 404, 'opportunity.not_found');
    expectProblem(await a.viewer.get(`/api/v1/activities?opportunityId=${opp}`), 404, 'opportunity.not_found');
    // Still the customer's history, and the open task is still owed.
    expect(await listed(`customerId=${cust}`)).toHaveLength(2);
    expect((await customerOf(cust)).openTasks).toBe(1);
    await a.member.post(`/api/v1/activities/${task.id}/complete`).send({}).expect(200);
    expect((await customerOf(cust)).openTasks).toBe(0);
  });

  it("a deal of a deleted customer, another tenant's deal, a missing one or one outside the caller's companies: 404", async () => {
    const missing = '665f1c2e8b3e4a1d2c3b4a59';
    expectProblem(await log({ type: 'note', subject: 'x', opportunityId: missing }), 404, 'opportunity.not_found');

    const theirs = await deal(await customer('B Co', b, await newCompany(b)), b);
    const cross = await log({ type: 'note', subject: 'x', opportunityId: theirs });
    expectProblem(cross, 404, 'opportunity.not_found');
    expect(cross.body.detail).toBe(`Opportunity ${theirs} was not found.`);
    expectProblem(await a.viewer.get(`/api/v1/activities?opportunityId=${theirs}`), 404, 'opportunity.not_found');
    expect(await listed(`opportunityId=${theirs}`, b.viewer)).toEqual([]);

    const cust = await customer();
    const opp = await deal(cust);
    const secret = (await log({ type: 'note', subject: 'secret', opportunityId: opp }).expect(201)).body;
    expectProblem(
      await log({ type: 'note', subject: 'x', opportunityId: opp }, b.member),
      404,
      'opportunity.not_found',
    );
    expectProblem(await b.viewer.get(`/api/v1/activities?opportunityId=${opp}`), 404, 'opportunity.not_found');
    expectProblem(await b.viewer.get(`/api/v1/activities/${secret.id}`), 404, 'activity.not_found');

    const limited = as(t, a.token(Role.ADMIN, { companies: [await newCompany(a)] }));
    expectProblem(
      await limited.post('/api/v1/activities').send({ type: 'note', subject: 'x', opportunityId: opp }),
      404,
    );
    expectProblem(await limited.get(`/api/v1/activities?opportunityId=${opp}`), 404, 'opportunity.not_found');

    // A closed deal stays with its soft-deleted customer; no activity is filed under either.
    await a.member.post(`/api/v1/opportunities/${opp}/lost`).send({ reason: 'gone' }).expect(200);
    await a.admin.delete(`/api/v1/customers/${cust}`).expect(204);
    expectProblem(await log({ type: 'note', subject: 'x', opportunityId: opp }), 404, 'opportunity.not_found');
  });

  it('bad ids and ambiguous targets are 400, never a 500', async () => {
    const cust = await customer();
    const opp = await deal(cust);
    for (const opportunityId of [
      'not-an-id',
      '665f1c2e8b3e4a1d2c3b4a5',
      { $ne: null },
      ['665f1c2e8b3e4a1d2c3b4a59'],
      7,
    ]) {
      expectProblem(await log({ type: 'note', subject: 'x', opportunityId }), 400);
    }
    expectProblem(
      await log({ type: 'note', subject: 'x', opportunityId: opp, customerId: cust }),
      400,
      'activity.target_required',
    );
    expectProblem(await a.viewer.get('/api/v1/activities?opportunityId=nope'), 400);
    expectProblem(await a.viewer.get('/api/v1/activities?opportunityId[$ne]=x'), 400);
    const note = (await log({ type: 'note', subject: 'x', opportunityId: opp }).expect(201)).body;
    expectProblem(await a.member.patch(`/api/v1/activities/${note.id}`).send({ opportunityId: opp }), 400);
  });

  it("a customer merge files the source's activities (its own and its deals') under the survivor", async () => {
    const source = await customer('Dup Co');
    const survivor = await customer('Dup Co Ltd');
    const opp = await deal(source);
    const note = (await log({ type: 'note', subject: 'On the source', customerId: source }).expect(201)).body;
    const task = (await log({ type: 'task', subject: 'On its deal', opportunityId: opp }).expect(201)).body;
    const [participant] = discover<CustomerMergeParticipant>(
      t.app.get(DiscoveryService),
      CustomerMergeParticipantProvider,
    ).filter((p) => p.name === 'activities');
    const merge = () =>
      t.app
        .get(TenantRunner)
        .runInTenant(a.slug, () => participant.repoint([source], survivor), systemPrincipal(a.slug));
    expect(await merge()).toBe(2);
    // Idempotent: a retried merge finds nothing left to move.
    expect(await merge()).toBe(0);
    const moved = (await a.viewer.get(`/api/v1/activities/${note.id}`).expect(200)).body;
    expect(moved).toMatchObject({ target: { type: 'customer', id: survivor }, customerId: survivor, version: 2 });
    const onDeal = (await a.viewer.get(`/api/v1/activities/${task.id}`).expect(200)).body;
    expect(onDeal).toMatchObject({ target: { type: 'opportunity', id: opp }, customerId: survivor });
    expect((await listed(`customerId=${survivor}`)).sort()).toEqual([note.id, task.id].sort());
    expect(await listed(`customerId=${source}`)).toEqual([]);
    expect(await customerOf(survivor)).toMatchObject({ openTasks: 1, lastActivityAt: note.occurredAt });
    expect(await customerOf(source)).toMatchObject({ openTasks: 0, lastActivityAt: null });
  });

  it('activities logged on a deal while its customer is merged all end up under the survivor', async () => {
    const source = await customer('Racing Co');
    const survivor = await customer('Racing Co Ltd');
    const opp = await deal(source);
    // Logged while the merge runs: each lands before it (and is moved) or after (under the moved deal's survivor).
    const logs = Array.from({ length: 12 }, (_, i) =>
      log({ type: 'note', subject: `racing ${i}`, opportunityId: opp }),
    );
    const merged = a.member.post(`/api/v1/customers/${survivor}/merge`).send({ sourceIds: [source] });
    const [mergeRes, ...logged] = await Promise.all([merged, ...logs]);
    expect(mergeRes.status).toBe(200);
    const notes = logged.map((r) => {
      expect(r.status).toBe(201);
      return r.body as Activity;
    });
    expect((await a.viewer.get(`/api/v1/opportunities/${opp}`).expect(200)).body.customerId).toBe(survivor);
    const stored = await Promise.all(
      notes.map(async (n) => (await a.viewer.get(`/api/v1/activities/${n.id}`).expect(200)).body as Activity),
    );
    expect(stored.map((n) => n.customerId)).toEqual(notes.map(() => survivor));
    expect((await listed(`customerId=${survivor}`)).sort()).toEqual(ids(notes).sort());
    expect(await customerOf(survivor)).toMatchObject({ lastActivityAt: expect.any(String) });
  });

  it("purging the customer erases its deals' activities with it", async () => {
    const cust = await customer();
    const opp = await deal(cust);
    const onDeal = (await log({ type: 'task', subject: 'to be purged', opportunityId: opp }).expect(201)).body;
    const other = await customer();
    const kept = (await log({ type: 'note', subject: 'kept', opportunityId: await deal(other) }).expect(201)).body;
    await t.app.get(TenantRunner).runInTenant(a.slug, () => t.app.get(CustomerService).erase(cust));
    expectProblem(await a.admin.get(`/api/v1/activities/${onDeal.id}`), 404, 'activity.not_found');
    expect(await listed(`companyId=${company}`)).not.toContain(onDeal.id);
    await a.admin.get(`/api/v1/activities/${kept.id}`).expect(200);
  });
});
