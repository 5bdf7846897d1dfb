import { Types } from 'mongoose';
import { TenantRunner } from '@app/tenancy';
import { CustomerDomainEvent, CustomerEventName } from '../src/modules/customer/events/customer.events';
import { RealtimeEventLog } from '../src/modules/realtime/realtime-event-log.service';
import { newTenant, startTestApp, tenantDatabase, type TestApp } from './support/test-app';

/**
 * The relay logs a company's queued events in one round (appendMany): one seq allocation, one insert.
 * Another instance may hold a seq the counter hands out again (FerretDB's `$inc` is not atomic): the
 * round keeps what it stored and draws again for the rest, and nothing is logged twice.
 */
describe('RealtimeEventLog.appendMany', () => {
  let t: TestApp;
  let slug: string;

  beforeAll(async () => {
    t = await startTestApp();
    slug = (await newTenant(t, 'rtlog')).slug;
  });
  afterAll(() => t.close());

  const companyId = () => new Types.ObjectId().toHexString();
  const event = (company: string, customerId: string) =>
    new CustomerDomainEvent(
      CustomerEventName.UPDATED,
      slug,
      company,
      customerId,
      'u1',
      new Date(),
      { id: customerId, companyId: company },
      {},
    );
  const append = (events: CustomerDomainEvent[]) =>
    t.app.get(TenantRunner).runInTenant(slug, () => t.app.get(RealtimeEventLog).appendMany(events));
  const logged = (company: string) =>
    tenantDatabase(t, slug)
      .collection<{ seq: number; payload: string }>('realtime_events')
      .find({ companyId: company })
      .sort({ seq: 1 })
      .toArray();

  it('gives a round of events consecutive seqs in their order, after those logged before', async () => {
    const company = companyId();
    await append([event(company, 'c0')]);

    const payloads = await append(['c1', 'c2', 'c3'].map((id) => event(company, id)));

    expect(payloads.map((p) => [p.customerId, p.seq])).toEqual([
      ['c1', 2],
      ['c2', 3],
      ['c3', 4],
    ]);
    expect((await logged(company)).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps the events stored before a seq another instance took, and draws new seqs for the rest', async () => {
    const company = companyId();
    // Another instance logged seq 2 without the counter showing it.
    await tenantDatabase(t, slug)
      .collection('realtime_events')
      .insertOne({ companyId: company, seq: 2, event: 'customer.updated', payload: '{"other":true}', at: new Date() });

    const payloads = await append(['c1', 'c2', 'c3'].map((id) => event(company, id)));

    expect(payloads.map((p) => [p.customerId, p.seq])).toEqual([
      ['c1', 1],
      ['c2', 4],
      ['c3', 5],
    ]);
    const rows = await logged(company);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 4, 5]);
    const customerIds = rows.map((r) => (JSON.parse(r.payload) as { customerId?: string }).customerId ?? 'other');
    expect(customerIds).toEqual(['c1', 'other', 'c2', 'c3']);
  });
});
