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
import { ActivityService } from '../src/modules/activity';
import { LeadConversionService } from '../src/modules/lead/lead-conversion.service';
import { expectProblem, newCompany, newTenant, startTestApp, TenantFixture, TestApp } from './support/test-app';

interface Activity {
  id: string;
  type: string;
  target: { type: string; id: string };
  customerId: string | null;
  leadId: string | null;
  occurredAt: string;
  version: number;
}

/** Lead activities follow the lead into its customer, inside the same idempotent, crash-safe conversion. */
describe('Activities through lead conversion, and their events', () => {
  let t: TestApp;
  let a: TenantFixture;
  let company: string;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'acl');
    company = await newCompany(a);
  });
  afterAll(() => t.close());

  async function leadWithActivities(n = 3): Promise<{ lead: string; activities: Activity[] }> {
    const lead = (await a.member.post('/api/v1/leads').send({ companyId: company, name: 'Prospect' }).expect(201)).body
      .id as string;
    const activities: Activity[] = [];
    for (let i = 0; i < n; i++) {
      const type = i === 0 ? 'task' : 'note';
      const res = await a.member.post('/api/v1/activities').send({ type, subject: `on lead ${i}`, leadId: lead });
      expect(res.status).toBe(201);
      activities.push(res.body);
    }
    return { lead, activities };
  }
  const activitiesOf = async (query: string) =>
    (await a.viewer.get(`/api/v1/activities?${query}&limit=100`).expect(200)).body.data as Activity[];

  it('converting a lead re-points its activities to the customer: timeline and rollups include them', async () => {
    const { lead, activities } = await leadWithActivities(3);
    expect(activities[0]).toMatchObject({ leadId: lead, customerId: null, target: { type: 'lead', id: lead } });
    expect(await activitiesOf(`leadId=${lead}`)).toHaveLength(3);
    const deleted = activities[2];
    await a.member.delete(`/api/v1/activities/${deleted.id}`).expect(204);

    const res = await a.member.post(`/api/v1/leads/${lead}/convert`).send({}).expect(201);
    const customerId = res.body.customer.id as string;

    const moved = await activitiesOf(`customerId=${customerId}`);
    expect(moved.map((x) => x.id).sort()).toEqual([activities[0].id, activities[1].id].sort());
    for (const x of moved) {
      expect(x).toMatchObject({ customerId, leadId: null, target: { type: 'customer', id: customerId }, version: 2 });
    }
    expect(await activitiesOf(`leadId=${lead}`)).toEqual([]);
    const customer = (await a.viewer.get(`/api/v1/customers/${customerId}`).expect(200)).body;
    expect(customer).toMatchObject({ openTasks: 1, lastActivityAt: activities[1].occurredAt });
    const timeline = await a.viewer.get(`/api/v1/customers/${customerId}/timeline`).expect(200);
    expect(timeline.body.data.map((e: { kind: string }) => e.kind).sort()).toEqual(
      ['activity', 'activity', 'lead_conversion'].sort(),
    );

    // The converted lead is read-only: no new activities on it.
    expectProblem(
      await a.member.post('/api/v1/activities').send({ type: 'note', subject: 'late', leadId: lead }),
      409,
      'lead.converted_read_only',
    );
  });

  it('a crash after the activities moved, before the lead is marked, is healed by the retry', async () => {
    const { lead, activities } = await leadWithActivities(2);
    const conversion = t.app.get(LeadConversionService);
    const crash = jest.spyOn(conversion, 'markConverted').mockRejectedValueOnce(new Error('process died'));
    expect((await a.member.post(`/api/v1/leads/${lead}/convert`).send({})).status).toBe(500);
    crash.mockRestore();
    expect((await a.viewer.get(`/api/v1/leads/${lead}`).expect(200)).body.status).not.toBe('converted');
    const retry = await a.member.post(`/api/v1/leads/${lead}/convert`).send({}).expect(201);
    const moved = await activitiesOf(`customerId=${retry.body.customer.id}`);
    expect(moved.map((x) => x.id).sort()).toEqual(activities.map((x) => x.id).sort());
    // Moved once: the retry found nothing left on the lead.
    expect(moved.every((x) => x.version === 2)).toBe(true);
  });

  it('a crash half-way through moving the activities is finished by the retry', async () => {
    const { lead, activities } = await leadWithActivities(4);
    const records = t.app.get(ActivityService).records;
    const real = records.mutate.bind(records);
    let calls = 0;
    const crash = jest.spyOn(records, 'mutate').mockImplementation((...args) => {
      calls += 1;
      if (calls === 3) return Promise.reject(new Error('process died'));
      return real(...args);
    });
    expect((await a.member.post(`/api/v1/leads/${lead}/convert`).send({})).status).toBe(500);
    crash.mockRestore();
    expect(await activitiesOf(`leadId=${lead}`)).toHaveLength(2);
    const retry = await a.member.post(`/api/v1/leads/${lead}/convert`).send({}).expect(201);
    const customerId = retry.body.customer.id as string;
    const moved = await activitiesOf(`customerId=${customerId}`);
    expect(moved.map((x) => x.id).sort()).toEqual(activities.map((x) => x.id).sort());
    expect((await a.viewer.get(`/api/v1/customers/${customerId}`).expect(200)).body.openTasks).toBe(1);
  });

  it('concurrent conversions and activity writes on the lead: every activity ends on the one customer', async () => {
    const { lead } = await leadWithActivities(1);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => a.member.post(`/api/v1/leads/${lead}/convert`).send({})),
      ...Array.from({ length: 5 }, (_, i) =>
        a.member.post('/api/v1/activities').send({ type: 'task', subject: `race ${i}`, leadId: lead }),
      ),
    ]);
    const converts = results.slice(0, 5).map((r) => r.status);
    const logs = results.slice(5).map((r) => r.status);
    expect(converts.filter((s) => s === 201)).toHaveLength(1);
    expect(converts.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
    expect(logs.every((s) => s === 201 || s === 409)).toBe(true);
    const created = logs.filter((s) => s === 201).length;
    expect(await activitiesOf(`leadId=${lead}`)).toEqual([]);
    const onCustomer = await activitiesOf(`customerId=${lead}`);
    expect(onCustomer).toHaveLength(1 + created);
    const customer = (await a.viewer.get(`/api/v1/customers/${lead}`).expect(200)).body;
    expect(customer.openTasks).toBe(onCustomer.filter((x) => x.type === 'task').length);
  });

  describe('events in the company room', () => {
    let socket: RealtimeSocket;
    let received: ReceivedEvent<Record<string, unknown>>[];
    beforeAll(async () => {
      socket = await connectRealtime(t.url, a.token(Role.VIEWER));
      const ack = await request<{ ok: boolean }>(socket, 'subscribe', { companyId: company });
      expect(ack.ok).toBe(true);
      received = recordEvents<Record<string, unknown>>(socket, (event) => event.startsWith('activity.'));
    });
    afterAll(() => closeAll([socket]));

    it('activity.created|updated|completed|reopened|deleted carry tenant, company, target and actor', async () => {
      const customerId = (
        await a.member.post('/api/v1/customers').send({ companyId: company, name: 'Evented' }).expect(201)
      ).body.id;
      const task = (
        await a.member.post('/api/v1/activities').send({ type: 'task', subject: 'evented', customerId }).expect(201)
      ).body;
      await a.member.patch(`/api/v1/activities/${task.id}`).send({ subject: 'renamed' }).expect(200);
      await a.admin.post(`/api/v1/activities/${task.id}/complete`).send({}).expect(200);
      await a.member.post(`/api/v1/activities/${task.id}/reopen`).send({}).expect(200);
      await a.member.delete(`/api/v1/activities/${task.id}`).expect(204);
      await waitFor(() => received.filter((r) => r.data.activityId === task.id).length >= 5);
      const mine = received.filter((r) => r.data.activityId === task.id);
      expect(mine.map((r) => r.event)).toEqual([
        'activity.created',
        'activity.updated',
        'activity.completed',
        'activity.reopened',
        'activity.deleted',
      ]);
      for (const r of mine) {
        expect(r.data).toMatchObject({
          tenantId: a.slug,
          companyId: company,
          activityId: task.id,
          target: { type: 'customer', id: customerId },
          actor: expect.stringMatching(/^(member|admin)-user$/),
          at: expect.any(String),
        });
      }
      expect(mine[1].data.changes).toEqual({ subject: { from: 'evented', to: 'renamed' } });
      expect(mine[2].data.actor).toBe('admin-user');
    });
  });
});
