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
import { newCompany, newTenant, startTestApp, type TenantFixture, type TestApp } from './support/test-app';

interface Payload {
  companyId: string;
  opportunityId: string;
  customerId: string;
  opportunity: { id: string; stage: string; status: string };
  changes: Record<string, { from: unknown; to: unknown }>;
  actor: string;
}

/** Every deal write reaches the company room as its opportunity.* event; another company's room hears none. */
describe('Realtime opportunity events', () => {
  let t: TestApp;
  let a: TenantFixture;
  let company: string;
  let otherCompany: string;
  let socket: RealtimeSocket;
  let other: RealtimeSocket;
  let received: ReceivedEvent<Payload>[];
  let elsewhere: ReceivedEvent<Payload>[];

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'rto');
    company = await newCompany(a);
    otherCompany = await newCompany(a);
    socket = await connectRealtime(t.url, a.token(Role.VIEWER));
    other = await connectRealtime(t.url, a.token(Role.VIEWER));
    await request(socket, 'subscribe', { companyId: company });
    await request(other, 'subscribe', { companyId: otherCompany });
    received = recordEvents<Payload>(socket, (event) => event.startsWith('opportunity.'));
    elsewhere = recordEvents<Payload>(other, (event) => event.startsWith('opportunity.'));
  });
  afterAll(async () => {
    closeAll([socket, other]);
    await t.close();
  });

  it('created, updated, stage_changed, won, reopened, lost, deleted, in order, with the deal after each', async () => {
    const c = (await a.member.post('/api/v1/customers').send({ companyId: company, name: 'Live' }).expect(201)).body;
    const d = (
      await a.member.post('/api/v1/opportunities').send({ customerId: c.id, name: 'Live deal', amount: 5 }).expect(201)
    ).body;
    const base = `/api/v1/opportunities/${d.id}`;
    await a.member.patch(base).send({ amount: 6 }).expect(200);
    await a.member.put(`${base}/stage`).send({ stage: 'proposal' }).expect(200);
    await a.member.post(`${base}/won`).send({}).expect(200);
    await a.member.post(`${base}/reopen`).send({}).expect(200);
    await a.member.post(`${base}/lost`).send({ reason: 'no budget' }).expect(200);
    await a.member.delete(base).expect(204);
    await waitFor(() => received.length >= 7);
    expect(received.map((r) => r.event)).toEqual([
      'opportunity.created',
      'opportunity.updated',
      'opportunity.stage_changed',
      'opportunity.won',
      'opportunity.reopened',
      'opportunity.lost',
      'opportunity.deleted',
    ]);
    for (const r of received)
      expect(r.data).toMatchObject({ companyId: company, opportunityId: d.id, customerId: c.id });
    expect(received[2].data.changes.stage).toEqual({ from: 'qualification', to: 'proposal' });
    expect(received[3].data.opportunity).toMatchObject({ status: 'won', stage: 'won' });
    expect(elsewhere).toEqual([]);
  });
});
